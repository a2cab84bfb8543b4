import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBvecs, readFvecs, readIvecs, writeBvecs, writeFvecs, writeIvecs } from '@annlab/datasets';
import { FC, expectAnnlabError, listFiles, removeDir, tempDir } from './helpers.js';

const dir = tempDir('vecs');
afterAll(() => removeDir(dir));

const shape = fc.record({ rows: fc.integer({ min: 1, max: 40 }), dim: fc.integer({ min: 1, max: 20 }) });

describe('TEXMEX fvecs/ivecs/bvecs', () => {
  it('fvecs round-trips any finite float32 matrix, and maxRows reads a prefix', () => {
    fc.assert(
      fc.property(
        shape.chain(({ rows, dim }) =>
          fc.record({
            rows: fc.constant(rows),
            dim: fc.constant(dim),
            data: fc.float32Array({ minLength: rows * dim, maxLength: rows * dim, noNaN: true, noDefaultInfinity: true }),
            limit: fc.integer({ min: 0, max: rows + 3 }),
          }),
        ),
        ({ rows, dim, data, limit }) => {
          const file = join(dir, 'a.fvecs');
          writeFvecs(file, data, dim);
          expect(readFileSync(file).length).toBe(rows * (4 + 4 * dim));
          const m = readFvecs(file);
          expect(m.rows).toBe(rows);
          expect(m.dim).toBe(dim);
          expect(Array.from(m.data)).toEqual(Array.from(data)); // Object.is per value: keeps -0
          const p = readFvecs(file, { maxRows: limit });
          expect(p.rows).toBe(Math.min(limit, rows));
          expect(Array.from(p.data)).toEqual(Array.from(data.subarray(0, p.rows * (limit === 0 ? 0 : dim))));
        },
      ),
      FC,
    );
  });

  it('ivecs and bvecs round-trip', () => {
    fc.assert(
      fc.property(
        shape.chain(({ rows, dim }) =>
          fc.record({
            dim: fc.constant(dim),
            ints: fc.int32Array({ minLength: rows * dim, maxLength: rows * dim }),
            bytes: fc.uint8Array({ minLength: rows * dim, maxLength: rows * dim }),
          }),
        ),
        ({ dim, ints, bytes }) => {
          writeIvecs(join(dir, 'a.ivecs'), ints, dim);
          writeBvecs(join(dir, 'a.bvecs'), bytes, dim);
          expect(readIvecs(join(dir, 'a.ivecs')).data).toEqual(ints);
          const b = readBvecs(join(dir, 'a.bvecs'));
          expect(b.dim).toBe(dim);
          expect(b.data).toEqual(bytes);
        },
      ),
      FC,
    );
  });

  it('reads the first rows of a file without touching a damaged tail', () => {
    const file = join(dir, 'tail.fvecs');
    writeFvecs(
      file,
      Float32Array.from({ length: 30 }, (_, i) => i),
      3,
    );
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 5)); // last row cut short
    expect(Array.from(readFvecs(file, { maxRows: 2 }).data)).toEqual([0, 1, 2, 3, 4, 5]);
    expectAnnlabError(() => readFvecs(file), 'CORRUPT_DATA', file, 'truncated');
  });

  it('names the file and the problem for bad input', () => {
    const file = join(dir, 'bad.fvecs');
    // Wrong magic: a text file's first four bytes make an absurd dimension.
    writeFileSync(file, 'hello world, not vectors');
    expectAnnlabError(() => readFvecs(file), 'WRONG_FORMAT', file, 'not a .fvecs file');
    // Truncated header.
    writeFileSync(file, new Uint8Array([3, 0]));
    expectAnnlabError(() => readFvecs(file), 'CORRUPT_DATA', file, 'truncated');
    // Rows of different dimensions.
    const mixed = new DataView(new ArrayBuffer(4 + 8 + 4 + 12));
    mixed.setInt32(0, 2, true);
    mixed.setInt32(12, 3, true);
    writeFileSync(file, new Uint8Array(mixed.buffer));
    expectAnnlabError(() => readFvecs(file), 'DIMENSION_MISMATCH', file, 'row 1 has dimension 3');
    // NaN and Infinity.
    writeFvecs(file, new Float32Array([1, 2, 3, NaN]), 2);
    expectAnnlabError(() => readFvecs(file), 'NON_FINITE', file, 'row 1, component 1');
    writeFvecs(file, new Float32Array([Infinity, 2]), 2);
    expectAnnlabError(() => readFvecs(file), 'NON_FINITE', file, 'row 0, component 0');
    // Missing file.
    expectAnnlabError(() => readIvecs(join(dir, 'nope.ivecs')), 'NOT_FOUND', 'nope.ivecs');
    // Writer shape errors leave no file behind.
    const before = listFiles(dir);
    expectAnnlabError(() => writeFvecs(join(dir, 'w.fvecs'), new Float32Array(5), 2), 'DIMENSION_MISMATCH', 'multiple of dim = 2');
    expect(listFiles(dir)).toEqual(before);
  });

  it('reads an empty file as zero rows', () => {
    const file = join(dir, 'empty.fvecs');
    writeFileSync(file, new Uint8Array(0));
    expect(readFvecs(file)).toEqual({ rows: 0, dim: 0, data: new Float32Array(0) });
  });
});
