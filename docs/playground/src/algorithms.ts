/**
 * Every index family of annlab, as the playground drives it: its knobs (build and search),
 * how to build it (in the worker), how to load the built bytes back (`deserialize`, on the
 * page), and how to turn one query's `explain()` output into steps to play. The search
 * itself, the explanations and the structures drawn are the indexes' own (`search`,
 * `explain`, `neighbors`, `treeStructure`, `centroids` / `listIds`, `hashFunctions`); the
 * only geometry computed here is where to draw them (cells clipped from the index's own
 * hyperplanes and centroids with `@annlab/cli`'s explain geometry).
 *
 * @module
 */
import { clipHalfPlane, lineInPolygon, voronoiCell } from '@annlab/cli/explain/geometry';
import { SearchStats, type AnnIndex, type SearchParams, type SearchResult } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex, type HnswExplanation } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { PreTransformIndex } from '@annlab/pca';
import { RpForestIndex, type RpForestTree } from '@annlab/rpforest';
import { VamanaIndex } from '@annlab/vamana';
import type { Painter, Point } from './draw.ts';

/** Knob values by name. */
export type Params = Record<string, number>;

/** Search parameters as the knobs give them (each family's own names). */
export type KnobParams = SearchParams & Record<string, unknown>;

/** One knob. */
export interface ParamSpec {
  /** The option or search parameter name, as the library spells it. */
  readonly key: string;
  /** `build`: changing it rebuilds the index; `search`: it re-searches at once. */
  readonly stage: 'build' | 'search';
  /** Slider range and step. */
  readonly min: number;
  /** Largest value the slider offers (given the data's dimension and size). */
  readonly max: (dim: number, n: number) => number;
  /** Slider step. */
  readonly step: number;
  /** Starting value for data of this dimension. */
  readonly initial: (dim: number) => number;
  /** One line shown as the control's tooltip. */
  readonly doc: string;
}

/** One step of a recorded search. */
export interface Step {
  /** What happened, in words. */
  readonly label: string;
  /** `visit`: nodes or points touched; `result`: the final k. */
  readonly kind: 'visit' | 'result';
  /** The level (HNSW), tree (forest) or table (LSH) the step happened on; 0 otherwise. */
  readonly level: number;
  /** The nodes / points of this step. */
  readonly ids: ArrayLike<number>;
  /** A node to draw a hop from (to `ids[0]`), −1 for none. */
  readonly from: number;
  /** Regions this step scanned (2-D data only): leaf cells, Voronoi cells, buckets. */
  readonly cells: Point[][];
}

/** One query's recorded search. */
export interface Trace {
  /** The answer the explanation returned (equal to `search`'s). */
  readonly result: SearchResult;
  /** The steps in order; the last is the result. */
  readonly steps: Step[];
  /** One line on the whole search. */
  readonly summary: string;
}

/** What the page keeps per built index. */
export interface Model {
  /** The loaded index (the search the page shows is its `search`). */
  readonly index: AnnIndex<SearchParams>;
  /** Search parameters for the knobs' values. */
  searchParams(p: Params): KnobParams;
  /** Record one query's search from the index's `explain()`. */
  trace(query: Float32Array, k: number, p: Params): Trace;
  /** A key that changes when the structure drawn for this step changes (for the drawing cache). */
  structureKey(step: Step | null): string;
  /** Draw the structure the step happened on (links of its level, a tree's splits, the cells). */
  drawStructure(g: Painter, step: Step | null): void;
  /** One line about the built structure. */
  describe(): string;
}

/** An index family as the page offers it. */
export interface AlgorithmSpec {
  /** Name (as in the benchmark suites). */
  readonly name: string;
  /** What the menu says. */
  readonly label: string;
  /** The paper or source, one line. */
  readonly cite: string;
  /** Knobs. */
  readonly params: ParamSpec[];
  /** Build an index over `base` (n × dim) with the build knobs (runs in the worker). */
  build(base: Float32Array, dim: number, seed: number, p: Params): AnnIndex<SearchParams>;
  /** Load built bytes into a model (runs on the page). */
  load(bytes: Uint8Array, ctx: LoadContext): Model;
}

