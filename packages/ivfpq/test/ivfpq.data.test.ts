/**
 * Data suite: IVF-Flat and IVF-PQ on a slice of Fashion-MNIST (10,000 base images, 200
 * queries, Euclidean, k = 10), recall measured against FlatIndex with ann-benchmarks' rule.
 * Reads ANNLAB_SHARED_DATASETS or ../shared/datasets beside the repository.
 */
import { describe, expect, it } from 'vitest';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { recallAgainstFlat } from '@annlab/test-kit';
import { loadFashionMnist } from '@annlab/test-kit/datasets';

describe('Fashion-MNIST slice', () => {
  const dim = 784;
  const slice = loadFashionMnist(10000, 200);
  const base = slice.base.data;
  const queries = slice.queries.data;

  it('IVF-Flat (nlist 64): recall rises with nprobe and is exact at nprobe = nlist', () => {
    const ix = new IvfFlatIndex({ dim, nlist: 64, kernels: 'js' });
    ix.add(base);
    const r4 = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { nprobe: 4 }).ids, 'euclidean');
    const r16 = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { nprobe: 16 }).ids, 'euclidean');
    const all = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { nprobe: 64 }).ids, 'euclidean');
    console.log(`IVF-Flat nlist 64 recall@10: nprobe 4 ${r4}, nprobe 16 ${r16}, nprobe 64 ${all}`);
    expect(r4).toBeGreaterThan(0.96); // observed 0.987
    expect(r16).toBeGreaterThan(0.99); // observed 1
    expect(all).toBe(1);
  });

  it('IVF-PQ (nlist 64, m 28): ADC alone and with exact re-ranking', () => {
    const ix = new IvfPqIndex({ dim, nlist: 64, m: 28, pqNiter: 10, keepVectors: true, kernels: 'js' });
    ix.add(base);
    const plain = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { nprobe: 8 }).ids, 'euclidean');
    const rr = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { nprobe: 8, rerank: 10 }).ids, 'euclidean');
    console.log(`IVF-PQ nlist 64 m 28 nprobe 8 recall@10: ADC ${plain}, rerank 10 ${rr}`);
    expect(plain).toBeGreaterThan(0.65); // observed 0.689
    expect(rr).toBeGreaterThan(0.98); // observed 0.999
    expect(ix.memoryBytes()).toBeGreaterThan(10000 * (28 + 4 + 4 * dim));
  });
});
