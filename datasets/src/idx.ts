/**
 * IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.; Xiao, Rasul, Vollgraf,
 * arXiv:1708.07747), plain or gzipped (detected by the gzip magic, not the file name).
 *
 * ```
 * bytes 0-1  0x00 0x00
 * byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 * byte  3    number of dimensions D
 * then       D big-endian uint32 sizes, then the elements, big-endian, row-major
 * ```
 *
 * An `n × 28 × 28` image file becomes `n` rows of 784 float32 values (the pixel values
 * 0..255 unchanged, as in ann-benchmarks' fashion-mnist-784-euclidean).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AnnlabError, firstNonFinite } from '@annlab/core';
import { checkRowLimit, fileError, writeFileAtomic } from './internal/io.js';
import type { Matrix } from './vecs.js';

/** The element types of the IDX format, by type byte. */
const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/** A decoded IDX file: its shape and raw elements. */
export interface IdxArray {
  /** Sizes of each dimension, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** Element type name (`'uint8'`, `'int8'`, `'int16'`, `'int32'`, `'float32'`, `'float64'`). */
  type: string;
  /** The elements as float32, row-major (uint8 pixels keep their 0..255 values). */
  data: Float32Array;
}

/** Options for {@link readIdx}. */
export interface IdxReadOptions {
  /**
   * Keep only the first `maxRows` entries along the first dimension.
   * @defaultValue all
   */
  maxRows?: number;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decode IDX bytes (gunzipping first when they start with the gzip magic). `file` names them in errors. */
export function decodeIdx(raw: Uint8Array, file: string, options: IdxReadOptions = {}): IdxArray {
  const limit = checkRowLimit(options.maxRows, 'maxRows');
  let bytes = raw;
  if (isGzip(raw)) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${file}: gzip data is damaged or truncated (${(e as Error).message}). Download the file again.`,
        { cause: e },
      );
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || IDX_TYPES[bytes[2]] === undefined || bytes[3] === 0) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `${file}: not an IDX file: expected magic 00 00 <type 08/09/0B/0C/0D/0E> <ndims ≥ 1>, got ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}.`,
    );
  }
  const type = IDX_TYPES[bytes[2]];
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new AnnlabError('CORRUPT_DATA', `${file}: truncated: the IDX header needs ${headerBytes} bytes, the file has ${bytes.length}.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const s = view.getUint32(4 + 4 * i, false);
    shape.push(s);
    count *= s;
  }
  // Only the row count may be 0 (an empty file); a zero elsewhere would make rows of no values.
  for (let i = 1; i < ndims; i++) {
    if (shape[i] === 0) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${file}: IDX shape [${shape.join(', ')}] has a zero-size dimension ${i}; every row would hold no values. The header is damaged.`,
      );
    }
  }
  const need = headerBytes + count * type.bytes;
  if (bytes.length < need) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: truncated: shape [${shape.join(', ')}] of ${type.name} needs ${need} bytes, the file has ${bytes.length}. Download the file again.`,
    );
  }
  if (bytes.length > need) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: ${bytes.length - need} bytes after the data that shape [${shape.join(', ')}] accounts for; the header and the data disagree.`,
    );
  }
  const perRow = shape[0] === 0 ? 0 : count / shape[0];
  let rows = shape[0];
  if (limit !== undefined) rows = Math.min(rows, limit);
  const n = rows * perRow;
  const out = new Float32Array(n);
  const p = headerBytes;
  switch (type.name) {
    case 'uint8':
      // Typed-array set converts element-wise in native code (about 10× the JS loop).
      out.set(bytes.subarray(p, p + n));
      break;
    case 'int8':
      out.set(new Int8Array(bytes.buffer, bytes.byteOffset + p, n));
      break;
    case 'int16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(p + 2 * i, false);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(p + 4 * i, false);
      break;
    case 'float32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(p + 4 * i, false);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(p + 8 * i, false);
  }
  // Only float element types can hold NaN/Infinity.
  const bad = type.name === 'float32' || type.name === 'float64' ? firstNonFinite(out) : -1;
  if (bad >= 0) {
    throw new AnnlabError('NON_FINITE', `${file}: element ${bad} is ${out[bad]}; vectors must be finite.`);
  }
  shape[0] = rows;
  return { shape, type: type.name, data: out };
}

/** Read an IDX file (plain or gzipped). */
export function readIdx(file: string, options: IdxReadOptions = {}): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw fileError(file, e, 'reading it');
  }
  return decodeIdx(raw, file, options);
}

/**
 * Read an IDX file as a matrix: the first dimension is rows, the rest are flattened into
 * one vector per row (28 × 28 images → 784 values).
 */
export function readIdxMatrix(file: string, options: IdxReadOptions = {}): Matrix<Float32Array> {
  const a = readIdx(file, options);
  let dim = 1;
  for (let i = 1; i < a.shape.length; i++) dim *= a.shape[i];
  return { rows: a.shape[0], dim, data: a.data };
}

/** Encode uint8 values of the given shape as IDX bytes (type 0x08), gzipped when `gzip` is true. */
export function encodeIdxUint8(data: Uint8Array, shape: readonly number[], gzip: boolean = false): Uint8Array {
  let count = 1;
  for (const s of shape) count *= s;
  if (shape.length < 1 || shape.length > 255 || count !== data.length) {
    throw new AnnlabError('DIMENSION_MISMATCH', `IDX shape [${shape.join(', ')}] holds ${count} values but ${data.length} were given.`);
  }
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  for (let i = 0; i < shape.length; i++) view.setUint32(4 + 4 * i, shape[i], false);
  out.set(data, 4 + 4 * shape.length);
  return gzip ? new Uint8Array(gzipSync(out)) : out;
}

/** Write uint8 values as an IDX file (gzipped when `gzip`), atomically. */
export function writeIdxUint8(file: string, data: Uint8Array, shape: readonly number[], gzip: boolean = false): void {
  writeFileAtomic(file, [encodeIdxUint8(data, shape, gzip)]);
}
