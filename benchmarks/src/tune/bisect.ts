/**
 * The smallest integer search parameter reaching a target recall, assuming recall rises
 * with it (efSearch, searchK, nprobe, rerank all widen the search). Galloping first
 * (min, 2·min, 4·min, ... up to max) brackets the answer without paying for the most
 * exhaustive setting unless it is needed; bisection then narrows the bracket. Every
 * evaluation is kept, and the measured curve is checked for monotonicity afterwards: when
 * a larger value gave lower recall than a smaller one, the answer is only "a value reaching
 * the target with a smaller failing neighbour", and a note says so.
 *
 * @module
 */

/** One evaluated value. */
export interface SweepPoint {
  /** The search parameter's value. */
  value: number;
  /** Recall measured there. */
  recall: number;
}

/** What {@link smallestReaching} found. */
export interface BisectResult {
  /** Smallest value found reaching the target, or null (unreachable up to `max`, or stopped). */
  value: number | null;
  /** Recall at `value` (or the best recall measured when `value` is null). */
  recall: number;
  /** Every evaluation, by increasing value. */
  sweep: SweepPoint[];
  /** True when `max` was evaluated (so `ceiling` is the recall at the most exhaustive setting). */
  reachedMax: boolean;
  /** Highest recall measured. */
  ceiling: number;
  /** True when `shouldStop` ended the search before an answer. */
  stopped: boolean;
  /** Monotonicity notes (empty when the measured curve never decreased). */
  notes: string[];
}

/**
 * Find the smallest integer v in [min, max] with `evaluate(v) ≥ target` by galloping then
 * bisection. `shouldStop` is asked before every evaluation (a time budget).
 *
 * @param name - parameter name, for the notes.
 */
export async function smallestReaching(
  name: string,
  evaluate: (value: number) => Promise<number> | number,
  min: number,
  max: number,
  target: number,
  shouldStop: () => boolean = () => false,
): Promise<BisectResult> {
  const seen = new Map<number, number>();
  let stopped = false;
  const at = async (v: number): Promise<number | null> => {
    const known = seen.get(v);
    if (known !== undefined) return known;
    if (shouldStop()) {
      stopped = true;
      return null;
    }
    const r = await evaluate(v);
    seen.set(v, r);
    return r;
  };
  const lo = Math.max(1, Math.floor(min));
  const hi = Math.max(lo, Math.floor(max));
  let fail = lo - 1; // largest value known to miss (lo - 1: none yet)
  let ok = -1; // smallest value known to reach
  let v = lo;
  for (;;) {
    const r = await at(v);
    if (r === null) break;
    if (r >= target) {
      ok = v;
      break;
    }
    fail = v;
    if (v >= hi) break;
    v = Math.min(hi, Math.max(v + 1, v * 2));
  }
  while (!stopped && ok > 0 && ok - fail > 1) {
    const mid = Math.floor((ok + fail) / 2);
    const r = await at(mid);
    if (r === null) break;
    if (r >= target) ok = mid;
    else fail = mid;
  }
  const sweep = [...seen.entries()].map(([value, recall]) => ({ value, recall })).sort((a, b) => a.value - b.value);
  const notes: string[] = [];
  for (let i = 1; i < sweep.length; i++) {
    if (sweep[i].recall < sweep[i - 1].recall) {
      notes.push(
        `recall is not monotone in ${name}: ${sweep[i - 1].recall.toFixed(4)} at ${name}=${sweep[i - 1].value} but ${sweep[i].recall.toFixed(4)} at ${name}=${sweep[i].value}; the bisected value reaches the target, a smaller one might too.`,
      );
    }
  }
  if (stopped && ok > 0 && ok - fail > 1) {
    notes.push(
      `the time budget ran out while bisecting ${name}: ${name}=${ok} reaches the target, but values down to ${fail + 1} were not tried.`,
    );
  }
  const ceiling = sweep.reduce((m, p) => Math.max(m, p.recall), 0);
  return {
    value: ok > 0 ? ok : null,
    recall: ok > 0 ? (seen.get(ok) ?? 0) : ceiling,
    sweep,
    reachedMax: seen.has(hi),
    ceiling,
    stopped: stopped && ok < 0,
    notes,
  };
}