/** What a model needs to know about the data it draws. */
export interface LoadContext {
  /** Dimension of the vectors. */
  readonly dim: number;
  /** Number of base vectors. */
  readonly n: number;
  /** Drawing position of each base vector, n × 2. */
  readonly xy: Float32Array;
  /** True when the drawing is a projection (then no cells are drawn: they live in `dim` dimensions). */
  readonly projected: boolean;
  /** The drawing's data box `[x0, y0, x1, y1]`. */
  readonly box: readonly [number, number, number, number];
}

const METRIC = 'euclidean' as const;

function knob(
  key: string,
  stage: 'build' | 'search',
  min: number,
  max: number | ((dim: number, n: number) => number),
  step: number,
  initial: number | ((dim: number) => number),
  doc: string,
): ParamSpec {
  return {
    key,
    stage,
    min,
    max: typeof max === 'number' ? () => max : max,
    step,
    initial: typeof initial === 'number' ? () => initial : initial,
    doc,
  };
}

function boxPolygon(box: readonly [number, number, number, number]): Point[] {
  return [
    [box[0], box[1]],
    [box[2], box[1]],
    [box[2], box[3]],
    [box[0], box[3]],
  ];
}

function resultStep(result: SearchResult, k: number): Step {
  const ids: number[] = [];
  for (let j = 0; j < k; j++) if (result.ids[j] >= 0) ids.push(result.ids[j]);
  return { label: `result: the ${ids.length} nearest found`, kind: 'result', level: 0, ids, from: -1, cells: [] };
}

function visit(label: string, level: number, ids: ArrayLike<number>, from: number = -1, cells: Point[][] = []): Step {
  return { label, kind: 'visit', level, ids, from, cells };
}

/** Draw every link of a graph (once per unordered pair when both directions exist). */
function drawGraph(g: Painter, n: number, neighbors: (id: number) => Int32Array, color: string, width: number): void {
  g.beginLines(color, width);
  for (let id = 0; id < n; id++) {
    const nb = neighbors(id);
    for (let j = 0; j < nb.length; j++) g.lineTo(id, nb[j]);
  }
  g.endLines();
}

/** Steps of a best-first graph walk: the entry set, then each expanded node joined to the one before. */
function graphSteps(entries: ArrayLike<number>, entryLabel: string, expanded: Int32Array, distances: Float32Array): Step[] {
  const steps: Step[] = [visit(entryLabel, 0, entries)];
  for (let i = 0; i < expanded.length; i++) {
    steps.push(visit(`expand #${expanded[i]} (distance ${distances[i].toFixed(4)})`, 0, [expanded[i]], i > 0 ? expanded[i - 1] : -1));
  }
  return steps;
}

// ---------------------------------------------------------------------------------------
// flat

const flat: AlgorithmSpec = {
  name: 'flat',
  label: 'Flat (exact)',
  cite: 'exact scan: every vector is compared with the query',
  params: [],
  build(base, dim, seed) {
    const index = new FlatIndex({ dim, metric: METRIC, seed });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = FlatIndex.deserialize(bytes);
    return {
      index,
      searchParams: () => ({}),
      trace(query, k) {
        const result = index.search(query, k);
        const all = new Int32Array(ctx.n);
        for (let i = 0; i < ctx.n; i++) all[i] = i;
        return {
          result,
          steps: [visit(`scan all ${ctx.n} vectors: ${ctx.n} distances`, 0, all), resultStep(result, k)],
          summary: `${ctx.n} distances, exact`,
        };
      },
      structureKey: () => 'flat',
      drawStructure: () => {},
      describe: () => `${ctx.n} vectors, no structure`,
    };
  },
};

// ---------------------------------------------------------------------------------------
// HNSW

