/**
 * Building an HNSW graph on several threads at once (hnswlib's `add_items(num_threads)`):
 * Alg. 1 INSERT of Malkov & Yashunin (IEEE TPAMI 42(4), 2020, arXiv:1603.09320) run
 * concurrently by the workers of a pool over the index's own memory, shared with them.
 *
 * Steps → code:
 * - share the store's WebAssembly memory with the workers (`WasmRows.makeShared`), append the
 *   rows, draw every new node's level with the index's seeded generator in id order and
 *   reserve its upper block (exactly the draws and blocks `add` would make) →
 *   {@link addRowsParallel};
 * - host what the workers read and write beside the rows: the level-0 links are already
 *   there; the upper links, upper offsets, levels, one lock word per node, the context block
 *   and one work area per thread are added as temporary regions, dropped afterwards;
 * - every worker runs the INSERT loop of `assembly/insert.ts` ({@link insertTask}): take the
 *   next id from a shared counter, insert it under hnswlib's locking scheme (see that file);
 * - copy the upper links, entry point and top level back into the graph.
 *
 * Determinism: with one thread the graph is byte-identical to `add`'s. With more it depends on
 * timing, as hnswlib's does: the same data and seed give a graph of the same quality but not
 * the same bytes.
 *
 * Failure is all-or-nothing: a task that fails (or a progress callback that throws) stops the
 * other threads before their next insert, and once every task has settled the index is put
 * back exactly as it was before the call (rows, links, levels, generator state).
 *
 * @module
 */
import { AnnlabError, PROGRESS_EVERY, Rng, type ProgressCallback, type RngState, type TaskPool } from '@annlab/core';
import type { HnswState } from './hnsw-state.js';
import { addRows, stageRows } from './insert.js';
import { InsertBatch, batchTooLarge, instantiateInsert } from './internal/wasm-insert.js';

/** Name of the task that runs the INSERT loop in a worker (registered by `@annlab/threads`). */
export const INSERT_TASK = 'hnsw.insert';

/** How often the calling thread reports progress while the workers insert, in milliseconds. */
const PROGRESS_POLL_MS = 100;

/** The payload of {@link INSERT_TASK}: the shared memory and two byte addresses in it. */
export interface InsertTaskPayload {
  /** The index's store memory, shared. */
  memory: WebAssembly.Memory;
  /** The context block (parameters, counters, entry point, global lock). */
  ctx: number;
  /** This thread's work area. */
  area: number;
}

/**
 * The worker side of {@link INSERT_TASK}: insert ids until none is left.
 * @returns how many ids this thread inserted.
 */
export function insertTask(p: InsertTaskPayload): number {
  if (p === null || typeof p !== 'object' || !(p.memory instanceof WebAssembly.Memory)) {
    throw new AnnlabError('INVALID_PARAMETER', `${INSERT_TASK}: the payload must hold the index's shared memory.`);
  }
  return instantiateInsert(p.memory).insertLoop(p.ctx, p.area);
}

/** What to put back when a parallel insert fails (fixed shape). */
class Snapshot {
  readonly size: number;
  readonly live: number;
  readonly entryPoint: number;
  readonly maxLevel: number;
  readonly upperUsed: number;
  readonly rng: RngState;
  /** Level-0 lists of the nodes already in the graph (reverse links change them). */
  readonly links0: Int32Array;
  /** Upper lists in use. */
  readonly upper: Int32Array;

  constructor(s: HnswState) {
    const g = s.graph;
    this.size = s.store.size;
    this.live = g.live;
    this.entryPoint = g.entryPoint;
    this.maxLevel = g.maxLevel;
    this.upperUsed = g.upperUsed;
    this.rng = s.rng.state();
    this.links0 = g.links0.slice(0, this.size * g.stride0);
    this.upper = g.upperLinks.slice(0, g.upperUsed);
  }

  /** Put the graph, the rows and the generator back as they were. */
  restore(s: HnswState, end: number): void {
    const g = s.graph;
    g.links0.set(this.links0);
    g.upperLinks.set(this.upper);
    g.upperUsed = this.upperUsed;
    g.upperOffset.fill(-1, this.size, end);
    g.levels.fill(0, this.size, end);
    g.entryPoint = this.entryPoint;
    g.maxLevel = this.maxLevel;
    g.live = this.live;
    s.store.truncate(this.size);
    s.rng = Rng.fromState(this.rng);
  }
}

/**
 * Append `n` validated rows of `vectors` and insert them on `threads` workers of `pool`
 * (see the module doc). Falls back to `addRows` on this thread when the index has no SIMD
 * store, when this runtime has no shared memory, or when `threads` is 1.
 * `onProgress(done, n)` runs about every {@link PROGRESS_POLL_MS} ms while the workers run
 * (at least {@link PROGRESS_EVERY} apart) and once at the end.
 */
export async function addRowsParallel(
  s: HnswState,
  vectors: Float32Array,
  n: number,
  pool: TaskPool,
  threads: number,
  onProgress: ProgressCallback | null,
): Promise<void> {
  const rows = s.store.wasm;
  if (threads <= 1 || s.traversal === null || rows === null || !rows.makeShared()) {
    addRows(s, vectors, n, onProgress);
    return;
  }
  s.traversal.relink();
  const g = s.graph;
  const snapshot = new Snapshot(s);
  const end = snapshot.size + n;
  let batch: InsertBatch | null = null;
  let failure: unknown = null;
  try {
    s.ensureCapacity(end);
    const first = stageRows(s, vectors, 0, n);
    if (first < end) {
      batch = InsertBatch.prepare(s, first, end, threads);
      if (batch === null) throw batchTooLarge('HnswIndex.addAsync');
      const b = batch;
      const before = first - snapshot.size;
      let reported = 0;
      const report = (): void => {
        const done = before + b.done;
        if (onProgress === null || done - reported < PROGRESS_EVERY || done >= n) return;
        reported = done;
        try {
          onProgress(done, n);
        } catch (e) {
          failure ??= e;
          b.stop();
        }
      };
      const timer = onProgress === null ? null : setInterval(report, PROGRESS_POLL_MS);
      const memory = b.rows.memory;
      const runs = b.areas.map((area) =>
        pool.run(INSERT_TASK, { memory, ctx: b.ctx, area } satisfies InsertTaskPayload).catch((e: unknown) => {
          failure ??= e;
          b.stop();
        }),
      );
      await Promise.all(runs);
      if (timer !== null) clearInterval(timer);
      if (failure === null) {
        if (b.done !== end - first) {
          throw new AnnlabError('WORKER_FAILED', 'HnswIndex.addAsync: the insert tasks stopped before every vector was inserted.');
        }
        b.finish(s);
      }
    }
    if (failure === null) {
      g.live += n;
      if (onProgress !== null) onProgress(n, n);
    }
  } catch (e) {
    failure ??= e;
  } finally {
    batch?.drop();
  }
  if (failure !== null) {
    snapshot.restore(s, end);
    throw failure;
  }
}
