/**
 * PCA's passes over the data on a pool of workers, with the results of one thread.
 *
 * A fit (`fit.ts`) is a generator of passes over the rows; every pass is a sum over rows, cut
 * by `row-pass.ts` into fixed chunks of `PASS_CHUNK_ROWS` rows. Here each chunk is one task
 * ({@link PCA_PASS_TASK}, handled by {@link pcaPassTask}, a pure function over typed arrays):
 * the worker computes the chunk's partial sum from zero into its slot of a shared output, and
 * the calling thread adds the partials into the pass's output in chunk order, as the fit in
 * one thread does. The chunks, each partial and the order of the additions do not depend on
 * the number of workers, so the mean, the directions and the eigenvalues are the same bits
 * as `Pca.train` gives, for 1, 2 or N threads. (scikit-learn's PCA gets its parallelism from
 * a threaded BLAS, whose sums change with the thread count; this is why annlab sums by hand.)
 *
 * Memory: the rows once more, in shared memory (n × dim × 4 bytes, copied once per fit), and
 * a window of 2 × threads output slots, each one chunk's partial (dim² float64 for the
 * covariance, l·dim for a streaming product); chunk c goes to slot c mod slots, and chunk
 * c + slots starts only once chunk c has been added in, so the slots never hold more than the
 * window. Each worker keeps the kernels and tiles of its last pass (`PassCache`), up to one
 * partial plus one block.
 *
 * This package starts no worker: the caller hands in a pool (`TaskPool`, e.g.
 * `@annlab/threads`'s) whose workers register {@link pcaPassTask} under {@link PCA_PASS_TASK}.
 *
 * @module
 */
import { sharedArray, type TaskPool } from '@annlab/core';
import type { FitSteps, PcaFit } from './fit.js';
import { addInto, chunkCount, PASS_CHUNK_ROWS, PassCache, type RowPass, type RowPassKind, rowPassChunk } from './row-pass.js';

/** The task name under which workers register {@link pcaPassTask}. */
export const PCA_PASS_TASK = 'pca.dataPass';

/** What {@link pcaPassTask} reads: one chunk of one pass. */
export interface PcaPassPayload {
  /** All training rows, `n × dim` row-major, shared; read only. */
  rows: Float32Array;
  /** Number of rows. */
  n: number;
  /** Dimension. */
  dim: number;
  /** What the pass computes (see `row-pass.ts`). */
  kind: RowPassKind;
  /** Float64 matrix kernels the fit chose (`'js'` or `'simd'`). */
  backend: 'js' | 'simd';
  /** Rows of Q (streaming passes), else 0. */
  l: number;
  /** Per-feature mean, length dim (empty for the column sums); read only. */
  mean: Float64Array;
  /** The basis Q, l × dim (streaming passes; else empty); read only. */
  qt: Float64Array;
  /** The chunk: rows `[chunk × PASS_CHUNK_ROWS, min(n, (chunk + 1) × PASS_CHUNK_ROWS))`. */
  chunk: number;
  /** The shared output slots; the chunk's partial goes to `out[offset …)`. */
  out: Float64Array;
  /** Where the chunk's partial starts in `out`. */
  offset: number;
}

/** The kernels and tiles of the last pass this thread ran (see `PassCache`). */
const taskCache = new PassCache();

/** The worker side of {@link PCA_PASS_TASK}: one chunk's partial into its slot. Returns the chunk. */
export function pcaPassTask(payload: PcaPassPayload): number {
  const p = payload;
  const r0 = p.chunk * PASS_CHUNK_ROWS;
  const r1 = Math.min(p.n, r0 + PASS_CHUNK_ROWS);
  rowPassChunk(p.rows, p, r0, r1, p.out, p.offset, taskCache);
  return p.chunk;
}

/**
 * Runs the passes of one fit on a pool. The rows are copied into shared memory when it is
 * made (so the caller may change its array while the fit runs).
 */
export class PoolPassRunner {
  private readonly pool: TaskPool;
  private readonly rows: Float32Array;
  private readonly n: number;
  private readonly dim: number;
  /** Output slots, reused by the next pass of the same length. */
  private slots: Float64Array;

  constructor(pool: TaskPool, x: Float32Array, n: number, dim: number) {
    this.pool = pool;
    this.n = n;
    this.dim = dim;
    this.rows = sharedArray(Float32Array, n * dim);
    this.rows.set(x.subarray(0, n * dim));
    this.slots = new Float64Array(0);
  }

  /**
   * Run `pass`: one task per chunk, at most `slots` at once, each chunk's partial added into
   * `pass.out` (zeroed first) in chunk order. Rejects, once every started task has settled,
   * with the first failure.
   */
  async run(pass: RowPass): Promise<void> {
    const { pool, n } = this;
    const out = pass.out;
    const len = out.length;
    const chunks = chunkCount(n);
    const window = Math.min(chunks, 2 * Math.max(1, Math.floor(this.pool.size ?? 1)));
    // Every task of the previous pass has settled: its slots can be reused.
    if (this.slots.length !== window * len) this.slots = sharedArray(Float64Array, window * len);
    const slots = this.slots;
    const base = {
      rows: this.rows,
      n,
      dim: this.dim,
      kind: pass.kind,
      backend: pass.backend,
      l: pass.l,
      mean: sharedCopy(pass.mean),
      qt: sharedCopy(pass.qt),
      out: slots,
    };
    const pending: Promise<unknown>[] = [];
    const start = (c: number): void => {
      const payload: PcaPassPayload = { ...base, chunk: c, offset: (c % window) * len };
      const task = pool.run(PCA_PASS_TASK, payload);
      task.catch(() => undefined); // observed below, in chunk order
      pending.push(task);
    };
    for (let c = 0; c < window; c++) start(c);
    out.fill(0);
    try {
      for (let c = 0; c < chunks; c++) {
        await pending[c];
        addInto(out, slots, (c % window) * len, len);
        if (c + window < chunks) start(c + window);
      }
    } catch (e) {
      await Promise.allSettled(pending);
      throw e;
    }
  }
}

/** A copy of `a` in shared memory (an empty array stays a plain one). */
function sharedCopy(a: Float64Array): Float64Array {
  if (a.length === 0) return a;
  const s = sharedArray(Float64Array, a.length);
  s.set(a);
  return s;
}

/** Drive a fit on a pool: each pass the generator yields runs on {@link PoolPassRunner}. */
export async function runFitOnPool(steps: FitSteps, runner: PoolPassRunner): Promise<PcaFit> {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done === true) return r.value;
    await runner.run(r.value);
  }
}
