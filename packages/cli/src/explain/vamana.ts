/**
 * Vamana picture: one panel with the graph (`VamanaIndex.neighbors(id)`, every node's
 * RobustPrune-chosen out-links; with α > 1 some of them are long) and one query's
 * GreedySearch as recorded by `VamanaIndex.explain()`: the start node (the medoid), the
 * nodes expanded in order (the paper's visited set 𝒱, joined by a line in expansion order)
 * and the k results.
 *
 * @module
 */
import { circle, legend, line, panelFrame, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clusteredPoints, pointAt } from './geometry.js';
import { expansionPath, pointDots, resultRings } from './marks.js';
import { VamanaIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** Draw the Vamana graph and one query's greedy search on seeded 2-D data. */
export async function explainVamana(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 400;
  const seed = options.seed ?? 42;
  const R = 6;
  const L = 24;
  const alpha = 1.2;
  const searchL = 8;
  const k = 8;
  const xy = clusteredPoints(n, seed);
  const index = new VamanaIndex({ dim: 2, metric: 'euclidean', seed, R, L, alpha });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const ex = index.explain(query, k, { searchL });

  const panel = 420;
  const gap = 40;
  const width = gap + panel + gap + 190;
  const height = panel + 120;
  const v = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  const q: Point = [query[0], query[1]];
  let body = panelFrame(v, `graph: ${n} nodes, out-degree ≤ R = ${R}`);
  body += '<g class="edges" stroke="#c8c8c8" stroke-width="0.6">';
  for (let id = 0; id < n; id++) {
    const nb = index.neighbors(id);
    for (let j = 0; j < nb.length; j++)
      if (nb[j] > id || !index.neighbors(nb[j]).includes(id)) body += line(v, pointAt(xy, id), pointAt(xy, nb[j]));
  }
  body += `</g><g class="nodes">${pointDots(v, xy, n, '#888')}`;
  body += `</g><g class="expanded">${expansionPath(v, xy, ex.expanded)}`;
  if (ex.entry >= 0) body += circle(v, pointAt(xy, ex.entry), 5, { fill: 'none', stroke: '#000', 'stroke-width': 1.5 });
  body += `</g><g class="results">${resultRings(v, xy, ex.result.ids, k)}`;
  body += `</g><g class="query">${circle(v, q, 5, { fill: '#000' })}</g>`;
  body += textAt(v.x, v.y + panel + 18, `expanded: ${ex.expanded.length}, distances: ${ex.distanceComputations}`, { 'font-size': 11 });
  body += legend(gap + panel + gap, 70, [
    { color: '#000', label: 'query' },
    { color: '#000', label: 'start node (medoid)', shape: 'ring' },
    { color: '#e15759', label: 'expansion order', shape: 'line' },
    { color: '#f28e2b', label: `expanded (L = ${ex.searchL})` },
    { color: '#59a14f', label: `${k} results`, shape: 'ring' },
  ]);
  body += textAt(
    gap,
    height - 20,
    `VamanaIndex R=${R}, L=${L}, alpha=${alpha}, seed=${seed}, ${n} points; explain(query, k=${k}, { searchL: ${searchL} })`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    width,
    height,
    'Vamana graph and one query',
    `Vamana over ${n} 2-D points: RobustPrune with α = ${alpha} keeps at most ${R} links per node, some of them long; GreedySearch from the medoid with list size ${ex.searchL} expands ${ex.expanded.length} nodes and returns ${k} neighbours.`,
    body,
  );
  return {
    name: 'vamana',
    file: 'vamana-graph.svg',
    svg,
    summary: `${ex.expanded.length} nodes expanded, ${ex.distanceComputations} distance computations`,
  };
}
