/**
 * Data suite: IVF-Flat and IVF-PQ on a slice of Fashion-MNIST (10,000 base images, 200
 * queries, Euclidean, k = 10), recall measured against FlatIndex with ann-benchmarks' rule.
 * Reads ANNLAB_SHARED_DATASETS or ../shared/datasets beside the repository.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { recallAgainstFlat } from '@annlab/test-kit';

const root = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));

function readIdx(path: string, limit: number): Float32Array {
  const b = gunzipSync(readFileSync(path));
  const n = Math.min(limit, b.readUInt32BE(4));
  const d = b.readUInt32BE(8) * b.readUInt32BE(12);
  const out = new Float32Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = b[16 + i];
  return out;
}

describe('Fashion-MNIST slice', () => {
  const dim = 784;
  const base = readIdx(`${root}/fashion-mnist/train-images-idx3-ubyte.gz`, 10000);
  const queries = readIdx(`${root}/fashion-mnist/t10k-images-idx3-ubyte.gz`, 200);

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