const hnsw: AlgorithmSpec = {
  name: 'hnsw',
  label: 'HNSW',
  cite: 'Malkov & Yashunin, TPAMI 2020 (arXiv:1603.09320)',
  params: [
    knob('M', 'build', 2, 48, 1, 8, 'links per node on upper levels (2M on level 0)'),
    knob('efConstruction', 'build', 4, 400, 1, 64, 'beam width while inserting'),
    knob('efSearch', 'search', 1, 400, 1, 16, 'beam width of the level-0 search'),
  ],
  build(base, dim, seed, p) {
    const index = new HnswIndex({ dim, metric: METRIC, seed, M: p.M, efConstruction: p.efConstruction, capacity: base.length / dim });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = HnswIndex.deserialize(bytes);
    return hnswModel(index, ctx, (p) => ({ efSearch: p.efSearch }));
  },
};

function hnswSteps(ex: HnswExplanation): Step[] {
  const steps: Step[] = [];
  for (const layer of ex.layers) {
    const L = layer.level;
    steps.push(visit(`level ${L}: enter at #${layer.entry}`, L, [layer.entry]));
    let prev = layer.entry;
    for (const id of layer.path) {
      steps.push(visit(L > 0 ? `level ${L}: greedy hop to #${id}` : `level 0: expand #${id}`, L, [id], L > 0 ? prev : -1));
      prev = id;
    }
  }
  return steps;
}

function hnswModel(index: HnswIndex, ctx: LoadContext, params: (p: Params) => KnobParams & { efSearch: number }): Model {
  const levelOf = new Uint8Array(ctx.n);
  for (let id = 0; id < ctx.n; id++) levelOf[id] = index.levelOf(id);
  return {
    index,
    searchParams: params,
    trace(query, k, p) {
      const ex = index.explain(query, k, params(p));
      const steps = hnswSteps(ex);
      steps.push(resultStep(ex.result, k));
      const dc = ex.layers.reduce((s, t) => s + t.distanceComputations, 0);
      return { result: ex.result, steps, summary: `${ex.layers.length} levels, ${dc} distances (${ex.strategy})` };
    },
    structureKey: (step) => `level ${step === null ? 0 : step.level}`,
    drawStructure(g, step) {
      const L = step === null ? 0 : step.level;
      drawGraph(g, ctx.n, (id) => (levelOf[id] >= L ? index.neighbors(id, L) : EMPTY), L === 0 ? '#cfcfcf' : '#9db7d5', L === 0 ? 0.5 : 1);
      const upper: number[] = [];
      for (let id = 0; id < ctx.n; id++) if (levelOf[id] > L) upper.push(id);
      g.dots(upper, '#4e79a7', 2.6);
      g.caption(`links on level ${L} of ${index.maxLevel}`);
    },
    describe: () => `${index.maxLevel + 1} levels, entry point #${index.entryPoint}`,
  };
}

const EMPTY = new Int32Array(0);

// ---------------------------------------------------------------------------------------
// random-projection forest

