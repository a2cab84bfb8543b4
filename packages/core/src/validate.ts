/**
 * Input checks shared by every index. Each throws an {@link AnnlabError} whose message names
 * the offending value and says how to fix it; none mutates anything, so an index can run
 * them all before it changes state (a failed `add` leaves the index as it was).
 *
 * @module
 */
import { AnnlabError } from './errors.js';
import { METRICS, SearchStats, type IndexOptions, type KernelBackend, type Metric, type SearchParams } from './types.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

/**
 * Check that `value` is an integer in [min, max].
 * @returns the value, typed as a number.
 */
export function checkInteger(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new AnnlabError('INVALID_PARAMETER', `${name} must be ${range}, got ${describe(value)}.`);
  }
  return value;
}

/**
 * Check that `value` is a finite number in [min, max].
 * @returns the value, typed as a number.
 */
export function checkNumber(name: string, value: unknown, min: number = -Infinity, max: number = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new AnnlabError('INVALID_PARAMETER', `${name} must be a finite number in [${min}, ${max}], got ${describe(value)}.`);
  }
  return value;
}

/** Check an index dimension: an integer ≥ 1. */
export function checkDim(dim: unknown): number {
  return checkInteger('dim', dim, 1, 1 << 20);
}

/** Check `k`, the number of neighbours asked for: an integer ≥ 1. */
export function checkK(k: unknown): number {
  return checkInteger('k', k, 1, 1 << 24);
}

/**
 * The beam (candidate list) width of a graph search: `value` when given (checked: an integer
 * 1 … 2^24, named `name` in messages), else `fallback`; at least `k` either way.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad `value`.
 */
export function checkBeamWidth(name: string, value: unknown, fallback: number, k: number): number {
  const w = value === undefined ? fallback : checkInteger(name, value, 1, 1 << 24);
  return w > k ? w : k;
}

/** Check a seed: any safe integer (negative allowed). */
export function checkSeed(seed: unknown): number {
  return checkInteger('seed', seed, Number.MIN_SAFE_INTEGER);
}

/** Check a metric name, defaulting to `'euclidean'` when undefined. */
export function checkMetric(metric: unknown): Metric {
  if (metric === undefined) return 'euclidean';
  if (typeof metric !== 'string' || !(METRICS as readonly string[]).includes(metric)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `metric must be one of ${METRICS.map((m) => `'${m}'`).join(', ')}, got ${describe(metric)}. ` +
        `(ann-benchmarks' 'angular' is 'cosine'.)`,
    );
  }
  return metric as Metric;
}

/** Check that an options argument is a plain object. */
export function checkOptions(options: unknown, what: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AnnlabError('INVALID_PARAMETER', `${what} expects an options object such as { dim: 128 }, got ${describe(options)}.`);
  }
}

/**
 * Largest magnitude a stored or query component may have. Distances are computed in float32
 * by the SIMD kernels (and reported as float32 by every backend): with |x| ≤ 1e15 a squared
 * distance or a dot product over up to 2^20 dimensions stays below 1e36, inside float32's range
 * (3.4e38); beyond it sums overflow to Infinity and results silently go wrong.
 */
export const MAX_ABS_COMPONENT = 1e15;

/**
 * Smallest largest-magnitude a non-zero row may have. A row whose components are all below
 * 1e-15 in magnitude has squares below 1e-30; differences between such rows underflow
 * float32 (smallest normal 1.2e-38) and every distance reads 0. All-zero rows are allowed.
 */
export const MIN_ROW_SCALE = 1e-15;

/**
 * Check a batch of row-major vectors: a `Float32Array` whose length is a multiple of `dim`,
 * whose values are all finite and inside the range float32 distances can represent
 * (|x| ≤ {@link MAX_ABS_COMPONENT}; a non-zero row has some |x| ≥ {@link MIN_ROW_SCALE}).
 *
 * @param what - how to name the batch in messages (`'vectors'`, `'queries'`).
 * @returns the number of rows.
 */
export function checkVectors(vectors: unknown, dim: number, what: string = 'vectors'): number {
  if (!(vectors instanceof Float32Array)) {
    const hint =
      Array.isArray(vectors) || ArrayBuffer.isView(vectors) ? ' Convert with Float32Array.from(...) (rows concatenated, row-major).' : '';
    throw new AnnlabError('INVALID_PARAMETER', `${what} must be a Float32Array of n × dim values, got ${describe(vectors)}.${hint}`);
  }
  if (vectors.length % dim !== 0) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `${what} has length ${vectors.length}, which is not a multiple of dim = ${dim}. ` +
        `Pass n × ${dim} values, rows concatenated (or build the index with the vectors' dimension).`,
    );
  }
  const bad = firstNonFinite(vectors);
  if (bad >= 0) {
    throw new AnnlabError(
      'NON_FINITE',
      `${what} row ${Math.floor(bad / dim)}, component ${bad % dim} is ${vectors[bad]}; ` +
        `every value must be finite. Remove or impute NaN/Infinity before adding or searching.`,
    );
  }
  checkScale(vectors, dim, what);
  return vectors.length / dim;
}

