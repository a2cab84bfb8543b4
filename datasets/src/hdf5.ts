/**
 * ann-benchmarks HDF5 files (Aumüller, Bernhardsson, Faithfull, "ANN-Benchmarks: A
 * Benchmarking Tool for Approximate Nearest Neighbor Algorithms", Information Systems 2020,
 * arXiv:1807.05614), read and written through h5wasm, the HDF5 C library compiled to
 * WebAssembly (no home-made HDF5 parser).
 *
 * Layout, as ann-benchmarks' `write_output` makes it:
 *
 * | object       | shape          | type    | meaning                                      |
 * |--------------|----------------|---------|----------------------------------------------|
 * | `train`      | n × dim        | float   | the base vectors                             |
 * | `test`       | nq × dim       | float   | the queries                                  |
 * | `neighbors`  | nq × k         | int     | true neighbour ids, best first (optional)    |
 * | `distances`  | nq × k         | float   | their distances (optional)                   |
 * | attr `distance` | string      |         | `euclidean` or `angular` (and others)        |
 *
 * `angular` is annlab's `cosine` (1 − cos, the same as ann-benchmarks computes). Large
 * datasets are read in row slices so the WebAssembly heap never holds more than one slice.
 *
 * @module
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnlabError, checkMetric, firstNonFinite, reportedDistance, type Metric } from '@annlab/core';
import { FileHandle, checkRowLimit, fileError, tempPathFor } from './internal/io.js';

type H5 = typeof import('h5wasm/node');
type H5Dataset = import('h5wasm/node').Dataset;

let h5Promise: Promise<H5> | undefined;

/** Load and initialise h5wasm once (its WebAssembly module is only paid for when HDF5 is used). */
async function h5(): Promise<H5> {
  if (h5Promise === undefined) {
    h5Promise = (async () => {
      const mod = await import('h5wasm/node');
      await mod.ready;
      return mod;
    })();
  }
  return h5Promise;
}

/** What {@link readHdf5Dataset} returns. */
export interface Hdf5Contents {
  /** Metric from the `distance` attribute (`angular` → `cosine`). */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** `train`: nBase × dim. */
  base: Float32Array;
  /** `test`: nQueries × dim. */
  queries: Float32Array;
  /** `neighbors`: nQueries × groundTruthK, when present. */
  groundTruth?: Int32Array;
  /** `distances`: nQueries × groundTruthK, when present. */
  distances?: Float32Array;
  /** Columns of `neighbors` (0 when absent). */
  groundTruthK: number;
}

/** Options for {@link readHdf5Dataset}. */
export interface Hdf5ReadOptions {
  /** Read only the first `maxBase` rows of `train`. @defaultValue all */
  maxBase?: number;
  /** Read only the first `maxQueries` rows of `test` (and of `neighbors`/`distances`). @defaultValue all */
  maxQueries?: number;
}

/**
 * Map a metric name as found in HDF5 files (ann-benchmarks and others) to annlab's.
 * `file` names the source in the error for unsupported metrics.
 */
export function metricFromName(name: string, file: string): Metric {
  const n = name.trim().toLowerCase();
  if (n === 'euclidean' || n === 'l2') return 'euclidean';
  if (n === 'angular' || n === 'cosine') return 'cosine';
  if (n === 'inner-product' || n === 'inner_product' || n === 'ip' || n === 'dot' || n === 'mips') return 'inner-product';
  throw new AnnlabError(
    'UNSUPPORTED_OPERATION',
    `${file}: distance '${name}' is not supported; annlab handles euclidean, angular (= cosine) and inner-product. (Binary hamming/jaccard sets are not dense float data.)`,
  );
}

/** The name ann-benchmarks uses for an annlab metric (`cosine` → `angular`). */
export function annBenchmarksMetricName(metric: Metric): string {
  return metric === 'cosine' ? 'angular' : metric;
}

/** Rows per slice when reading a large dataset (about 64 MB of float32 at dim 128). */
function sliceRows(dim: number): number {
  return Math.max(1, Math.floor((64 << 20) / (4 * Math.max(1, dim))));
}

/**
 * Run `fn` with HDF5's error-stack printing (the 30-line `HDF5-DIAG` blocks the library
 * writes to stderr on every failed call) captured into a temporary file instead; `fn` gets
 * a function returning what was captured so far, to name the cause in a one-line error.
 * h5wasm's Node build writes stderr through its emscripten file-system stream 2
 * (NODERAWFS), whose host descriptor is swapped for the call. Without that stream (another
 * h5wasm build) `fn` runs unchanged and the diagnostics stay on stderr.
 */
