/**
 * IVF-Flat and IVF-PQ on Fashion-MNIST, side by side with FAISS in the same run.
 *
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/ivfpq.ts [datasetsDir] [queries] [runs]
 *
 * runs: comma-separated subset of ivfflat-1024, ivfpq-256-m28, ivfpq-256-m56 (default: all).
 * Base: the 60,000 training images; queries: the first N test images (default 1000);
 * Euclidean, k = 10, one query at a time, one thread (FAISS via /usr/bin/python3 with
 * python3-faiss, omp_set_num_threads(1) and OMP_NUM_THREADS=1; see ivfpq_faiss.py).
 * Both sides use FAISS's defaults: coarse k-means 10 iterations, PQ k-means 25 iterations,
 * at most 256 training points per centroid; IVF-PQ encodes residuals and keeps the full
 * vectors for re-ranking (IndexRefineFlat, k_factor = rerank).
 *
 * Kernels: each index is built once with ANNLAB_BUILD_KERNELS (default 'auto': k-means
 * assignment and list storage on WebAssembly SIMD where available), serialized, and loaded
 * again for each backend in ANNLAB_SEARCH_KERNELS (default 'js,auto'); 'js' is the plain
 * TypeScript kernels the 0.5× target is about.
 *
 * Recall@10 is ann-benchmarks' rule for both sides: a returned id counts when its exact
 * distance ≤ the true 10th distance + 1e-3 (truth from FlatIndex). "QPS at recall 0.95" is
 * interpolated (log QPS, linear in recall) between the two sweep points around 0.95.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { l2SquaredRef } from '@annlab/core';
import { readIdxMatrix } from '@annlab/datasets';
import { FlatIndex } from '@annlab/flat';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';

const dir = process.argv[2] ?? new URL('../../../shared/datasets', import.meta.url).pathname;
const nq = Number(process.argv[3] ?? 1000);
const only = process.argv[4]?.split(',');
type Kernels = 'js' | 'simd' | 'auto';
const buildKernels = (process.env.ANNLAB_BUILD_KERNELS ?? 'auto') as Kernels;
const searchKernels = (process.env.ANNLAB_SEARCH_KERNELS ?? 'js,auto').split(',') as Kernels[];
const kernels: Kernels = 'js'; // ground truth
const python = process.env.ANNLAB_PYTHON ?? '/usr/bin/python3';
const k = 10;
const dim = 784;
const TARGET = 0.95;


interface Run {
  name: string;
  kind: 'ivfflat' | 'ivfpq';
  nlist: number;
  m?: number;
  nbits?: number;
  nprobe: number[];
  rerank: number[];
}
const RUNS: Run[] = [
  { name: 'ivfflat-1024', kind: 'ivfflat', nlist: 1024, nprobe: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64], rerank: [0] },
  { name: 'ivfpq-256-m28', kind: 'ivfpq', nlist: 256, m: 28, nbits: 8, nprobe: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32], rerank: [10, 0] },
  { name: 'ivfpq-256-m56', kind: 'ivfpq', nlist: 256, m: 56, nbits: 8, nprobe: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32], rerank: [10, 0] },
].filter((r) => only === undefined || only.includes(r.name)) as Run[];

// ANNLAB_IVFPQ_SMOKE=1: a quick end-to-end check of the script (5,000 base vectors, nlist / 8).
const smoke = process.env.ANNLAB_IVFPQ_SMOKE === '1';
if (smoke) for (const r of RUNS) r.nlist /= 8;
const nBase = smoke ? 5000 : 60000;
const base = readIdxMatrix(`${dir}/fashion-mnist/train-images-idx3-ubyte.gz`, { maxRows: nBase }).data;
const queries = readIdxMatrix(`${dir}/fashion-mnist/t10k-images-idx3-ubyte.gz`, { maxRows: nq }).data;
const n = base.length / dim;

// Ground truth: the true 10th distance per query.
const flat = new FlatIndex({ dim, kernels });
flat.add(base);
const truth = flat.search(queries, k);
const kth = new Float64Array(nq);
for (let q = 0; q < nq; q++) kth[q] = truth.distances[q * k + k - 1];

function recall(ids: Int32Array): number {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < k; j++) {
      const id = ids[q * k + j];
      if (id >= 0 && Math.sqrt(l2SquaredRef(queries, q * dim, base, id * dim, dim)) <= kth[q] + 1e-3) hits++;
    }
  }
  return hits / (nq * k);
}

interface Point {
  kernels: string;
  nprobe: number;
  rerank: number;
  recall: number;
  qps: number;
}
interface Side {
  trainSeconds: number;
  addSeconds: number;
  bytesPerVector: number;
  points: Point[];
}

function qpsAt(points: Point[], rerank: number, target: number, kern = 'faiss'): number | null {
  const ps = points.filter((p) => p.rerank === rerank && p.kernels === kern).sort((a, b) => a.nprobe - b.nprobe);
  if (ps.length === 0) return null;
  if (ps[0].recall >= target) return ps[0].qps;
  for (let i = 1; i < ps.length; i++) {
    const a = ps[i - 1];
    const b = ps[i];
    if (a.recall < target && b.recall >= target) {
      const f = (target - a.recall) / (b.recall - a.recall);
      return Math.exp(Math.log(a.qps) + f * (Math.log(b.qps) - Math.log(a.qps)));
    }
  }
  return null;
}

// ---- FAISS (subprocess, one thread) ----
const outDir = mkdtempSync(join(tmpdir(), 'annlab-ivfpq-faiss-'));
const faiss = new Map<string, Side>();
{
  const cfg = { datasets: dir, nq, k, nBase, runs: RUNS };
  const t = performance.now();
  const res = spawnSync(python, [new URL('./ivfpq_faiss.py', import.meta.url).pathname, JSON.stringify(cfg), outDir], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`FAISS helper failed (status ${res.status}); is python3-faiss installed for ${python}?`);
  for (const line of res.stdout.split('\n')) {
    if (line.trim() === '') continue;
    const e = JSON.parse(line);
    if (e.event === 'build') {
      faiss.set(e.name, { trainSeconds: e.trainSeconds, addSeconds: e.addSeconds, bytesPerVector: e.bytesPerVector, points: [] });
    } else {
      const buf = readFileSync(e.ids);
      const ids = new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      faiss.get(e.name)!.points.push({ kernels: 'faiss', nprobe: e.nprobe, rerank: e.rerank, recall: recall(ids), qps: e.qps });
    }
  }
  console.error(`FAISS runs done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// ---- annlab ----
const ours = new Map<string, Side>();
for (const run of RUNS) {
  const built =
    run.kind === 'ivfflat'
      ? new IvfFlatIndex({ dim, nlist: run.nlist, kernels: buildKernels })
      : new IvfPqIndex({ dim, nlist: run.nlist, m: run.m!, nbits: run.nbits, keepVectors: true, kernels: buildKernels });
  let t = performance.now();
  built.train(base);
  const trainSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  built.add(base);
  const addSeconds = (performance.now() - t) / 1000;
  const bytes = built.serialize();
  const bytesPerVector = run.kind === 'ivfflat' ? dim * 4 + 4 : run.m! + 4; // + 4·dim for the kept vectors
  const side: Side = { trainSeconds, addSeconds, bytesPerVector, points: [] };
  console.error(`${run.name}: train ${trainSeconds.toFixed(1)} s, add ${addSeconds.toFixed(1)} s (${buildKernels}), memoryBytes ${built.memoryBytes()}`);
  for (const kern of searchKernels) {
  const index = run.kind === 'ivfflat' ? IvfFlatIndex.deserialize(bytes, { kernels: kern }) : IvfPqIndex.deserialize(bytes, { kernels: kern });
  for (const rerank of run.rerank) {
    for (const nprobe of run.nprobe) {
      const params = run.kind === 'ivfflat' ? { nprobe } : { nprobe, rerank };
      for (let q = 0; q < Math.min(50, nq); q++) index.search(queries.subarray(q * dim, q * dim + dim), k, params); // warm-up
      const ids = new Int32Array(nq * k);
      t = performance.now();
      for (let q = 0; q < nq; q++) {
        const r = index.search(queries.subarray(q * dim, q * dim + dim), k, params);
        ids.set(r.ids, q * k);
      }
      const qps = nq / ((performance.now() - t) / 1000);
      side.points.push({ kernels: kern, nprobe, rerank, recall: recall(ids), qps });
    }
  }
  }
  ours.set(run.name, side);
}

// ---- report ----
const fmt = (x: number | null, d = 0) => (x === null ? 'n/a' : x.toFixed(d));
console.log(`Fashion-MNIST ${n} x ${dim}, ${nq} queries, k = ${k}, one thread, one query at a time; annlab built with kernels = ${buildKernels}, searched with ${searchKernels.join(', ')}`);
for (const run of RUNS) {
  const a = ours.get(run.name)!;
  const f = faiss.get(run.name)!;
  console.log(`\n## ${run.name}`);
  console.log(`build: annlab (${buildKernels}) train ${a.trainSeconds.toFixed(1)} s + add ${a.addSeconds.toFixed(1)} s; FAISS train ${f.trainSeconds.toFixed(1)} s + add ${f.addSeconds.toFixed(1)} s`);
  console.log(`bytes/vector: annlab ${a.bytesPerVector}, FAISS ${f.bytesPerVector}${run.kind === 'ivfpq' ? ` (+${4 * dim} each with the vectors kept for re-ranking)` : ''}`);
  console.log(`| rerank | nprobe | ${searchKernels.map((kk) => `annlab ${kk} recall | annlab ${kk} QPS`).join(' | ')} | FAISS recall | FAISS QPS |`);
  console.log(`|---|---|${searchKernels.map(() => '---|---|').join('')}---|---|`);
  for (const rerank of run.rerank) {
    for (const nprobe of run.nprobe) {
      const cols = searchKernels.map((kk) => {
        const pa = a.points.find((p) => p.kernels === kk && p.nprobe === nprobe && p.rerank === rerank)!;
        return `${pa.recall.toFixed(4)} | ${pa.qps.toFixed(0)}`;
      });
      const pf = f.points.find((p) => p.nprobe === nprobe && p.rerank === rerank)!;
      console.log(`| ${rerank} | ${nprobe} | ${cols.join(' | ')} | ${pf.recall.toFixed(4)} | ${pf.qps.toFixed(0)} |`);
    }
    const qf = qpsAt(f.points, rerank, TARGET);
    const maxF = Math.max(...f.points.filter((p) => p.rerank === rerank).map((p) => p.recall));
    for (const kk of searchKernels) {
      const qa = qpsAt(a.points, rerank, TARGET, kk);
      const maxA = Math.max(...a.points.filter((p) => p.rerank === rerank && p.kernels === kk).map((p) => p.recall));
      console.log(
        `rerank ${rerank}, annlab ${kk}: QPS at recall ${TARGET}: annlab ${fmt(qa)}, FAISS ${fmt(qf)}, ratio ${qa !== null && qf !== null ? (qa / qf).toFixed(2) : 'n/a'}` +
          ` (max recall annlab ${maxA.toFixed(4)}, FAISS ${maxF.toFixed(4)})`,
      );
    }
  }
}
console.log(JSON.stringify({ nq, k, buildKernels, searchKernels, annlab: Object.fromEntries(ours), faiss: Object.fromEntries(faiss) }));