const rpforest: AlgorithmSpec = {
  name: 'rpforest',
  label: 'Random-projection forest',
  cite: 'Annoy (Spotify); Dasgupta & Freund, STOC 2008',
  params: [
    knob('nTrees', 'build', 1, 50, 1, 4, 'number of trees'),
    knob('leafSize', 'build', 2, 200, 1, 16, 'most points per leaf'),
    knob('searchK', 'search', 1, 5000, 1, 100, 'candidates to collect over all trees'),
  ],
  build(base, dim, seed, p) {
    const index = new RpForestIndex({ dim, metric: METRIC, seed, nTrees: p.nTrees, leafSize: p.leafSize });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = RpForestIndex.deserialize(bytes);
    // Per tree: the leaf cells and split segments, clipped from the tree's own hyperplanes.
    const cells: Map<number, Point[]>[] = [];
    const splits: { seg: [Point, Point]; depth: number }[][] = [];
    for (let t = 0; t < index.nTrees; t++) {
      const { leafCells, segs } = ctx.projected
        ? { leafCells: new Map<number, Point[]>(), segs: [] }
        : treeCells(index.treeStructure(t), boxPolygon(ctx.box));
      cells.push(leafCells);
      splits.push(segs);
    }
    return {
      index,
      searchParams: (p) => ({ searchK: p.searchK }),
      trace(query, k, p) {
        const ex = index.explain(query, k, { searchK: p.searchK });
        const steps: Step[] = ex.visits.map((v, i) => {
          const cell = cells[v.tree].get(v.leaf);
          return visit(
            `visit ${i + 1}: tree ${v.tree}, leaf ${v.leaf} (priority ${Number.isFinite(v.priority) ? v.priority.toFixed(4) : '∞'}), ${v.items.length} points`,
            v.tree,
            v.items,
            -1,
            cell === undefined ? [] : [cell],
          );
        });
        const last = resultStep(ex.result, k);
        steps.push({ ...last, level: steps.length > 0 ? steps[steps.length - 1].level : 0 });
        return {
          result: ex.result,
          steps,
          summary: `${ex.visits.length} leaves, ${ex.candidates} candidates (${ex.uniqueCandidates} distinct = distances)`,
        };
      },
      structureKey: (step) => `tree ${step === null ? 0 : step.level}`,
      drawStructure(g, step) {
        const t = step === null ? 0 : step.level;
        for (const s of splits[t]) g.segment(s.seg[0], s.seg[1], '#4e79a7', Math.max(0.6, 2.4 - 0.35 * s.depth));
        g.caption(ctx.projected ? `tree ${t} (its hyperplanes live in ${ctx.dim}-D: not drawn)` : `splits of tree ${t} of ${index.nTrees}`);
      },
      describe: () => `${index.nTrees} trees`,
    };
  },
};

/** Walk one tree clipping the box by each hyperplane: each leaf's cell and the split segments. */
function treeCells(f: RpForestTree, box: Point[]): { leafCells: Map<number, Point[]>; segs: { seg: [Point, Point]; depth: number }[] } {
  const leafCells = new Map<number, Point[]>();
  const segs: { seg: [Point, Point]; depth: number }[] = [];
  const stack: { code: number; poly: Point[]; depth: number }[] = [{ code: f.root, poly: box, depth: 0 }];
  while (stack.length > 0) {
    const { code, poly, depth } = stack.pop() as { code: number; poly: Point[]; depth: number };
    if (code < 0) {
      leafCells.set(f.leafIds[~code], poly);
      continue;
    }
    const a = f.splitNormals[code * f.treeDim];
    const b = f.splitNormals[code * f.treeDim + 1];
    const c = f.splitOffsets[code];
    const seg = poly.length > 2 ? lineInPolygon(poly, a, b, c) : null;
    if (seg !== null) segs.push({ seg, depth });
    stack.push({ code: f.children[2 * code], poly: clipHalfPlane(poly, a, b, c), depth: depth + 1 });
    stack.push({ code: f.children[2 * code + 1], poly: clipHalfPlane(poly, -a, -b, -c), depth: depth + 1 });
  }
  return { leafCells, segs };
}

// ---------------------------------------------------------------------------------------
// IVF-Flat and IVF-PQ

const ivfflat: AlgorithmSpec = {
  name: 'ivfflat',
  label: 'IVF-Flat',
  cite: 'Jégou, Douze & Schmid, TPAMI 2011, §IV (inverted file)',
  params: [
    knob('nlist', 'build', 1, (_dim, n) => Math.min(256, n), 1, 32, 'k-means cells'),
    knob('nprobe', 'search', 1, 256, 1, 3, 'cells scanned per query, nearest centroid first'),
  ],
  build(base, dim, seed, p) {
    const index = new IvfFlatIndex({ dim, metric: METRIC, seed, nlist: p.nlist, onWarning: () => {} });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    return ivfModel(IvfFlatIndex.deserialize(bytes), ctx, (p) => ({ nprobe: p.nprobe }));
  },
};

