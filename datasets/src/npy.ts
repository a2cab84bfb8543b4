/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a version,
 * a header length, a Python-literal header `{'descr': '<f4', 'fortran_order': False,
 * 'shape': (n, d), }` padded to a multiple of 64 bytes, then the raw elements.
 *
 * Reads and writes little-endian float32 (`<f4`), uint8 (`|u1`) and int32 (`<i4`); float64
 * (`<f8`) is also read, converted to float32, since `np.save` of a default array gives it.
 * Fortran-ordered and big-endian arrays are refused with a message saying how to re-save.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { AnnlabError, firstNonFinite } from '@annlab/core';
import { fileError, requireLittleEndian, writeFileAtomic } from './internal/io.js';

/** Element types annlab reads and writes in `.npy` files. */
export type NpyDtype = 'float32' | 'uint8' | 'int32';

/** A decoded `.npy` array. */
export interface NpyArray {
  /** Element type (float64 files are converted to `'float32'`). */
  dtype: NpyDtype;
  /** The array's shape, e.g. `[n, dim]`; `[]` for a scalar. */
  shape: number[];
  /** The elements in C (row-major) order. */
  data: Float32Array | Uint8Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<NpyDtype, string> = { float32: '<f4', uint8: '|u1', int32: '<i4' };

/** Options for {@link decodeNpy} and {@link readNpy}. */
export interface NpyReadOptions {
  /**
   * Accept NaN and ±Infinity in float arrays. Vectors must be finite everywhere in annlab,
   * so a float array holding one is refused (`NON_FINITE`) unless this is set.
   * @defaultValue false
   */
  allowNonFinite?: boolean;
}

/**
 * Decode `.npy` bytes; `file` names them in errors. Float arrays holding NaN or ±Infinity
 * are refused with `NON_FINITE` (see {@link NpyReadOptions.allowNonFinite}).
 */
export function decodeNpy(bytes: Uint8Array, file: string, options: NpyReadOptions = {}): NpyArray {
  const out = decodeRaw(bytes, file);
  if (out.dtype === 'float32' && options.allowNonFinite !== true) {
    const data = out.data as Float32Array;
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      const cols = out.shape.length === 2 ? out.shape[1] : 0;
      const where = cols > 0 ? `row ${Math.floor(bad / cols)}, column ${bad % cols}` : `element ${bad}`;
      throw new AnnlabError('NON_FINITE', `${file}: ${where} is ${data[bad]}; vectors must be finite.`);
    }
  }
  return out;
}

function decodeRaw(bytes: Uint8Array, file: string): NpyArray {
  requireLittleEndian('reading .npy');
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new AnnlabError('WRONG_FORMAT', `${file}: not a .npy file (it does not start with "\\x93NUMPY").`);
  }
  if (bytes.length < 10) throw new AnnlabError('CORRUPT_DATA', `${file}: truncated inside the .npy preamble.`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new AnnlabError('CORRUPT_DATA', `${file}: truncated inside the .npy preamble.`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new AnnlabError(
      'UNSUPPORTED_VERSION',
      `${file}: .npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are).`,
    );
  }
  const dataStart = headerStart + headerLen;
  if (bytes.length < dataStart) throw new AnnlabError('CORRUPT_DATA', `${file}: truncated inside the .npy header.`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  // A Python dict literal: numpy writes single quotes, but double quotes are as valid.
  const descr = /(['"])descr\1\s*:\s*(['"])([^'"]*)\2/.exec(header)?.[3];
  const fortran = /(['"])fortran_order\1\s*:\s*(True|False)/.exec(header)?.[2];
  const shapeText = /(['"])shape\1\s*:\s*\(([^)]*)\)/.exec(header)?.[2];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: the .npy header is not a dict with 'descr', 'fortran_order' and 'shape': ${header.trim()}`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new AnnlabError('CORRUPT_DATA', `${file}: bad shape (${shapeText}) in the .npy header.`);
  }
  if (fortran === 'True' && shape.length > 1) {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      `${file}: Fortran-ordered arrays are not supported; re-save with np.save(path, np.ascontiguousarray(a)).`,
    );
  }
  let count = 1;
  for (const s of shape) count *= s;
  const sizes: Record<string, number> = { '<f4': 4, '|u1': 1, '<u1': 1, '|i1': 1, '<i4': 4, '<f8': 8 };
  const es = sizes[descr];
  if (es === undefined) {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      `${file}: dtype '${descr}' is not supported; annlab reads float32 ('<f4'), uint8 ('|u1'), int32 ('<i4') and float64 ('<f8'). ` +
        `Convert with a.astype('<f4') before np.save.`,
    );
  }
  const need = dataStart + count * es;
  if (bytes.length !== need) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${file}: shape (${shape.join(', ')}) of '${descr}' needs ${need} bytes, the file has ${bytes.length}${bytes.length < need ? ' (truncated; save or download it again)' : ''}.`,
    );
  }
  // Copy into a fresh buffer: the data offset inside `bytes` need not be aligned.
  const payload = new Uint8Array(bytes.subarray(dataStart, need));
  switch (descr) {
    case '<f4':
      return { dtype: 'float32', shape, data: new Float32Array(payload.buffer, 0, count) };
    case '<i4':
      return { dtype: 'int32', shape, data: new Int32Array(payload.buffer, 0, count) };
    case '<f8':
      return { dtype: 'float32', shape, data: Float32Array.from(new Float64Array(payload.buffer, 0, count)) };
    case '|i1':
      return { dtype: 'float32', shape, data: Float32Array.from(new Int8Array(payload.buffer, 0, count)) };
    default:
      return { dtype: 'uint8', shape, data: payload };
  }
}

/** Read a `.npy` file (float arrays must be finite unless `options.allowNonFinite`). */
export function readNpy(file: string, options: NpyReadOptions = {}): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw fileError(file, e, 'reading it');
  }
  return decodeNpy(bytes, file, options);
}

function dtypeOf(data: Float32Array | Uint8Array | Int32Array): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'uint8';
  throw new AnnlabError('INVALID_PARAMETER', `.npy data must be a Float32Array, Uint8Array or Int32Array.`);
}

/** Encode an array as `.npy` (format 1.0) bytes; the element type follows the typed array. */
export function encodeNpy(data: Float32Array | Uint8Array | Int32Array, shape: readonly number[]): Uint8Array {
  requireLittleEndian('writing .npy');
  const dtype = dtypeOf(data);
  let count = 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new AnnlabError('INVALID_PARAMETER', `.npy shape entries must be integers ≥ 0, got [${shape.join(', ')}].`);
    count *= s;
  }
  if (count !== data.length) {
    throw new AnnlabError('DIMENSION_MISMATCH', `.npy shape [${shape.join(', ')}] holds ${count} values but ${data.length} were given.`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  if (header.length > 0xffff) throw new AnnlabError('INVALID_PARAMETER', `.npy shape has too many dimensions for a version 1.0 header.`);
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** Write an array as a `.npy` file, atomically. */
export function writeNpy(file: string, data: Float32Array | Uint8Array | Int32Array, shape: readonly number[]): void {
  writeFileAtomic(file, [encodeNpy(data, shape)]);
}
