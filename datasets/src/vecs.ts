/**
 * TEXMEX vector files (the INRIA corpus behind SIFT1M, GIST1M, BIGANN; Jégou, Douze, Schmid,
 * "Product quantization for nearest neighbor search", TPAMI 2011):
 *
 * | extension | one row                                   |
 * |-----------|-------------------------------------------|
 * | `.fvecs`  | int32 dim, then dim float32 (little-endian) |
 * | `.ivecs`  | int32 dim, then dim int32                   |
 * | `.bvecs`  | int32 dim, then dim uint8                   |
 *
 * There is no header and no row count: the count is the file size over the row size, and
 * every row repeats its dimension. Readers take a row limit and then read only that many
 * rows (one positioned read per chunk), so the first 10,000 rows of a 1-billion-row bvecs
 * file cost 10,000 rows of I/O. A short last row is reported as a truncated file, a row
 * whose dimension differs from the first as `DIMENSION_MISMATCH`, both naming the file.
 *
 * @module
 */
import { AnnlabError, firstNonFinite } from '@annlab/core';
import { FileHandle, checkRowLimit, requireLittleEndian, writeFileAtomic } from './internal/io.js';

/** A row-major matrix read from a file: `rows × dim` values in `data`. */
export interface Matrix<T extends Float32Array | Int32Array | Uint8Array> {
  /** Number of rows. */
  rows: number;
  /** Values per row (0 for an empty file). */
  dim: number;
  /** `rows * dim` values, row-major. */
  data: T;
}

/** Options for the TEXMEX readers. */
export interface VecsReadOptions {
  /**
   * Read at most this many rows from the start of the file (the rest is not read at all).
   * @defaultValue all rows
   */
  maxRows?: number;
}

/** The three TEXMEX row types. */
export type VecsKind = 'fvecs' | 'ivecs' | 'bvecs';

/** Largest dimension accepted in a row header; anything above is taken as a foreign file. */
const MAX_DIM = 1 << 20;
/** Bytes per positioned read. */
const CHUNK_BYTES = 8 << 20;

function elementBytes(kind: VecsKind): number {
  return kind === 'bvecs' ? 1 : 4;
}

function checkMaxRows(maxRows: number | undefined): number {
  return checkRowLimit(maxRows, 'maxRows') ?? Number.MAX_SAFE_INTEGER;
}

