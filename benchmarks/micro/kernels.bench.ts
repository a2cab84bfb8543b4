/**
 * Kernel micro-benchmarks (tinybench): nanoseconds per distance for the scalar (`'js'`) and
 * WebAssembly SIMD (`'simd'`) backends, at the dimensions of the usual ANN datasets
 * (glove-100 ≈ 96, sift-128, fashion-mnist-784, gist-960). Every distance goes through
 * core's DistanceComputer / distanceTileInto, i.e. the path the indexes take:
 *
 * - `pair`: one `distanceTo(id)` call per distance (graph-search style, call overhead included);
 * - `range`: `distancesToRange` over 1024 contiguous rows (flat / IVF list scan);
 * - `ids`: `distancesToIds` over 32 scattered ids (one HNSW expansion);
 * - `tile`: `distanceTileInto` 64 queries × 64 rows (batch search, k-means assignment);
 *
 * The rows fill about 512 KiB (a power-of-two row count: 1024 rows at d ≤ 128, 128 at
 * d = 784/960), so they stay in L2 and the figures measure the kernels, not DRAM bandwidth: a
 * scan over more rows than fit in cache is memory-bound on both backends (at d = 784 one
 * distance reads 3 KiB; at ~15 GB/s that alone is ~200 ns).
 *
 * @module
 */
import { DistanceComputer, Rng, VectorStore, distanceTileInto, metricPolicy, type KernelBackend } from '@annlab/core';
import { Bench } from 'tinybench';

/** One measured row: ns per distance for one kernel shape, dimension and backend. */
export interface KernelBenchRow {
  /** Kernel shape: pair, range, ids, tile, adc. */
  kernel: string;
  /** Vector dimension (for adc: m). */
  dim: number;
  /** Backend. */
  backend: 'js' | 'simd';
  /** Nanoseconds per distance (mean). */
  nsPerDistance: number;
}

/** Row count for `dim`: a power of two whose rows take at most 512 KiB (≥ 64). */
function rowsFor(dim: number): number {
  let n = 64;
  while (n * 2 * dim * 4 <= 512 * 1024) n *= 2;
  return n;
}
const IDS = 32;
const TILE_Q = 64;
const TILE_R = 64;

function randomRows(rng: Rng, n: number, dim: number): Float32Array {
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat();
  return x;
}

/** Run the kernel benchmarks; `timeMs` per task. */
export async function benchKernels(dims: readonly number[] = [96, 128, 784, 960], timeMs = 300): Promise<KernelBenchRow[]> {
  const rows: KernelBenchRow[] = [];
  const bench = new Bench({ time: timeMs, warmup: true, warmupTime: 100 });
  const meta: { kernel: string; dim: number; backend: 'js' | 'simd'; perCall: number }[] = [];
  let sink = 0;
  for (const dim of dims) {
    const rng = new Rng(dim);
    const N_ROWS = rowsFor(dim);
    const RANGE = Math.min(1024, N_ROWS);
    const x = randomRows(rng, N_ROWS, dim);
    const queries = randomRows(rng, TILE_Q, dim);
    const ids = new Int32Array(IDS);
    for (let i = 0; i < IDS; i++) ids[i] = rng.nextInt(N_ROWS);
    for (const backend of ['js', 'simd'] as const satisfies readonly KernelBackend[]) {
      const store = new VectorStore(dim, { kernels: backend });
      store.append(x);
      const dc = new DistanceComputer(store, metricPolicy('euclidean'));
      dc.setQuery(queries, 0);
      const out = new Float64Array(Math.max(1024, TILE_Q * TILE_R));
      let id = 0;
      bench.add(`pair d=${dim} ${backend}`, () => {
        for (let r = 0; r < 64; r++) {
          sink += dc.distanceTo(id);
          id = (id + 61) & (N_ROWS - 1);
        }
      });
      meta.push({ kernel: 'pair', dim, backend, perCall: 64 });
      let start = 0;
      bench.add(`range d=${dim} ${backend}`, () => {
        dc.distancesToRange(start, RANGE, out, 0);
        start = (start + RANGE) & (N_ROWS - 1);
      });
      meta.push({ kernel: 'range', dim, backend, perCall: RANGE });
      bench.add(`ids d=${dim} ${backend}`, () => {
        dc.distancesToIds(ids, 0, IDS, out, 0);
      });
      meta.push({ kernel: 'ids', dim, backend, perCall: IDS });
      let tileStart = 0;
      bench.add(`tile d=${dim} ${backend}`, () => {
        distanceTileInto(store, 'l2', 0, queries, 0, TILE_Q, tileStart, TILE_R, out);
        tileStart = (tileStart + TILE_R) & (N_ROWS - 1);
      });
      meta.push({ kernel: 'tile', dim, backend, perCall: TILE_Q * TILE_R });
    }
  }
  await bench.run();
  bench.tasks.forEach((task, i) => {
    const res = task.result;
    const info = meta[i];
    if (!('period' in res))
      throw new Error(`task ${task.name} did not complete (${res.state})`, { cause: 'error' in res ? res.error : undefined });
    rows.push({ kernel: info.kernel, dim: info.dim, backend: info.backend, nsPerDistance: (res.period * 1e6) / info.perCall });
  });
  if (sink === -1) console.log(sink);
  return rows;
}