const ivfpq: AlgorithmSpec = {
  name: 'ivfpq',
  label: 'IVF-PQ',
  cite: 'Jégou, Douze & Schmid, TPAMI 2011, §IV (IVFADC)',
  params: [
    knob('nlist', 'build', 1, (_dim, n) => Math.min(256, n), 1, 16, 'k-means cells'),
    knob(
      'm',
      'build',
      1,
      (dim) => dim,
      1,
      (dim) => (dim === 2 ? 2 : 16),
      'sub-quantizers (must divide the dimension)',
    ),
    knob('nbits', 'build', 1, 8, 1, 4, 'bits per sub-quantizer code'),
    knob('nprobe', 'search', 1, 256, 1, 4, 'cells scanned per query'),
    knob('rerank', 'search', 0, 20, 1, 0, 're-rank k × rerank candidates exactly (0: off)'),
  ],
  build(base, dim, seed, p) {
    const index = new IvfPqIndex({
      dim,
      metric: METRIC,
      seed,
      nlist: p.nlist,
      m: p.m,
      nbits: p.nbits,
      keepVectors: true,
      onWarning: () => {},
    });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    return ivfModel(IvfPqIndex.deserialize(bytes), ctx, (p) => ({ nprobe: p.nprobe, rerank: p.rerank }));
  },
};

function ivfModel(index: IvfFlatIndex | IvfPqIndex, ctx: LoadContext, params: (p: Params) => KnobParams & { nprobe: number }): Model {
  const nlist = index.nlist;
  const list = new Int32Array(ctx.n).fill(-1);
  for (let l = 0; l < nlist; l++) for (let s = index.listOffsets[l]; s < index.listOffsets[l + 1]; s++) list[index.listIds[s]] = l;
  const cellPolys: Point[][] = [];
  const centroidsXy = new Float32Array(2 * nlist);
  if (!ctx.projected) {
    for (let l = 0; l < nlist; l++) centroidsXy.set(index.centroids.row(l).subarray(0, 2), 2 * l);
    for (let l = 0; l < nlist; l++) cellPolys.push(voronoiCell(centroidsXy, nlist, l, boxPolygon(ctx.box)));
  }
  return {
    index,
    searchParams: params,
    trace(query, k, p) {
      const ex = index.explain(query, k, params(p));
      const steps: Step[] = [];
      for (let i = 0; i < ex.probes.length; i++) {
        const l = ex.probes[i];
        const members = index.listIds.subarray(index.listOffsets[l], index.listOffsets[l + 1]);
        steps.push(
          visit(
            `probe ${i + 1}: cell ${l} (centroid at ${ex.probeDistances[i].toFixed(4)}), scan ${ex.listSizes[i]} ${index instanceof IvfPqIndex ? 'codes' : 'vectors'}`,
            0,
            members,
            -1,
            ctx.projected ? [] : [cellPolys[l]],
          ),
        );
      }
      steps.push(resultStep(ex.result, k));
      return { result: ex.result, steps, summary: `${ex.probes.length} of ${nlist} cells, ${ex.distanceComputations} distances` };
    },
    structureKey: () => 'cells',
    drawStructure(g) {
      if (ctx.projected) {
        g.dotsColoured(list, 1.4);
        g.caption(`points coloured by their cell (${nlist} cells in ${ctx.dim}-D)`);
        return;
      }
      for (let l = 0; l < nlist; l++) g.polygon(cellPolys[l], null, '#999', 0.8);
      for (let l = 0; l < nlist; l++) g.cross(centroidsXy[2 * l], centroidsXy[2 * l + 1], '#000');
      g.caption(`${nlist} Voronoi cells and centroids`);
    },
    describe: () => `${nlist} cells, list sizes ${Math.min(...index.listSizes())} … ${Math.max(...index.listSizes())}`,
  };
}

// ---------------------------------------------------------------------------------------
// PCA pipeline (PreTransformIndex around HNSW)

