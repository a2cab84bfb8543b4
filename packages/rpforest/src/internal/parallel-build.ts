/**
 * The forest build on a pool of workers, trees in parallel, bytes as from one thread.
 *
 * Annoy builds `n_trees` trees on `n_jobs` threads (`build(n_trees, n_jobs)`, the
 * multi-threaded build policy of `src/annoylib.h`), each thread its own trees; the roots are
 * merged when all are done. Here each tree is one task ({@link BUILD_TREES_TASK}, handled by
 * {@link buildTreesTask}, a pure function over typed arrays) and the blocks come back to be
 * appended in tree order ({@link buildTreeBlocksOnPool}, then `appendTreeBlock`). Tree t is seeded by (seed, t) alone, so
 * which worker built it, and when, changes nothing: any number of threads gives the bytes of
 * the single-threaded build (`tree-block.ts` explains why appending blocks does).
 *
 * This package runs no worker itself (it stays free of `worker_threads` and Web Worker
 * code): the caller hands in a {@link TaskPool}, for example `@annlab/threads`'s pool, whose
 * workers register {@link buildTreesTask} under {@link BUILD_TREES_TASK}. The rows, ids and
 * augmented components go to the workers once, in `SharedArrayBuffer`s, and are only read
 * there.
 *
 * @module
 */
import type { ProgressCallback, TaskPool } from '@annlab/core';
import { buildTreeRange, type TreeBlock } from './tree-block.js';

/** The worker pool a parallel build runs on (core's {@link TaskPool}; `@annlab/threads`' pool has this shape). */
export type { TaskPool } from '@annlab/core';

/** The task name under which workers register {@link buildTreesTask}. */
export const BUILD_TREES_TASK = 'rpforest.buildTrees';

/** What {@link buildTreesTask} reads: the arguments of `buildTreeRange`. */
export interface BuildTreesPayload {
  /** Stored vectors, row-major `dim` per row (normalised for cosine); read only. */
  data: Float32Array;
  /** Vector dimension. */
  dim: number;
  /** Hyperplane components (`dim`, or `dim + 1` for inner product). */
  treeDim: number;
  /** Most items per leaf. */
  leafSize: number;
  /** Whether rows are unit length (cosine). */
  cosine: boolean;
  /** Inner product: augmented component per id; else empty. */
  augExtra: Float32Array;
  /** The forest's seed. */
  seed: number;
  /** First tree to build. */
  tStart: number;
  /** One past the last tree to build. */
  tEnd: number;
  /** The ids the trees hold, ascending; read only. */
  items: Int32Array;
}

/** The worker side of {@link BUILD_TREES_TASK}: trees `[tStart, tEnd)` as a block. */
export function buildTreesTask(payload: BuildTreesPayload): TreeBlock {
  const p = payload;
  return buildTreeRange(p.data, p.dim, p.treeDim, p.leafSize, p.cosine, p.augExtra, p.seed, p.tStart, p.tEnd, p.items);
}

/**
 * Build trees `[tStart, tStart + count)` on `pool`, one task per tree; resolves with their
 * blocks in tree order, ready for `appendTreeBlock`. `rows` (and `augExtra`, `items`) should
 * live in `SharedArrayBuffer`s ({@link sharedArray}) so that workers read them in place;
 * plain arrays are copied to every task. `onProgress(done, count)` runs as trees come back (in
 * any order). When a task fails or `onProgress` throws, the promise rejects with that error
 * once every task has settled (tasks cannot be recalled from their workers).
 */
export async function buildTreeBlocksOnPool(
  rows: Omit<BuildTreesPayload, 'tStart' | 'tEnd'>,
  tStart: number,
  count: number,
  pool: TaskPool,
  onProgress: ProgressCallback | null = null,
): Promise<TreeBlock[]> {
  const blocks: TreeBlock[] = new Array(count);
  let done = 0;
  let failure: unknown = null;
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const payload: BuildTreesPayload = { ...rows, tStart: tStart + i, tEnd: tStart + i + 1 };
    tasks.push(
      pool.run(BUILD_TREES_TASK, payload).then(
        (block) => {
          blocks[i] = block as TreeBlock;
          done++;
          if (onProgress === null || failure !== null) return;
          try {
            onProgress(done, count);
          } catch (e) {
            failure = e;
          }
        },
        (e: unknown) => {
          if (failure === null) failure = e;
        },
      ),
    );
  }
  await Promise.all(tasks);
  if (failure !== null) throw failure;
  return blocks;
}
