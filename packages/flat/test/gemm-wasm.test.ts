/** The inner-product tile kernel (`assembly/gemm.ts`): embedded bytes current, equal to its reference. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gemmKernelsFor, ipTile4Ref, packQueryGroup } from '../src/internal/gemm-kernels.js';
import { GEMM_SOURCE_SHA256 } from '../src/internal/gemm-wasm.generated.js';
import { seeded } from './helpers.js';

describe('WebAssembly SIMD inner-product tiles', () => {
  it('the embedded bytes were compiled from the current assembly/gemm.ts', () => {
    const source = readFileSync(new URL('../assembly/gemm.ts', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex')).toBe(GEMM_SOURCE_SHA256);
  });

  it('packQueryGroup interleaves 4 queries by 4-float chunk, zero-padded', () => {
    const dim = 6;
    const q = Float32Array.from({ length: 2 * dim }, (_, i) => i + 1);
    const out = new Float32Array(2 * 16 + 1).fill(9);
    packQueryGroup(q, 0, 2, dim, out, 1);
    expect(Array.from(out.subarray(1, 17))).toEqual([1, 2, 3, 4, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(out.subarray(17, 33))).toEqual([5, 6, 0, 0, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(out[0]).toBe(9);
  });

  it('ipTile4 equals ipTile4Ref within float32 rounding, for every tail of dim, odd counts and short groups', () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const k = gemmKernelsFor(memory);
    expect(gemmKernelsFor(memory)).toBe(k); // one instance per memory
    const f32 = new Float32Array(memory.buffer);
    for (const dim of [1, 2, 3, 4, 5, 7, 8, 13, 16, 33, 100]) {
      for (const count of [1, 2, 3, 8, 11]) {
        for (const nq of [1, 3, 4]) {
          const rows = seeded(count * dim, dim * 31 + count, 3);
          const queries = seeded(nq * dim, dim * 7 + nq, 2);
          const qp = 64;
          const rowsPtr = qp + ((dim + 3) >> 2) * 64 + 64;
          const outPtr = rowsPtr + count * dim * 4 + 64;
          packQueryGroup(queries, 0, nq, dim, f32, qp >>> 2);
          f32.set(rows, rowsPtr >>> 2);
          const ldo = count + 3;
          f32.fill(Number.NaN, outPtr >>> 2, (outPtr >>> 2) + 4 * ldo);
          k.ipTile4(qp, rowsPtr, count, dim, outPtr, ldo * 4);
          const want = new Float32Array(4 * ldo);
          ipTile4Ref(queries, 0, nq, rows, 0, count, dim, want, 0, ldo);
          for (let u = 0; u < nq; u++) {
            for (let r = 0; r < count; r++) {
              // Float32 sums in another order: within dim · 2⁻²³ · Σ|q_i x_i| of the float64 sum.
              let abs = 0;
              for (let t = 0; t < dim; t++) abs += Math.abs(queries[u * dim + t] * rows[r * dim + t]);
              expect(Math.abs(f32[(outPtr >>> 2) + u * ldo + r] - want[u * ldo + r])).toBeLessThanOrEqual(dim * 2 ** -23 * abs);
            }
            // Past count, nothing was written.
            expect(f32[(outPtr >>> 2) + u * ldo + count]).toBeNaN();
          }
        }
      }
    }
  });
});
