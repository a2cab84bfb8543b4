/**
 * HNSW picture: one panel per level, top level first. Each panel shows the nodes present on
 * that level and their links (`HnswIndex.neighbors(id, level)`), and the query's walk as
 * recorded by `HnswIndex.explain()`: on upper levels the greedy path from the level's entry
 * node, on level 0 the nodes the beam search expanded and the final beam (the k results).
 *
 * @module
 */
import { circle, colorOf, legend, line, panelFrame, polyline, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clusteredPoints, pointAt } from './geometry.js';
import { resultRings } from './marks.js';
import { HnswIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** Draw HNSW's layers and one query's search on seeded 2-D data. */
export async function explainHnsw(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 400;
  const seed = options.seed ?? 42;
  const M = 6;
  const efSearch = 8;
  const k = 8;
  const xy = clusteredPoints(n, seed);
  const index = new HnswIndex({ dim: 2, metric: 'euclidean', seed, M, efConstruction: 40 });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const ex = index.explain(query, k, { efSearch });
  const layers = ex.layers;
  const top = layers.length > 0 ? layers[0].level : 0;
  const topEntry = layers.length > 0 ? layers[0].entry : 0;

  const panel = 300;
  const gap = 40;
  const levels = top + 1;
  const width = gap + levels * (panel + gap) + 150;
  const height = panel + 120;
  let body = '';
  const q: Point = [query[0], query[1]];
  for (let li = 0; li < levels; li++) {
    const level = top - li;
    const v = new Viewport(gap + li * (panel + gap), 50, panel, panel, [0, 0, 1, 1]);
    const onLevel: number[] = [];
    for (let id = 0; id < n; id++) if (index.neighbors(id, level).length > 0 || (id === topEntry && level <= top)) onLevel.push(id);
    body += panelFrame(v, `level ${level}: ${onLevel.length} nodes`);
    body += `<g class="edges" stroke="#c8c8c8" stroke-width="${level === 0 ? 0.5 : 1}">`;
    for (const id of onLevel) {
      const nb = index.neighbors(id, level);
      for (let j = 0; j < nb.length; j++)
        if (nb[j] > id || !index.neighbors(nb[j], level).includes(id)) body += line(v, pointAt(xy, id), pointAt(xy, nb[j]));
    }
    body += '</g><g class="nodes">';
    for (const id of onLevel) body += circle(v, pointAt(xy, id), level === 0 ? 1.6 : 3, { fill: level === 0 ? '#888' : '#4e79a7' });
    body += '</g>';
    const trace = layers.find((t) => t.level === level);
    if (trace !== undefined) {
      if (level > 0) {
        const path: Point[] = [pointAt(xy, trace.entry)];
        for (const id of trace.path) path.push(pointAt(xy, id));
        body += `<g class="greedy-path">${polyline(v, path, { stroke: '#e15759', 'stroke-width': 2.5 })}`;
        body += circle(v, pointAt(xy, trace.entry), 5, { fill: 'none', stroke: '#000', 'stroke-width': 1.5 });
        body += '</g>';
      } else {
        body += '<g class="expanded">';
        for (const id of trace.path) body += circle(v, pointAt(xy, id), 3, { fill: '#f28e2b' });
        body += circle(v, pointAt(xy, trace.entry), 5, { fill: 'none', stroke: '#000', 'stroke-width': 1.5 });
        body += `</g><g class="beam">${resultRings(v, xy, ex.result.ids, k)}`;
        body += '</g>';
      }
      body += textAt(
        v.x,
        v.y + panel + 18,
        `${level > 0 ? `greedy hops: ${trace.path.length}` : `expanded: ${trace.path.length}`}, distances: ${trace.distanceComputations}`,
        { 'font-size': 11 },
      );
    }
    body += `<g class="query">${circle(v, q, 5, { fill: '#000' })}</g>`;
  }
  body += legend(gap + levels * (panel + gap), 70, [
    { color: '#000', label: 'query' },
    { color: '#000', label: 'entry node', shape: 'ring' },
    { color: '#e15759', label: 'greedy path (ef = 1)', shape: 'line' },
    { color: '#f28e2b', label: `expanded (ef = ${efSearch})` },
    { color: '#59a14f', label: `final beam = ${k} results`, shape: 'ring' },
    { color: colorOf(0), label: 'node on an upper level' },
  ]);
  body += textAt(
    gap,
    height - 20,
    `HnswIndex M=${M}, efConstruction=40, seed=${seed}, ${n} points; explain(query, k=${k}, { efSearch: ${efSearch} }), strategy ${ex.strategy}`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    width,
    height,
    'HNSW layers and one query',
    `HNSW over ${n} 2-D points: ${levels} levels; the query descends greedily through the upper levels, then a beam search of width ${efSearch} on level 0 returns ${k} neighbours.`,
    body,
  );
  return {
    name: 'hnsw',
    file: 'hnsw-layers.svg',
    svg,
    summary: `${levels} levels, ${layers.reduce((s, t) => s + t.distanceComputations, 0)} distance computations`,
  };
}
