/**
 * annlab's own task module, loaded by every worker: `annlab.search`, one slice of a parallel
 * batch search (see `searchBatch`); and the build tasks of the algorithm packages, pure
 * functions they export: `rpforest.buildTrees` (trees of `RpForestIndex.addAsync`),
 * `ivfpq.assign` (one chunk of a k-means assignment step, `KMeans.trainAsync`),
 * `hnsw.insert` (the concurrent INSERT loop of `HnswIndex.addAsync`) and `pca.dataPass` (one
 * chunk of a PCA fit's pass over the data, `Pca.trainAsync`). Other packages add theirs
 * through `taskModules`.
 *
 * @module
 */
import type { KernelBackend, SearchStats } from '@annlab/core';
import { INSERT_TASK, type InsertTaskPayload, insertTask } from '@annlab/hnsw';
import { ASSIGN_TASK, type AssignTaskPayload, assignTask } from '@annlab/ivfpq';
import { PCA_PASS_TASK, type PcaPassPayload, pcaPassTask } from '@annlab/pca';
import { BUILD_TREES_TASK, type BuildTreesPayload, buildTreesTask } from '@annlab/rpforest';
import { createStats, replicaFor } from './replicas.js';
import type { TaskHandler } from './types.js';

/** The payload of `annlab.search`: rows `[from, to)` of a shared batch. */
export interface SearchTaskPayload {
  /** Identifies the index version (see `SharedIndex.key`). */
  key: string;
  /** The serialized index, in a `SharedArrayBuffer`. */
  bytes: Uint8Array;
  /** Backend of the replica. */
  kernels: KernelBackend;
  /** All queries, `nq × dim`, in a `SharedArrayBuffer`. */
  queries: Float32Array;
  /** Vector dimension. */
  dim: number;
  /** First query row of this slice. */
  from: number;
  /** One past the last query row of this slice. */
  to: number;
  /** Neighbours per query. */
  k: number;
  /** Search parameters without `stats` (cloned). */
  params: Record<string, unknown> | undefined;
  /** Class name of the caller's stats object, or null when the caller counts nothing. */
  stats: string | null;
  /** Output ids, `nq × k`, shared. */
  ids: Int32Array;
  /** Output distances, `nq × k`, shared. */
  distances: Float32Array;
}

/**
 * Search rows `[from, to)` on this thread's replica of the index and write their results into
 * the shared output; returns the slice's counters when asked for.
 */
export function searchSlice(p: SearchTaskPayload): SearchStats | null {
  const index = replicaFor(p.key, p.bytes, p.kernels);
  const stats = p.stats === null ? null : createStats(p.stats);
  const params = stats === null ? p.params : { ...p.params, stats };
  const result = index.search(p.queries.subarray(p.from * p.dim, p.to * p.dim), p.k, params);
  p.ids.set(result.ids, p.from * p.k);
  p.distances.set(result.distances, p.from * p.k);
  return stats;
}

/** annlab's tasks by name. */
export const tasks: Readonly<Record<string, TaskHandler>> = {
  'annlab.search': (payload) => searchSlice(payload as SearchTaskPayload),
  [BUILD_TREES_TASK]: (payload) => buildTreesTask(payload as BuildTreesPayload),
  [ASSIGN_TASK]: (payload) => assignTask(payload as AssignTaskPayload),
  [INSERT_TASK]: (payload) => insertTask(payload as InsertTaskPayload),
  [PCA_PASS_TASK]: (payload) => pcaPassTask(payload as PcaPassPayload),
};
