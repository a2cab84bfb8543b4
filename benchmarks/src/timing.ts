/**
 * Timing helpers: a monotonic clock in milliseconds, latency percentiles, and
 * {@link timeQueries}, the one query-timing procedure that `annlab bench` (through the
 * harness) and `annlab query` share, so their QPS figures are comparable.
 *
 * @module
 */

/** Milliseconds from a monotonic clock (high resolution). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The p-th percentile (p in [0, 100]) of `values` with linear interpolation between the
 * two nearest ranks (numpy's default). `values` is not modified. NaN for an empty input.
 */
export function percentile(values: Float64Array | readonly number[], p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Latency summary in milliseconds. */
export interface Latency {
  /** Median. */
  p50: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** Mean. */
  mean: number;
}

/** p50/p95/p99/mean of per-query latencies in milliseconds. */
export function summarizeLatency(ms: Float64Array): Latency {
  let sum = 0;
  for (let i = 0; i < ms.length; i++) sum += ms[i];
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), mean: ms.length === 0 ? NaN : sum / ms.length };
}

/** Options of {@link timeQueries}. */
export interface TimeQueriesOptions {
  /** Queries answered (untimed) before the timed passes, at least. @defaultValue 20 */
  warmupQueries?: number;
  /**
   * The warm-up continues past `warmupQueries` until this many milliseconds have passed (never
   * beyond one pass over the queries). @defaultValue 1000
   */
  warmupMs?: number;
  /** Timed passes over all queries; the fastest is kept. @defaultValue 1 */
  repeats?: number;
}

/** What {@link timeQueries} measured: the fastest of its timed passes. */
export interface QueryTiming {
  /** Per-query latencies of the fastest pass, milliseconds. */
  latenciesMs: Float64Array;
  /** Summed query time of the fastest pass, milliseconds. */
  totalMs: number;
  /** Queries per second of the fastest pass (queries / summed query time). */
  qps: number;
  /** Untimed warm-up queries answered before the timed passes. */
  warmupQueries: number;
}

/** Default number of warm-up queries (see {@link TimeQueriesOptions.warmupQueries}). */
export const WARMUP_QUERIES = 20;
/** Default warm-up duration in milliseconds (see {@link TimeQueriesOptions.warmupMs}). */
export const WARMUP_MS = 1000;

/**
 * Time `nq` queries one at a time on this thread, the harness's procedure: a warm-up of at
 * least `warmupQueries` queries continuing for up to `warmupMs` (so the JIT has compiled the
 * search path before the clock runs), then `repeats` timed passes, each query timed alone;
 * the fastest pass is kept. `one(q, pass)` answers query `q`; `pass` is −1 during the warm-up,
 * then 0, 1, ... (callers keep pass 0's results).
 *
 * Every algorithm, annlab's or a peer's, gets exactly this warm-up: instrumented counting
 * passes run after the timing, never before it.
 */
export function timeQueries(one: (q: number, pass: number) => void, nq: number, options: TimeQueriesOptions = {}): QueryTiming {
  const warmup = options.warmupQueries ?? WARMUP_QUERIES;
  const warmupMs = options.warmupMs ?? WARMUP_MS;
  const repeats = Math.max(1, options.repeats ?? 1);
  const warmStart = nowMs();
  let warmed = 0;
  for (let q = 0; q < nq && (q < warmup || nowMs() - warmStart < warmupMs); q++) {
    one(q, -1);
    warmed++;
  }
  let bestTotal = Infinity;
  let bestLat = new Float64Array(nq);
  for (let r = 0; r < repeats; r++) {
    const lat = new Float64Array(nq);
    let total = 0;
    for (let q = 0; q < nq; q++) {
      const t0 = nowMs();
      one(q, r);
      const dt = nowMs() - t0;
      lat[q] = dt;
      total += dt;
    }
    if (total < bestTotal) {
      bestTotal = total;
      bestLat = lat;
    }
  }
  return { latenciesMs: bestLat, totalMs: bestTotal, qps: nq / (Math.max(bestTotal, 1e-9) / 1000), warmupQueries: warmed };
}