const pca: AlgorithmSpec = {
  name: 'pca+hnsw',
  label: 'PCA + HNSW',
  cite: 'Pearson 1901 / Hotelling 1933; FAISS IndexPreTransform + IndexRefineFlat',
  params: [
    knob(
      'components',
      'build',
      1,
      (dim) => dim,
      1,
      (dim) => (dim === 2 ? 1 : 32),
      'principal directions kept',
    ),
    knob('M', 'build', 2, 48, 1, 8, 'inner HNSW: links per node'),
    knob('efSearch', 'search', 1, 400, 1, 16, 'inner HNSW: beam width'),
    knob('rerank', 'search', 0, 20, 1, 2, 're-rank k × rerank candidates with exact distances (0: off)'),
  ],
  build(base, dim, seed, p) {
    const index = new PreTransformIndex({
      dim,
      metric: METRIC,
      seed,
      components: p.components,
      keepVectors: true,
      inner: (o) => new HnswIndex({ ...o, M: p.M, efConstruction: 64 }),
    });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    // Keep the inner HNSW the loader reads: its explain() is the pipeline's search.
    let inner: HnswIndex | null = null;
    const capture = {
      TAG: HnswIndex.TAG,
      FORMAT_VERSION: HnswIndex.FORMAT_VERSION,
      deserialize: (b: Uint8Array, o?: { kernels?: 'auto' | 'js' | 'simd' }): HnswIndex => {
        inner = HnswIndex.deserialize(b, o);
        return inner;
      },
    };
    const index = PreTransformIndex.deserialize(bytes, { loaders: { [HnswIndex.TAG]: capture } });
    const innerIndex = inner as unknown as HnswIndex;
    const p0 = index.pca;
    const projCtx: LoadContext = { ...ctx, projected: true };
    const innerModel = hnswModel(innerIndex, projCtx, (p) => ({ efSearch: p.efSearch }));
    // Where each point lands after projecting and reconstructing (2-D data only).
    const back = ctx.projected ? null : p0.reconstruct(p0.apply(ctx.xy));
    return {
      index,
      searchParams: (p) => ({ efSearch: p.efSearch, rerank: p.rerank }),
      trace(query, k, p) {
        const result = index.search(query, k, { efSearch: p.efSearch, rerank: p.rerank });
        const fetch = p.rerank > 0 ? k * p.rerank : k;
        const ex = innerIndex.explain(p0.apply(query), fetch, { efSearch: Math.max(p.efSearch, fetch) });
        const steps = hnswSteps(ex).map((s) => ({ ...s, label: `projected: ${s.label}` }));
        const shortlist: number[] = [];
        for (let j = 0; j < fetch; j++) if (ex.result.ids[j] >= 0) shortlist.push(ex.result.ids[j]);
        if (p.rerank > 0) steps.push(visit(`re-rank the ${shortlist.length} candidates with exact ${ctx.dim}-D distances`, 0, shortlist));
        steps.push(resultStep(result, k));
        return {
          result,
          steps,
          summary: `${p0.components} of ${ctx.dim} dimensions; inner HNSW over the projections${p.rerank > 0 ? `, exact re-rank of ${shortlist.length}` : ''}`,
        };
      },
      structureKey: (step) => innerModel.structureKey(step),
      drawStructure(g, step) {
        if (back !== null) {
          g.beginLines('#e1575955', 0.6);
          for (let i = 0; i < ctx.n; i++) g.segment([ctx.xy[2 * i], ctx.xy[2 * i + 1]], [back[2 * i], back[2 * i + 1]], '#e1575955', 0.6);
          g.endLines();
          g.dotsAt(back, '#4e79a7', 1.2);
        }
        innerModel.drawStructure(g, step);
        g.caption(
          `${ctx.projected ? '' : 'blue: points after projection; '}links of the inner HNSW on level ${step === null ? 0 : step.level}`,
        );
      },
      describe: () =>
        `PCA ${ctx.dim} → ${p0.components}, ${(100 * p0.explainedVarianceRatio.reduce((s, v) => s + v, 0)).toFixed(1)} % of the variance; inner ${innerModel.describe()}`,
    };
  },
};

// ---------------------------------------------------------------------------------------
// LSH

