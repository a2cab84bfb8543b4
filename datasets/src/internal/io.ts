/**
 * File helpers shared by the readers and writers: chunked reads of large files, atomic
 * writes (temp file + rename), and the translation of Node's file errors into
 * `AnnlabError`s that name the file.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { AnnlabError } from '@annlab/core';

/** True on little-endian hosts (every platform Node runs on in practice). */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Refuse to run the typed-array fast paths on a big-endian host rather than return garbage. */
export function requireLittleEndian(what: string): void {
  if (!LITTLE_ENDIAN) {
    throw new AnnlabError('UNSUPPORTED_OPERATION', `${what} needs a little-endian host; this one is big-endian.`);
  }
}

/**
 * Check a row limit (`maxRows`, `maxBase`, `maxQueries`) before anything is read: undefined
 * (no limit) or an integer ≥ `min`. A negative or fractional limit would otherwise come back
 * as a nonsensical row count, or as a misleading "file may be damaged".
 */
export function checkRowLimit(value: unknown, name: string, min: number = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${name} must be an integer ≥ ${min} (or left out for all rows), got ${typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))}.`,
    );
  }
  return value;
}

/** Turn a Node file-system error into an AnnlabError naming `file`. */
export function fileError(file: string, e: unknown, doing: string): AnnlabError {
  if (e instanceof AnnlabError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT')
    return new AnnlabError('NOT_FOUND', `${file}: no such file or directory (while ${doing}). Check the path.`, { cause: e });
  if (code === 'EISDIR') return new AnnlabError('IO', `${file}: is a directory, expected a file (while ${doing}).`, { cause: e });
  return new AnnlabError('IO', `${file}: ${(e as Error).message ?? String(e)} (while ${doing}).`, { cause: e });
}

/** An open file read by explicit offsets, so a few rows of a huge file cost a few reads. */
export class FileHandle {
  /** The path, for messages. */
  readonly file: string;
  /** File size in bytes. */
  readonly size: number;
  private fd: number;

  /** Open `file` for reading; throws NOT_FOUND / IO naming it. */
  constructor(file: string) {
    this.file = file;
    let fd = -1;
    try {
      fd = openSync(file, 'r');
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      this.size = st.size;
      this.fd = fd;
    } catch (e) {
      if (fd >= 0) closeSync(fd);
      throw fileError(file, e, 'opening it');
    }
  }

  /** Read exactly `out.length` bytes at `position` into `out`; a short read is a truncated file. */
  readExact(out: Uint8Array, position: number): void {
    let done = 0;
    try {
      while (done < out.length) {
        const n = readSync(this.fd, out, done, out.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      throw fileError(this.file, e, 'reading it');
    }
    if (done < out.length) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${this.file}: truncated: wanted ${out.length} bytes at offset ${position}, the file has ${this.size} bytes.`,
      );
    }
  }

  /** Close the descriptor (idempotent). */
  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** A unique temporary name beside `dest` (same directory, so the final rename is atomic). */
export function tempPathFor(dest: string): string {
  return `${dest}.part-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/**
 * Write `chunks` to `dest` atomically: into a temp file beside it, then rename. Readers never
 * see a half-written file; on failure the temp file is removed and `dest` is untouched.
 */
export function writeFileAtomic(dest: string, chunks: Iterable<Uint8Array>): void {
  const tmp = tempPathFor(dest);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const c of chunks) {
        let done = 0;
        while (done < c.byteLength) done += writeSync(fd, c, done, c.byteLength - done);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(dest, e, 'writing it');
  }
}
