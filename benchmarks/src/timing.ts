/**
 * Small timing helpers: a monotonic clock in milliseconds and latency percentiles.
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
