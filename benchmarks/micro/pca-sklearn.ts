/**
 * PCA fit time and explained variance, annlab against scikit-learn on the same data in the
 * same run: Fashion-MNIST's 60,000 training images (784 dimensions, float32) to 64
 * components with the randomized solver (scikit-learn's defaults: oversampling 10, 7 power
 * iterations), median of `--runs` fits each, plus annlab's exact solver as the reference
 * for the explained variance. scikit-learn runs in a Python subprocess (env `ANNLAB_PYTHON`,
 * else `/usr/bin/python3`) on the same float32 matrix, written to a temporary file; its
 * timer covers `PCA.fit` only, as annlab's covers `Pca.train`.
 *
 * Usage (from the repository root; on a shared machine wrap it in `flock`):
 * `tsx --conditions=source benchmarks/micro/pca-sklearn.ts [--components 64] [--runs 3] [--rows 60000]`
 * The data is `$ANNLAB_SHARED_DATASETS/fashion-mnist/train-images-idx3-ubyte.gz`
 * (default `../shared/datasets`).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readIdxMatrix } from '@annlab/datasets';
import { Pca } from '@annlab/pca';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const components = arg('--components', 64);
const runs = arg('--runs', 3);
const rowsWanted = arg('--rows', 60000);
const shared = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
const file = join(shared, 'fashion-mnist', 'train-images-idx3-ubyte.gz');
const m = readIdxMatrix(file, { maxRows: rowsWanted });
const n = m.rows;
const dim = m.dim;
const x = m.data.subarray(0, n * dim);

const SKLEARN = String.raw`
import json, sys, time
import numpy as np
import sklearn
from sklearn.decomposition import PCA
path, n, dim, k, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
x = np.fromfile(path, dtype=np.float32).reshape(n, dim)
seconds, ev, ratio = [], [], []
for r in range(runs):
    t0 = time.perf_counter()
    p = PCA(n_components=k, svd_solver="randomized", random_state=r).fit(x)
    seconds.append(time.perf_counter() - t0)
    ev.append([float(v) for v in p.explained_variance_])
    ratio.append(float(p.explained_variance_ratio_.sum()))
print(json.dumps({"version": sklearn.__version__, "seconds": seconds, "ev": ev, "ratio": ratio}))
`;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function sum(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** Largest |a_c / b_c − 1| over components [from, to). */
function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let worst = 0;
  for (let c = from; c < to; c++) worst = Math.max(worst, Math.abs(a[c] / b[c] - 1));
  return worst;
}

// scikit-learn first, on the same bytes.
const dir = mkdtempSync(join(tmpdir(), 'annlab-pca-'));
let sk: { version: string; seconds: number[]; ev: number[][]; ratio: number[] };
try {
  const raw = join(dir, 'x.f32');
  writeFileSync(raw, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  const python = process.env.ANNLAB_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, ['-c', SKLEARN, raw, String(n), String(dim), String(components), String(runs)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`scikit-learn run failed: ${r.stderr || r.error}`);
  sk = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// annlab randomized: same seed every run, so the models must be byte-identical.
const seconds: number[] = [];
let model: Pca | null = null;
let bytes: Uint8Array | null = null;
let identical = true;
for (let r = 0; r < runs; r++) {
  const pca = new Pca({ dim, components, solver: 'randomized', seed: 1 });
  const t0 = performance.now();
  pca.train(x);
  seconds.push((performance.now() - t0) / 1000);
  const b = pca.serialize();
  if (bytes !== null && (b.length !== bytes.length || b.some((v, i) => v !== bytes?.[i]))) identical = false;
  bytes = b;
  model = pca;
}
if (model === null) throw new Error('--runs must be at least 1');
const exact = new Pca({ dim, components, solver: 'exact' });
const tExact = performance.now();
exact.train(x);
const exactSeconds = (performance.now() - tExact) / 1000;

const skMedian = median(sk.seconds);
const annMedian = median(seconds);
const skFirst = sk.ev[0];
const lead = Math.min(16, components);
console.log(
  `Fashion-MNIST ${n} x ${dim} -> ${components}, randomized (oversampling 10, q = ${model.powerIterationsUsed}), node ${process.version}`,
);
console.log(`scikit-learn ${sk.version}: ${sk.seconds.map((s) => s.toFixed(2)).join(', ')} s, median ${skMedian.toFixed(2)} s`);
console.log(
  `annlab (${model.backendUsed}): ${seconds.map((s) => s.toFixed(2)).join(', ')} s, median ${annMedian.toFixed(2)} s; same seed → identical bytes: ${identical}`,
);
console.log(`ratio annlab / scikit-learn: ${(annMedian / skMedian).toFixed(2)}`);
console.log(`annlab exact solver: ${exactSeconds.toFixed(2)} s (the reference below)`);
console.log(
  `explained variance ratio, sum: annlab ${sum(model.explainedVarianceRatio).toFixed(5)}, scikit-learn ${sk.ratio.map((v) => v.toFixed(5)).join(' / ')}, exact ${sum(exact.explainedVarianceRatio).toFixed(5)}`,
);
const ev = model.explainedVariance;
const ex = exact.explainedVariance;
console.log('max relative difference of explained variance per component (components 0–15 | 16–end):');
console.log(
  `  annlab vs scikit-learn (seed 0): ${maxRel(ev, skFirst, 0, lead).toExponential(2)} | ${maxRel(ev, skFirst, lead, components).toExponential(2)}`,
);
for (let r = 1; r < sk.ev.length; r++) {
  console.log(
    `  scikit-learn seed ${r} vs seed 0:   ${maxRel(sk.ev[r], skFirst, 0, lead).toExponential(2)} | ${maxRel(sk.ev[r], skFirst, lead, components).toExponential(2)}`,
  );
}
console.log(
  `  annlab vs exact:                 ${maxRel(ev, ex, 0, lead).toExponential(2)} | ${maxRel(ev, ex, lead, components).toExponential(2)}`,
);
console.log(
  `  scikit-learn (seed 0) vs exact:  ${maxRel(skFirst, ex, 0, lead).toExponential(2)} | ${maxRel(skFirst, ex, lead, components).toExponential(2)}`,
);
