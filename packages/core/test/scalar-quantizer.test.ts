import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnnlabError, BinaryReader, BinaryWriter, Rng, ScalarQuantizer } from '@annlab/core';

function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AnnlabError);
    expect((e as AnnlabError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

function gaussian(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * dim }, (_, i) => rng.nextGaussian() * (1 + (i % dim)) + (i % 3));
}

describe('ScalarQuantizer', () => {
  it('round-trips within half a step per component (8 and 4 bits, odd and even dims)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 17 }),
        fc.constantFrom(8 as const, 4 as const),
        fc.integer({ min: 1, max: 1 << 30 }),
        (n, dim, bits, seed) => {
          const rng = new Rng(seed);
          // Coarse values too, so zero-width ranges and duplicates occur.
          const x = Float32Array.from({ length: n * dim }, () => (rng.nextInt(4) === 0 ? rng.nextInt(3) : rng.nextGaussian() * 5));
          const sq = new ScalarQuantizer({ dim, bits });
          sq.train(x);
          const codes = sq.encode(x);
          expect(codes.length).toBe(n * sq.codeSize);
          const y = sq.decode(codes);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < dim; j++) {
              const err = Math.abs(x[i * dim + j] - y[i * dim + j]);
              // Half a step, plus float32 rounding of the decoded value.
              const bound = sq.scale[j] / 2 + 1e-6 * (Math.abs(x[i * dim + j]) + sq.vdiff[j]) + 1e-30;
              expect(err).toBeLessThanOrEqual(bound);
              expect(sq.codeAt(codes, i * sq.codeSize, j)).toBeLessThanOrEqual(sq.levels);
            }
          }
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });

  it('clamps out-of-range components to the range ends, which decode to the range ends (up to float32 rounding)', () => {
    const sq = new ScalarQuantizer({ dim: 2, bits: 8 });
    sq.train(new Float32Array([0, -1, 10, 1]));
    const codes = sq.encode(new Float32Array([-5, 7, 20, -0.5]));
    expect(Array.from(codes)).toEqual([0, 255, 255, 64]);
    const y = sq.decode(codes);
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(10, 5);
  });

  it('trimmed ranges spend the levels on the bulk of the data', () => {
    const n = 1000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i / n;
    x[0] = -100;
    x[n - 1] = 100;
    const full = new ScalarQuantizer({ dim: 1, bits: 4 });
    const trimmed = new ScalarQuantizer({ dim: 1, bits: 4, trim: 0.01 });
    full.train(x);
    trimmed.train(x);
    expect(full.vdiff[0]).toBe(200);
    expect(trimmed.vmin[0]).toBeCloseTo(0.009, 6);
    expect(trimmed.vdiff[0]).toBeLessThan(1);
  });

  it('the asymmetric distances are the exact distances to the decoded vectors', () => {
    const dim = 13;
    const x = gaussian(50, dim, 3);
    const q = gaussian(5, dim, 4);
    for (const bits of [8, 4] as const) {
      const sq = new ScalarQuantizer({ dim, bits });
      sq.train(x);
      const codes = sq.encode(x);
      const y = sq.decode(codes);
      for (let qi = 0; qi < 5; qi++) {
        for (let i = 0; i < 50; i++) {
          let l2 = 0;
          let ip = 0;
          for (let j = 0; j < dim; j++) {
            const d = q[qi * dim + j] - y[i * dim + j];
            l2 += d * d;
            ip += q[qi * dim + j] * y[i * dim + j];
          }
          expect(sq.l2SquaredRef(q, qi * dim, codes, i * sq.codeSize)).toBeCloseTo(l2, 3);
          expect(sq.dotRef(q, qi * dim, codes, i * sq.codeSize)).toBeCloseTo(ip, 3);
        }
      }
    }
  });

  it('serializes and loads (trained and untrained), identical bytes again', () => {
    for (const bits of [8, 4] as const) {
      const sq = new ScalarQuantizer({ dim: 7, bits, trim: 0.05 });
      const empty = ScalarQuantizer.deserialize(sq.serialize());
      expect(empty.isTrained).toBe(false);
      sq.train(gaussian(30, 7, 9));
      const bytes = sq.serialize();
      const back = ScalarQuantizer.deserialize(bytes);
      expect(back.isTrained).toBe(true);
      expect(back.bits).toBe(bits);
      expect(back.trim).toBe(0.05);
      expect(Array.from(back.scale)).toEqual(Array.from(sq.scale));
      expect(Buffer.from(back.serialize()).equals(Buffer.from(bytes))).toBe(true);
      const x = gaussian(4, 7, 10);
      expect(Array.from(back.encode(x))).toEqual(Array.from(sq.encode(x)));
    }
  });

  it('refuses corrupt files with CORRUPT_DATA', () => {
    const sq = new ScalarQuantizer({ dim: 3 });
    sq.train(gaussian(10, 3, 1));
    const rewrite = (edit: (p: Record<string, unknown>) => void, vdiff?: Float32Array): Uint8Array => {
      const r = BinaryReader.open(sq.serialize(), 'sq');
      const p = r.json<Record<string, unknown>>();
      const vmin = r.f32array();
      const vd = r.f32array();
      edit(p);
      const w = new BinaryWriter('sq', 1);
      w.json(p);
      w.array(vmin);
      w.array(vdiff ?? vd);
      return w.finish();
    };
    expectCode(() => ScalarQuantizer.deserialize(rewrite((p) => (p.bits = 6))), 'CORRUPT_DATA');
    expectCode(() => ScalarQuantizer.deserialize(rewrite((p) => (p.dim = 4))), 'CORRUPT_DATA');
    expectCode(() => ScalarQuantizer.deserialize(rewrite((p) => (p.trained = 'yes'))), 'CORRUPT_DATA');
    expectCode(() => ScalarQuantizer.deserialize(rewrite((p) => (p.trained = false))), 'CORRUPT_DATA');
    expectCode(() => ScalarQuantizer.deserialize(rewrite(() => {}, new Float32Array([1, -1, 1]))), 'CORRUPT_DATA');
    const bytes = sq.serialize();
    const flipped = bytes.slice();
    flipped[flipped.length - 9] ^= 0xff;
    expect(() => ScalarQuantizer.deserialize(flipped)).toThrow(AnnlabError);
    expect(() => ScalarQuantizer.deserialize(bytes.subarray(0, bytes.length - 4))).toThrow(AnnlabError);
  });

  it('validates options and refuses unknown keys', () => {
    expectCode(() => new ScalarQuantizer({ dim: 4, bits: 6 as 8 }), 'INVALID_PARAMETER');
    expectCode(() => new ScalarQuantizer({ dim: 4, trim: 0.5 }), 'INVALID_PARAMETER');
    expectCode(() => new ScalarQuantizer({ dim: 4, nbits: 8 } as never), 'INVALID_PARAMETER');
    expectCode(() => new ScalarQuantizer({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new ScalarQuantizer({ dim: 4 }).encode(new Float32Array(4)), 'NOT_TRAINED');
    expectCode(() => new ScalarQuantizer({ dim: 4 }).train(new Float32Array(0)), 'EMPTY_INDEX');
  });
});
