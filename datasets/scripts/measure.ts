/**
 * Timings for the datasets package: Fashion-MNIST load time and exact ground-truth time
 * (flat index batch path) for 1000 and 10000 queries.
 *
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source datasets/scripts/measure.ts [--full]
 *
 * Without --full the 10000-query run is skipped (it takes minutes on a shared CPU).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { computeGroundTruth, loadDataset } from '@annlab/datasets';

const root = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../shared/datasets', import.meta.url));
const fashion = join(root, 'fashion-mnist');
const full = process.argv.includes('--full');

const loads: number[] = [];
let ds = await loadDataset(fashion);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  ds = await loadDataset(fashion);
  loads.push(performance.now() - t);
}
loads.sort((a, b) => a - b);
console.log(`node ${process.version}`);
console.log(
  `Fashion-MNIST load (60000+10000 x 784, gzipped IDX -> float32): median ${loads[2].toFixed(0)} ms (min ${loads[0].toFixed(0)}, max ${loads[4].toFixed(0)}) over 5 runs`,
);

const runs: Array<[number, number]> = [
  [1000, 10],
  [1000, 100],
];
if (full) runs.push([10000, 10]);
for (const [nq, k] of runs) {
  const q = ds.queries.subarray(0, nq * 784);
  const t = performance.now();
  computeGroundTruth(ds.base, q, 784, 'euclidean', k);
  const s = (performance.now() - t) / 1000;
  console.log(
    `ground truth ${nq} queries x 60000 base, dim 784, k=${k}: ${s.toFixed(2)} s (${(nq / s).toFixed(0)} queries/s, ${((nq * 60000 * 784 * 2) / s / 1e9).toFixed(2)} GFLOP/s)`,
  );
}
