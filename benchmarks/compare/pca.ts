/**
 * @annlab/pca on Fashion-MNIST (60,000 × 784 base, the first 1,000 t10k images as queries,
 * Euclidean, k = 10):
 *
 * 1. PCA-64 fit time per solver (exact, randomized with scikit-learn's defaults, randomized
 *    with 2 power iterations, auto) next to scikit-learn's `PCA(svd_solver='randomized')` and
 *    `'full'` on the same data as float32 and as float64 (annlab computes in float64), run as a
 *    subprocess (benchmarks/compare/pca_sklearn.py, Debian `python3-sklearn`), best of 3,
 *    with the explained-variance-ratio sum of each.
 * 2. PCA-64 + HNSW (M = 16, efConstruction = 200) with and without exact re-ranking, next to
 *    the same HNSW on the full 784 dimensions: recall@10 (ann-benchmarks' rule: a returned id
 *    counts when its distance ≤ the true 10th distance + 1e-3; ground truth from FlatIndex)
 *    and QPS (one query at a time, one thread, after a warm-up), build seconds, bytes.
 *
 * Run (heavy, several minutes):
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/pca.ts
 * Environment knobs: PCA_N (base size, default 60000), PCA_Q (queries, default 1000),
 * PCA_COMPONENTS (default 64), PCA_PARTS (comma list of `fit,sklearn,index`, default all),
 * PCA_EF (comma list of efSearch values), PCA_RERANK (comma list, default 0,2,4),
 * PCA_OUT (write the JSON summary there).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { AnnIndex, SearchParams } from '@annlab/core';
import { readIdxMatrix } from '@annlab/datasets';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { Pca, PreTransformIndex, type PcaOptions } from '@annlab/pca';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ANNLAB_SHARED_DATASETS ?? join(here, '../../../shared/datasets');
const N = Number(process.env.PCA_N ?? 60000);
const Q = Number(process.env.PCA_Q ?? 1000);
const COMPONENTS = Number(process.env.PCA_COMPONENTS ?? 64);
const K = 10;
const M = 16;
const EF_CONSTRUCTION = 200;
const PARTS = (process.env.PCA_PARTS ?? 'fit,sklearn,index').split(',');
const EFS = (process.env.PCA_EF ?? '10,20,40,80,160,320').split(',').map(Number);
const RERANKS = (process.env.PCA_RERANK ?? '0,2,4').split(',').map(Number);


function l2(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const d = a[aOff + j] - b[bOff + j];
    s += d * d;
  }
  return Math.sqrt(s);
}

const trainPath = join(DATA, 'fashion-mnist/train-images-idx3-ubyte.gz');
const base = readIdxMatrix(trainPath, { maxRows: N });
const queries = readIdxMatrix(join(DATA, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), { maxRows: Q });
const dim = base.dim;
const n = base.rows;
const nq = queries.rows;
const summary: Record<string, unknown> = { dataset: 'fashion-mnist', n, nq, dim, components: COMPONENTS, k: K, node: process.version };
console.log(`Fashion-MNIST ${n} × ${dim}, ${nq} queries, PCA to ${COMPONENTS} components`);

// ---------------------------------------------------------------- 1. fit time
interface FitRow {
  name: string;
  seconds: number;
  explainedVarianceRatio: number;
  solverUsed: string;
  powerIterations: number;
}
const fits: FitRow[] = [];
if (PARTS.includes('fit')) {
  const configs: [string, Partial<PcaOptions>][] = [
    ['annlab exact', { solver: 'exact' }],
    ['annlab randomized (sklearn defaults)', { solver: 'randomized' }],
    ['annlab randomized, powerIterations 2', { solver: 'randomized', powerIterations: 2 }],
    ['annlab auto', { solver: 'auto' }],
  ];
  for (const [name, opts] of configs) {
    const pca = new Pca({ dim, components: COMPONENTS, ...opts });
    const t0 = performance.now();
    pca.train(base.data);
    const seconds = (performance.now() - t0) / 1000;
    let ratio = 0;
    for (const r of pca.explainedVarianceRatio) ratio += r;
    fits.push({ name, seconds, explainedVarianceRatio: ratio, solverUsed: pca.solverUsed ?? '', powerIterations: pca.powerIterationsUsed });
    console.log(`  ${name.padEnd(40)} ${seconds.toFixed(2).padStart(7)} s  EVR ${ratio.toFixed(4)}  (${pca.solverUsed}, q=${pca.powerIterationsUsed})`);
  }
}
interface SklearnReport {
  solvers: Record<string, { seconds: number; explainedVarianceRatio: number }>;
}
let sklearn = null as SklearnReport | null;
if (PARTS.includes('sklearn')) {
  try {
    const out = execFileSync('/usr/bin/python3', [join(here, 'pca_sklearn.py'), trainPath, String(N), String(COMPONENTS), '3'], { encoding: 'utf8' });
    const report = JSON.parse(out) as SklearnReport;
    sklearn = report;
    summary.sklearn = report;
    for (const [solver, r] of Object.entries(report.solvers)) {
      console.log(`  ${`scikit-learn ${solver}`.padEnd(40)} ${r.seconds.toFixed(2).padStart(7)} s  EVR ${r.explainedVarianceRatio.toFixed(4)}`);
    }
  } catch (e) {
    console.log(`  scikit-learn not available (${(e as Error).message.split('\n')[0]}); apt-get install -y python3-sklearn`);
  }
}
if (fits.length > 0 && sklearn !== null) {
  const sk = sklearn.solvers;
  const exact = fits.find((f) => f.name === 'annlab exact');
  const rand = fits.find((f) => f.name.startsWith('annlab randomized (sklearn'));
  for (const dtype of ['float32', 'float64']) {
    const full = sk[`full ${dtype}`];
    const randomized = sk[`randomized ${dtype}`];
    if (exact && full) console.log(`  ratio annlab exact / sklearn full (${dtype}): ${(exact.seconds / full.seconds).toFixed(2)}×`);
    if (rand && randomized) console.log(`  ratio annlab randomized / sklearn randomized (${dtype}): ${(rand.seconds / randomized.seconds).toFixed(2)}×`);
  }
}
summary.fits = fits;

// ---------------------------------------------------------------- 2. index
interface Point {
  efSearch: number;
  rerank: number;
  recall: number;
  qps: number;
}
interface IndexRow {
  name: string;
  buildSeconds: number;
  indexBytes: number;
  points: Point[];
}
const indexes: IndexRow[] = [];
if (PARTS.includes('index')) {
  const flat = new FlatIndex({ dim });
  flat.add(base.data);
  const gt = flat.search(queries.data, K);
  const recallOf = (ids: Int32Array, q: number): number => {
    const limit = gt.distances[q * K + K - 1] + 1e-3;
    let hits = 0;
    for (let i = 0; i < K; i++) {
      const id = ids[i];
      if (id >= 0 && l2(queries.data, q * dim, base.data, id * dim, dim) <= limit) hits++;
    }
    return hits;
  };
  const sweep = (name: string, ix: AnnIndex<SearchParams & Record<string, unknown>>, reranks: number[], buildSeconds: number): void => {
    const row: IndexRow = { name, buildSeconds, indexBytes: ix.memoryBytes(), points: [] };
    for (const rerank of reranks) {
      for (const efSearch of EFS) {
        const params: SearchParams & Record<string, unknown> = rerank > 0 ? { efSearch: Math.max(efSearch, K * rerank), rerank } : { efSearch };
        for (let q = 0; q < Math.min(nq, 100); q++) ix.search(queries.data.subarray(q * dim, (q + 1) * dim), K, params); // warm-up
        let hits = 0;
        const t0 = performance.now();
        const found: Int32Array[] = [];
        for (let q = 0; q < nq; q++) found.push(ix.search(queries.data.subarray(q * dim, (q + 1) * dim), K, params).ids);
        const seconds = (performance.now() - t0) / 1000;
        for (let q = 0; q < nq; q++) hits += recallOf(found[q], q);
        const point = { efSearch, rerank, recall: hits / (nq * K), qps: nq / seconds };
        row.points.push(point);
        console.log(`  ${name.padEnd(28)} rerank ${String(rerank).padStart(2)} efSearch ${String(efSearch).padStart(4)}  recall ${point.recall.toFixed(4)}  QPS ${point.qps.toFixed(0)}`);
      }
    }
    indexes.push(row);
  };

  let t0 = performance.now();
  const full = new HnswIndex({ dim, M, efConstruction: EF_CONSTRUCTION });
  full.add(base.data);
  let build = (performance.now() - t0) / 1000;
  console.log(`HNSW on ${dim} dims: build ${build.toFixed(1)} s, ${(full.memoryBytes() / 2 ** 20).toFixed(1)} MiB`);
  sweep(`hnsw-${dim}`, full, [0], build);

  t0 = performance.now();
  const reduced = new PreTransformIndex({
    dim,
    components: COMPONENTS,
    inner: (o) => new HnswIndex({ ...o, M, efConstruction: EF_CONSTRUCTION }),
  });
  reduced.add(base.data);
  build = (performance.now() - t0) / 1000;
  console.log(
    `PCA-${COMPONENTS} + HNSW: build ${build.toFixed(1)} s (PCA ${reduced.pca.solverUsed}), ` +
      `${(reduced.memoryBytes() / 2 ** 20).toFixed(1)} MiB incl. ${(reduced.store.memoryBytes() / 2 ** 20).toFixed(1)} MiB kept originals`,
  );
  sweep(`pca${COMPONENTS}+hnsw`, reduced, RERANKS, build);
}
summary.indexes = indexes;
if (process.env.PCA_OUT) writeFileSync(process.env.PCA_OUT, JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
