/**
 * @annlab/rpforest against Annoy itself (npm `annoy`, native C++ built with node-gyp) on
 * Fashion-MNIST (60,000 × 784 base, the first 1,000 t10k images as queries, Euclidean,
 * k = 10), side by side in one run, one thread, one query at a time.
 *
 * For each nTrees in {10, 50, 100} both libraries build a forest (timed), then sweep the
 * same searchK values (Annoy's `search_k` and annlab's `searchK` mean the same thing:
 * candidates collected, repeats included). Each sweep point runs a warm-up pass of 100
 * queries and then all queries one at a time; QPS = queries / wall time. Recall@10 uses
 * ann-benchmarks' rule (a returned id counts when its true distance is at most the true 10th
 * distance + 1e-3; ground truth from FlatIndex; the distances of both libraries' answers are
 * recomputed the same way). QPS at recall 0.90 and 0.95 is interpolated (log-linear) between
 * the two sweep points around it, and reported with build time as ratios annlab / Annoy.
 *
 * Each sweep stops once recall passes 0.985. Run (heavy: about 10 minutes):
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/rpforest.ts
 * Environment knobs: RPF_N (base size, default 60000), RPF_Q (queries, default 1000),
 * RPF_TREES (comma list, default 10,50,100), RPF_SEARCHK (comma list), RPF_PEERS
 * (`annlab,annoy`), RPF_KERNELS (`js` default: the plain TypeScript kernels; `auto`/`simd`
 * for the WebAssembly backend), RPF_OUT (write the JSON summary there).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { KernelBackend } from '@annlab/core';
import { readIdxMatrix } from '@annlab/datasets';
import { FlatIndex } from '@annlab/flat';
import { RpForestIndex, RpForestSearchStats } from '@annlab/rpforest';

const require = createRequire(import.meta.url);
interface AnnoyIndex {
  addItem(i: number, v: number[]): void;
  build(nTrees: number): boolean;
  getNNsByVector(v: number[], n: number, searchK: number, includeDistances: boolean): number[];
}
const Annoy = require('annoy') as new (dim: number, metric: string) => AnnoyIndex;

const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ANNLAB_SHARED_DATASETS ?? join(here, '../../../shared/datasets');
const N = Number(process.env.RPF_N ?? 60000);
const Q = Number(process.env.RPF_Q ?? 1000);
const K = 10;
const WARMUP = 100;
/** A sweep stops once recall passes this (higher searchK only costs time). */
const STOP_RECALL = 0.985;
/** Queries re-run with stats to report distance computations per query. */
const STATS_QUERIES = 100;
const TREES = (process.env.RPF_TREES ?? '10,50,100').split(',').map(Number);
const SEARCH_K = (process.env.RPF_SEARCHK ?? '100,200,300,500,700,1000,1500,2000,3000,5000,8000,12000').split(',').map(Number);
const PEERS = (process.env.RPF_PEERS ?? 'annlab,annoy').split(',');
const KERNELS = (process.env.RPF_KERNELS ?? 'js') as KernelBackend;


function l2(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    s += d * d;
  }
  return Math.sqrt(s);
}

interface Point {
  searchK: number;
  recall: number;
  qps: number;
  distancesPerQuery?: number;
}
interface Run {
  name: string;
  nTrees: number;
  buildSeconds: number;
  points: Point[];
  qpsAt90: number;
  qpsAt95: number;
}

/** QPS at a target recall, log-linear between the two sweep points around it; NaN if never reached. */
function qpsAtRecall(points: Point[], target: number): number {
  // Upper envelope: for each recall level the best QPS seen at that recall or more.
  const sorted = [...points].sort((a, b) => a.recall - b.recall || b.qps - a.qps);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].recall >= target) {
      let best = sorted[i];
      for (let j = i + 1; j < sorted.length; j++) if (sorted[j].qps > best.qps) best = sorted[j];
      if (i === 0 || best !== sorted[i]) return best.qps;
      const lo = sorted[i - 1];
      const hi = sorted[i];
      if (hi.recall === lo.recall) return hi.qps;
      const t = (target - lo.recall) / (hi.recall - lo.recall);
      return Math.exp(Math.log(lo.qps) + t * (Math.log(hi.qps) - Math.log(lo.qps)));
    }
  }
  return NaN;
}

function recallOf(ids: Int32Array, base: Float32Array, queries: Float32Array, dim: number, gtDist: Float32Array): number {
  let hit = 0;
  for (let q = 0; q < Q; q++) {
    const threshold = gtDist[q * K + K - 1] + 1e-3;
    for (let j = 0; j < K; j++) {
      const id = ids[q * K + j];
      if (id >= 0 && l2(queries, q * dim, base, id * dim, dim) <= threshold) hit++;
    }
  }
  return hit / (Q * K);
}

