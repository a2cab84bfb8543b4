/**
 * @annlab/hnsw against the pure-TypeScript `hnsw` npm package and native hnswlib
 * (`hnswlib-node`) on Fashion-MNIST (60,000 × 784 base, the first 1,000 t10k images as
 * queries, Euclidean, k = 10), all three in one run, one thread, one query at a time.
 *
 * Same build parameters for all (M = 16, efConstruction = 200); efSearch swept over
 * 10…800. Recall@10 uses ann-benchmarks' rule (a returned id counts when its distance is at
 * most the true 10th distance + 1e-3; ground truth from FlatIndex). QPS at recall 0.95 is
 * interpolated (log-linear) between the two sweep points around it.
 *
 * Run (heavy: several minutes; the `hnsw` package build alone takes ~4-5 minutes):
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/hnsw.ts
 * Environment knobs: HNSW_N (base size, default 60000), HNSW_Q (queries, default 1000),
 * HNSW_PEERS (comma list of `annlab,annlab-js,hnswlib,hnsw`: @annlab/hnsw with
 * kernels 'auto' (WebAssembly SIMD where available) and 'js' (plain TypeScript kernels), hnswlib-node,
 * the hnsw package; default all), HNSW_EF (comma list),
 * HNSW_OUT (write the JSON summary there).
 */
import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FlatIndex } from '@annlab/flat';
import { readIdxMatrix } from '@annlab/datasets';
import { HnswIndex } from '@annlab/hnsw';
import { HNSW } from 'hnsw';
import hnswlib from 'hnswlib-node';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ANNLAB_SHARED_DATASETS ?? join(here, '../../../shared/datasets');
const N = Number(process.env.HNSW_N ?? 60000);
const Q = Number(process.env.HNSW_Q ?? 1000);
const K = 10;
const M = 16;
const EF_CONSTRUCTION = 200;
const PEERS = (process.env.HNSW_PEERS ?? 'annlab,annlab-js,hnswlib,hnsw').split(',');
const EFS = (process.env.HNSW_EF ?? '10,15,20,30,40,60,80,120,200,400,800').split(',').map(Number);


function l2(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    s += d * d;
  }
  return Math.sqrt(s);
}

interface Point {
  efSearch: number;
  recall: number;
  qps: number;
}
interface Summary {
  name: string;
  buildSeconds: number;
  indexBytes: number;
  bytesNote: string;
  points: Point[];
  qpsAt95: number;
}

function qpsAtRecall(points: Point[], target: number): number {
  const sorted = [...points].sort((a, b) => a.recall - b.recall || b.qps - a.qps);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].recall >= target) {
      if (i === 0) return sorted[i].qps;
      const lo = sorted[i - 1];
      const hi = sorted[i];
      if (hi.recall === lo.recall) return hi.qps;
      const t = (target - lo.recall) / (hi.recall - lo.recall);
      return Math.exp(Math.log(lo.qps) + t * (Math.log(hi.qps) - Math.log(lo.qps)));
    }
  }
  return NaN;
}

const train = readIdxMatrix(join(DATA, 'fashion-mnist/train-images-idx3-ubyte.gz'), { maxRows: N });
const test = readIdxMatrix(join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), { maxRows: Q });
const dim = train.dim;
const base = train.data;
const queries = test.data;
console.log(`fashion-mnist: base ${train.rows} × ${dim}, queries ${test.rows}, k = ${K}, M = ${M}, efConstruction = ${EF_CONSTRUCTION}`);
console.log(`node ${process.version}`);

