/**
 * The WebAssembly SIMD kernel backend against the scalar one (and native hnswlib's brute
 * force) on Fashion-MNIST: exact search with FlatIndex, one thread.
 *
 * - one-query QPS: `search` one query at a time (FlatIndex.searchInto: a range scan per
 *   1024-row block through DistanceComputer), for `kernels: 'js'` and `'simd'`;
 * - batch QPS: one `search` call with all queries (the tiled path, distanceTileInto);
 * - the same ids under both backends (and between the two paths), counted;
 * - native anchor: hnswlib-node `BruteforceSearch`, one query at a time.
 *
 * Base: the 60,000 training images; queries: the first Q t10k images (default 1000; the
 * one-query runs use the first Q1, default 300); Euclidean, k = 10.
 *
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/simd-kernels.ts
 *
 * Environment: SIMD_Q, SIMD_Q1, SIMD_NATIVE=0 to skip hnswlib-node.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FlatIndex } from '@annlab/flat';
import { readIdxMatrix } from '@annlab/datasets';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ANNLAB_SHARED_DATASETS ?? join(here, '../../../shared/datasets');
const Q = Number(process.env.SIMD_Q ?? 1000);
const Q1 = Number(process.env.SIMD_Q1 ?? 300);
const K = 10;


const base = readIdxMatrix(join(DATA, 'fashion-mnist/train-images-idx3-ubyte.gz'), { maxRows: 60000 });
const qs = readIdxMatrix(join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), { maxRows: Q });
const dim = base.dim;
console.log(`fashion-mnist: ${base.rows} × ${dim} base, ${qs.rows} queries, k = ${K}, node ${process.version}`);

const results: Record<string, { oneQps: number; batchQps: number; oneIds: Int32Array; batchIds: Int32Array }> = {};
for (const kernels of ['js', 'simd'] as const) {
  const index = new FlatIndex({ dim, kernels });
  index.add(base.data);
  // warm-up
  index.search(qs.data.subarray(0, 8 * dim), K, { oneByOne: true });
  index.search(qs.data.subarray(0, 64 * dim), K);
  let t = performance.now();
  const one = index.search(qs.data.subarray(0, Q1 * dim), K, { oneByOne: true });
  const oneQps = Q1 / ((performance.now() - t) / 1000);
  t = performance.now();
  const batch = index.search(qs.data, K);
  const batchQps = qs.rows / ((performance.now() - t) / 1000);
  results[kernels] = { oneQps, batchQps, oneIds: one.ids, batchIds: batch.ids };
  console.log(`flat ${kernels.padEnd(4)} (store backend ${index.store.backend}): one-query ${oneQps.toFixed(1)} QPS (${Q1} queries), batch ${batchQps.toFixed(1)} QPS (${qs.rows} queries)`);
}

function diff(a: Int32Array, b: Int32Array, rows: number): number {
  let d = 0;
  for (let i = 0; i < rows * K; i++) if (a[i] !== b[i]) d++;
  return d;
}
const js = results.js;
const simd = results.simd;
console.log(`ids differing js vs simd: one-query ${diff(js.oneIds, simd.oneIds, Q1)}/${Q1 * K}, batch ${diff(js.batchIds, simd.batchIds, qs.rows)}/${qs.rows * K}; simd one vs batch ${diff(simd.oneIds, simd.batchIds, Q1)}/${Q1 * K}`);
console.log(`speed-up simd/js: one-query ${(simd.oneQps / js.oneQps).toFixed(2)}x, batch ${(simd.batchQps / js.batchQps).toFixed(2)}x`);

if (process.env.SIMD_NATIVE !== '0') {
  const hnswlib = (await import('hnswlib-node')).default;
  const bf = new hnswlib.BruteforceSearch('l2', dim);
  bf.initIndex(base.rows);
  for (let i = 0; i < base.rows; i++) bf.addPoint(Array.from(base.data.subarray(i * dim, (i + 1) * dim)), i);
  const qArrays: number[][] = [];
  for (let i = 0; i < Q1; i++) qArrays.push(Array.from(qs.data.subarray(i * dim, (i + 1) * dim)));
  for (let i = 0; i < 8; i++) bf.searchKnn(qArrays[i], K);
  const t = performance.now();
  for (let i = 0; i < Q1; i++) bf.searchKnn(qArrays[i], K);
  const qps = Q1 / ((performance.now() - t) / 1000);
  console.log(`hnswlib-node BruteforceSearch: one-query ${qps.toFixed(1)} QPS; annlab simd / native = ${(simd.oneQps / qps).toFixed(2)}`);
}
