/**
 * Fuzz targets of @annlab/rpforest: how the loader fuzzer's worker loads a forest file, with
 * zero-copy views into the bytes (`'js'`) and with the vectors copied into WebAssembly memory.
 *
 * A loaded forest is exercised beyond the default search: it must also take the mutations
 * a genuine file takes (delete live ids, add rows, grow by a tree) and still pass its
 * invariant check, so a file that only *looks* consistent (leaves sharing item slots,
 * non-finite planes) cannot hide behind a read-only exercise.
 *
 * @module
 */
import { exerciseLoaded, InvariantViolation, type FuzzTargets } from '@annlab/test-kit/fuzz';
import { RpForestIndex } from '../src/index.js';

/** The default exercise, then delete / add / addTrees and the invariants again. */
function exerciseMutations(loaded: unknown): void {
  exerciseLoaded(loaded);
  const index = loaded as RpForestIndex;
  const live: number[] = [];
  for (let id = 0; id < index.idCount && live.length < 3; id++) if (index.has(id)) live.push(id);
  if (live.length > 0) index.delete(live);
  const rows = new Float32Array(3 * index.dim);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.cos(i * 0.7) * 2;
  index.add(rows);
  if (index.nTrees < 4096) index.addTrees(1);
  const report = index.checkInvariants();
  if (!report.ok) throw new InvariantViolation(`after delete/add/addTrees: ${report.errors.slice(0, 3).join('; ')}`);
  exerciseLoaded(RpForestIndex.deserialize(index.serialize(), { kernels: 'js' }));
}

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  rpforest: { load: (bytes) => RpForestIndex.deserialize(bytes, { kernels: 'js' }), exercise: exerciseMutations },
  rpforestSimd: { load: (bytes) => RpForestIndex.deserialize(bytes, { kernels: 'auto' }), exercise: exerciseMutations },
};
