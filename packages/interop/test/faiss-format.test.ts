/**
 * The FAISS file reader and writer against files FAISS wrote (test/fixtures/faiss, made by
 * scripts/make-faiss-fixtures.py): every fixture parses, and writing the parsed tree gives
 * back FAISS's bytes exactly; damaged files are refused with typed errors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectCode } from '@annlab/test-kit';
import { readFaissFile, writeFaissFile } from '../src/faiss/faiss-format.js';

const dir = new URL('./fixtures/faiss/', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.faiss'))
  .sort();

describe('FAISS file format', () => {
  it('finds the fixtures', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of names) {
    it(`${name}: parses, and writes back byte for byte`, () => {
      const bytes = new Uint8Array(readFileSync(new URL(name, dir)));
      const tree = readFaissFile(bytes);
      expect(tree.ntotal).toBe(200);
      expect(writeFaissFile(tree)).toEqual(bytes);
    });
  }

  it('refuses every truncation of a file with CORRUPT_DATA', () => {
    const bytes = new Uint8Array(readFileSync(new URL('ivfpq-l2.faiss', dir)));
    for (let cut = 0; cut < bytes.length; cut += 7) {
      expectCode(() => readFaissFile(bytes.subarray(0, cut)), cut < 4 ? 'CORRUPT_DATA' : 'CORRUPT_DATA');
    }
  });

  it('refuses trailing bytes, a foreign fourcc and a non-Uint8Array', () => {
    const bytes = new Uint8Array(readFileSync(new URL('flat-l2.faiss', dir)));
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expectCode(() => readFaissFile(longer), 'CORRUPT_DATA');
    const foreign = bytes.slice();
    foreign.set([0x49, 0x78, 0x50, 0x71], 0); // "IxPq": IndexPQ, not read
    expectCode(() => readFaissFile(foreign), 'WRONG_FORMAT');
    expectCode(() => readFaissFile(new TextEncoder().encode('ANNL not faiss')), 'WRONG_FORMAT');
    expectCode(() => readFaissFile([1, 2, 3] as unknown as Uint8Array), 'INVALID_PARAMETER');
  });

  it('refuses a metric FAISS has but annlab does not (L1) as UNSUPPORTED_OPERATION', () => {
    const bytes = new Uint8Array(readFileSync(new URL('flat-l2.faiss', dir)));
    const l1 = bytes.slice();
    new DataView(l1.buffer).setInt32(4 + 4 + 8 + 8 + 8 + 1, 2, true);
    expectCode(() => readFaissFile(l1), 'UNSUPPORTED_OPERATION');
  });
});
