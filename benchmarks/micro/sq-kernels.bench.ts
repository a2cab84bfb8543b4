/**
 * Scalar-quantizer micro-benchmarks (tinybench): nanoseconds per distance from a float query
 * to float32 rows (core's DistanceComputer) and to 8-bit / 4-bit scalar codes (core's
 * SqDistanceComputer), for the scalar (`'js'`) and WebAssembly SIMD (`'simd'`) backends:
 *
 * - `ids`: `distancesToIds` over 32 scattered ids (one HNSW expansion), over a small set that
 *   stays in cache (`ids-l2`, ≤ 512 KiB of float rows) and over a large one that does not
 *   (`ids-dram`, 64 MiB of float rows): there a code is 4× (8×) fewer bytes to fetch;
 * - `range`: `distancesToRange` over 1024 contiguous rows (IVF list scan), in cache.
 *
 * @module
 */
import { DistanceComputer, Rng, ScalarQuantizer, SqCodes, SqDistanceComputer, VectorStore, metricPolicy } from '@annlab/core';
import { Bench } from 'tinybench';

/** One measured row: ns per distance for one kernel shape, encoding, dimension and backend. */
export interface SqBenchRow {
  /** Kernel shape: ids-l2, ids-dram, range. */
  kernel: string;
  /** `float32`, `sq8` or `sq4`. */
  encoding: string;
  /** Vector dimension. */
  dim: number;
  /** Backend. */
  backend: 'js' | 'simd';
  /** Nanoseconds per distance (mean). */
  nsPerDistance: number;
}

const IDS = 32;

/** Run the benchmarks; `timeMs` per task. */
export async function benchSqKernels(dims: readonly number[] = [128, 784], timeMs = 300): Promise<SqBenchRow[]> {
  const bench = new Bench({ time: timeMs, warmup: true, warmupTime: 100 });
  const meta: Omit<SqBenchRow, 'nsPerDistance'>[] = [];
  const perCall: number[] = [];
  const policy = metricPolicy('euclidean');
  let sink = 0;
  for (const dim of dims) {
    const rng = new Rng(dim);
    for (const [kernel, bytes] of [
      ['ids-l2', 512 * 1024],
      ['ids-dram', 64 * 1024 * 1024],
      ['range', 512 * 1024],
    ] as const) {
      let n = 1024;
      while (n * 2 * dim * 4 <= bytes) n *= 2;
      const x = new Float32Array(n * dim);
      for (let i = 0; i < x.length; i++) x[i] = rng.nextGaussian() * (1 + (i % 7));
      const q = x.slice(0, dim);
      const ids = new Int32Array(IDS * 64);
      for (let i = 0; i < ids.length; i++) ids[i] = rng.nextInt(n);
      const out = new Float64Array(1024);
      for (const backend of ['js', 'simd'] as const) {
        const store = new VectorStore(dim, { kernels: backend });
        store.append(x);
        const sources: [string, DistanceComputer | SqDistanceComputer][] = [['float32', new DistanceComputer(store, policy)]];
        for (const bits of [8, 4] as const) {
          const sq = new ScalarQuantizer({ dim, bits });
          sq.train(x);
          const codes = new SqCodes(sq, { kernels: backend });
          codes.encodeRows(x, 0, 0, n);
          sources.push([`sq${bits}`, new SqDistanceComputer(codes, policy)]);
        }
        for (const [encoding, dc] of sources) {
          dc.setQuery(q, 0);
          let at = 0;
          if (kernel === 'range') {
            bench.add(`${kernel} ${encoding} d=${dim} ${backend}`, () => {
              dc.distancesToRange(at, 1024, out, 0);
              at = (at + 1024) & (n - 1);
            });
            perCall.push(1024);
          } else {
            bench.add(`${kernel} ${encoding} d=${dim} ${backend}`, () => {
              dc.distancesToIds(ids, at, IDS, out, 0);
              sink += out[0];
              at = (at + IDS) & (ids.length - 1);
            });
            perCall.push(IDS);
          }
          meta.push({ kernel, encoding, dim, backend });
        }
      }
    }
  }
  await bench.run();
  const rows: SqBenchRow[] = [];
  bench.tasks.forEach((task, i) => {
    const res = task.result;
    if (!('period' in res)) throw new Error(`task ${task.name} did not complete (${res.state})`);
    rows.push({ ...meta[i], nsPerDistance: (res.period * 1e6) / perCall[i] });
  });
  if (sink === -1) console.log(sink);
  return rows;
}

/** `tsx --conditions=source benchmarks/micro/sq-kernels.bench.ts [--time ms]`: print the table. */
async function main(): Promise<void> {
  const i = process.argv.indexOf('--time');
  const rows = await benchSqKernels([128, 784], i >= 0 ? Number(process.argv[i + 1]) : 300);
  console.log(`node ${process.version}; ns per squared-L2 distance (mean)\n`);
  console.log('kernel    dim backend  float32     sq8     sq4');
  const keys = new Set(rows.map((r) => `${r.kernel}|${r.dim}|${r.backend}`));
  for (const key of keys) {
    const [kernel, dim, backend] = key.split('|');
    const ns = (e: string) =>
      rows.find((r) => `${r.kernel}|${r.dim}|${r.backend}` === key && r.encoding === e)?.nsPerDistance ?? Number.NaN;
    console.log(
      `${kernel.padEnd(9)} ${dim.padStart(4)} ${backend.padEnd(7)} ${ns('float32').toFixed(1).padStart(8)} ${ns('sq8').toFixed(1).padStart(7)} ${ns('sq4').toFixed(1).padStart(7)}`,
    );
  }
}

if (process.argv[1]?.endsWith('sq-kernels.bench.ts')) await main();
