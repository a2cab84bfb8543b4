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
import { existsSync, renameSync, rmSync } from 'node:fs';
import { AnnlabError, checkMetric, firstNonFinite, reportedDistance, type Metric } from '@annlab/core';
import { FileHandle, fileError, tempPathFor } from './internal/io.js';

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

function readMatrix(file: string, ds: H5Dataset, name: string, maxRows: number | undefined, kind: 'float' | 'int'): { rows: number; cols: number; data: Float32Array | Int32Array } {
  const shape = ds.shape;
  if (shape === null || shape.length !== 2) {
    throw new AnnlabError('WRONG_FORMAT', `${file}: '${name}' must be a 2-D dataset (rows × columns), its shape is ${JSON.stringify(shape)}.`);
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
      for (let i = 0; i < part.length; i++) out[off + i] = Number(part[i]);
    } else if ((part as { constructor: unknown }).constructor === out.constructor) {
      out.set(part as Float32Array, off);
    } else {
      const src = part as unknown as ArrayLike<number>;
      for (let i = 0; i < src.length; i++) out[off + i] = src[i];
    }
  }
  return { rows, cols, data: out };
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
  if (!existsSync(file)) throw new AnnlabError('NOT_FOUND', `${file}: no such file. Check the path.`);
  if (!hasHdf5Signature(file)) {
    throw new AnnlabError('WRONG_FORMAT', `${file}: not an HDF5 file (no HDF5 signature "\\x89HDF\\r\\n\\x1a\\n" at offset 0, 512, 1024, …).`);
  }
  const mod = await h5();
  let f: InstanceType<H5['File']>;
  try {
    f = new mod.File(file, 'r');
  } catch (e) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: has an HDF5 signature but the HDF5 library could not open it (${(e as Error).message ?? String(e)}); the file is probably truncated or damaged. Download it again.`,
      { cause: e },
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
    const attr = attrString(f.attrs['distance']?.value);
    if (attr !== undefined) metric = metricFromName(attr, file);
    else if (/angular/i.test(file)) metric = 'cosine';
    else metric = 'euclidean';

    const base = readMatrix(file, train, 'train', options.maxBase, 'float');
    const queries = readMatrix(file, test, 'test', options.maxQueries, 'float');
    if (base.cols !== queries.cols) {
      throw new AnnlabError('DIMENSION_MISMATCH', `${file}: 'train' has ${base.cols} columns but 'test' has ${queries.cols}; queries must have the base vectors' dimension.`);
    }
    for (const [what, m] of [['train', base], ['test', queries]] as const) {
      const bad = firstNonFinite(m.data as Float32Array);
      if (bad >= 0) {
        throw new AnnlabError('NON_FINITE', `${file}: '${what}' row ${Math.floor(bad / m.cols)}, column ${bad % m.cols} is ${m.data[bad]}; vectors must be finite.`);
      }
    }
    const out: Hdf5Contents = { metric, dim: base.cols, base: base.data as Float32Array, queries: queries.data as Float32Array, groundTruthK: 0 };
    const nb = get('neighbors');
    if (nb !== undefined) {
      const gt = readMatrix(file, nb, 'neighbors', options.maxQueries, 'int');
      if (gt.rows !== queries.rows) {
        throw new AnnlabError('DIMENSION_MISMATCH', `${file}: 'neighbors' has ${gt.rows} rows but 'test' has ${queries.rows}; there must be one row per query.`);
      }
      out.groundTruth = gt.data as Int32Array;
      out.groundTruthK = gt.cols;
      const ds = get('distances');
      if (ds !== undefined) {
        const d = readMatrix(file, ds, 'distances', options.maxQueries, 'float');
        if (d.rows === gt.rows && d.cols === gt.cols) out.distances = d.data as Float32Array;
      }
    }
    return out;
  } catch (e) {
    if (e instanceof AnnlabError) throw e;
    throw new AnnlabError('CORRUPT_DATA', `${file}: HDF5 read failed (${(e as Error).message ?? String(e)}); the file may be damaged or truncated.`, { cause: e });
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
  if (!Number.isInteger(dim) || dim < 1) throw new AnnlabError('INVALID_PARAMETER', `writing ${file}: dim must be an integer ≥ 1, got ${String(dim)}.`);
  if (input.base.length % dim !== 0 || input.queries.length % dim !== 0) {
    throw new AnnlabError('DIMENSION_MISMATCH', `writing ${file}: base (${input.base.length} values) and queries (${input.queries.length}) must both be multiples of dim = ${dim}.`);
  }
  const n = input.base.length / dim;
  const nq = input.queries.length / dim;
  const k = input.groundTruth === undefined ? 0 : (input.groundTruthK ?? 0);
  if (input.groundTruth !== undefined && (k < 1 || input.groundTruth.length !== nq * k)) {
    throw new AnnlabError('DIMENSION_MISMATCH', `writing ${file}: groundTruth must hold nQueries × groundTruthK = ${nq} × ${k} ids, got ${input.groundTruth.length}.`);
  }
  const mod = await h5();
  const tmp = tempPathFor(file);
  try {
    const f = new mod.File(tmp, 'w');
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
              distances[q * k + j] = id < 0 || id >= n ? Infinity : reportedDistance(metric, input.queries, q * dim, input.base, id * dim, dim);
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
