/**
 * Exact search on Fashion-MNIST: recall@10 of FlatIndex against an independent brute force,
 * and QPS of the one-query path, the batch path and a naive reference loop, in one run.
 *
 *   npx tsx --conditions=source benchmarks/compare/flat.ts [datasetsDir] [queries]
 *
 * Base: the 60,000 training images; queries: the first N test images (default 1000);
 * Euclidean, k = 10.
 */
import { l2SquaredRef } from '@annlab/core';
import { readIdxMatrix } from '@annlab/datasets';
import { FlatIndex } from '@annlab/flat';

const dir = process.argv[2] ?? new URL('../../../shared/datasets', import.meta.url).pathname;
const nq = Number(process.argv[3] ?? 1000);
const kernels = (process.env.ANNLAB_KERNELS ?? 'js') as 'js' | 'simd' | 'auto';


const dim = 784;
const k = 10;
const base = readIdxMatrix(`${dir}/fashion-mnist/train-images-idx3-ubyte.gz`, { maxRows: 60000 }).data;
const queries = readIdxMatrix(`${dir}/fashion-mnist/t10k-images-idx3-ubyte.gz`, { maxRows: nq }).data;
const n = base.length / dim;

const index = new FlatIndex({ dim, kernels });
index.add(base);

// Naive reference: the plain loop, one query at a time, keeping a sorted top-k by insertion.
function naive(q: number, outIds: Int32Array): void {
  const bestD = new Float64Array(k).fill(Infinity);
  const bestI = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    const d = l2SquaredRef(queries, q * dim, base, i * dim, dim);
    if (d < bestD[k - 1]) {
      let j = k - 1;
      while (j > 0 && bestD[j - 1] > d) {
        bestD[j] = bestD[j - 1];
        bestI[j] = bestI[j - 1];
        j--;
      }
      bestD[j] = d;
      bestI[j] = i;
    }
  }
  outIds.set(bestI, q * k);
}

const naiveQueries = Math.min(nq, 100);
const truth = new Int32Array(nq * k);
let t = performance.now();
for (let q = 0; q < naiveQueries; q++) naive(q, truth);
const naiveQps = naiveQueries / ((performance.now() - t) / 1000);

index.search(queries.subarray(0, 10 * dim), k, { oneByOne: true }); // warm-up
t = performance.now();
const one = index.search(queries, k, { oneByOne: true });
const oneQps = nq / ((performance.now() - t) / 1000);

index.search(queries.subarray(0, 64 * dim), k); // warm-up
t = performance.now();
const batch = index.search(queries, k);
const batchQps = nq / ((performance.now() - t) / 1000);

// Recall@10 (ann-benchmarks' distance-threshold rule) against the naive loop's answers.
let hits = 0;
for (let q = 0; q < naiveQueries; q++) {
  const kth = Math.sqrt(l2SquaredRef(queries, q * dim, base, truth[q * k + k - 1] * dim, dim));
  for (let j = 0; j < k; j++) {
    if (Math.sqrt(l2SquaredRef(queries, q * dim, base, batch.ids[q * k + j] * dim, dim)) <= kth + 1e-3) hits++;
  }
}
let agree = 0;
for (let i = 0; i < nq * k; i++) if (one.ids[i] === batch.ids[i]) agree++;

console.log(`Fashion-MNIST ${n} x ${dim}, ${nq} queries, k = ${k}, kernels = ${kernels}`);
console.log(`recall@10 vs naive brute force (${naiveQueries} queries): ${(hits / (naiveQueries * k)).toFixed(4)}`);
console.log(`one-query path and batch path agree on ${((100 * agree) / (nq * k)).toFixed(2)}% of ids`);
console.log(`naive loop      ${naiveQps.toFixed(1)} QPS`);
console.log(`one-query path  ${oneQps.toFixed(1)} QPS  (${(oneQps / naiveQps).toFixed(2)}x naive)`);
console.log(`batch path      ${batchQps.toFixed(1)} QPS  (${(batchQps / naiveQps).toFixed(2)}x naive)`);
