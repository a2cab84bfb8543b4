/**
 * Fuzz targets of @annlab/lsh: how the loader fuzzer's worker loads an LSH file, with
 * zero-copy views into the bytes (`'js'`) and with the vectors copied into WebAssembly memory.
 * A loaded index must also take an add (hashed with the loaded functions, buckets rebuilt)
 * and still pass its invariant check.
 *
 * @module
 */
import { exerciseLoaded, InvariantViolation, type FuzzTargets } from '@annlab/test-kit/fuzz';
import { LshIndex } from '../src/index.js';

/** The default exercise, then an add, a multi-probe search and the invariants again. */
function exerciseAdd(loaded: unknown): void {
  exerciseLoaded(loaded);
  const index = loaded as LshIndex;
  const rows = new Float32Array(3 * index.dim);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.cos(i * 0.7) * 2;
  index.add(rows);
  index.search(rows, 3, { probes: 8 });
  const report = index.checkInvariants();
  if (!report.ok) throw new InvariantViolation(`after add: ${report.errors.slice(0, 3).join('; ')}`);
  exerciseLoaded(LshIndex.deserialize(index.serialize(), { kernels: 'js' }));
}

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  lsh: { load: (bytes) => LshIndex.deserialize(bytes, { kernels: 'js' }), exercise: exerciseAdd },
  lshSimd: { load: (bytes) => LshIndex.deserialize(bytes, { kernels: 'auto' }), exercise: exerciseAdd },
};
