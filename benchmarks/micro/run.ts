/**
 * Micro-benchmark runner (`pnpm bench`): kernel ns/distance for both backends, with the
 * SIMD speed-up. On a shared machine, run it while no other heavy job runs.
 *
 * Usage: `tsx --conditions=source benchmarks/micro/run.ts [--time ms] [--dims 96,128,784,960]`
 *
 * @module
 */
import { benchKernels } from './kernels.bench.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const timeMs = Number(arg('--time') ?? 300);
const dims = (arg('--dims') ?? '96,128,784,960').split(',').map(Number);
const rows = await benchKernels(dims, timeMs);
console.log(`node ${process.version}; ns per distance (mean), squared L2 unless noted\n`);
console.log('kernel  dim    js ns   simd ns  speed-up');
const keys = new Set(rows.map((r) => `${r.kernel}|${r.dim}`));
for (const key of keys) {
  const [kernel, dim] = key.split('|');
  const js = rows.find((r) => `${r.kernel}|${r.dim}` === key && r.backend === 'js');
  const simd = rows.find((r) => `${r.kernel}|${r.dim}` === key && r.backend === 'simd');
  if (js === undefined || simd === undefined) continue;
  console.log(
    `${kernel.padEnd(6)} ${dim.padStart(4)} ${js.nsPerDistance.toFixed(1).padStart(8)} ${simd.nsPerDistance.toFixed(1).padStart(9)} ${(js.nsPerDistance / simd.nsPerDistance).toFixed(2).padStart(8)}x`,
  );
}
