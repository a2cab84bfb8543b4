/**
 * Fuzz targets of @annlab/hnsw: how the loader fuzzer's worker loads an HNSW index file.
 *
 * A loaded index is exercised beyond the default search: it must also take the mutations a
 * genuine file takes (add rows, delete and update live ids, compact) and still pass its
 * invariant check, so a file that only *looks* consistent (upper blocks that overlap, stale
 * flags) cannot hide behind a read-only exercise.
 *
 * @module
 */
import { exerciseLoaded, InvariantViolation, type FuzzTargets } from '@annlab/test-kit/fuzz';
import { HnswIndex } from '../src/index.js';

/** The default exercise, then add / delete / update / compact and the invariants again. */
function exerciseMutations(loaded: unknown): void {
  exerciseLoaded(loaded);
  const index = loaded as HnswIndex;
  const rows = new Float32Array(3 * index.dim);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.cos(i * 0.7) * 2;
  index.add(rows);
  const live: number[] = [];
  for (let id = 0; id < index.idCount && live.length < 3; id++) if (index.has(id)) live.push(id);
  index.delete(live.slice(0, 2));
  if (live.length > 2) index.update(live[2], rows.subarray(0, index.dim));
  index.compact();
  const report = index.checkInvariants();
  if (!report.ok) throw new InvariantViolation(`after add/delete/update/compact: ${report.errors.slice(0, 3).join('; ')}`);
  exerciseLoaded(HnswIndex.deserialize(index.serialize(), { kernels: 'js' }));
}

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  hnsw: { load: (bytes) => HnswIndex.deserialize(bytes, { kernels: 'js' }), exercise: exerciseMutations },
  hnswSimd: { load: (bytes) => HnswIndex.deserialize(bytes, { kernels: 'auto' }), exercise: exerciseMutations },
};