function withHdf5Diagnostics<T>(mod: H5, fn: (diagnostics: () => string) => T): T {
  const fs = mod.FS as unknown as { getStream?: (fd: number) => { nfd?: unknown } | null } | null;
  const stream = typeof fs?.getStream === 'function' ? fs.getStream(2) : null;
  if (stream === null || stream === undefined || typeof stream.nfd !== 'number') return fn(() => '');
  const log = join(tmpdir(), `annlab-hdf5-${process.pid}-${randomBytes(6).toString('hex')}.log`);
  let fd: number;
  try {
    fd = openSync(log, 'w+');
  } catch {
    return fn(() => '');
  }
  const saved = stream.nfd;
  stream.nfd = fd;
  const diagnostics = (): string => {
    try {
      return readFileSync(log, 'utf8');
    } catch {
      return '';
    }
  };
  try {
    return fn(diagnostics);
  } finally {
    stream.nfd = saved;
    closeSync(fd);
    rmSync(log, { force: true });
  }
}

/**
 * The gist of an HDF5 error stack: the innermost frame's function and message, e.g.
 * `H5FD__sec2_read(): addr overflow` (empty when there is none).
 */
function hdf5ErrorSummary(diagnostics: string): string {
  let last = '';
  for (const m of diagnostics.matchAll(/#\d+: .* in ([A-Za-z0-9_]+\(\)): ([^\n]*)/g)) last = `${m[1]}: ${m[2].trim()}`;
  return last;
}

function readMatrix(
  file: string,
  ds: H5Dataset,
  name: string,
  maxRows: number | undefined,
  kind: 'float' | 'int',
): { rows: number; cols: number; data: Float32Array | Int32Array } {
  const shape = ds.shape;
  if (shape === null || shape.length !== 2) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `${file}: '${name}' must be a 2-D dataset (rows × columns), its shape is ${JSON.stringify(shape)}.`,
    );
  }
  const meta = ds.metadata;
  // h5wasm metadata.type: 0 = integer, 1 = float.
  if (meta.type !== 0 && meta.type !== 1) {
    throw new AnnlabError('WRONG_FORMAT', `${file}: '${name}' must hold numbers, its HDF5 type class is ${meta.type}.`);
  }
  const cols = shape[1];
  const rows = maxRows === undefined ? shape[0] : Math.min(shape[0], maxRows);
  const out = kind === 'float' ? new Float32Array(rows * cols) : new Int32Array(rows * cols);
  const step = sliceRows(cols);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    const part = ds.slice([[r0, r1], []]);
    if (part === null || typeof part !== 'object' || !ArrayBuffer.isView(part)) {
      throw new AnnlabError('WRONG_FORMAT', `${file}: '${name}' did not read as a numeric array.`);
    }
    const off = r0 * cols;
    if (part instanceof BigInt64Array || part instanceof BigUint64Array) {
      for (let i = 0; i < part.length; i++) {
        const v = Number(part[i]);
        if (kind === 'int' && (v < -0x80000000 || v > 0x7fffffff)) badId(file, name, r0 * cols + i, cols, v);
        out[off + i] = v;
      }
    } else if ((part as { constructor: unknown }).constructor === out.constructor) {
      out.set(part as Float32Array, off);
    } else {
      const src = part as unknown as ArrayLike<number>;
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        // Ids stored as floats must be whole numbers: truncating 3.7 to 3 would invent a neighbour.
        if (kind === 'int' && (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff)) badId(file, name, r0 * cols + i, cols, v);
        out[off + i] = v;
      }
    }
  }
  return { rows, cols, data: out };
}

function badId(file: string, name: string, at: number, cols: number, value: number): never {
  throw new AnnlabError(
    'CORRUPT_DATA',
    `${file}: '${name}' row ${Math.floor(at / cols)}, column ${at % cols} holds ${value}, which is not a vector id (an integer); the file is damaged or not ann-benchmarks data.`,
  );
}

function attrString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).replace(/\0+$/, '');
  return undefined;
}

/**
 * Read an ann-benchmarks HDF5 file. Throws `WRONG_FORMAT` when `train` or `test` is
 * missing or the file is not HDF5, `DIMENSION_MISMATCH` when `train` and `test` differ in
 * width, `NON_FINITE` on NaN/Infinity; every message names the file.
 */
export async function readHdf5Dataset(file: string, options: Hdf5ReadOptions = {}): Promise<Hdf5Contents> {
  const maxBase = checkRowLimit(options.maxBase, `${file}: maxBase`, 1);
  const maxQueries = checkRowLimit(options.maxQueries, `${file}: maxQueries`, 0);
  if (!existsSync(file)) throw new AnnlabError('NOT_FOUND', `${file}: no such file. Check the path.`);
  if (!hasHdf5Signature(file)) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `${file}: not an HDF5 file (no HDF5 signature "\\x89HDF\\r\\n\\x1a\\n" at offset 0, 512, 1024, …).`,
    );
  }
  const mod = await h5();
  return withHdf5Diagnostics(mod, (diagnostics) => readOpened(mod, file, maxBase, maxQueries, diagnostics));
}