function main(): void {
  const train = readIdxMatrix(join(DATA, 'fashion-mnist/train-images-idx3-ubyte.gz'), { maxRows: N });
  const test = readIdxMatrix(join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), { maxRows: Q });
  const dim = train.dim;
  const base = train.data;
  const queries = test.data;
  console.log(`Fashion-MNIST: ${train.rows} × ${dim} base, ${test.rows} queries, k = ${K}, kernels = ${KERNELS}, node ${process.version}`);

  const flat = new FlatIndex({ dim, metric: 'euclidean', kernels: 'js' });
  flat.add(base);
  const gt = flat.search(queries, K);

  const queryViews: Float32Array[] = [];
  const queryArrays: number[][] = [];
  for (let q = 0; q < Q; q++) {
    queryViews.push(queries.subarray(q * dim, (q + 1) * dim));
    queryArrays.push(Array.from(queries.subarray(q * dim, (q + 1) * dim)));
  }
  const runs: Run[] = [];
  const ids = new Int32Array(Q * K);

  for (const nTrees of TREES) {
    if (PEERS.includes('annoy')) {
      const t0 = performance.now();
      const annoy = new Annoy(dim, 'Euclidean');
      for (let i = 0; i < train.rows; i++) annoy.addItem(i, Array.from(base.subarray(i * dim, (i + 1) * dim)));
      annoy.build(nTrees);
      const buildSeconds = (performance.now() - t0) / 1000;
      const points: Point[] = [];
      for (const searchK of SEARCH_K) {
        for (let q = 0; q < WARMUP; q++) annoy.getNNsByVector(queryArrays[q % Q], K, searchK, false);
        ids.fill(-1);
        const s = performance.now();
        for (let q = 0; q < Q; q++) {
          const r = annoy.getNNsByVector(queryArrays[q], K, searchK, false);
          for (let j = 0; j < r.length && j < K; j++) ids[q * K + j] = r[j];
        }
        const qps = Q / ((performance.now() - s) / 1000);
        points.push({ searchK, recall: recallOf(ids, base, queries, dim, gt.distances), qps });
        console.log(`annoy   nTrees=${nTrees} searchK=${searchK} recall=${points.at(-1)!.recall.toFixed(4)} qps=${qps.toFixed(0)}`);
        if (points.at(-1)!.recall >= STOP_RECALL) break;
      }
      runs.push({ name: 'annoy', nTrees, buildSeconds, points, qpsAt90: qpsAtRecall(points, 0.9), qpsAt95: qpsAtRecall(points, 0.95) });
      console.log(`annoy   nTrees=${nTrees} build ${buildSeconds.toFixed(2)} s`);
    }
    if (PEERS.includes('annlab')) {
      const t0 = performance.now();
      const index = new RpForestIndex({ dim, metric: 'euclidean', nTrees, seed: 42, kernels: KERNELS });
      index.add(base);
      const buildSeconds = (performance.now() - t0) / 1000;
      console.log(`annlab  nTrees=${nTrees} build ${buildSeconds.toFixed(2)} s, ${(index.memoryBytes() / 2 ** 20).toFixed(1)} MiB`, index.forestInfo());
      const points: Point[] = [];
      for (const searchK of SEARCH_K) {
        const params = { searchK };
        for (let q = 0; q < WARMUP; q++) index.search(queryViews[q % Q], K, params);
        const s = performance.now();
        for (let q = 0; q < Q; q++) {
          const r = index.search(queryViews[q], K, params);
          ids.set(r.ids, q * K);
        }
        const qps = Q / ((performance.now() - s) / 1000);
        const stats = new RpForestSearchStats();
        for (let q = 0; q < Math.min(Q, STATS_QUERIES); q++) index.search(queryViews[q], K, { searchK, stats });
        const perQuery = (x: number): string => (x / stats.queries).toFixed(1);
        points.push({ searchK, recall: recallOf(ids, base, queries, dim, gt.distances), qps, distancesPerQuery: stats.distanceComputations / stats.queries });
        console.log(
          `annlab  nTrees=${nTrees} searchK=${searchK} recall=${points.at(-1)!.recall.toFixed(4)} qps=${qps.toFixed(0)} ` +
            `dist/query=${perQuery(stats.distanceComputations)} leaves/query=${perQuery(stats.leavesVisited)} margins/query=${perQuery(stats.marginComputations)}`,
        );
        if (points.at(-1)!.recall >= STOP_RECALL) break;
      }
      runs.push({ name: 'annlab', nTrees, buildSeconds, points, qpsAt90: qpsAtRecall(points, 0.9), qpsAt95: qpsAtRecall(points, 0.95) });
    }
  }

  console.log('\n| nTrees | annoy build s | annlab build s | build time ratio (annlab/annoy) | annoy QPS@0.90 | annlab QPS@0.90 | ratio | annoy QPS@0.95 | annlab QPS@0.95 | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const nTrees of TREES) {
    const a = runs.find((r) => r.name === 'annoy' && r.nTrees === nTrees);
    const b = runs.find((r) => r.name === 'annlab' && r.nTrees === nTrees);
    if (a === undefined || b === undefined) continue;
    const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
    const ratio = (x: number, y: number): string => (Number.isFinite(x) && Number.isFinite(y) ? (x / y).toFixed(2) : 'n/a');
    console.log(
      `| ${nTrees} | ${a.buildSeconds.toFixed(1)} | ${b.buildSeconds.toFixed(1)} | ${ratio(b.buildSeconds, a.buildSeconds)} | ` +
        `${f(a.qpsAt90)} | ${f(b.qpsAt90)} | ${ratio(b.qpsAt90, a.qpsAt90)} | ${f(a.qpsAt95)} | ${f(b.qpsAt95)} | ${ratio(b.qpsAt95, a.qpsAt95)} |`,
    );
  }
  const out = process.env.RPF_OUT;
  if (out !== undefined) writeFileSync(out, JSON.stringify({ dataset: 'fashion-mnist', n: train.rows, queries: Q, k: K, kernels: KERNELS, runs }, null, 2));
}

main();
