/**
 * Marks several `annlab explain` pictures draw alike: every point as a small dot, the k
 * results as green rings, and a graph search's expansions as a red path through orange dots.
 * Each returns SVG markup for the caller's group; nothing is searched here.
 *
 * @module
 */
import { circle, polyline, type Point, type Viewport } from './svg.js';
import { pointAt } from './geometry.js';

/** Points 0 … n−1 of `xy` as dots of radius 1.6. */
export function pointDots(v: Viewport, xy: Float32Array, n: number, fill: string): string {
  let out = '';
  for (let i = 0; i < n; i++) out += circle(v, pointAt(xy, i), 1.6, { fill });
  return out;
}

/** Green rings around the first `k` result ids (padding ids −1 are skipped). */
export function resultRings(v: Viewport, xy: Float32Array, ids: Int32Array, k: number): string {
  let out = '';
  for (let j = 0; j < k; j++) {
    const id = ids[j];
    if (id >= 0) out += circle(v, pointAt(xy, id), 5, { fill: 'none', stroke: '#59a14f', 'stroke-width': 2 });
  }
  return out;
}

/** A graph search's expanded nodes, in expansion order: a red line through them, then an orange dot on each. */
export function expansionPath(v: Viewport, xy: Float32Array, expanded: ArrayLike<number>): string {
  const path: Point[] = [];
  for (let i = 0; i < expanded.length; i++) path.push(pointAt(xy, expanded[i]));
  let out = polyline(v, path, { stroke: '#e15759', 'stroke-width': 1.5 });
  for (let i = 0; i < expanded.length; i++) out += circle(v, pointAt(xy, expanded[i]), 3, { fill: '#f28e2b' });
  return out;
}
