/**
 * 2-D data and plane geometry for the `annlab explain` pictures: seeded clustered points
 * (core's Rng), half-plane clipping of convex polygons (to draw a tree's cells and IVF's
 * Voronoi cells from the index's own hyperplanes and centroids), and where a line crosses a
 * polygon. Drawing only: no search is re-implemented here.
 *
 * @module
 */
import { Rng } from '@annlab/core';
import type { Point } from './svg.js';

/** `n` seeded 2-D points in a few Gaussian clusters inside roughly [0, 1]², row-major. */
export function clusteredPoints(n: number, seed: number, clusters: number = 5): Float32Array {
  const rng = new Rng(seed);
  const cx: number[] = [];
  const cy: number[] = [];
  const sd: number[] = [];
  for (let c = 0; c < clusters; c++) {
    cx.push(0.15 + 0.7 * rng.nextDouble());
    cy.push(0.15 + 0.7 * rng.nextDouble());
    sd.push(0.05 + 0.07 * rng.nextDouble());
  }
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(clusters);
    out[2 * i] = Math.min(1, Math.max(0, cx[c] + sd[c] * rng.nextGaussian()));
    out[2 * i + 1] = Math.min(1, Math.max(0, cy[c] + sd[c] * rng.nextGaussian()));
  }
  return out;
}

/** Point i of a row-major 2-D array. */
export function pointAt(xy: ArrayLike<number>, i: number): Point {
  return [xy[2 * i], xy[2 * i + 1]];
}

/**
 * Clip a convex polygon to the half-plane `a·x + b·y + c ≤ 0` (Sutherland–Hodgman). Returns
 * the clipped polygon (possibly empty).
 */
export function clipHalfPlane(poly: readonly Point[], a: number, b: number, c: number): Point[] {
  const out: Point[] = [];
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const fp = a * p[0] + b * p[1] + c;
    const fq = a * q[0] + b * q[1] + c;
    if (fp <= 0) out.push(p);
    if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

/** The segment where the line `a·x + b·y + c = 0` crosses a convex polygon, or null. */
export function lineInPolygon(poly: readonly Point[], a: number, b: number, c: number): [Point, Point] | null {
  const hits: Point[] = [];
  const n = poly.length;
  for (let i = 0; i < n; i++) {
    const p = poly[i];
    const q = poly[(i + 1) % n];
    const fp = a * p[0] + b * p[1] + c;
    const fq = a * q[0] + b * q[1] + c;
    if (fp === 0) hits.push(p);
    else if ((fp < 0 && fq > 0) || (fp > 0 && fq < 0)) {
      const t = fp / (fp - fq);
      hits.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  if (hits.length < 2) return null;
  return [hits[0], hits[hits.length - 1]];
}

/**
 * The Voronoi cell of site `i` among `sites` (row-major 2-D), clipped to `box`: every point
 * closer (Euclidean) to site i than to any other site.
 */
export function voronoiCell(sites: ArrayLike<number>, count: number, i: number, box: readonly Point[]): Point[] {
  let poly: Point[] = box.slice();
  const xi = sites[2 * i];
  const yi = sites[2 * i + 1];
  for (let j = 0; j < count && poly.length > 0; j++) {
    if (j === i) continue;
    const xj = sites[2 * j];
    const yj = sites[2 * j + 1];
    // |p − ci|² ≤ |p − cj|²  ⇔  2(cj − ci)·p + |ci|² − |cj|² ≤ 0
    poly = clipHalfPlane(poly, 2 * (xj - xi), 2 * (yj - yi), xi * xi + yi * yi - xj * xj - yj * yj);
  }
  return poly;
}

/** Centroid of a polygon's vertices (for placing labels). */
export function vertexMean(poly: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of poly) {
    x += p[0];
    y += p[1];
  }
  return [x / Math.max(1, poly.length), y / Math.max(1, poly.length)];
}
