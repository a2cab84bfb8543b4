import { describe, expect, it } from 'vitest';
import { exactDistance, idOverlapRecall, kthDistances, rowDistances, thresholdRecall } from '@annlab/bench';

// Five base points on a line; the query sits at 0. Points 1 and 2 are both at distance 1
// (a tie for 1st/2nd place), points 3 and 4 both at distance 2 (a tie at the k-th place for k = 3).
const dim = 1;
const base = new Float32Array([0.5, 1, -1, 2, -2, 10]);
const queries = new Float32Array([0]);
// The ground truth lists one tie order; any order of equal distances is equally right.
const gt = new Int32Array([0, 1, 2, 3, 4, 5]);

function recallOf(ids: number[], k: number): { threshold: number; overlap: number } {
  const row = new Int32Array(ids);
  const kth = kthDistances(gt, 6, 1, k, queries, base, dim, 'euclidean');
  const d = rowDistances(row, 1, k, queries, base, dim, 'euclidean');
  return { threshold: thresholdRecall(row, d, 1, k, kth).mean, overlap: idOverlapRecall(row, 1, k, gt, 6).mean };
}

describe('recall@k', () => {
  it('counts the exact answer as 1 by both rules', () => {
    expect(recallOf([0, 1, 2, 3], 4)).toEqual({ threshold: 1, overlap: 1 });
  });

  it('lets a tie at the k-th distance cost nothing under the threshold rule, but not under id overlap', () => {
    // k = 4: true top-4 is {0, 1, 2, 3}; point 4 is at the same distance as 3.
    const r = recallOf([0, 1, 2, 4], 4);
    expect(r.threshold).toBe(1);
    expect(r.overlap).toBe(0.75);
  });

  it('accepts distances up to the k-th + 1e-3 and no further', () => {
    const b = new Float32Array([1, 1.0009, 1.002]);
    const q = new Float32Array([0]);
    const truth = new Int32Array([0, 1, 2]);
    const kth = kthDistances(truth, 3, 1, 1, q, b, 1, 'euclidean');
    expect(kth[0]).toBe(1);
    const within = new Int32Array([1]);
    expect(thresholdRecall(within, rowDistances(within, 1, 1, q, b, 1, 'euclidean'), 1, 1, kth).mean).toBe(1);
    const beyond = new Int32Array([2]);
    expect(thresholdRecall(beyond, rowDistances(beyond, 1, 1, q, b, 1, 'euclidean'), 1, 1, kth).mean).toBe(0);
  });

  it('gives nothing for padding and counts a repeated id once', () => {
    expect(recallOf([0, -1, -1, -1], 4).threshold).toBe(0.25);
    expect(recallOf([0, 0, 0, 0], 4)).toEqual({ threshold: 0.25, overlap: 0.25 });
  });

  it('counts a far point as a miss', () => {
    expect(recallOf([0, 1, 2, 5], 4)).toEqual({ threshold: 0.75, overlap: 0.75 });
  });

  it('uses the k-th smallest recomputed ground-truth distance even when the file lists ties in another order', () => {
    const shuffled = new Int32Array([0, 2, 1, 4, 3, 5]);
    const kth = kthDistances(shuffled, 6, 1, 3, queries, base, dim, 'euclidean');
    expect(kth[0]).toBe(1);
  });

  it('averages over queries', () => {
    const q2 = new Float32Array([0, 10]);
    const truth = new Int32Array([0, 1, 5, 3]);
    const kth = kthDistances(truth, 2, 2, 1, q2, base, dim, 'euclidean');
    const ids = new Int32Array([0, 0]); // right for query 0, wrong for query 1
    expect(thresholdRecall(ids, rowDistances(ids, 2, 1, q2, base, dim, 'euclidean'), 2, 1, kth).mean).toBe(0.5);
  });

  it('computes reported distances for every metric', () => {
    const x = new Float32Array([3, 4]);
    const y = new Float32Array([4, 3]);
    expect(exactDistance(x, 0, y, 0, 2, 'euclidean')).toBeCloseTo(Math.SQRT2, 12);
    expect(exactDistance(x, 0, y, 0, 2, 'inner-product')).toBe(-24);
    expect(exactDistance(x, 0, y, 0, 2, 'cosine')).toBeCloseTo(1 - 24 / 25, 12);
    expect(exactDistance(x, 0, new Float32Array([0, 0]), 0, 2, 'cosine')).toBe(1);
  });
});
