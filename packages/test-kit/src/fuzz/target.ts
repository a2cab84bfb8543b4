/**
 * What a package's fuzz tests hand to the loader fuzzer: how to load its files, and how to
 * exercise what was loaded. Lives in a module of the package's own (e.g.
 * `test/fuzz-targets.ts`) that the loader worker imports by URL, so the worker needs no
 * knowledge of any index class.
 *
 * @module
 */
import { AnnlabError, type AnnlabErrorCode } from '@annlab/core';

/** One loader under test. */
export interface FuzzTarget {
  /** Load `bytes` (the class's `deserialize`, with whatever options it needs). */
  load(bytes: Uint8Array): unknown;
  /**
   * Use what `load` returned; throw if it misbehaves. Default ({@link exerciseLoaded}):
   * `checkInvariants()` when present (a report with `ok: false` fails), one search for every
   * stored vector (up to 100) whose result must make sense, and `serialize()`.
   */
  exercise?(loaded: unknown): void;
}

/** A module of fuzz targets, by name. */
export type FuzzTargets = Readonly<Record<string, FuzzTarget>>;

/** The refusals a loader may answer damaged bytes with. */
export const LOAD_REFUSALS: readonly AnnlabErrorCode[] = ['CORRUPT_DATA', 'WRONG_FORMAT', 'UNSUPPORTED_VERSION'];

/** Thrown by {@link exerciseLoaded} when a loaded index reports broken invariants. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

interface LoadedShape {
  dim?: unknown;
  checkInvariants?: () => { ok: boolean; errors: string[] };
  size?: unknown;
  idCount?: unknown;
  isTrained?: unknown;
  search?: (queries: Float32Array, k: number) => { ids: Int32Array; distances: Float32Array };
  serialize?: () => Uint8Array;
}

/**
 * The default exercise: invariants (when the object has `checkInvariants`), one search of a
 * fixed query for min(size, 100) neighbours (when it has `search` and an integer `dim`, and
 * is not an untrained index: `isTrained === false`),
 * whose result must be well-formed (ids, padding, finite ascending distances), then
 * `serialize()` (when present). Any throw is a failure.
 */
export function exerciseLoaded(loaded: unknown): void {
  const x = loaded as LoadedShape;
  if (typeof x.checkInvariants === 'function') {
    const report = x.checkInvariants();
    if (!report.ok) throw new InvariantViolation(`checkInvariants failed: ${report.errors.slice(0, 5).join('; ')}`);
  }
  // An untrained index rightly refuses to search (NOT_TRAINED): nothing to exercise there.
  const searchable = x.isTrained !== false;
  if (searchable && typeof x.search === 'function' && typeof x.dim === 'number' && Number.isInteger(x.dim)) {
    const q = new Float32Array(x.dim);
    for (let i = 0; i < q.length; i++) q[i] = Math.sin(i + 1);
    // Ask for every stored vector (up to 100), so each one's distance is checked.
    const k = typeof x.size === 'number' && x.size > 0 ? Math.min(x.size, 100) : 3;
    // Ids run up to idCount where an index keeps deleted ids (size counts live ones only).
    const ids = typeof x.idCount === 'number' ? x.idCount : typeof x.size === 'number' ? x.size : Infinity;
    checkResult(x.search(q, k), ids);
  }
  if (typeof x.serialize === 'function') x.serialize();
}

/**
 * A search result must make sense: ids in [−1, idCount) (−1 only as trailing padding, with
 * +Infinity), finite distances in ascending order for real ids. Non-finite distances for
 * real ids mean the loaded data overflowed float32: garbage returned silently.
 */
function checkResult(r: { ids: Int32Array; distances: Float32Array }, idCount: number): void {
  if (!(r.ids instanceof Int32Array) || !(r.distances instanceof Float32Array))
    throw new InvariantViolation('search: result arrays missing');
  let padded = false;
  for (let i = 0; i < r.ids.length; i++) {
    const id = r.ids[i];
    const d = r.distances[i];
    if (id === -1) {
      padded = true;
      if (d !== Infinity) throw new InvariantViolation(`search: padding at ${i} has distance ${d}`);
      continue;
    }
    if (padded || id < 0 || id >= idCount) throw new InvariantViolation(`search: id ${id} at ${i} (after padding: ${padded})`);
    if (!Number.isFinite(d)) throw new InvariantViolation(`search: id ${id} has distance ${d}`);
    if (i > 0 && r.ids[i - 1] !== -1 && d < r.distances[i - 1]) throw new InvariantViolation(`search: distances not ascending at ${i}`);
  }
}

/** How one load ended. */
export type LoadOutcome =
  | { readonly kind: 'loaded' }
  | { readonly kind: 'refused'; readonly code: AnnlabErrorCode }
  | { readonly kind: 'failed'; readonly error: string };

/** Load `bytes` with `target` and classify the outcome (allowed: loaded and exercised, or a typed refusal). */
export function runTarget(target: FuzzTarget, bytes: Uint8Array): LoadOutcome {
  let loaded: unknown;
  try {
    loaded = target.load(bytes);
  } catch (e) {
    if (e instanceof AnnlabError && LOAD_REFUSALS.includes(e.code)) return { kind: 'refused', code: e.code };
    return { kind: 'failed', error: `load threw ${describeError(e)}` };
  }
  try {
    (target.exercise ?? exerciseLoaded)(loaded);
  } catch (e) {
    return { kind: 'failed', error: `loaded, then ${describeError(e)}` };
  }
  return { kind: 'loaded' };
}

/** `Name[CODE]: message` and the first stack frame, for failure reports. */
export function describeError(e: unknown): string {
  if (e instanceof AnnlabError) return `AnnlabError[${e.code}]: ${e.message}`;
  if (e instanceof Error) {
    const frame = e.stack?.split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
    return `${e.name}: ${e.message} ${frame.trim()}`;
  }
  return `non-error ${String(e)}`;
}
