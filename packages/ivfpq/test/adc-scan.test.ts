import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MaxHeap, Rng } from '@annlab/core';
import { scanCodes, scanCodesRef, scanCodesTwoTables } from '../src/internal/adc-scan.js';

describe('ADC scan', () => {
  it('the unrolled scan keeps the same top-k as the reference loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer(),
        (m, nbits, n, limit, seed) => {
          const rng = new Rng(seed);
          const ksub = 1 << nbits;
          const table = new Float64Array(m * ksub);
          // Coarse values so that ties happen and the (distance, id) order is exercised.
          for (let i = 0; i < table.length; i++) table[i] = rng.nextInt(8) / 4;
          const codes = new Uint8Array(n * m);
          for (let i = 0; i < codes.length; i++) codes[i] = rng.nextInt(ksub);
          const ids = new Int32Array(n);
          for (let i = 0; i < n; i++) ids[i] = (i * 7919) % 10007;
          const a = new MaxHeap(4);
          const b = new MaxHeap(4);
          const start = Math.min(n, 3);
          scanCodes(codes, ids, start, n, m, ksub, table, 0.5, a, limit, Infinity);
          scanCodesRef(codes, ids, start, n, m, ksub, table, 0.5, b, limit);
          const ai = new Int32Array(a.size),
            ad = new Float64Array(a.size);
          const bi = new Int32Array(b.size),
            bd = new Float64Array(b.size);
          a.drainAscending(ai, ad, 0);
          b.drainAscending(bi, bd, 0);
          expect(Array.from(ai)).toEqual(Array.from(bi));
          for (let i = 0; i < ad.length; i++) expect(Math.abs(ad[i] - bd[i])).toBeLessThan(1e-12);
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it('the two-table scan equals the reference scan over the summed table', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer(),
        (m, nbits, n, limit, seed) => {
          const rng = new Rng(seed);
          const ksub = 1 << nbits;
          const aOff = 5;
          const a = new Float32Array(aOff + m * ksub);
          const b = new Float64Array(m * ksub);
          const sum = new Float64Array(m * ksub);
          for (let i = 0; i < sum.length; i++) {
            a[aOff + i] = rng.nextInt(8) / 4;
            b[i] = rng.nextInt(8) / 4;
            sum[i] = a[aOff + i] + b[i];
          }
          const codes = new Uint8Array(n * m);
          for (let i = 0; i < codes.length; i++) codes[i] = rng.nextInt(ksub);
          const ids = new Int32Array(n);
          for (let i = 0; i < n; i++) ids[i] = n - i;
          const h1 = new MaxHeap(4);
          const h2 = new MaxHeap(4);
          scanCodesTwoTables(codes, ids, 0, n, m, ksub, a, aOff, b, 0.25, h1, limit, Infinity);
          scanCodesRef(codes, ids, 0, n, m, ksub, sum, 0.25, h2, limit);
          const i1 = new Int32Array(h1.size),
            d1 = new Float64Array(h1.size);
          const i2 = new Int32Array(h2.size),
            d2 = new Float64Array(h2.size);
          h1.drainAscending(i1, d1, 0);
          h2.drainAscending(i2, d2, 0);
          expect(Array.from(i1)).toEqual(Array.from(i2));
          expect(Array.from(d1)).toEqual(Array.from(d2));
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});