const lsh: AlgorithmSpec = {
  name: 'lsh',
  label: 'LSH (E2LSH, multi-probe)',
  cite: 'Datar et al., SoCG 2004; Lv et al., VLDB 2007 (multi-probe)',
  params: [
    knob('L', 'build', 1, 32, 1, 4, 'hash tables'),
    knob('K', 'build', 1, 16, 1, 2, 'hash functions per table'),
    knob(
      'w',
      'build',
      0.01,
      (dim) => (dim === 2 ? 1 : 20),
      0.01,
      (dim) => (dim === 2 ? 0.12 : 4),
      'E2LSH bucket width',
    ),
    knob('probes', 'search', 1, 64, 1, 4, 'buckets probed per table'),
  ],
  build(base, dim, seed, p) {
    const index = new LshIndex({ dim, metric: METRIC, seed, L: p.L, K: p.K, w: p.w });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = LshIndex.deserialize(bytes);
    const fns = index.hashFunctions();
    const box = boxPolygon(ctx.box);
    const cellOf = (t: number, codes: Int32Array): Point[] => {
      if (fns === null || ctx.projected || fns.kind !== 'e2lsh') return [];
      let poly: Point[] = box;
      for (let i = 0; i < fns.K; i++) {
        const r = t * fns.K + i;
        const ax = fns.projections[2 * r];
        const ay = fns.projections[2 * r + 1];
        poly = clipHalfPlane(poly, ax, ay, fns.offsets[r] - (codes[i] + 1) * fns.w);
        poly = clipHalfPlane(poly, -ax, -ay, -(fns.offsets[r] - codes[i] * fns.w));
      }
      return poly;
    };
    return {
      index,
      searchParams: (p) => ({ probes: p.probes }),
      trace(query, k, p) {
        const ex = index.explain(query, k, { probes: p.probes });
        const steps: Step[] = ex.probes.map((pr, i) => {
          const cell = cellOf(pr.table, pr.codes);
          return visit(
            `probe ${i + 1}: table ${pr.table}, bucket [${Array.from(pr.codes).join(', ')}] (rank ${pr.rank}), ${pr.bucketSize} points, ${pr.newCandidates} new`,
            pr.table,
            [],
            -1,
            cell.length > 2 ? [cell] : [],
          );
        });
        steps.push(resultStep(ex.result, k));
        return {
          result: ex.result,
          steps,
          summary: `${ex.probes.length} buckets, ${ex.candidates} candidates (${ex.uniqueCandidates} distinct)`,
        };
      },
      structureKey: (step) => `table ${step === null ? 0 : step.level}`,
      drawStructure(g, step) {
        const t = step === null ? 0 : step.level;
        if (fns === null || ctx.projected || fns.kind !== 'e2lsh') {
          g.caption(`${fns === null ? 0 : fns.L} tables of hash functions in ${ctx.dim}-D (not drawn)`);
          return;
        }
        for (let i = 0; i < fns.K; i++) {
          const r = t * fns.K + i;
          const ax = fns.projections[2 * r];
          const ay = fns.projections[2 * r + 1];
          let lo = Infinity;
          let hi = -Infinity;
          for (const c of box) {
            const f = ax * c[0] + ay * c[1] + fns.offsets[r];
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
          }
          for (let s = Math.ceil(lo / fns.w); s <= Math.floor(hi / fns.w) && s - Math.ceil(lo / fns.w) < 400; s++) {
            const seg = lineInPolygon(box, ax, ay, fns.offsets[r] - s * fns.w);
            if (seg !== null) g.segment(seg[0], seg[1], i === 0 ? '#4e79a7' : '#76b7b2', 0.8);
          }
        }
        g.caption(`bucket grid of table ${t} of ${fns.L}`);
      },
      describe: () =>
        `${fns === null ? 0 : fns.L} tables × ${fns === null ? 0 : fns.K} functions, w = ${fns === null ? '' : fns.w.toFixed(3)}`,
    };
  },
};

// ---------------------------------------------------------------------------------------
// NN-Descent and Vamana

