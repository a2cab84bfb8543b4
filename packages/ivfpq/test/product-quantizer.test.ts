import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dotRef, l2SquaredRef } from '@annlab/core';
import { ProductQuantizer } from '@annlab/ivfpq';
import { clustered, expectCode } from '@annlab/test-kit';

/** The shape of the seeded data these tests were tuned on. */
const DATA = { spread: 0.3, centreScale: 2 };

describe('ProductQuantizer', () => {
  it('ADC distance equals the exact distance to the decoded vector (L2 and inner product)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom('js' as const, 'auto' as const),
        (seed, m, nbits, kernels) => {
          const dim = 8;
          // Plain-TS tables accumulate in float64 (agree to ~1e-12); SIMD tables in float32.
          const tol = kernels === 'js' ? 1e-9 : 1e-5;
          const pq = new ProductQuantizer({ dim, m, nbits, niter: 4, seed, kernels });
          const x = clustered(300, dim, 6, seed, DATA);
          pq.train(x);
          const codes = pq.encode(x);
          const dec = pq.decode(codes);
          const q = clustered(3, dim, 6, seed + 1, DATA);
          const l2 = new Float64Array(m * pq.ksub);
          const ip = new Float64Array(m * pq.ksub);
          for (let qi = 0; qi < 3; qi++) {
            pq.computeL2Table(q, qi * dim, l2, 0);
            pq.computeIpTable(q, qi * dim, ip, 0);
            for (let i = 0; i < 300; i += 7) {
              const exact = l2SquaredRef(q, qi * dim, dec, i * dim, dim);
              expect(Math.abs(pq.adcDistanceRef(l2, codes, i * m) - exact)).toBeLessThan(tol * (1 + exact));
              const ipExact = -dotRef(q, qi * dim, dec, i * dim, dim);
              expect(Math.abs(pq.adcDistanceRef(ip, codes, i * m) - ipExact)).toBeLessThan(tol * (1 + Math.abs(ipExact)));
            }
          }
        },
      ),
      { seed: 11, numRuns: 25 },
    );
  });

  it('with ksub ≥ n reconstructs the training points exactly', () => {
    for (const n of [1, 7, 16]) {
      const x = clustered(n, 12, 3, n, DATA);
      const pq = new ProductQuantizer({ dim: 12, m: 3, nbits: 4 });
      pq.train(x);
      expect(Array.from(pq.decode(pq.encode(x)))).toEqual(Array.from(x));
    }
    const x = clustered(256, 6, 4, 2, DATA); // n = ksub goes through k-means with every point a centroid
    const pq = new ProductQuantizer({ dim: 6, m: 2, nbits: 8, niter: 3 });
    pq.train(x);
    expect(Array.from(pq.decode(pq.encode(x)))).toEqual(Array.from(x));
  });

  it('batch encode (tiles) agrees with the one-vector reference encoder', () => {
    const x = clustered(500, 16, 8, 4, DATA);
    const pq = new ProductQuantizer({ dim: 16, m: 4, nbits: 6, niter: 5 });
    pq.train(x);
    const codes = pq.encode(x);
    const one = new Uint8Array(4);
    let differ = 0;
    for (let i = 0; i < 500; i++) {
      pq.encodeInto(x, i * 16, one, 0);
      for (let j = 0; j < 4; j++) if (one[j] !== codes[i * 4 + j]) differ++;
    }
    expect(differ).toBe(0);
  });

  it('is deterministic and round-trips', () => {
    const x = clustered(400, 8, 5, 9, DATA);
    const a = new ProductQuantizer({ dim: 8, m: 2, nbits: 5, seed: 3 });
    const b = new ProductQuantizer({ dim: 8, m: 2, nbits: 5, seed: 3 });
    a.train(x);
    b.train(x);
    expect(Array.from(a.serialize())).toEqual(Array.from(b.serialize()));
    const c = ProductQuantizer.deserialize(a.serialize());
    expect(Array.from(c.encode(x))).toEqual(Array.from(a.encode(x)));
  });

  it('raises typed errors on bad parameters', () => {
    expectCode(() => new ProductQuantizer({ dim: 8, m: 2, nbits: 9 }), 'INVALID_PARAMETER');
    expectCode(() => new ProductQuantizer({ dim: 8, m: 2, nbits: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new ProductQuantizer({ dim: 10, m: 4 }), 'INVALID_PARAMETER');
    expectCode(() => new ProductQuantizer({ dim: 8, m: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new ProductQuantizer({ dim: 8, m: 2 }).encode(new Float32Array(8)), 'NOT_TRAINED');
    expectCode(() => new ProductQuantizer({ dim: 8, m: 2 }).train(new Float32Array(0)), 'EMPTY_INDEX');
    try {
      new ProductQuantizer({ dim: 10, m: 4 });
    } catch (e) {
      expect((e as Error).message).toMatch(/divisors of 10 \(1, 2, 5, 10/);
    }
  });
});
