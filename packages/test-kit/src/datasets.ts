/**
 * The development copies of the real datasets (`../shared/datasets` beside the repository, or
 * the folder in env `ANNLAB_SHARED_DATASETS`) as the data suites read them: Fashion-MNIST's
 * gzipped IDX images and TEXMEX `.fvecs` files, as row-major `Float32Array`s. Node-only (file
 * system, zlib): imported by `*.data.test.ts` files as `@annlab/test-kit/datasets`.
 *
 * A missing file is not skipped: reading it throws, so a data run without the datasets fails
 * loudly instead of passing empty.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Rows of one file: `rows` vectors of `dim` components, row-major in `data`. */
export interface Rows {
  /** Number of vectors read. */
  readonly rows: number;
  /** Components per vector. */
  readonly dim: number;
  /** The vectors, length rows × dim, row-major. */
  readonly data: Float32Array;
}

/** The shared datasets folder: env `ANNLAB_SHARED_DATASETS`, else `../shared/datasets` beside the repository. */
export function sharedDatasets(): string {
  return process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
}

/**
 * The first `maxRows` images of a gzipped IDX image file (16-byte big-endian header: magic,
 * count, rows, columns; then uint8 pixels), as float32 rows of rows × columns components.
 */
export function readIdxImages(path: string, maxRows: number = Infinity): Rows {
  const buf = gunzipSync(readFileSync(path));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const rows = Math.min(maxRows, view.getUint32(4));
  const dim = view.getUint32(8) * view.getUint32(12);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows * dim; i++) data[i] = buf[16 + i];
  return { rows, dim, data };
}

/** A TEXMEX `.fvecs` file (each row: int32 dim, then dim float32, little-endian). */
export function readFvecs(path: string): Rows {
  const buf = readFileSync(path);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dim = view.getInt32(0, true);
  const rows = buf.byteLength / (4 + 4 * dim);
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) data[r * dim + j] = view.getFloat32(r * (4 + 4 * dim) + 4 + 4 * j, true);
  return { rows, dim, data };
}

/** The Fashion-MNIST folder inside {@link sharedDatasets} (the four IDX files, gzipped). */
export function fashionMnistDir(): string {
  return join(sharedDatasets(), 'fashion-mnist');
}

/**
 * A Fashion-MNIST slice: the first `base` training images and the first `queries` test
 * images, 784 components each (pixel values 0–255, Euclidean in ann-benchmarks).
 */
export function loadFashionMnist(base: number, queries: number): { base: Rows; queries: Rows } {
  const dir = fashionMnistDir();
  return {
    base: readIdxImages(join(dir, 'train-images-idx3-ubyte.gz'), base),
    queries: readIdxImages(join(dir, 't10k-images-idx3-ubyte.gz'), queries),
  };
}