const nndescent: AlgorithmSpec = {
  name: 'nndescent',
  label: 'NN-Descent',
  cite: 'Dong, Charikar & Li, WWW 2011; pynndescent',
  params: [
    knob('nNeighbors', 'build', 2, 64, 1, 8, 'K of the k-NN graph'),
    knob('leafSize', 'build', 4, 200, 1, 16, 'leaf size of the entry-point tree'),
    knob('efSearch', 'search', 1, 400, 1, 16, 'beam width'),
  ],
  build(base, dim, seed, p) {
    const index = new NnDescentIndex({ dim, metric: METRIC, seed, nNeighbors: p.nNeighbors, leafSize: p.leafSize });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = NnDescentIndex.deserialize(bytes);
    return {
      index,
      searchParams: (p) => ({ efSearch: p.efSearch }),
      trace(query, k, p) {
        const ex = index.explain(query, k, { efSearch: p.efSearch });
        const steps = graphSteps(
          ex.entries,
          `enter at the ${ex.entries.length} points of tree leaf ${ex.leaf}`,
          ex.expanded,
          ex.expandedDistances,
        );
        steps.push(resultStep(ex.result, k));
        return { result: ex.result, steps, summary: `${ex.expanded.length} expanded, ${ex.distanceComputations} distances` };
      },
      structureKey: () => 'graph',
      drawStructure(g) {
        drawGraph(g, ctx.n, (id) => index.neighbors(id), '#cfcfcf', 0.5);
        g.caption('search graph (pruned k-NN graph)');
      },
      describe: () => `search graph over ${ctx.n} points`,
    };
  },
};

const vamana: AlgorithmSpec = {
  name: 'vamana',
  label: 'Vamana (DiskANN)',
  cite: 'Subramanya et al., NeurIPS 2019',
  params: [
    knob('R', 'build', 2, 64, 1, 8, 'most out-links per node'),
    knob('L', 'build', 4, 200, 1, 32, 'list size while building'),
    knob('alpha', 'build', 1, 2, 0.05, 1.2, 'pruning slack α (keeps long links)'),
    knob('searchL', 'search', 1, 400, 1, 16, 'list size of GreedySearch'),
  ],
  build(base, dim, seed, p) {
    const index = new VamanaIndex({ dim, metric: METRIC, seed, R: p.R, L: p.L, alpha: p.alpha });
    index.add(base);
    return index;
  },
  load(bytes, ctx) {
    const index = VamanaIndex.deserialize(bytes);
    return {
      index,
      searchParams: (p) => ({ searchL: p.searchL }),
      trace(query, k, p) {
        const ex = index.explain(query, k, { searchL: p.searchL });
        const steps = graphSteps(ex.entry >= 0 ? [ex.entry] : [], `start at the medoid #${ex.entry}`, ex.expanded, ex.expandedDistances);
        steps.push(resultStep(ex.result, k));
        return { result: ex.result, steps, summary: `${ex.expanded.length} expanded, ${ex.distanceComputations} distances` };
      },
      structureKey: () => 'graph',
      drawStructure(g) {
        drawGraph(g, ctx.n, (id) => index.neighbors(id), '#cfcfcf', 0.5);
        g.caption('Vamana graph');
      },
      describe: () => `graph over ${ctx.n} points`,
    };
  },
};

/** Every family, in menu order. */
export const ALGORITHMS: readonly AlgorithmSpec[] = [flat, rpforest, hnsw, ivfflat, ivfpq, pca, lsh, nndescent, vamana];

/** The family named `name`. */
export function algorithmByName(name: string): AlgorithmSpec {
  const spec = ALGORITHMS.find((a) => a.name === name);
  if (spec === undefined) throw new Error(`unknown algorithm ${name}`);
  return spec;
}

/** Starting knob values for data of dimension `dim`. */
export function initialParams(spec: AlgorithmSpec, dim: number): Params {
  const p: Params = {};
  for (const s of spec.params) p[s.key] = s.initial(dim);
  return p;
}

/** Search with a fresh stats object: the answer and its cost counters. */
export function searchWithStats(model: Model, query: Float32Array, k: number, p: Params): { result: SearchResult; stats: SearchStats } {
  const stats = new SearchStats();
  const result = model.index.search(query, k, { ...model.searchParams(p), stats });
  return { result, stats };
}