function readVecs(file: string, kind: VecsKind, options: VecsReadOptions): Matrix<Float32Array | Int32Array | Uint8Array> {
  requireLittleEndian(`reading ${kind}`);
  const limit = checkMaxRows(options.maxRows);
  const es = elementBytes(kind);
  const fh = new FileHandle(file);
  try {
    const empty = kind === 'fvecs' ? new Float32Array(0) : kind === 'ivecs' ? new Int32Array(0) : new Uint8Array(0);
    if (fh.size === 0 || limit === 0) return { rows: 0, dim: 0, data: empty };
    if (fh.size < 4) {
      throw new AnnlabError('CORRUPT_DATA', `${file}: truncated: ${fh.size} bytes is less than one ${kind} row header (4 bytes).`);
    }
    const head = new Uint8Array(4);
    fh.readExact(head, 0);
    const dim = new DataView(head.buffer).getInt32(0, true);
    if (dim <= 0 || dim > MAX_DIM) {
      throw new AnnlabError(
        'WRONG_FORMAT',
        `${file}: not a .${kind} file: the first row claims dimension ${dim}. A ${kind} row is an int32 dimension (1..${MAX_DIM}) followed by its values, little-endian.`,
      );
    }
    const rowBytes = 4 + dim * es;
    const fullRows = Math.floor(fh.size / rowBytes);
    const rows = Math.min(limit, fullRows);
    const out =
      kind === 'fvecs' ? new Float32Array(rows * dim) : kind === 'ivecs' ? new Int32Array(rows * dim) : new Uint8Array(rows * dim);
    const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
    const chunk = new Uint8Array(Math.min(chunkRows, Math.max(rows, 1)) * rowBytes);
    const view = new DataView(chunk.buffer);
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const n = Math.min(chunkRows, rows - r0);
      const bytes = n * rowBytes;
      const part = bytes === chunk.length ? chunk : chunk.subarray(0, bytes);
      fh.readExact(part, r0 * rowBytes);
      for (let r = 0; r < n; r++) {
        const off = r * rowBytes;
        const d = view.getInt32(off, true);
        if (d !== dim) {
          throw new AnnlabError(
            'DIMENSION_MISMATCH',
            `${file}: row ${r0 + r} has dimension ${d} but row 0 has ${dim}; every row of a ${kind} file must have the same dimension.`,
          );
        }
      }
      copyRows(kind, chunk, n, dim, rowBytes, out, r0 * dim);
    }
    if (rows === fullRows && rows < limit && fh.size !== fullRows * rowBytes) {
      const rest = fh.size - fullRows * rowBytes;
      if (rest >= 4) {
        const tail = new Uint8Array(4);
        fh.readExact(tail, fullRows * rowBytes);
        const d = new DataView(tail.buffer).getInt32(0, true);
        if (d !== dim) {
          throw new AnnlabError(
            'DIMENSION_MISMATCH',
            `${file}: row ${fullRows} has dimension ${d} but row 0 has ${dim}; every row of a ${kind} file must have the same dimension.`,
          );
        }
      }
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${file}: truncated: ${fh.size} bytes is ${fullRows} whole rows of ${rowBytes} bytes (dim ${dim}) plus ${rest} stray bytes. Download the file again.`,
      );
    }
    if (out instanceof Float32Array) {
      const bad = firstNonFinite(out);
      if (bad >= 0) {
        throw new AnnlabError(
          'NON_FINITE',
          `${file}: row ${Math.floor(bad / dim)}, component ${bad % dim} is ${out[bad]}; vectors must be finite.`,
        );
      }
    }
    return { rows, dim, data: out };
  } finally {
    fh.close();
  }
}

/** Copy the payloads of `n` rows of `chunk` (headers already checked) into `out` at `outOff`. */
function copyRows(
  kind: VecsKind,
  chunk: Uint8Array,
  n: number,
  dim: number,
  rowBytes: number,
  out: Float32Array | Int32Array | Uint8Array,
  outOff: number,
): void {
  if (kind === 'bvecs') {
    const o = out as Uint8Array;
    for (let r = 0; r < n; r++) o.set(chunk.subarray(r * rowBytes + 4, (r + 1) * rowBytes), outOff + r * dim);
    return;
  }
  // 4-byte elements: the chunk starts at offset 0 of its own buffer, so every payload is aligned.
  const words = rowBytes >> 2;
  if (kind === 'fvecs') {
    const src = new Float32Array(chunk.buffer, 0, n * words);
    const o = out as Float32Array;
    for (let r = 0; r < n; r++) o.set(src.subarray(r * words + 1, (r + 1) * words), outOff + r * dim);
  } else {
    const src = new Int32Array(chunk.buffer, 0, n * words);
    const o = out as Int32Array;
    for (let r = 0; r < n; r++) o.set(src.subarray(r * words + 1, (r + 1) * words), outOff + r * dim);
  }
}

/** Read a `.fvecs` file (float32 rows). Throws on a truncated file, mixed dimensions, NaN/Infinity. */
export function readFvecs(file: string, options: VecsReadOptions = {}): Matrix<Float32Array> {
  return readVecs(file, 'fvecs', options) as Matrix<Float32Array>;
}

/** Read an `.ivecs` file (int32 rows, e.g. ground-truth neighbour ids). */
export function readIvecs(file: string, options: VecsReadOptions = {}): Matrix<Int32Array> {
  return readVecs(file, 'ivecs', options) as Matrix<Int32Array>;
}

/** Read a `.bvecs` file (uint8 rows, e.g. BIGANN SIFT descriptors). */
export function readBvecs(file: string, options: VecsReadOptions = {}): Matrix<Uint8Array> {
  return readVecs(file, 'bvecs', options) as Matrix<Uint8Array>;
}

function checkShape(file: string, length: number, dim: number): number {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIM) {
    throw new AnnlabError('INVALID_PARAMETER', `writing ${file}: dim must be an integer in [1, ${MAX_DIM}], got ${String(dim)}.`);
  }
  if (length % dim !== 0) {
    throw new AnnlabError('DIMENSION_MISMATCH', `writing ${file}: ${length} values is not a multiple of dim = ${dim}.`);
  }
  return length / dim;
}

function* vecsChunks(kind: VecsKind, data: Float32Array | Int32Array | Uint8Array, rows: number, dim: number): Generator<Uint8Array> {
  const es = elementBytes(kind);
  const rowBytes = 4 + dim * es;
  const chunkRows = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const n = Math.min(chunkRows, rows - r0);
    const buf = new Uint8Array(n * rowBytes);
    const view = new DataView(buf.buffer);
    for (let r = 0; r < n; r++) view.setInt32(r * rowBytes, dim, true);
    if (kind === 'bvecs') {
      for (let r = 0; r < n; r++) buf.set((data as Uint8Array).subarray((r0 + r) * dim, (r0 + r + 1) * dim), r * rowBytes + 4);
    } else {
      const words = rowBytes >> 2;
      const dst = kind === 'fvecs' ? new Float32Array(buf.buffer) : new Int32Array(buf.buffer);
      for (let r = 0; r < n; r++)
        (dst as Float32Array).set((data as Float32Array).subarray((r0 + r) * dim, (r0 + r + 1) * dim), r * words + 1);
    }
    yield buf;
  }
}

/** Write `data` (`n × dim`, row-major float32) as a `.fvecs` file, atomically. */
export function writeFvecs(file: string, data: Float32Array, dim: number): void {
  requireLittleEndian('writing fvecs');
  writeFileAtomic(file, vecsChunks('fvecs', data, checkShape(file, data.length, dim), dim));
}

/** Write `data` (`n × dim`, row-major int32) as an `.ivecs` file, atomically. */
export function writeIvecs(file: string, data: Int32Array, dim: number): void {
  requireLittleEndian('writing ivecs');
  writeFileAtomic(file, vecsChunks('ivecs', data, checkShape(file, data.length, dim), dim));
}

/** Write `data` (`n × dim`, row-major uint8) as a `.bvecs` file, atomically. */
export function writeBvecs(file: string, data: Uint8Array, dim: number): void {
  writeFileAtomic(file, vecsChunks('bvecs', data, checkShape(file, data.length, dim), dim));
}
