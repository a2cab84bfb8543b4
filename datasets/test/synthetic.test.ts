import { describe, expect, it } from 'vitest';
import { l2SquaredRef } from '@annlab/core';
import { parseSyntheticRef, syntheticDataset, syntheticRef } from '@annlab/datasets';
import { expectAnnlabError } from './helpers.js';

describe('synthetic datasets', () => {
  it('is deterministic: the same spec gives bit-identical vectors, another seed does not', () => {
    const a = syntheticDataset('synthetic:n=500,dim=16,clusters=5,queries=20,seed=3');
    const b = syntheticDataset({ n: 500, dim: 16, clusters: 5, queries: 20, seed: 3 });
    expect(a.name).toBe(b.name);
    expect(a.base).toEqual(b.base);
    expect(a.queries).toEqual(b.queries);
    const c = syntheticDataset({ n: 500, dim: 16, clusters: 5, queries: 20, seed: 4 });
    expect(c.base).not.toEqual(a.base);
    expect(a.base.length).toBe(500 * 16);
    expect(a.queries.length).toBe(20 * 16);
    expect(a.groundTruthK).toBe(0);
    expect(a.metric).toBe('euclidean');
  });

  it('pins the generator output (changing it would silently change every benchmark)', () => {
    const d = syntheticDataset('synthetic:n=3,dim=4,queries=1,seed=1');
    let sum = 0;
    for (const v of d.base) sum += v;
    // Regression values from the first implementation; update only on purpose.
    expect(d.base[0]).toMatchInlineSnapshot(`0.91194087266922`);
    expect(sum).toMatchInlineSnapshot(`-9.393372356891632`);
  });

  it('queries do not depend on n (independent random streams)', () => {
    const a = syntheticDataset({ n: 100, dim: 8, queries: 10, seed: 9 });
    const b = syntheticDataset({ n: 300, dim: 8, queries: 10, seed: 9 });
    expect(a.queries).toEqual(b.queries);
    expect(b.base.subarray(0, 800)).toEqual(a.base);
  });

  it('clusters lie on an intrinsic-dimensional subspace: with intrinsic=1 and no noise every row is a multiple of one direction', () => {
    const d = syntheticDataset({ n: 50, dim: 6, intrinsic: 1, noise: 0, queries: 5, seed: 2 });
    const dir = d.base.subarray(0, 6);
    for (let r = 1; r < 50; r++) {
      // |<x, u>|^2 = |x|^2 |u|^2 for parallel vectors
      let xu = 0;
      let xx = 0;
      let uu = 0;
      for (let j = 0; j < 6; j++) {
        xu += d.base[r * 6 + j] * dir[j];
        xx += d.base[r * 6 + j] ** 2;
        uu += dir[j] ** 2;
      }
      expect(Math.abs(xu * xu - xx * uu)).toBeLessThan(1e-4 * xx * uu + 1e-9);
    }
  });

  it('clustered data has much closer nearest neighbours than uniform data of the same scale', () => {
    const nnRatio = (base: Float32Array, dim: number): number => {
      // mean nearest-neighbour distance / mean distance to a random other point
      const n = base.length / dim;
      let nn = 0;
      let any = 0;
      for (let i = 0; i < 100; i++) {
        let best = Infinity;
        for (let j = 0; j < n; j++) if (j !== i) best = Math.min(best, l2SquaredRef(base, i * dim, base, j * dim, dim));
        nn += Math.sqrt(best);
        any += Math.sqrt(l2SquaredRef(base, i * dim, base, ((i + n / 2) % n) * dim, dim));
      }
      return nn / any;
    };
    const clustered = syntheticDataset({ n: 1000, dim: 32, intrinsic: 4, clusters: 10, seed: 1 });
    const cube = syntheticDataset({ kind: 'cube', n: 1000, dim: 32, seed: 1 });
    expect(nnRatio(clustered.base, 32)).toBeLessThan(0.5 * nnRatio(cube.base, 32));
  });

  it('cube values lie in [0,1), sphere rows have unit length', () => {
    const cube = syntheticDataset('synthetic:kind=cube,n=200,dim=5,queries=10');
    for (const v of cube.base) expect(v >= 0 && v < 1).toBe(true);
    const sphere = syntheticDataset('synthetic:kind=sphere,n=200,dim=5,queries=10,metric=angular');
    expect(sphere.metric).toBe('cosine');
    for (let r = 0; r < 200; r++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += sphere.base[r * 5 + j] ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('parses refs with metric and gives a canonical name that round-trips', () => {
    const spec = parseSyntheticRef('synthetic:n=2000,dim=32,clusters=10,queries=100,seed=1,metric=inner-product');
    expect(spec).toEqual({ n: 2000, dim: 32, clusters: 10, queries: 100, seed: 1, metric: 'inner-product' });
    const name = syntheticRef(spec);
    expect(name).toBe(
      'synthetic:kind=clusters,n=2000,dim=32,queries=100,seed=1,metric=inner-product,clusters=10,intrinsic=8,noise=0.05,spread=3',
    );
    expect(syntheticRef(parseSyntheticRef(name))).toBe(name);
  });

  it('refuses bad specs with a message saying what is wrong', () => {
    expectAnnlabError(() => syntheticDataset('synthetic:dim=3'), 'INVALID_PARAMETER', 'n and dim are required');
    expectAnnlabError(() => syntheticDataset('synthetic:n=10,dim=3,colour=red'), 'INVALID_PARAMETER', "unknown key 'colour'");
    expectAnnlabError(() => syntheticDataset('synthetic:n=10,dim=3,metric=manhattan'), 'INVALID_PARAMETER', 'metric');
    expectAnnlabError(() => syntheticDataset('synthetic:n=10,dim=3,intrinsic=4'), 'INVALID_PARAMETER', 'intrinsic');
    expectAnnlabError(() => syntheticDataset('synthetic:n=x,dim=3'), 'INVALID_PARAMETER', 'n must be a number');
    expectAnnlabError(() => syntheticDataset('synthetic:n=10,n=11,dim=3'), 'INVALID_PARAMETER', 'given twice');
  });
});