// Ground truth: the true 10th distance per query (cached in /tmp between runs).
const t0 = performance.now();
const gtCache = join(tmpdir(), `annlab-fmnist-kth-${train.rows}-${Q}.f64`);
let kth: Float64Array;
if (existsSync(gtCache)) {
  const b = readFileSync(gtCache);
  kth = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  console.log(`ground truth: cached in ${gtCache}`);
} else {
  const flat = new FlatIndex({ dim });
  flat.add(base);
  const gt = flat.search(queries, K);
  kth = new Float64Array(Q);
  for (let q = 0; q < Q; q++) kth[q] = gt.distances[q * K + K - 1];
  writeFileSync(gtCache, new Uint8Array(kth.buffer));
  console.log(`ground truth (FlatIndex batch): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function recallOf(q: number, ids: ArrayLike<number>): number {
  let hit = 0;
  const limit = kth[q] + 1e-3;
  for (let i = 0; i < Math.min(K, ids.length); i++) {
    const id = ids[i];
    if (id >= 0 && l2(queries, q * dim, base, id * dim, dim) <= limit) hit++;
  }
  return hit / K;
}

/** Run one sweep point: warm-up pass over 200 queries, then the timed pass; recall from the timed pass. */
function sweep(name: string, searchOne: (q: number, ef: number) => ArrayLike<number>): Point[] {
  const points: Point[] = [];
  for (const ef of EFS) {
    for (let q = 0; q < Math.min(200, Q); q++) searchOne(q, ef);
    const results: ArrayLike<number>[] = new Array(Q);
    const start = performance.now();
    for (let q = 0; q < Q; q++) results[q] = searchOne(q, ef);
    const seconds = (performance.now() - start) / 1000;
    let recall = 0;
    for (let q = 0; q < Q; q++) recall += recallOf(q, results[q]);
    recall /= Q;
    const qps = Q / seconds;
    points.push({ efSearch: ef, recall, qps });
    console.log(`  ${name.padEnd(12)} ef=${String(ef).padStart(4)}  recall=${recall.toFixed(4)}  qps=${qps.toFixed(0)}`);
  }
  return points;
}

const summaries: Summary[] = [];

for (const kernels of ['auto', 'js'] as const) {
  const name = kernels === 'auto' ? '@annlab/hnsw' : '@annlab/hnsw js';
  if (!PEERS.includes(kernels === 'auto' ? 'annlab' : 'annlab-js')) continue;
  const ix = new HnswIndex({ dim, M, efConstruction: EF_CONSTRUCTION, seed: 42, capacity: train.rows, kernels });
  const start = performance.now();
  ix.add(base);
  const buildSeconds = (performance.now() - start) / 1000;
  const inv = ix.checkInvariants();
  console.log(`${name} (kernels '${kernels}', backend ${ix.store.backend}) build ${buildSeconds.toFixed(1)} s; invariants ok=${inv.ok} unreachable=${inv.unreachable}`);
  const outIds = new Int32Array(K);
  const outDist = new Float32Array(K);
  const points = sweep(name, (q, ef) => {
    ix.searchInto(queries, q * dim, K, outIds, outDist, 0, { efSearch: ef });
    return outIds.slice();
  });
  const bytes = ix.serialize().byteLength;
  summaries.push({
    name, buildSeconds, indexBytes: bytes, bytesNote: `serialize() length; memoryBytes() = ${ix.memoryBytes()}`,
    points, qpsAt95: qpsAtRecall(points, 0.95),
  });
}

if (PEERS.includes('hnswlib')) {
  const ix = new hnswlib.HierarchicalNSW('l2', dim);
  ix.initIndex(train.rows, M, EF_CONSTRUCTION, 100);
  const rows: number[][] = [];
  for (let i = 0; i < train.rows; i++) rows.push(Array.from(base.subarray(i * dim, (i + 1) * dim)));
  const start = performance.now();
  for (let i = 0; i < train.rows; i++) ix.addPoint(rows[i], i);
  const buildSeconds = (performance.now() - start) / 1000;
  console.log(`hnswlib-node build ${buildSeconds.toFixed(1)} s`);
  const qrows: number[][] = [];
  for (let q = 0; q < Q; q++) qrows.push(Array.from(queries.subarray(q * dim, (q + 1) * dim)));
  let lastEf = -1;
  const points = sweep('hnswlib-node', (q, ef) => {
    if (ef !== lastEf) {
      ix.setEf(ef);
      lastEf = ef;
    }
    return ix.searchKnn(qrows[q], K).neighbors;
  });
  const file = join('/tmp', `annlab-hnswlib-${process.pid}.bin`);
  ix.writeIndexSync(file);
  const bytes = statSync(file).size;
  unlinkSync(file);
  summaries.push({ name: 'hnswlib-node', buildSeconds, indexBytes: bytes, bytesNote: 'writeIndex file size', points, qpsAt95: qpsAtRecall(points, 0.95) });
}

if (PEERS.includes('hnsw')) {
  const ix = new HNSW(M, EF_CONSTRUCTION, dim, 'euclidean');
  const start = performance.now();
  for (let i = 0; i < train.rows; i++) {
    await ix.addPoint(i, base.subarray(i * dim, (i + 1) * dim));
    if (i % 10000 === 9999) console.log(`  hnsw package: ${i + 1} inserted, ${((performance.now() - start) / 1000).toFixed(0)} s`);
  }
  const buildSeconds = (performance.now() - start) / 1000;
  console.log(`hnsw (npm) build ${buildSeconds.toFixed(1)} s`);
  const qv: Float32Array[] = [];
  for (let q = 0; q < Q; q++) qv.push(queries.slice(q * dim, (q + 1) * dim));
  const points = sweep('hnsw (npm)', (q, ef) => ix.searchKNN(qv[q], K, { efSearch: ef }).map((r) => r.id));
  // No binary format: the in-memory graph is Maps of node objects; its toJSON() text is the file it writes.
  const bytes = JSON.stringify(ix.toJSON()).length;
  summaries.push({ name: 'hnsw (npm)', buildSeconds, indexBytes: bytes, bytesNote: 'JSON.stringify(toJSON()) length', points, qpsAt95: qpsAtRecall(points, 0.95) });
}

console.log('\n| index | build s | index bytes | recall@ef20 | recall@ef40 | QPS @ recall 0.95 |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const s of summaries) {
  const r20 = s.points.find((p) => p.efSearch === 20)?.recall;
  const r40 = s.points.find((p) => p.efSearch === 40)?.recall;
  console.log(
    `| ${s.name} | ${s.buildSeconds.toFixed(1)} | ${s.indexBytes} (${s.bytesNote}) | ${r20?.toFixed(4) ?? '-'} | ${r40?.toFixed(4) ?? '-'} | ${s.qpsAt95.toFixed(0)} |`,
  );
}
for (const mine of summaries.filter((s) => s.name.startsWith('@annlab'))) {
  for (const s of summaries) {
    if (!s.name.startsWith('@annlab')) console.log(`QPS@0.95 ratio ${mine.name} / ${s.name} = ${(mine.qpsAt95 / s.qpsAt95).toFixed(2)}`);
  }
}
if (process.env.HNSW_OUT !== undefined) writeFileSync(process.env.HNSW_OUT, JSON.stringify({ n: train.rows, queries: Q, summaries }, null, 2));
