import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeIdx,
  decodeNpy,
  encodeIdxUint8,
  encodeNpy,
  readIdx,
  readIdxMatrix,
  readNpy,
  writeIdxUint8,
  writeNpy,
} from '@annlab/datasets';
import { FC, expectAnnlabError, removeDir, tempDir } from './helpers.js';

const dir = tempDir('npy-idx');
afterAll(() => removeDir(dir));

const shape = fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 });

describe('.npy', () => {
  it('round-trips float32, uint8 and int32 arrays of any shape', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => {
          const n = s.reduce((a, b) => a * b, 1);
          return fc.record({
            shape: fc.constant(s),
            f: fc.float32Array({ minLength: n, maxLength: n }),
            u: fc.uint8Array({ minLength: n, maxLength: n }),
            i: fc.int32Array({ minLength: n, maxLength: n }),
          });
        }),
        ({ shape: s, f, u, i }) => {
          for (const data of [f, u, i]) {
            const file = join(dir, 'a.npy');
            writeNpy(file, data, s);
            const bytes = readFileSync(file);
            // Header + preamble is a multiple of 64 bytes, as numpy requires for alignment.
            expect((bytes.length - data.byteLength) % 64).toBe(0);
            // Raw round trip, NaN and ±Infinity included (readers refuse them unless asked).
            const back = readNpy(file, { allowNonFinite: true });
            expect(back.shape).toEqual(s);
            expect(back.data.constructor).toBe(data.constructor);
            expect(Array.from(back.data)).toEqual(Array.from(data)); // NaN and -0 compared with Object.is
          }
        },
      ),
      FC,
    );
  });

  it('reads what numpy writes (v1.0 header, float64 converted to float32)', () => {
    // np.save(f, np.array([[1.5, -2.0]], dtype='<f8')) writes this header.
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }";
    const padded = `${header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
    const bytes = new Uint8Array(10 + padded.length + 16);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, padded.length, true);
    for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
    new Float64Array(bytes.buffer, 10 + padded.length, 2).set([1.5, -2]);
    const a = decodeNpy(bytes, 'x.npy');
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data)).toEqual([1.5, -2]);
  });

  it('refuses bad files with the file name and the reason', () => {
    const good = encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
    expectAnnlabError(() => decodeNpy(good.subarray(0, good.length - 3), 'cut.npy'), 'CORRUPT_DATA', 'cut.npy', 'truncated');
    expectAnnlabError(() => decodeNpy(new TextEncoder().encode('PK\u0003\u0004 a zip'), 'z.npy'), 'WRONG_FORMAT', 'z.npy', 'not a .npy');
    const fortran = new Uint8Array(good);
    const text = new TextDecoder().decode(fortran.subarray(10, 70)).replace("'fortran_order': False", "'fortran_order': True ");
    for (let i = 0; i < text.length; i++) fortran[10 + i] = text.charCodeAt(i);
    expectAnnlabError(() => decodeNpy(fortran, 'f.npy'), 'UNSUPPORTED_OPERATION', 'f.npy', 'ascontiguousarray');
    const other = new Uint8Array(good);
    const t2 = new TextDecoder().decode(other.subarray(10, 70)).replace("'<f4'", "'<c8'");
    for (let i = 0; i < t2.length; i++) other[10 + i] = t2.charCodeAt(i);
    expectAnnlabError(() => decodeNpy(other, 'c.npy'), 'UNSUPPORTED_OPERATION', 'c.npy', "'<c8'");
    expectAnnlabError(() => encodeNpy(new Float32Array(3), [2, 2]), 'DIMENSION_MISMATCH');
    expectAnnlabError(() => readNpy(join(dir, 'missing.npy')), 'NOT_FOUND', 'missing.npy');
  });
});

describe('IDX', () => {
  it('round-trips uint8 images, plain and gzipped, into float32 rows', () => {
    fc.assert(
      fc.property(
        fc
          .record({
            n: fc.integer({ min: 0, max: 12 }),
            h: fc.integer({ min: 1, max: 6 }),
            w: fc.integer({ min: 1, max: 6 }),
            gzip: fc.boolean(),
          })
          .chain((r) =>
            fc.record({
              r: fc.constant(r),
              pixels: fc.uint8Array({ minLength: r.n * r.h * r.w, maxLength: r.n * r.h * r.w }),
              limit: fc.integer({ min: 0, max: 14 }),
            }),
          ),
        ({ r, pixels, limit }) => {
          const file = join(dir, r.gzip ? 'img.gz' : 'img');
          writeIdxUint8(file, pixels, [r.n, r.h, r.w], r.gzip);
          const a = readIdx(file);
          expect(a.type).toBe('uint8');
          expect(a.shape).toEqual([r.n, r.h, r.w]);
          expect(Array.from(a.data)).toEqual(Array.from(pixels));
          const m = readIdxMatrix(file, { maxRows: limit });
          expect(m.dim).toBe(r.h * r.w);
          expect(m.rows).toBe(Math.min(limit, r.n));
          expect(Array.from(m.data)).toEqual(Array.from(pixels.subarray(0, m.rows * m.dim)));
        },
      ),
      FC,
    );
  });

  it('decodes big-endian multi-byte element types', () => {
    const bytes = new Uint8Array(4 + 4 + 8);
    const v = new DataView(bytes.buffer);
    bytes[2] = 0x0d; // float32
    bytes[3] = 1;
    v.setUint32(4, 2, false);
    v.setFloat32(8, -1.25, false);
    v.setFloat32(12, 3.5, false);
    expect(Array.from(decodeIdx(bytes, 'f.idx').data)).toEqual([-1.25, 3.5]);
  });

  it('refuses bad files with the file name and the reason', () => {
    const good = encodeIdxUint8(new Uint8Array(2 * 4), [2, 2, 2]);
    expectAnnlabError(() => decodeIdx(good.subarray(0, good.length - 1), 't.idx'), 'CORRUPT_DATA', 't.idx', 'truncated');
    expectAnnlabError(
      () => decodeIdx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'p.png'),
      'WRONG_FORMAT',
      'p.png',
      'not an IDX file',
    );
    const gz = gzipSync(good);
    expectAnnlabError(() => decodeIdx(gz.subarray(0, gz.length - 6), 'c.gz'), 'CORRUPT_DATA', 'c.gz', 'gzip');
    const f = new Uint8Array(4 + 4 + 4);
    f[2] = 0x0d;
    f[3] = 1;
    new DataView(f.buffer).setUint32(4, 1, false);
    new DataView(f.buffer).setFloat32(8, NaN, false);
    expectAnnlabError(() => decodeIdx(f, 'nan.idx'), 'NON_FINITE', 'nan.idx');
    writeFileSync(join(dir, 'empty'), new Uint8Array(0));
    expectAnnlabError(() => readIdx(join(dir, 'empty')), 'WRONG_FORMAT', 'empty');
  });
});