/** The range check of {@link checkVectors}, on finite values. */
function checkScale(vectors: Float32Array, dim: number, what: string): void {
  const n = vectors.length / dim;
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    let rowMax = 0;
    for (let j = 0; j < dim; j++) {
      const v = vectors[base + j];
      const a = v < 0 ? -v : v;
      if (a > rowMax) rowMax = a;
    }
    if (rowMax > MAX_ABS_COMPONENT || (rowMax > 0 && rowMax < MIN_ROW_SCALE)) {
      throw new AnnlabError(
        'NON_FINITE',
        `${what} row ${i} has largest magnitude ${rowMax}, outside the range float32 distances can represent: ` +
          `values must satisfy |x| ≤ ${MAX_ABS_COMPONENT}, and a non-zero row needs some |x| ≥ ${MIN_ROW_SCALE}. ` +
          `Rescale the data (multiply every vector and query by one constant) so its values lie within [${MIN_ROW_SCALE}, ${MAX_ABS_COMPONENT}].`,
      );
    }
  }
}

/** Index of the first NaN or ±Infinity in `x`, or −1. */
export function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // v - v is NaN for NaN and ±Infinity, 0 otherwise: one test for both.
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Reject unknown keys in an options object, so a typo (`efsearch`) is not silently ignored. */
export function checkKnownKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new AnnlabError('INVALID_PARAMETER', `${what}: unknown option '${key}'. Known options: ${known.join(', ')}.`);
    }
  }
}

/** The options every index constructor shares, checked (see {@link checkIndexOptions}). */
export interface CheckedIndexOptions {
  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by (`'euclidean'` when not given). */
  readonly metric: Metric;
  /** Seed of every random choice (42 when not given). */
  readonly seed: number;
  /** Distance backend as given (`VectorStore` checks it). */
  readonly kernels: KernelBackend | undefined;
}

/**
 * The prologue of every index constructor: `options` must be a plain object with only
 * `knownKeys`; then `dim`, `metric` (default `'euclidean'`) and `seed` (default 42 when
 * undefined; `null` is refused) are checked, in that order. `kernels` is passed through as given.
 *
 * @param what - the class, as named in messages (`'RpForestIndex'`).
 * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
 */
export function checkIndexOptions(options: IndexOptions, knownKeys: readonly string[], what: string): CheckedIndexOptions {
  checkOptions(options, what);
  checkKnownKeys(options, knownKeys, what);
  const dim = checkDim(options.dim);
  const metric = checkMetric(options.metric);
  const seed = options.seed === undefined ? 42 : checkSeed(options.seed);
  return { dim, metric, seed, kernels: options.kernels };
}

/**
 * Check an id argument: an integer in [0, count).
 *
 * @param count - ids assigned so far (the id count, live and deleted).
 * @returns the id, typed as a number.
 */
export function checkId(id: unknown, count: number): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= count) {
    const range = count === 0 ? 'the index holds no ids yet' : `it must be an integer in [0, ${count})`;
    throw new AnnlabError('INVALID_PARAMETER', `id ${describe(id)} is not valid: ${range}.`);
  }
  return id;
}

/**
 * The one validation path for search parameters: `undefined` means none; anything else must
 * be a plain object whose keys are all in `known` (a typo such as `nprob` is refused with the
 * list of known keys), and whose `stats`, when given, is a {@link SearchStats} instance.
 * Each index then checks the ranges of its own knobs.
 *
 * @param what - how to name the call in messages (`'IvfFlatIndex.search params'`).
 * @returns the parameters, typed; `{}` for `undefined`.
 */
export function checkSearchParams<P extends SearchParams>(params: unknown, known: readonly string[], what: string): P {
  if (params === undefined) return {} as P;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what} must be an object such as { ${known.filter((k) => k !== 'stats')[0] ?? 'stats'}: … } or left out, got ${describe(params)}.`,
    );
  }
  checkKnownKeys(params, known, what);
  const stats = (params as SearchParams).stats;
  if (stats !== undefined && !(stats instanceof SearchStats)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what}: stats must be a SearchStats instance (new SearchStats()), got ${describe(stats)}.`,
    );
  }
  return params as P;
}

/**
 * Run a loader step that validates parameters read from a file, turning its
 * `INVALID_PARAMETER` errors into `CORRUPT_DATA` (the bytes, not the caller, are wrong).
 *
 * @param what - the file kind for the message (`'hnsw index file'`).
 */
export function asCorruptData<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof AnnlabError && e.code === 'INVALID_PARAMETER') {
      throw new AnnlabError('CORRUPT_DATA', `${what} has invalid parameters: ${e.message}`, { cause: e });
    }
    throw e;
  }
}
