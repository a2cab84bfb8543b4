/**
 * The Pareto front of (recall, QPS) points: the settings no other setting beats on both
 * axes. ann-benchmarks plots exactly this per algorithm (plotting/utils.py
 * `create_pointset`): sort by recall, sweep from high recall to low, keep a point when its
 * QPS beats every point of higher recall.
 *
 * @module
 */

/** A point to rank: higher recall and higher QPS are both better. */
export interface ParetoPoint {
  /** Recall in [0, 1]. */
  recall: number;
  /** Queries per second. */
  qps: number;
}

/**
 * True when `a` dominates `b`: at least as good on both axes and strictly better on one.
 */
export function dominates(a: ParetoPoint, b: ParetoPoint): boolean {
  return a.recall >= b.recall && a.qps >= b.qps && (a.recall > b.recall || a.qps > b.qps);
}

/**
 * Indices (into `points`) of the non-dominated points, ordered by increasing recall.
 * Exact duplicates are all kept (none dominates the other). O(n log n).
 */
export function paretoFront(points: readonly ParetoPoint[]): number[] {
  const order = points.map((_, i) => i);
  // Highest recall first; among equal recall, highest QPS first.
  order.sort((a, b) => points[b].recall - points[a].recall || points[b].qps - points[a].qps);
  const front: number[] = [];
  let bestQps = -Infinity;
  let i = 0;
  while (i < order.length) {
    // A group of equal recall: only its top QPS (and exact ties with it) can survive.
    let j = i;
    const recall = points[order[i]].recall;
    while (j < order.length && points[order[j]].recall === recall) j++;
    const top = points[order[i]].qps;
    if (top > bestQps) {
      for (let t = i; t < j && points[order[t]].qps === top; t++) front.push(order[t]);
      bestQps = top;
    }
    i = j;
  }
  return front.reverse();
}

/** A boolean per point: true when it lies on the Pareto front of its group (grouped by `key`). */
export function paretoFlags<T extends ParetoPoint>(points: readonly T[], key: (p: T) => string): boolean[] {
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const g = key(p);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [i]);
    else list.push(i);
  });
  const flags = new Array<boolean>(points.length).fill(false);
  for (const members of groups.values()) {
    const front = paretoFront(members.map((i) => points[i]));
    for (const f of front) flags[members[f]] = true;
  }
  return flags;
}
