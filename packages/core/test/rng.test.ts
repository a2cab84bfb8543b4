import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnnlabError, Rng } from '@annlab/core';

describe('Rng', () => {
  it('the same seed gives the same sequence; different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const c = new Rng(seed + 1);
        const sa = [a.nextFloat(), a.nextInt(1000), a.nextGaussian(), a.nextDouble(), a.nextGaussian()];
        const sb = [b.nextFloat(), b.nextInt(1000), b.nextGaussian(), b.nextDouble(), b.nextGaussian()];
        expect(sa).toEqual(sb);
        expect(c.nextFloat()).not.toBe(sa[0]);
      }),
      { seed: 1, numRuns: 50 },
    );
  });

  it('nextInt stays in range; nextFloat in [0, 1)', () => {
    const r = new Rng(3);
    for (let i = 0; i < 10_000; i++) {
      const x = r.nextInt(7);
      expect(Number.isInteger(x) && x >= 0 && x < 7).toBe(true);
      const f = r.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
    expect(r.nextInt(3_000_000_000)).toBeLessThan(3_000_000_000);
  });

  it('gaussian draws have mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(11);
    let s = 0;
    let s2 = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const g = r.nextGaussian();
      s += g;
      s2 += g * g;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('sample returns k distinct values in range (both strategies); shuffle permutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer(), (n, kRaw, seed) => {
        const k = Math.min(n, kRaw);
        const s = new Rng(seed).sample(n, k);
        expect(s.length).toBe(k);
        expect(new Set(s).size).toBe(k);
        for (const x of s) expect(x >= 0 && x < n).toBe(true);
      }),
      { seed: 5, numRuns: 100 },
    );
    const a = Int32Array.from({ length: 50 }, (_, i) => i);
    new Rng(1).shuffle(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(() => new Rng(1).sample(3, 4)).toThrow(AnnlabError);
    expect(() => new Rng(1.5)).toThrow(AnnlabError);
  });

  it('fork gives a deterministic independent stream', () => {
    const a = new Rng(8).fork();
    const b = new Rng(8).fork();
    expect(a.nextFloat()).toBe(b.nextFloat());
  });

  it('a generator restored from state() continues the same sequence (spare gaussian included)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 300 }), fc.boolean(), (seed, skip, odd) => {
        const a = new Rng(seed);
        for (let i = 0; i < skip; i++) a.nextDouble();
        if (odd) a.nextGaussian(); // leaves a spare cached
        const state = a.state();
        const b = Rng.fromState(JSON.parse(JSON.stringify(state)));
        expect(b.seed).toBe(seed);
        expect(b.state()).toEqual(state);
        const sa = [a.nextGaussian(), a.nextFloat(), a.nextDouble(), a.nextInt(1000), a.nextInt(3_000_000_000), a.nextGaussian()];
        const sb = [b.nextGaussian(), b.nextFloat(), b.nextDouble(), b.nextInt(1000), b.nextInt(3_000_000_000), b.nextGaussian()];
        expect(sb).toEqual(sa);
      }),
      { seed: 7, numRuns: 50 },
    );
    const s = new Rng(1).state();
    expect(Number.isInteger(s.s0) && Number.isInteger(s.s1) && Number.isInteger(s.s2) && Number.isInteger(s.c)).toBe(true);
    expect(s.spare).toBeNull();
  });

  it('fromState refuses crafted states with INVALID_PARAMETER', () => {
    const good = new Rng(5).state();
    const bad: unknown[] = [
      null,
      42,
      [],
      { ...good, c: -1 },
      { ...good, c: 2091639 },
      { ...good, c: 1.5 },
      { ...good, s0: 2 ** 32 },
      { ...good, s1: -3 },
      { ...good, s2: 0.25 },
      { ...good, s2: '7' },
      { ...good, spare: Infinity },
      { ...good, spare: 'x' },
      { ...good, seed: 2 ** 60 },
      { ...good, extra: 1 },
      { seed: 1, c: 0, s0: 0, s1: 0, s2: 0, spare: null },
      { seed: 1, c: 2091638, s0: 2 ** 32 - 1, s1: 2 ** 32 - 1, s2: 2 ** 32 - 1, spare: null },
    ];
    for (const state of bad) {
      let code = '';
      try {
        Rng.fromState(state as never);
      } catch (e) {
        expect(e).toBeInstanceOf(AnnlabError);
        code = (e as AnnlabError).code;
      }
      expect(code, JSON.stringify(state)).toBe('INVALID_PARAMETER');
    }
  });
});
