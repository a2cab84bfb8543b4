/**
 * The primitives of FAISS's binary index files (`faiss/impl/index_write.cpp`,
 * `index_read.cpp`, `io_macros.h`): every field is written raw in the machine's byte order
 * (little-endian on every platform FAISS ships for), with no alignment and no checksum.
 *
 * - `WRITE1(x)`: the bytes of one scalar: `int` 4, `size_t`/`idx_t` 8, `bool` 1, `float` 4.
 * - `WRITEVECTOR(v)`: a `size_t` element count, then the elements.
 * - `WRITEXBVECTOR(v)` (flat codes since FAISS 1.7.2): a `size_t` count of floats
 *   (`bytes / 4`), then the bytes; the same bytes as `WRITEVECTOR` of a float vector.
 * - a "fourcc": four ASCII characters read as one little-endian `uint32`, naming what follows.
 *
 * {@link FaissReader} bounds every count by the bytes left, so a damaged or crafted file is
 * refused with `CORRUPT_DATA` before anything is allocated from it; {@link FaissWriter} grows
 * one buffer. Both work on `Uint8Array` only (no Node API).
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/** What error messages call a FAISS file. */
const WHAT = 'FAISS index file';

/** A fourcc as the four characters FAISS wrote, e.g. `"IxF2"`. */
export function fourccString(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = bytes[at + i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/** Reads FAISS fields in order, bounds-checking each one. */
export class FaissReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Byte offset of the next field. */
  pos: number;

  /** @param bytes - the whole file. */
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.remaining) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${WHAT} is truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.remaining} remain.`,
      );
    }
  }

  /** A fourcc, as its four characters. */
  fourcc(what: string): string {
    this.need(4, what);
    const s = fourccString(this.bytes, this.pos);
    this.pos += 4;
    return s;
  }

  /** A C `int` (int32). */
  i32(what: string): number {
    this.need(4, what);
    const x = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** A C `float`. */
  f32(what: string): number {
    this.need(4, what);
    const x = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** A C++ `bool` (one byte, 0 or 1; anything else is refused). */
  bool(what: string): boolean {
    this.need(1, what);
    const b = this.bytes[this.pos++];
    if (b > 1) throw corruptFaiss(`${what} is the byte ${b}, not a bool (0 or 1)`);
    return b === 1;
  }

  /** A `char`/`uint8_t`. */
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  /**
   * A `size_t` / `idx_t` (64-bit) as a JS number: refused when it is negative or above
   * `max` (counts in annlab never exceed 2^31, and no count may exceed what the file holds).
   */
  i64(what: string, max: number = 2 ** 31 - 1): number {
    this.need(8, what);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    if (hi !== 0 || lo > max) {
      const value = hi * 2 ** 32 + lo;
      throw corruptFaiss(`${what} is ${value}, outside [0, ${max}]`);
    }
    return lo;
  }

  /** The element count of a vector of `width`-byte elements, checked against the bytes left. */
  private count(width: number, what: string, expected?: number): number {
    const n = this.i64(`${what} length`);
    if (expected !== undefined && n !== expected) throw corruptFaiss(`${what} holds ${n} elements where ${expected} were expected`);
    this.need(n * width, `${what} (${n} elements)`);
    return n;
  }

  /** `WRITEVECTOR` of floats (also `WRITEXBVECTOR` of flat codes). Values must be finite. */
  f32vector(what: string, expected?: number): Float32Array {
    const n = this.count(4, what, expected);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.view.getFloat32(this.pos + 4 * i, true);
      if (v - v !== 0) throw corruptFaiss(`${what}[${i}] is ${v}; stored values must be finite`);
      out[i] = v;
    }
    this.pos += 4 * n;
    return out;
  }

  /** `WRITEVECTOR` of doubles. */
  f64vector(what: string): Float64Array {
    const n = this.count(8, what);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.view.getFloat64(this.pos + 8 * i, true);
      if (v - v !== 0) throw corruptFaiss(`${what}[${i}] is ${v}; stored values must be finite`);
      out[i] = v;
    }
    this.pos += 8 * n;
    return out;
  }

  /** `WRITEVECTOR` of `int` (int32). */
  i32vector(what: string, expected?: number): Int32Array {
    const n = this.count(4, what, expected);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getInt32(this.pos + 4 * i, true);
    this.pos += 4 * n;
    return out;
  }

  /** `WRITEVECTOR` of `size_t` / `idx_t`, each in [0, max]. */
  i64vector(what: string, max?: number, expected?: number): Float64Array {
    const n = this.count(8, what, expected);
    return this.i64array(n, what, max);
  }

  /** `n` raw 64-bit integers (no count), each in [0, max]. */
  i64array(n: number, what: string, max?: number): Float64Array {
    this.need(8 * n, `${what} (${n} elements)`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.i64(`${what}[${i}]`, max);
    return out;
  }

  /** `n` raw bytes (no count), copied. */
  bytesRaw(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Refuse trailing bytes: a FAISS reader would ignore them, but they mean a mismatched writer. */
  finish(): void {
    if (this.remaining !== 0) throw corruptFaiss(`${this.remaining} bytes follow the end of the index`);
  }
}

/** Writes FAISS fields in order into one growing buffer. */
export class FaissWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos: number;

  constructor() {
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A fourcc from its four ASCII characters. */
  fourcc(s: string): this {
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.buf[this.pos + i] = s.charCodeAt(i);
    this.pos += 4;
    return this;
  }

  /** A C `int`. */
  i32(x: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, x, true);
    this.pos += 4;
    return this;
  }

  /** A C `float`. */
  f32(x: number): this {
    this.ensure(4);
    this.view.setFloat32(this.pos, x, true);
    this.pos += 4;
    return this;
  }

  /** A `bool` or `char`. */
  u8(x: number): this {
    this.ensure(1);
    this.buf[this.pos++] = x;
    return this;
  }

  /** A `size_t` / `idx_t` (non-negative, below 2^53). */
  i64(x: number): this {
    this.ensure(8);
    this.view.setUint32(this.pos, x % 2 ** 32, true);
    this.view.setUint32(this.pos + 4, Math.floor(x / 2 ** 32), true);
    this.pos += 8;
    return this;
  }

  /** `WRITEVECTOR` of floats. */
  f32vector(a: ArrayLike<number>): this {
    this.i64(a.length);
    this.ensure(4 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat32(this.pos + 4 * i, a[i], true);
    this.pos += 4 * a.length;
    return this;
  }

  /** `WRITEVECTOR` of doubles. */
  f64vector(a: ArrayLike<number>): this {
    this.i64(a.length);
    this.ensure(8 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setFloat64(this.pos + 8 * i, a[i], true);
    this.pos += 8 * a.length;
    return this;
  }

  /** `WRITEVECTOR` of `int`. */
  i32vector(a: ArrayLike<number>): this {
    this.i64(a.length);
    this.ensure(4 * a.length);
    for (let i = 0; i < a.length; i++) this.view.setInt32(this.pos + 4 * i, a[i], true);
    this.pos += 4 * a.length;
    return this;
  }

  /** `WRITEVECTOR` of `size_t`. */
  i64vector(a: ArrayLike<number>): this {
    this.i64(a.length);
    for (let i = 0; i < a.length; i++) this.i64(a[i]);
    return this;
  }

  /** Raw bytes (no count). */
  bytesRaw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** The written bytes (a copy of exactly the written length). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** A `CORRUPT_DATA` error about a FAISS file. */
export function corruptFaiss(message: string): AnnlabError {
  return new AnnlabError('CORRUPT_DATA', `${WHAT} is inconsistent: ${message}.`);
}

/** An `UNSUPPORTED_OPERATION` error: a FAISS structure annlab has no equivalent for. */
export function unsupportedFaiss(message: string): AnnlabError {
  return new AnnlabError('UNSUPPORTED_OPERATION', `${WHAT}: ${message}`);
}
