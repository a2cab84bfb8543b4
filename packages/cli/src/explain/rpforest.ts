/**
 * Random-projection forest picture: one panel per tree. The tree's hyperplanes and leaves
 * come from the index's inspection accessor (`RpForestIndex.treeStructure(t)`), and the
 * leaves the query visits, in order, from `RpForestIndex.explain()`. Each split is drawn as
 * the segment of its line inside the cell it splits, so the picture shows the recursive
 * partition exactly as built.
 *
 * @module
 */
import { circle, colorOf, legend, line, panelFrame, polygon, svgDocument, textAt, Viewport, type Point } from './svg.js';
import { clipHalfPlane, clusteredPoints, lineInPolygon, vertexMean } from './geometry.js';
import { pointDots, resultRings } from './marks.js';
import { RpForestIndex } from './indexes.js';
import type { ExplainOptions, Picture } from './types.js';

/** One tree as `RpForestIndex.treeStructure(t)` returns it (nodes numbered within the tree). */
export type ForestTree = ReturnType<RpForestIndex['treeStructure']>;

interface Cell {
  leaf: number;
  poly: Point[];
}

interface Split {
  seg: [Point, Point];
  depth: number;
}

/**
 * Walk one tree, clipping the box by every hyperplane: the leaf cells (each named by the
 * forest's leaf index, as `explain()` reports visits) and the split segments.
 */
export function treeCells(f: ForestTree, box: Point[]): { cells: Cell[]; splits: Split[] } {
  const cells: Cell[] = [];
  const splits: Split[] = [];
  const stack: { code: number; poly: Point[]; depth: number }[] = [{ code: f.root, poly: box, depth: 0 }];
  while (stack.length > 0) {
    const { code, poly, depth } = stack.pop() as { code: number; poly: Point[]; depth: number };
    if (code < 0) {
      cells.push({ leaf: f.leafIds[~code], poly });
      continue;
    }
    const a = f.splitNormals[code * f.treeDim];
    const b = f.splitNormals[code * f.treeDim + 1];
    const c = f.splitOffsets[code];
    const seg = lineInPolygon(poly, a, b, c);
    if (seg !== null) splits.push({ seg, depth });
    stack.push({ code: f.children[2 * code], poly: clipHalfPlane(poly, a, b, c), depth: depth + 1 });
    stack.push({ code: f.children[2 * code + 1], poly: clipHalfPlane(poly, -a, -b, -c), depth: depth + 1 });
  }
  return { cells, splits };
}

/** Draw the forest's trees, their splits, and the leaves one query visits. */
export async function explainRpForest(options: ExplainOptions): Promise<Picture> {
  const n = options.points ?? 300;
  const seed = options.seed ?? 42;
  const nTrees = 3;
  const leafSize = 16;
  const k = 5;
  const searchK = 80;
  const xy = clusteredPoints(n, seed);
  const index = new RpForestIndex({ dim: 2, metric: 'euclidean', seed, nTrees, leafSize });
  index.add(xy);
  const query = new Float32Array([0.52, 0.48]);
  const tr = index.explain(query, k, { searchK });

  const panel = 300;
  const gap = 40;
  const width = gap + nTrees * (panel + gap) + 170;
  const height = panel + 120;
  let body = '';
  const visitOrder = new Map<string, number>();
  for (let i = 0; i < tr.visits.length; i++) visitOrder.set(`${tr.visits[i].tree}:${tr.visits[i].leaf}`, i + 1);
  for (let t = 0; t < index.nTrees; t++) {
    const v = new Viewport(gap + t * (panel + gap), 50, panel, panel, [0, 0, 1, 1]);
    const { cells, splits } = treeCells(index.treeStructure(t), v.boxPolygon());
    body += panelFrame(v, `tree ${t}: ${cells.length} leaves, ${tr.leavesByTree[t].length} visited`);
    body += '<g class="leaves">';
    for (const cell of cells) {
      const order = visitOrder.get(`${t}:${cell.leaf}`);
      if (order !== undefined) {
        body += polygon(v, cell.poly, { fill: colorOf(1), 'fill-opacity': 0.25, stroke: 'none', class: 'visited-leaf' });
        const [lx, ly] = vertexMean(cell.poly);
        body += textAt(v.px(lx) - 4, v.py(ly) + 4, String(order), { 'font-size': 11, fill: '#a14d00', 'font-weight': 'bold' });
      }
    }
    body += '</g><g class="splits">';
    for (const s of splits) body += line(v, s.seg[0], s.seg[1], { stroke: '#4e79a7', 'stroke-width': Math.max(0.6, 2.4 - 0.4 * s.depth) });
    body += `</g><g class="points">${pointDots(v, xy, n, '#666')}`;
    body += `</g><g class="results">${resultRings(v, xy, tr.result.ids, k)}`;
    body += `</g><g class="query">${circle(v, [query[0], query[1]], 5, { fill: '#000' })}</g>`;
  }
  body += legend(gap + nTrees * (panel + gap), 70, [
    { color: '#000', label: 'query' },
    { color: '#4e79a7', label: 'split (thicker = nearer root)', shape: 'line' },
    { color: colorOf(1), label: 'visited leaf (number = order)' },
    { color: '#59a14f', label: `${k} results`, shape: 'ring' },
  ]);
  body += textAt(
    gap,
    height - 20,
    `RpForestIndex nTrees=${nTrees}, leafSize=${leafSize}, seed=${seed}, ${n} points; explain(query, k=${k}, { searchK: ${searchK} }): ${tr.visits.length} leaves, ${tr.candidates} candidates (${tr.uniqueCandidates} distinct)`,
    { 'font-size': 11, fill: '#555' },
  );
  const svg = svgDocument(
    width,
    height,
    'Random-projection forest: splits and visited leaves',
    `${nTrees} random-projection trees over ${n} 2-D points; one priority queue over all trees visits ${tr.visits.length} leaves until ${searchK} candidates are collected.`,
    body,
  );
  return {
    name: 'rpforest',
    file: 'rpforest-splits.svg',
    svg,
    summary: `${nTrees} trees, ${tr.visits.length} leaves visited, ${tr.uniqueCandidates} distinct candidates`,
  };
}
