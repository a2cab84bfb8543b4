/**
 * NN-Descent picture, two panels drawn from the index's own output. Left: the k-NN graph
 * NN-Descent built (`NnDescentIndex.knnGraph()`, every point's K nearest). Right: the search
 * graph made from it by diversification, reverse edges and degree pruning
 * (`NnDescentIndex.neighbors(id)`), with one query's search as recorded by
 * `NnDescentIndex.explain()`: the points of the tree leaf the query fell into (the entry
 * points), the points expanded in order, and the k results.
 *
 * @module
 */
import { circle, legend, line, panelFrame, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clusteredPoints, pointAt } from './geometry.js';
import { expansionPath, pointDots, resultRings } from './marks.js';
import { NnDescentIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** Draw the k-NN graph, the pruned search graph and one query's search on seeded 2-D data. */
export async function explainNnDescent(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 400;
  const seed = options.seed ?? 42;
  const K = 8;
  const leafSize = 16;
  const efSearch = 8;
  const k = 8;
  const xy = clusteredPoints(n, seed);
  const index = new NnDescentIndex({ dim: 2, metric: 'euclidean', seed, nNeighbors: K, leafSize });
  index.add(xy);
  const info = index.buildInfo();
  const graph = index.knnGraph();
  const query = new Float32Array([0.52, 0.48]);
  const ex = index.explain(query, k, { efSearch });

  const panel = 380;
  const gap = 40;
  const width = gap + panel + gap + panel + gap + 190;
  const height = panel + 120;
  const left = new Viewport(gap, 50, panel, panel, [0, 0, 1, 1]);
  const right = new Viewport(gap + panel + gap, 50, panel, panel, [0, 0, 1, 1]);
  const q: Point = [query[0], query[1]];

  const iterations = info === null ? 0 : info.iterations;
  let body = panelFrame(left, `k-NN graph: K = ${K}, ${iterations} NN-Descent iterations`);
  body += '<g class="knn-edges" stroke="#c8c8c8" stroke-width="0.6">';
  for (let id = 0; id < n; id++) {
    for (let j = 0; j < K; j++) {
      const nb = graph.ids[id * K + j];
      if (nb >= 0) body += line(left, pointAt(xy, id), pointAt(xy, nb));
    }
  }
  body += `</g><g class="nodes">${pointDots(left, xy, n, '#888')}`;
  body += '</g>';

  const edges = info === null ? 0 : info.searchEdges;
  body += panelFrame(right, `search graph: ${edges} edges (${n * K} before pruning), degree ≤ ${info?.maxDegree ?? 0}`);
  body += '<g class="search-edges" stroke="#c8c8c8" stroke-width="0.6">';
  for (let id = 0; id < n; id++) {
    const nb = index.neighbors(id);
    for (let j = 0; j < nb.length; j++) body += line(right, pointAt(xy, id), pointAt(xy, nb[j]));
  }
  body += `</g><g class="nodes">${pointDots(right, xy, n, '#888')}`;
  body += '</g><g class="entries">';
  for (let i = 0; i < ex.entries.length; i++)
    body += circle(right, pointAt(xy, ex.entries[i]), 4, { fill: 'none', stroke: '#4e79a7', 'stroke-width': 1.2 });
  body += `</g><g class="expanded">${expansionPath(right, xy, ex.expanded)}`;
  body += `</g><g class="results">${resultRings(right, xy, ex.result.ids, k)}`;
  body += `</g><g class="query">${circle(right, q, 5, { fill: '#000' })}</g>`;
  body += textAt(
    right.x,
    right.y + panel + 18,
    `entry points (tree leaf ${ex.leaf}): ${ex.entries.length}, expanded: ${ex.expanded.length}, distances: ${ex.distanceComputations}`,
    { 'font-size': 11 },
  );
  body += legend(gap + panel + gap + panel + gap, 70, [
    { color: '#000', label: 'query' },
    { color: '#4e79a7', label: 'entry points (tree leaf)', shape: 'ring' },
    { color: '#e15759', label: 'expansion order', shape: 'line' },
    { color: '#f28e2b', label: `expanded (efSearch = ${ex.efSearch})` },
    { color: '#59a14f', label: `${k} results`, shape: 'ring' },
  ]);
  body += textAt(
    gap,
    height - 20,
    `NnDescentIndex nNeighbors=${K}, leafSize=${leafSize}, seed=${seed}, ${n} points; explain(query, k=${k}, { efSearch: ${efSearch} })`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    width,
    height,
    'NN-Descent k-NN graph, search graph and one query',
    `NN-Descent over ${n} 2-D points: the k-NN graph with K = ${K} after ${iterations} iterations of local joins; the search graph after diversification, reverse edges and degree pruning keeps ${edges} edges; a query enters at the ${ex.entries.length} points of its tree leaf and expands ${ex.expanded.length} points.`,
    body,
  );
  return {
    name: 'nndescent',
    file: 'nndescent-graph.svg',
    svg,
    summary: `${iterations} iterations, ${edges} search edges, ${ex.expanded.length} points expanded, ${ex.distanceComputations} distance computations`,
  };
}
