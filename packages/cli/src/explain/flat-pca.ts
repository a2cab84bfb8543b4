/**
 * Flat and PCA pictures. `explainFlat`: exact search measures every point; the k results
 * from `FlatIndex.search` lie inside the circle through the k-th one (reported distances are
 * true L2, not squared, so the circle's radius is the reported k-th distance). `explainPca`:
 * a `Pca` trained on correlated 2-D data, its mean and principal directions scaled by
 * √eigenvalue, and each point's reconstruction from the first component
 * (`Pca.reconstruct(Pca.apply(x))`), which is what a 1-component `PreTransformIndex` searches.
 *
 * @module
 */
import { Rng } from '@annlab/core';
import { circle, legend, line, panelFrame, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clusteredPoints, pointAt } from './geometry.js';
import { FlatIndex, Pca } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** Draw exact search: every point is a distance computation; the k nearest inside the k-th radius. */
export async function explainFlat(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 300;
  const seed = options.seed ?? 42;
  const k = 10;
  const xy = clusteredPoints(n, seed);
  const index = new FlatIndex({ dim: 2, metric: 'euclidean', seed });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const res = index.search(query, k);
  const panel = 420;
  const gap = 40;
  const v = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  let body = panelFrame(v, `flat: ${n} distance computations per query`);
  const q: Point = [query[0], query[1]];
  body += '<g class="scan">';
  for (let i = 0; i < n; i++) body += line(v, q, pointAt(xy, i), { stroke: '#ddd', 'stroke-width': 0.4 });
  body += '</g><g class="points">';
  for (let i = 0; i < n; i++) body += circle(v, pointAt(xy, i), 1.8, { fill: '#666' });
  body += '</g>';
  const radius = res.distances[k - 1];
  body += `<circle class="kth-radius" cx="${v.px(q[0]).toFixed(2)}" cy="${v.py(q[1]).toFixed(2)}" r="${((radius / (v.x1 - v.x0)) * v.w).toFixed(2)}" fill="none" stroke="#4e79a7" stroke-dasharray="4 3"/>`;
  body += '<g class="results">';
  for (let j = 0; j < k; j++) body += circle(v, pointAt(xy, res.ids[j]), 5, { fill: 'none', stroke: '#59a14f', 'stroke-width': 2 });
  body += `</g><g class="query">${circle(v, q, 5, { fill: '#e15759' })}</g>`;
  body += legend(gap + panel + 20, 70, [
    { color: '#e15759', label: 'query' },
    { color: '#59a14f', label: `${k} exact nearest`, shape: 'ring' },
    { color: '#4e79a7', label: `radius = k-th distance ${radius.toFixed(3)}`, shape: 'ring' },
  ]);
  body += textAt(gap, panel + 90, `FlatIndex, ${n} points; search(query, k=${k}); reported distances are true L2 (not squared)`, {
    'font-size': 11,
    fill: '#555',
  });
  const svg = svgDocument(
    gap + panel + 280,
    panel + 110,
    'Flat (exact) search',
    `Exact search over ${n} 2-D points: the query is compared with every point and the ${k} nearest are kept.`,
    body,
  );
  return { name: 'flat', file: 'flat-scan.svg', svg, summary: `${n} distances, k-th distance ${radius.toFixed(4)}` };
}

/** Draw PCA on correlated 2-D data: mean, principal axes, and the 1-component reconstruction. */
export async function explainPca(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 200;
  const seed = options.seed ?? 42;
  const rng = new Rng(seed);
  const xy = new Float32Array(2 * n);
  const angle = 0.5;
  for (let i = 0; i < n; i++) {
    const a = 0.2 * rng.nextGaussian();
    const b = 0.05 * rng.nextGaussian();
    xy[2 * i] = Math.min(0.98, Math.max(0.02, 0.5 + a * Math.cos(angle) - b * Math.sin(angle)));
    xy[2 * i + 1] = Math.min(0.98, Math.max(0.02, 0.5 + a * Math.sin(angle) + b * Math.cos(angle)));
  }
  const pca = new Pca({ dim: 2, components: 1, seed });
  pca.train(xy);
  const full = new Pca({ dim: 2, components: 2, seed });
  full.train(xy);
  const rec = pca.reconstruct(pca.apply(xy));
  const panel = 420;
  const gap = 40;
  const v = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  let body = panelFrame(v, `PCA: component 1 keeps ${(100 * pca.explainedVarianceRatio[0]).toFixed(1)} % of the variance`);
  body += '<g class="projection">';
  for (let i = 0; i < n; i++) body += line(v, pointAt(xy, i), pointAt(rec, i), { stroke: '#e15759', 'stroke-width': 0.6 });
  body += '</g><g class="points">';
  for (let i = 0; i < n; i++) body += circle(v, pointAt(xy, i), 1.8, { fill: '#666' });
  body += '</g><g class="reconstructions">';
  for (let i = 0; i < n; i++) body += circle(v, pointAt(rec, i), 1.5, { fill: '#4e79a7' });
  body += '</g><g class="axes">';
  const m: Point = [full.mean[0], full.mean[1]];
  for (let c = 0; c < 2; c++) {
    const s = 2 * Math.sqrt(full.eigenvalues[c]);
    const d: Point = [full.componentMatrix[2 * c] * s, full.componentMatrix[2 * c + 1] * s];
    body += line(v, [m[0] - d[0], m[1] - d[1]], [m[0] + d[0], m[1] + d[1]], {
      stroke: c === 0 ? '#59a14f' : '#f28e2b',
      'stroke-width': 2.5,
      class: 'principal-axis',
    });
  }
  body += `</g>${circle(v, m, 4, { fill: '#000' })}`;
  body += legend(gap + panel + 20, 70, [
    { color: '#000', label: 'mean' },
    { color: '#59a14f', label: 'component 1 (±2√λ₁)', shape: 'line' },
    { color: '#f28e2b', label: 'component 2 (±2√λ₂)', shape: 'line' },
    { color: '#4e79a7', label: 'reconstruction from 1 component' },
    { color: '#e15759', label: 'residual dropped by PCA', shape: 'line' },
  ]);
  body += textAt(
    gap,
    panel + 90,
    `Pca components=1 and 2, seed=${seed}, ${n} points; eigenvalues ${full.eigenvalues[0].toFixed(4)}, ${full.eigenvalues[1].toFixed(4)}`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    gap + panel + 300,
    panel + 110,
    'PCA: principal directions and projection',
    `PCA of ${n} correlated 2-D points: keeping one component projects every point onto the main direction.`,
    body,
  );
  return {
    name: 'pca',
    file: 'pca-projection.svg',
    svg,
    summary: `component 1 explains ${(100 * pca.explainedVarianceRatio[0]).toFixed(1)} %`,
  };
}
