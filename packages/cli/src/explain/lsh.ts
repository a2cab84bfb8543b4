/**
 * LSH picture: one panel per hash table of an E2LSH index with K = 2 functions on 2-D data.
 * Each function h(v) = ⌊(a·v + b) / w⌋ cuts the plane into parallel strips of width w / ‖a‖,
 * so a table's buckets are the cells of a skewed grid (the strip lines come from
 * `LshIndex.hashFunctions()`: projections a, offsets b, width w). The buckets the query
 * probes, in visiting order, with their codes, and the results come from
 * `LshIndex.explain()`: its `probes` (table, rank, perturbed codes, bucket size) and `result`.
 *
 * @module
 */
import { circle, colorOf, legend, line, panelFrame, polygon, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clipHalfPlane, clusteredPoints, lineInPolygon, vertexMean } from './geometry.js';
import { pointDots, resultRings } from './marks.js';
import { LshIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** The cell {v : lo ≤ a·v + b < lo + w} ∩ {…second function…} of `box`, as a polygon. */
function bucketCell(box: Point[], a: Float32Array, b: Float64Array, w: number, t: number, codes: Int32Array): Point[] {
  let poly = box;
  for (let i = 0; i < 2; i++) {
    const r = 2 * t + i;
    const ax = a[2 * r];
    const ay = a[2 * r + 1];
    // a·v + b − (c + 1)·w ≤ 0   and   −(a·v + b − c·w) ≤ 0
    poly = clipHalfPlane(poly, ax, ay, b[r] - (codes[i] + 1) * w);
    poly = clipHalfPlane(poly, -ax, -ay, -(b[r] - codes[i] * w));
  }
  return poly;
}

/** Draw each table's bucket grid, the buckets one query probes and its results. */
export async function explainLsh(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 300;
  const seed = options.seed ?? 42;
  const L = 3;
  const K = 2;
  const w = 0.12;
  const probes = 4;
  const k = 5;
  const xy = clusteredPoints(n, seed);
  const index = new LshIndex({ dim: 2, metric: 'euclidean', seed, L, K, w });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const ex = index.explain(query, k, { probes });
  const fns = index.hashFunctions();
  if (fns === null) throw new Error('LshIndex.hashFunctions() is null after add');
  const a = fns.projections;
  const b = fns.offsets;

  const panel = 300;
  const gap = 40;
  const width = gap + L * (panel + gap) + 190;
  const height = panel + 120;
  let body = '';
  for (let t = 0; t < L; t++) {
    const v = new Viewport(gap + t * (panel + gap), 50, panel, panel, [0, 0, 1, 1]);
    const box = v.boxPolygon();
    const mine = ex.probes.filter((p) => p.table === t);
    body += panelFrame(v, `table ${t}: ${mine.length} buckets probed`);
    body += '<g class="probed-buckets">';
    mine.forEach((p) => {
      const cell = bucketCell(box, a, b, w, t, p.codes);
      if (cell.length < 3) return;
      body += polygon(v, cell, { fill: colorOf(1), 'fill-opacity': p.rank === 0 ? 0.35 : 0.15, stroke: 'none', class: 'probed-bucket' });
      const [lx, ly] = vertexMean(cell);
      body += textAt(v.px(lx) - 4, v.py(ly) + 4, String(ex.probes.indexOf(p) + 1), {
        'font-size': 11,
        fill: '#a14d00',
        'font-weight': 'bold',
      });
    });
    body += '</g><g class="hash-lines">';
    for (let i = 0; i < K; i++) {
      const r = t * K + i;
      const ax = a[2 * r];
      const ay = a[2 * r + 1];
      // The slots met inside the box: a·v + b over its corners.
      let lo = Infinity;
      let hi = -Infinity;
      for (const c of box) {
        const f = ax * c[0] + ay * c[1] + b[r];
        lo = Math.min(lo, f);
        hi = Math.max(hi, f);
      }
      for (let s = Math.ceil(lo / w); s <= Math.floor(hi / w); s++) {
        const seg = lineInPolygon(box, ax, ay, b[r] - s * w);
        if (seg !== null) body += line(v, seg[0], seg[1], { stroke: i === 0 ? '#4e79a7' : '#76b7b2', 'stroke-width': 1.2 });
      }
    }
    body += `</g><g class="points">${pointDots(v, xy, n, '#666')}`;
    body += `</g><g class="results">${resultRings(v, xy, ex.result.ids, k)}`;
    body += `</g><g class="query">${circle(v, [query[0], query[1]], 5, { fill: '#000' })}</g>`;
  }
  body += legend(gap + L * (panel + gap), 70, [
    { color: '#000', label: 'query' },
    { color: '#4e79a7', label: 'slot boundaries of h₁', shape: 'line' },
    { color: '#76b7b2', label: 'slot boundaries of h₂', shape: 'line' },
    { color: colorOf(1), label: 'probed bucket (number = order)' },
    { color: '#59a14f', label: `${k} results`, shape: 'ring' },
  ]);
  body += textAt(
    gap,
    height - 20,
    `LshIndex L=${L}, K=${K}, w=${w}, seed=${seed}, ${n} points; explain(query, k=${k}, { probes: ${probes} }): ${ex.probes.length} buckets, ${ex.candidates} candidates (${ex.uniqueCandidates} distinct)`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    width,
    height,
    'LSH: bucket grids and probed buckets',
    `${L} E2LSH tables of ${K} hash functions over ${n} 2-D points; multi-probe visits the query's own bucket and the ${probes - 1} cheapest neighbouring buckets in each table.`,
    body,
  );
  return {
    name: 'lsh',
    file: 'lsh-buckets.svg',
    svg,
    summary: `${L} tables, ${ex.probes.length} buckets probed, ${ex.uniqueCandidates} distinct candidates`,
  };
}
