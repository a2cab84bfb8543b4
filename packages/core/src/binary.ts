/**
 * The annlab file format: a small self-describing container that every index serializes
 * into, written and read through `DataView` (little-endian on every platform).
 *
 * ```
 * offset  size  field
 * 0       4     magic "ANNL"
 * 4       4     u32 container version (1)
 * 8       4     u32 tag length L
 * 12      L     algorithm tag, ASCII letters, digits, '.', '_', '+', '-' (e.g. "flat", "hnsw"), 1–64 bytes, zero-padded to 4 bytes
 * …       4     u32 algorithm format version
 * …             body: scalars, strings and typed-array sections, written in a fixed order
 * end−4   4     u32 CRC-32 of every byte before it
 * ```
 *
 * A typed-array section is a u32 element count, zero padding up to the element's natural
 * alignment (4, or 8 for `Float64Array`), then the raw little-endian elements, then padding
 * to 4 bytes. Because every section starts aligned relative to the file start, a reader over
 * a buffer that is itself aligned hands back views into it without copying (Annoy's
 * mmap-able buffer, hnswlib's ordered `writeBinaryPOD` fields); otherwise it copies.
 *
 * Reading verifies the checksum before anything else, so a flipped byte or a truncated file
 * is refused with `CORRUPT_DATA`, and bounds-checks every field after that.
 *
 * @module
 */
import { crc32 } from './crc32.js';
import { AnnlabError } from './errors.js';

/** The four magic bytes every annlab file starts with ("ANNL"). */
export const MAGIC: Uint8Array = new Uint8Array([0x41, 0x4e, 0x4e, 0x4c]);
/** Version of the container layout described in this module. */
export const CONTAINER_VERSION = 1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** What an algorithm tag may look like: `flat`, `pca-pretransform`, … */
const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

/**
 * The typed arrays a section can hold.
 *
 * @inline
 */
type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Uint16Array | Int8Array;

/** Builds an annlab file: header, body fields in order, then the checksum on {@link BinaryWriter.finish}. */
export class BinaryWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos: number;

  /**
   * @param tag - the algorithm tag (ASCII), checked on read.
   * @param version - the algorithm's own format version.
   */
  constructor(tag: string, version: number) {
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
    this.bytes(MAGIC);
    this.u32(CONTAINER_VERSION);
    this.string(tag);
    this.u32(version);
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

  private padTo(align: number): void {
    const pad = (align - (this.pos % align)) % align;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Write an unsigned 32-bit integer. */
  u32(x: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, x >>> 0, true);
    this.pos += 4;
    return this;
  }

  /** Write a signed 32-bit integer. */
  i32(x: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, x | 0, true);
    this.pos += 4;
    return this;
  }

  /** Write a float64 (8 bytes, 4-byte aligned). */
  f64(x: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
    return this;
  }

  /** Write a UTF-8 string (u32 byte length, bytes, padding to 4). */
  string(s: string): this {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
    this.padTo(4);
    return this;
  }

  /** Write a JSON-serialisable value as a string (for small parameter records). */
  json(value: unknown): this {
    return this.string(JSON.stringify(value));
  }

  /** Write a typed-array section (count, alignment padding, raw little-endian elements). */
  array(a: TypedArray): this {
    this.u32(a.length);
    this.padTo(a.BYTES_PER_ELEMENT >= 8 ? 8 : 4);
    const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (LITTLE_ENDIAN || a.BYTES_PER_ELEMENT === 1) {
      this.bytes(b);
    } else {
      this.ensure(a.byteLength);
      const w = a.BYTES_PER_ELEMENT;
      for (let i = 0; i < a.byteLength; i += w) for (let k = 0; k < w; k++) this.buf[this.pos + i + k] = b[i + w - 1 - k];
      this.pos += a.byteLength;
    }
    this.padTo(4);
    return this;
  }

  /** Append the CRC-32 and return the finished bytes (a copy of exactly the written length). */
  finish(): Uint8Array {
    const crc = crc32(this.buf, 0, this.pos);
    this.u32(crc);
    return this.buf.slice(0, this.pos);
  }
}

