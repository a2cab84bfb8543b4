/**
 * IVF pictures. `explainIvf`: the coarse quantizer's Voronoi cells (from
 * `IvfFlatIndex.centroids`), every point coloured by the inverted list the index put it in
 * (`listOffsets` / `listIds`), and the `nprobe` cells a query scans with the results it
 * returned, both from `IvfFlatIndex.explain()` (its `probes`, nearest centroid first, their
 * `listSizes`, and `result`).
 * `explainPq`: an `IvfPqIndex` with m = 2 sub-quantizers of one dimension each, so each
 * codebook is a set of values on one axis; the reproduction values of a list are its centroid
 * plus the grid of codebook pairs, and each point is joined to its reconstruction.
 *
 * @module
 */
import { circle, colorOf, legend, line, panelFrame, polygon, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clusteredPoints, pointAt, voronoiCell } from './geometry.js';
import { IvfFlatIndex, IvfPqIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

function centroidArray(index: IvfFlatIndex | IvfPqIndex): Float32Array {
  const out = new Float32Array(2 * index.nlist);
  for (let l = 0; l < index.nlist; l++) out.set(index.centroids.row(l), 2 * l);
  return out;
}

function listOf(index: IvfFlatIndex | IvfPqIndex, n: number): Int32Array {
  const list = new Int32Array(n).fill(-1);
  for (let l = 0; l < index.nlist; l++) for (let s = index.listOffsets[l]; s < index.listOffsets[l + 1]; s++) list[index.listIds[s]] = l;
  return list;
}

/** Draw IVF-Flat's cells, lists and the cells one query probes. */
export async function explainIvf(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 400;
  const seed = options.seed ?? 42;
  const nlist = 16;
  const nprobe = 3;
  const k = 8;
  const xy = clusteredPoints(n, seed);
  const index = new IvfFlatIndex({ dim: 2, metric: 'euclidean', seed, nlist });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const ex = index.explain(query, k, { nprobe });
  const result = ex.result;
  const probed = Array.from(ex.probes);
  const cents = centroidArray(index);
  const list = listOf(index, n);

  const panel = 420;
  const gap = 40;
  const v = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  const box = v.boxPolygon();
  let body = panelFrame(v, `IVF-Flat: nlist = ${nlist} Voronoi cells, nprobe = ${nprobe}`);
  body += '<g class="cells">';
  for (let l = 0; l < nlist; l++) {
    const cell = voronoiCell(cents, nlist, l, box);
    const p = probed.indexOf(l);
    body += polygon(v, cell, {
      fill: p >= 0 ? '#f28e2b' : colorOf(l),
      'fill-opacity': p >= 0 ? 0.3 : 0.08,
      stroke: '#777',
      'stroke-width': 1,
      class: p >= 0 ? 'probed-cell' : 'cell',
    });
  }
  body += '</g><g class="points">';
  for (let i = 0; i < n; i++) {
    const inProbe = probed.includes(list[i]);
    body += circle(v, pointAt(xy, i), inProbe ? 2.4 : 1.6, { fill: colorOf(list[i]), 'fill-opacity': inProbe ? 1 : 0.55 });
  }
  body += '</g><g class="centroids">';
  for (let l = 0; l < nlist; l++) {
    const c = pointAt(cents, l);
    body += `<path d="M${v.px(c[0]) - 5},${v.py(c[1])}h10M${v.px(c[0])},${v.py(c[1]) - 5}v10" stroke="#000" stroke-width="2"/>`;
    const p = probed.indexOf(l);
    if (p >= 0) body += textAt(v.px(c[0]) + 6, v.py(c[1]) - 6, `probe ${p + 1}`, { 'font-size': 10 });
  }
  body += '</g><g class="results">';
  for (let j = 0; j < k; j++)
    if (result.ids[j] >= 0) body += circle(v, pointAt(xy, result.ids[j]), 5, { fill: 'none', stroke: '#000', 'stroke-width': 1.5 });
  body += `</g><g class="query">${circle(v, [query[0], query[1]], 5, { fill: '#e15759' })}</g>`;
  const sizes = Array.from(index.listSizes());
  const scanned = ex.listSizes.reduce((s, size) => s + size, 0);
  body += legend(gap + panel + 20, 70, [
    { color: '#e15759', label: 'query' },
    { color: '#f28e2b', label: `${nprobe} probed cells (scanned exactly)` },
    { color: '#000', label: `${k} results`, shape: 'ring' },
    { color: '#4e79a7', label: 'point, coloured by its list' },
  ]);
  body += textAt(gap + panel + 20, 150, `list sizes: ${Math.min(...sizes)} … ${Math.max(...sizes)}`, { 'font-size': 11 });
  body += textAt(gap + panel + 20, 166, `distances: ${nlist} centroids + ${scanned} points`, { 'font-size': 11 });
  body += textAt(gap, panel + 90, `IvfFlatIndex nlist=${nlist}, seed=${seed}, ${n} points; explain(query, k=${k}, { nprobe: ${nprobe} })`, {
    'font-size': 11,
    fill: '#555',
  });
  const svg = svgDocument(
    gap + panel + 300,
    panel + 110,
    'IVF: Voronoi cells and probed lists',
    `k-means splits ${n} 2-D points into ${nlist} cells; a query scans only the ${nprobe} cells whose centroids are nearest.`,
    body,
  );
  return { name: 'ivfflat', file: 'ivf-cells.svg', svg, summary: `${nlist} cells, ${nprobe} probed, ${scanned} points scanned` };
}

/** Draw IVF-PQ's codebooks: reproduction values per list and each point's reconstruction. */
export async function explainPq(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 400;
  const seed = options.seed ?? 42;
  const nlist = 4;
  const nbits = 2;
  const xy = clusteredPoints(n, seed);
  const index = new IvfPqIndex({ dim: 2, metric: 'euclidean', seed, nlist, m: 2, nbits, keepVectors: false, onWarning: () => {} });
  index.add(xy);
  const pq = index.pq;
  const cents = centroidArray(index);
  const list = listOf(index, n);
  const ksub = pq.ksub;
  // Codebook j holds ksub values of component j (dsub = 1): centroid c at pq.centroids[j * ksub + c].
  const book = (j: number, c: number): number => pq.centroids[(j * ksub + c) * pq.dsub];

  const panel = 420;
  const gap = 40;
  const v = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  const box = v.boxPolygon();
  let body = panelFrame(v, `IVF-PQ: nlist = ${nlist}, m = 2, nbits = ${nbits} (${ksub} × ${ksub} codes per list)`);
  body += '<g class="cells">';
  for (let l = 0; l < nlist; l++)
    body += polygon(v, voronoiCell(cents, nlist, l, box), { fill: colorOf(l), 'fill-opacity': 0.08, stroke: '#777' });
  body += '</g><g class="quantization-error">';
  for (let i = 0; i < n; i++) {
    const r = index.reconstruct(i);
    body += line(v, pointAt(xy, i), [r[0], r[1]], { stroke: colorOf(list[i]), 'stroke-width': 0.7, 'stroke-opacity': 0.8 });
  }
  body += '</g><g class="points">';
  for (let i = 0; i < n; i++) body += circle(v, pointAt(xy, i), 1.5, { fill: '#666' });
  body += '</g><g class="reproduction-values">';
  for (let l = 0; l < nlist; l++) {
    const base: Point = index.byResidual ? pointAt(cents, l) : [0, 0];
    for (let a = 0; a < ksub; a++) {
      for (let b = 0; b < ksub; b++) {
        const p: Point = [base[0] + book(0, a), base[1] + book(1, b)];
        body += `<rect x="${(v.px(p[0]) - 3).toFixed(2)}" y="${(v.py(p[1]) - 3).toFixed(2)}" width="6" height="6" fill="${colorOf(l)}" stroke="#000" stroke-width="0.8"/>`;
      }
    }
  }
  body += '</g><g class="centroids">';
  for (let l = 0; l < nlist; l++) {
    const c = pointAt(cents, l);
    body += `<path d="M${v.px(c[0]) - 6},${v.py(c[1])}h12M${v.px(c[0])},${v.py(c[1]) - 6}v12" stroke="#000" stroke-width="2"/>`;
  }
  body += '</g>';
  // The two codebooks themselves, as value strips.
  const sx = gap + panel + 30;
  const sw = 220;
  body += textAt(sx, 70, 'codebooks (residual values)', { 'font-weight': 'bold' });
  let span = 1e-6;
  for (let j = 0; j < 2; j++) for (let c = 0; c < ksub; c++) span = Math.max(span, Math.abs(book(j, c)));
  const lo = -1.2 * span;
  const hi = 1.2 * span;
  for (let j = 0; j < 2; j++) {
    const y = 110 + j * 60;
    body += textAt(sx, y - 14, `sub-quantizer ${j} (component ${j === 0 ? 'x' : 'y'})`, { 'font-size': 11 });
    body += `<line x1="${sx}" y1="${y}" x2="${sx + sw}" y2="${y}" stroke="#999"/>`;
    body += `<line x1="${sx + sw / 2}" y1="${y - 4}" x2="${sx + sw / 2}" y2="${y + 4}" stroke="#999"/>`;
    for (let c = 0; c < ksub; c++) {
      const x = sx + ((book(j, c) - lo) / (hi - lo)) * sw;
      body +=
        `<circle class="codeword" cx="${x.toFixed(2)}" cy="${y}" r="4" fill="#4e79a7"/>` +
        textAt(x - 3, y + 16, String(c), { 'font-size': 9 });
    }
  }
  body += legend(sx, 250, [
    { color: '#000', label: 'coarse centroid (+)' },
    { color: colorOf(0), label: 'reproduction value: centroid + (c₀, c₁)' },
    { color: '#999', label: 'point → its reconstruction', shape: 'line' },
  ]);
  body += textAt(
    gap,
    panel + 90,
    `IvfPqIndex nlist=${nlist}, m=2, nbits=${nbits}, byResidual=${index.byResidual}, seed=${seed}, ${n} points; index.pq.centroids, index.reconstruct(id)`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    sx + sw + 60,
    panel + 110,
    'IVF-PQ codebooks',
    `Product quantization of ${n} 2-D residuals with 2 sub-quantizers of ${ksub} values each: every point is stored as a list number and two ${nbits}-bit codes.`,
    body,
  );
  return { name: 'ivfpq', file: 'ivfpq-codebook.svg', svg, summary: `${nlist} lists × ${ksub * ksub} reproduction values` };
}
