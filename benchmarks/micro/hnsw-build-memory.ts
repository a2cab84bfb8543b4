/**
 * Memory and time of one HNSW build at scale: how much the process's resident memory grows
 * while `HnswIndex.addAsync` inserts n vectors on T worker threads, against what the index
 * holds (`usedBytes`: vectors, level-0 links, upper levels). The harness's peak-RSS column
 * includes the dataset and everything built before; this isolates the build.
 *
 *     flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/micro/hnsw-build-memory.ts \
 *       -- --n 1000000 --threads 2
 *
 * Options: `--n` (default 1,000,000), `--dim` (128), `--threads` (every core), `--M` (16),
 * `--efConstruction` (100). Data: the seeded clustered set of `pnpm docs:scale`
 * (`synthetic:n=N,dim=128,clusters=100,intrinsic=16,...,seed=1`). RSS is sampled every 20 ms
 * on the calling thread, which is idle while the workers insert.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { syntheticDataset } from '@annlab/datasets';
import { HnswIndex } from '@annlab/hnsw';
import { createThreadPool } from '@annlab/threads';

const args = process.argv.slice(2).filter((a) => a !== '--');
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`hnsw-build-memory: --${name} takes a positive integer, got ${args[i + 1]}\n`);
    process.exit(2);
  }
  return value;
}
const n = option('n', 1_000_000);
const dim = option('dim', 128);
const threads = option('threads', availableParallelism());
const M = option('M', 16);
const efConstruction = option('efConstruction', 100);

const ref = `synthetic:n=${n},dim=${dim},clusters=100,intrinsic=16,queries=1000,seed=1,metric=euclidean`;
const data = syntheticDataset(ref);
const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;

const pool = createThreadPool({ threads });
// Start the workers before the baseline, so their heaps are in it: a worker answers an unknown
// task name with NOT_FOUND once it is up, which is all this needs.
await Promise.all(Array.from({ length: pool.size }, () => pool.run('annlab.noop').catch(() => undefined)));
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const index = new HnswIndex({ dim, M, efConstruction, seed: 1, capacity: Math.min(n, 1 << 20) });
const t0 = performance.now();
let last = 0;
await index.addAsync(data.base, {
  pool,
  onProgress: (done, total) => {
    if (done - last >= total / 10 || done === total) {
      last = done;
      process.stderr.write(`  ${done}/${total} after ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(timer);
await pool.close();
const used = index.usedBytes();
const grew = peak - baseline;
process.stdout.write(
  `${ref}\nHNSW M=${M} efConstruction=${efConstruction}, ${pool.size} threads: built in ${seconds.toFixed(1)} s\n` +
    `index usedBytes ${mb(used)}; RSS grew ${mb(grew)} during the build (peak ${mb(peak)}, baseline ${mb(baseline)}): ${(grew / used).toFixed(3)}× the index\n`,
);
