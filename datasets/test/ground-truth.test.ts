import { afterAll, describe, expect, it } from 'vitest';
import { METRICS, reportedDistance } from '@annlab/core';
import { cachedGroundTruth, computeGroundTruth, datasetKey, syntheticDataset } from '@annlab/datasets';
import { listFiles, removeDir, tempDir } from './helpers.js';

const cacheDir = tempDir('gt');
afterAll(() => removeDir(cacheDir));

describe('ground truth', () => {
  it('equals "compute every distance, sort, take k" for every metric (ties by smaller id)', () => {
    const d = syntheticDataset({ n: 300, dim: 7, queries: 15, seed: 5 });
    // duplicate rows make exact ties
    d.base.copyWithin(7 * 10, 0, 7 * 5);
    for (const metric of METRICS) {
      const k = 12;
      const gt = computeGroundTruth(d.base, d.queries, 7, metric, k);
      for (let q = 0; q < 15; q++) {
        const dist = Array.from({ length: 300 }, (_, i) => reportedDistance(metric, d.queries, q * 7, d.base, i * 7, 7));
        const order = Array.from({ length: 300 }, (_, i) => i).sort((a, b) => dist[a] - dist[b] || a - b);
        for (let j = 0; j < k; j++) {
          // Compare distances (near-equal values may swap between summation orders).
          expect(gt.distances[q * k + j]).toBeCloseTo(dist[order[j]], 4);
          expect(dist[gt.ids[q * k + j]]).toBeCloseTo(dist[order[j]], 4);
        }
      }
    }
  });

  it('pads with -1 when k exceeds the base size', () => {
    const gt = computeGroundTruth(new Float32Array([0, 0, 1, 1]), new Float32Array([0, 0]), 2, 'euclidean', 4);
    expect(Array.from(gt.ids)).toEqual([0, 1, -1, -1]);
  });

  it('caches by content + metric: hits on the same data, misses on changed data or metric, serves smaller k', () => {
    const d = syntheticDataset({ n: 200, dim: 5, queries: 8, seed: 1 });
    const first = cachedGroundTruth(d.base, d.queries, 5, 'euclidean', 10, { cacheDir });
    expect(first.computed).toBe(true);
    expect(listFiles(`${cacheDir}/groundtruth`)).toEqual([`${datasetKey(d.base, d.queries, 5, 'euclidean')}-k10.ivecs`]);
    const again = cachedGroundTruth(d.base, d.queries, 5, 'euclidean', 10, { cacheDir });
    expect(again.computed).toBe(false);
    expect(again.ids).toEqual(first.ids);
    const smaller = cachedGroundTruth(d.base, d.queries, 5, 'euclidean', 3, { cacheDir });
    expect(smaller.computed).toBe(false);
    expect(smaller.k).toBe(10);
    // Another metric: a different key.
    expect(cachedGroundTruth(d.base, d.queries, 5, 'cosine', 10, { cacheDir }).computed).toBe(true);
    // One changed value: a different key, never the stale file.
    const changed = d.base.slice();
    changed[17] += 0.5;
    expect(datasetKey(changed, d.queries, 5, 'euclidean')).not.toBe(datasetKey(d.base, d.queries, 5, 'euclidean'));
    const fresh = cachedGroundTruth(changed, d.queries, 5, 'euclidean', 10, { cacheDir });
    expect(fresh.computed).toBe(true);
    expect(fresh.ids).toEqual(computeGroundTruth(changed, d.queries, 5, 'euclidean', 10).ids);
    // A wider request than cached recomputes.
    expect(cachedGroundTruth(d.base, d.queries, 5, 'euclidean', 20, { cacheDir }).computed).toBe(true);
  });
});