function readOpened(
  mod: H5,
  file: string,
  maxBase: number | undefined,
  maxQueries: number | undefined,
  diagnostics: () => string,
): Hdf5Contents {
  const why = (e?: unknown): string => {
    const gist = hdf5ErrorSummary(diagnostics());
    const msg = e === undefined ? '' : ((e as Error).message ?? String(e)).split('\n')[0];
    return [gist, msg].filter((t) => t.length > 0).join('; ') || 'unknown HDF5 error';
  };
  let f: InstanceType<H5['File']>;
  try {
    f = new mod.File(file, 'r');
  } catch (e) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: has an HDF5 signature but the HDF5 library could not open it (${why(e)}); the file is probably truncated or damaged. Download it again.`,
      { cause: e },
    );
  }
  // h5wasm does not throw when H5Fopen fails: it hands back a negative id.
  if (Number(f.file_id) < 0) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: has an HDF5 signature but the HDF5 library could not open it (${why()}); the file is probably truncated or damaged. Download it again.`,
    );
  }
  try {
    const keys = f.keys();
    const get = (name: string): H5Dataset | undefined => {
      if (!keys.includes(name)) return undefined;
      const e = f.get(name);
      return e instanceof mod.Dataset ? e : undefined;
    };
    const train = get('train');
    const test = get('test');
    if (train === undefined || test === undefined) {
      throw new AnnlabError(
        'WRONG_FORMAT',
        `${file}: not an ann-benchmarks dataset: missing '${train === undefined ? 'train' : 'test'}' (it has ${keys.length > 0 ? keys.map((k) => `'${k}'`).join(', ') : 'no datasets'}). ` +
          `Expected 'train' (base vectors), 'test' (queries) and optionally 'neighbors'/'distances'.`,
      );
    }
    let metric: Metric;
    const attr = attrString(f.attrs.distance?.value);
    if (attr !== undefined) metric = metricFromName(attr, file);
    else if (/angular/i.test(file)) metric = 'cosine';
    else metric = 'euclidean';

    const nTrain = train.shape?.[0] ?? 0;
    if (train.shape !== null && train.shape.length === 2 && nTrain === 0) {
      throw new AnnlabError(
        'EMPTY_INDEX',
        `${file}: 'train' has 0 rows; a dataset needs at least one base vector. The file is incomplete or was written from an empty array.`,
      );
    }
    const base = readMatrix(file, train, 'train', maxBase, 'float');
    const queries = readMatrix(file, test, 'test', maxQueries, 'float');
    if (base.cols !== queries.cols) {
      throw new AnnlabError(
        'DIMENSION_MISMATCH',
        `${file}: 'train' has ${base.cols} columns but 'test' has ${queries.cols}; queries must have the base vectors' dimension.`,
      );
    }
    for (const [what, m] of [
      ['train', base],
      ['test', queries],
    ] as const) {
      const bad = firstNonFinite(m.data as Float32Array);
      if (bad >= 0) {
        throw new AnnlabError(
          'NON_FINITE',
          `${file}: '${what}' row ${Math.floor(bad / m.cols)}, column ${bad % m.cols} is ${m.data[bad]}; vectors must be finite.`,
        );
      }
    }
    const out: Hdf5Contents = {
      metric,
      dim: base.cols,
      base: base.data as Float32Array,
      queries: queries.data as Float32Array,
      groundTruthK: 0,
    };
    const nb = get('neighbors');
    if (nb !== undefined) {
      const gt = readMatrix(file, nb, 'neighbors', maxQueries, 'int');
      if (gt.rows !== queries.rows) {
        throw new AnnlabError(
          'DIMENSION_MISMATCH',
          `${file}: 'neighbors' has ${gt.rows} rows but 'test' has ${queries.rows}; there must be one row per query.`,
        );
      }
      // Ids index the whole of 'train' (even when fewer rows were read); -1 pads a short row,
      // as annlab writes when k exceeds the base size.
      const ids = gt.data as Int32Array;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id < -1 || id >= nTrain) {
          throw new AnnlabError(
            'CORRUPT_DATA',
            `${file}: 'neighbors' row ${Math.floor(i / gt.cols)}, column ${i % gt.cols} holds id ${id}, but 'train' has ${nTrain} rows (ids 0..${nTrain - 1}); the ground truth does not belong to these vectors.`,
          );
        }
      }
      out.groundTruth = gt.data as Int32Array;
      out.groundTruthK = gt.cols;
      const ds = get('distances');
      if (ds !== undefined) {
        const d = readMatrix(file, ds, 'distances', maxQueries, 'float');
        if (d.rows === gt.rows && d.cols === gt.cols) out.distances = d.data as Float32Array;
      }
    }
    return out;
  } catch (e) {
    if (e instanceof AnnlabError) throw e;
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: HDF5 read failed (${why(e)}); the file may be damaged or truncated. Download it again.`,
      { cause: e },
    );
  } finally {
    f.close();
  }
}

/** The HDF5 superblock signature, found at offset 0 or at 512, 1024, 2048, … when a user block precedes it. */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasHdf5Signature(file: string): boolean {
  const fh = new FileHandle(file);
  try {
    const buf = new Uint8Array(8);
    for (let off = 0; off + 8 <= fh.size; off = off === 0 ? 512 : off * 2) {
      fh.readExact(buf, off);
      let ok = true;
      for (let i = 0; i < 8; i++) if (buf[i] !== HDF5_SIGNATURE[i]) ok = false;
      if (ok) return true;
    }
    return false;
  } finally {
    fh.close();
  }
}

/** What {@link writeHdf5Dataset} writes. */
export interface Hdf5WriteInput {
  /** Distance; written as the `distance` attribute (`cosine` as `angular`). */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** Base vectors, n × dim. */
  base: Float32Array;
  /** Queries, nq × dim. */
  queries: Float32Array;
  /** Neighbour ids, nq × groundTruthK (optional). */
  groundTruth?: Int32Array;
  /** Columns of `groundTruth`. */
  groundTruthK?: number;
  /** Distances of `groundTruth` (computed from the vectors when omitted). */
  distances?: Float32Array;
}

/**
 * Write an ann-benchmarks-shaped HDF5 file (`train`, `test`, and `neighbors`/`distances`
 * when ground truth is given; attributes `type`, `distance`, `dimension`, `point_type`),
 * atomically: a temp file beside `file` is renamed into place only once complete.
 */
export async function writeHdf5Dataset(file: string, input: Hdf5WriteInput): Promise<void> {
  const metric = checkMetric(input.metric);
  const dim = input.dim;
  if (!Number.isInteger(dim) || dim < 1)
    throw new AnnlabError('INVALID_PARAMETER', `writing ${file}: dim must be an integer ≥ 1, got ${String(dim)}.`);
  if (input.base.length % dim !== 0 || input.queries.length % dim !== 0) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `writing ${file}: base (${input.base.length} values) and queries (${input.queries.length}) must both be multiples of dim = ${dim}.`,
    );
  }
  const n = input.base.length / dim;
  const nq = input.queries.length / dim;
  const k = input.groundTruth === undefined ? 0 : (input.groundTruthK ?? 0);
  if (input.groundTruth !== undefined && (k < 1 || input.groundTruth.length !== nq * k)) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `writing ${file}: groundTruth must hold nQueries × groundTruthK = ${nq} × ${k} ids, got ${input.groundTruth.length}.`,
    );
  }
  const mod = await h5();
  withHdf5Diagnostics(mod, (diagnostics) => writeOpened(mod, file, { metric, dim, n, nq, k, input }, diagnostics));
}

function writeOpened(
  mod: H5,
  file: string,
  s: { metric: Metric; dim: number; n: number; nq: number; k: number; input: Hdf5WriteInput },
  diagnostics: () => string,
): void {
  const { metric, dim, n, nq, k, input } = s;
  const tmp = tempPathFor(file);
  try {
    const f = new mod.File(tmp, 'w');
    if (Number(f.file_id) < 0) {
      throw new AnnlabError(
        'IO',
        `${file}: HDF5 could not create ${tmp} (${hdf5ErrorSummary(diagnostics()) || 'unknown HDF5 error'}); check that the directory exists and is writable.`,
      );
    }
    try {
      f.create_attribute('type', 'dense');
      f.create_attribute('distance', annBenchmarksMetricName(metric));
      f.create_attribute('dimension', dim, null, '<i');
      f.create_attribute('point_type', 'float');
      f.create_dataset({ name: 'train', data: input.base, shape: [n, dim], dtype: '<f' });
      f.create_dataset({ name: 'test', data: input.queries, shape: [nq, dim], dtype: '<f' });
      if (input.groundTruth !== undefined) {
        f.create_dataset({ name: 'neighbors', data: input.groundTruth, shape: [nq, k], dtype: '<i' });
        let distances = input.distances;
        if (distances === undefined) {
          distances = new Float32Array(nq * k);
          const gt = input.groundTruth;
          for (let q = 0; q < nq; q++) {
            for (let j = 0; j < k; j++) {
              const id = gt[q * k + j];
              distances[q * k + j] =
                id < 0 || id >= n ? Infinity : reportedDistance(metric, input.queries, q * dim, input.base, id * dim, dim);
            }
          }
        }
        f.create_dataset({ name: 'distances', data: distances, shape: [nq, k], dtype: '<f' });
      }
    } finally {
      f.close();
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(file, e, 'writing it');
  }
}