/** Header fields of an annlab file. */
export interface FileHeader {
  /** Algorithm tag, e.g. `"flat"`. */
  tag: string;
  /** The algorithm's format version. */
  version: number;
}

type ArrayCtor<T extends TypedArray> = {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** Reads an annlab file written by {@link BinaryWriter}, checking everything it reads. */
export class BinaryReader {
  /** The file's header. */
  readonly header: FileHeader;
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private readonly end: number;
  private pos: number;

  private constructor(bytes: Uint8Array) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length - 4;
    this.pos = 0;
    for (let i = 0; i < 4; i++) {
      if (bytes[i] !== MAGIC[i]) {
        throw new AnnlabError(
          'WRONG_FORMAT',
          'not an annlab index file (the first bytes are not "ANNL"). Pass bytes produced by an index\'s serialize().',
        );
      }
    }
    const stored = this.view.getUint32(this.end, true);
    const actual = crc32(bytes, 0, this.end);
    if (stored !== actual) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `annlab file is damaged: checksum ${hex(actual)} does not match the stored ${hex(stored)} (the file was truncated or altered). Re-create it from the source vectors.`,
      );
    }
    this.pos = 4;
    const container = this.u32();
    if (container !== CONTAINER_VERSION) {
      throw new AnnlabError(
        'UNSUPPORTED_VERSION',
        `annlab container version ${container} is not supported (this build reads version ${CONTAINER_VERSION}).`,
      );
    }
    const tag = this.string();
    if (!TAG_PATTERN.test(tag)) {
      // Behind a valid checksum (a buggy writer, a crafted file): no algorithm is called that.
      throw new AnnlabError(
        'CORRUPT_DATA',
        `annlab file is inconsistent: its algorithm tag ${JSON.stringify(tag.slice(0, 40))} is not a tag (1–64 ASCII letters, digits, '.', '_', '+', '-').`,
      );
    }
    const version = this.u32();
    this.header = { tag, version };
  }

  /**
   * Open and verify `bytes` (magic, checksum, container version).
   * @param expectedTag - when given, a file of another algorithm is refused with `WRONG_FORMAT`.
   */
  static open(bytes: Uint8Array, expectedTag?: string): BinaryReader {
    if (!(bytes instanceof Uint8Array)) {
      throw new AnnlabError('INVALID_PARAMETER', 'deserialize expects a Uint8Array (e.g. from fs.readFileSync or serialize()).');
    }
    if (bytes.length < 20) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `annlab file is ${bytes.length} bytes long, too short to hold a header; it is truncated or not an annlab file.`,
      );
    }
    const r = new BinaryReader(bytes);
    if (expectedTag !== undefined && r.header.tag !== expectedTag) {
      throw new AnnlabError(
        'WRONG_FORMAT',
        `this file holds a '${r.header.tag}' index, not '${expectedTag}'. Load it with the matching index class.`,
      );
    }
    return r;
  }

  /** Read just the header (tag and version) after verifying the file. */
  static peekHeader(bytes: Uint8Array): FileHeader {
    return BinaryReader.open(bytes).header;
  }

  /** Refuse versions other than those listed, with `UNSUPPORTED_VERSION`. */
  expectVersion(...supported: number[]): number {
    const v = this.header.version;
    if (!supported.includes(v)) {
      throw new AnnlabError(
        'UNSUPPORTED_VERSION',
        `'${this.header.tag}' format version ${v} is not supported by this build (it reads ${supported.join(', ')}). Upgrade annlab or rebuild the index.`,
      );
    }
    return v;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new AnnlabError('CORRUPT_DATA', `annlab file is inconsistent: ${what} runs past the end of the data.`);
    }
  }

  private skipPad(align: number): void {
    const pad = (align - (this.pos % align)) % align;
    this.need(pad, 'padding');
    this.pos += pad;
  }

  /** Read an unsigned 32-bit integer. */
  u32(): number {
    this.need(4, 'a u32 field');
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** Read a signed 32-bit integer. */
  i32(): number {
    this.need(4, 'an i32 field');
    const x = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return x;
  }

  /** Read a float64. */
  f64(): number {
    this.need(8, 'an f64 field');
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  /** Read a UTF-8 string. */
  string(): string {
    const n = this.u32();
    this.need(n, 'a string');
    // A copy (slice), not a view: browsers' TextDecoder refuses views of a SharedArrayBuffer,
    // and workers load indexes from shared bytes (@annlab/threads).
    const s = new TextDecoder('utf-8', { fatal: false }).decode(this.buf.slice(this.pos, this.pos + n));
    this.pos += n;
    this.skipPad(4);
    return s;
  }

  /** Read a JSON value written by {@link BinaryWriter.json}. */
  json<T = unknown>(): T {
    const s = this.string();
    try {
      return JSON.parse(s) as T;
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', 'annlab file is inconsistent: a parameter record is not valid JSON.', { cause: e });
    }
  }

  private array<T extends TypedArray>(ctor: ArrayCtor<T>, expectedLength?: number): T {
    const n = this.u32();
    if (expectedLength !== undefined && n !== expectedLength) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `annlab file is inconsistent: a section holds ${n} elements where ${expectedLength} were expected.`,
      );
    }
    const w = ctor.BYTES_PER_ELEMENT;
    this.skipPad(w >= 8 ? 8 : 4);
    const bytes = n * w;
    this.need(bytes, `a section of ${n} elements`);
    const abs = this.buf.byteOffset + this.pos;
    let out: T;
    if (abs % w === 0 && (LITTLE_ENDIAN || w === 1)) {
      out = new ctor(this.buf.buffer as ArrayBuffer, abs, n);
    } else {
      out = new ctor(n);
      const dst = new Uint8Array(out.buffer);
      if (LITTLE_ENDIAN || w === 1) dst.set(this.buf.subarray(this.pos, this.pos + bytes));
      else for (let i = 0; i < bytes; i += w) for (let k = 0; k < w; k++) dst[i + k] = this.buf[this.pos + i + w - 1 - k];
    }
    this.pos += bytes;
    this.skipPad(4);
    return out;
  }

  /**
   * Read a `Float32Array` section (a view into the input when aligned). Every value must be
   * finite: NaN or ±Infinity behind an intact checksum means a buggy writer or a crafted file.
   */
  f32array(expectedLength?: number): Float32Array {
    return finiteSection(this.array(Float32Array, expectedLength));
  }
  /** Read a `Float64Array` section; every value must be finite (see {@link BinaryReader.f32array}). */
  f64array(expectedLength?: number): Float64Array {
    return finiteSection(this.array(Float64Array, expectedLength));
  }
  /** Read an `Int32Array` section. */
  i32array(expectedLength?: number): Int32Array {
    return this.array(Int32Array, expectedLength);
  }
  /** Read a `Uint32Array` section. */
  u32array(expectedLength?: number): Uint32Array {
    return this.array(Uint32Array, expectedLength);
  }
  /** Read a `Uint16Array` section. */
  u16array(expectedLength?: number): Uint16Array {
    return this.array(Uint16Array, expectedLength);
  }
  /** Read a `Uint8Array` section. */
  u8array(expectedLength?: number): Uint8Array {
    return this.array(Uint8Array, expectedLength);
  }

  /** Assert the whole body was consumed (trailing bytes mean a mismatched writer). */
  finish(): void {
    if (this.pos !== this.end) {
      throw new AnnlabError('CORRUPT_DATA', `annlab file is inconsistent: ${this.end - this.pos} unread bytes after the last field.`);
    }
  }
}

function hex(x: number): string {
  return `0x${x.toString(16).padStart(8, '0')}`;
}

/** `a`, after checking that every value is finite; CORRUPT_DATA naming the first that is not. */
function finiteSection<T extends Float32Array | Float64Array>(a: T): T {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `annlab file is inconsistent: a float section holds ${v} at element ${i}; stored values are always finite.`,
      );
    }
  }
  return a;
}
