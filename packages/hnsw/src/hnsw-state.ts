/**
 * The state behind one {@link HnswIndex} (internal): its parameters, the vectors, the graph
 * ({@link HnswGraph}), the seeded level generator, and the search scratch that every
 * algorithm step reuses (visited tags, the candidate heap C, the result heap W, neighbour
 * buffers). The algorithm files (`insert.ts`, `search-layer.ts`, `knn-search.ts`, …) are free
 * functions over this one object, so each step can be read on its own while sharing the
 * same buffers, allocated once (hnswlib's `VisitedListPool`, gl-matrix's scratch vectors).
 *
 * @module
 */
import {
  DistanceComputer,
  MaxHeap,
  MinHeap,
  Rng,
  VectorStore,
  VisitedSet,
  metricPolicy,
  type KernelBackend,
  type Metric,
  type MetricPolicy,
  type SqDistanceComputer,
} from '@annlab/core';
import { AllowTest } from './filter.js';
import { HnswGraph } from './graph-layout.js';
import { createTraversal, reserveTraversal, type WasmTraversal } from './internal/wasm-traversal.js';
import type { QuantizedSearch } from './quantized-search.js';
import type { NeighborSelection } from './types.js';

/** Ids per brute-force scan block (also sizes the neighbour scratch). */
export const SCAN_BLOCK = 256;

/** Validated construction parameters. */
export interface HnswParams {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Links per node above level 0. */
  M: number;
  /** Beam width while inserting. */
  efConstruction: number;
  /** Seed of the level draws. */
  seed: number;
  /** Neighbour-selection rule. */
  neighborSelection: NeighborSelection;
  /** Nodes to allocate room for. */
  capacity: number;
  /** Distance-kernel backend. */
  kernels: KernelBackend | undefined;
}

/**
 * Counters and optional path recording for the checked search path (fixed shape), reused
 * across queries.
 */
export class Tracer {
  /** Distances computed. */
  distanceComputations: number;
  /** Nodes expanded. */
  hops: number;
  /** When set, each expanded node is appended here. */
  path: number[] | null;

  constructor() {
    this.distanceComputations = 0;
    this.hops = 0;
    this.path = null;
  }

  /** Zero the counters and stop recording. */
  reset(): void {
    this.distanceComputations = 0;
    this.hops = 0;
    this.path = null;
  }
}

/** Parameters, vectors, graph, generator and scratch of one HNSW index (fixed shape). */
export class HnswState {
  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Links per node on levels ≥ 1 (Mmax = M). */
  readonly M: number;
  /** Link capacity on level 0 (2·M). */
  readonly Mmax0: number;
  /** Beam width used while inserting. */
  readonly efConstruction: number;
  /** Level multiplier 1/ln M: levels are drawn as ⌊−ln(u)·mL⌋. */
  readonly mL: number;
  /** The seed of the level draws. */
  readonly seed: number;
  /** The neighbour-selection rule in use. */
  readonly neighborSelection: NeighborSelection;
  /** Candidates at or below this internal distance from a base count as its duplicates. */
  readonly dupEps: number;
  /** The metric's internal/reported distance policy. */
  readonly policy: MetricPolicy;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;
  /**
   * Distances from the current query (or the node being inserted): the float computer,
   * except while a quantized search runs, which swaps in its code computer for the query
   * (`quantized-search.ts`).
   */
  dc: DistanceComputer | SqDistanceComputer;
  /** A second computer, for re-selecting another node's list without losing the query. */
  readonly dcAux: DistanceComputer;
  /** The graph. */
  readonly graph: HnswGraph;
  /** Codes, quantizer and re-rank of a quantized index (`quantizer: 'sq8' | 'sq4'`), else null. */
  quant: QuantizedSearch | null;
  /** The seeded generator of the level draws. */
  rng: Rng;

  /** Visited tags of the running layer search. */
  readonly visited: VisitedSet;
  /** The candidate min-heap C of SEARCH-LAYER. */
  readonly candidates: MinHeap;
  /** The result max-heap W of SEARCH-LAYER and K-NN-SEARCH. */
  readonly results: MaxHeap;
  /** Unvisited neighbour ids of one expansion (or one scan block), then their distances. */
  readonly scratchIds: Int32Array;
  /** Distances parallel to `scratchIds`. */
  readonly scratchDist: Float64Array;
  /** Sorted candidate lists for neighbour selection (insert, shrink, repair). */
  selIds: Int32Array;
  /** Distances parallel to `selIds`. */
  selDist: Float64Array;
  /** Output of neighbour selection. */
  readonly chosen: Int32Array;
  /** Neighbours chosen for the node being inserted, per level: (1 + M) ints each. */
  pendingLinks: Int32Array;
  /** The allow test of the checked search path. */
  readonly allow: AllowTest;
  /** Work counters of the checked search path. */
  readonly tracer: Tracer;
  /**
   * The level-0 layer search in WebAssembly (SIMD backend; links and visited tags in the
   * store's memory), or null: the JS loops of `search-layer.ts` run (`kernels: 'js'`, or
   * after the 4 GiB fallback). Same results either way.
   */
  traversal: WasmTraversal | null;
  /** Where the last greedy walk ended. */
  greedyId: number;
  /** Distance of `greedyId` from the query. */
  greedyDist: number;

  /** @param p - validated parameters. */
  constructor(p: HnswParams) {
    this.dim = p.dim;
    this.metric = p.metric;
    this.M = p.M;
    this.Mmax0 = 2 * p.M;
    this.efConstruction = p.efConstruction;
    this.mL = 1 / Math.log(p.M);
    this.seed = p.seed;
    this.neighborSelection = p.neighborSelection;
    this.policy = metricPolicy(p.metric);
    this.dupEps = this.policy.kind === 'l2' ? 0 : this.policy.bias === 1 ? 1e-6 : -Infinity;
    this.store = new VectorStore(p.dim, { normalize: this.policy.normalize, capacity: p.capacity, kernels: p.kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    this.dcAux = new DistanceComputer(this.store, this.policy);
    this.graph = new HnswGraph(p.M, p.capacity);
    this.quant = null;
    this.rng = new Rng(p.seed);
    this.visited = new VisitedSet(p.capacity);
    this.candidates = new MinHeap(Math.max(64, p.efConstruction));
    this.results = new MaxHeap(Math.max(64, p.efConstruction) + 1);
    this.scratchIds = new Int32Array(Math.max(this.Mmax0 + 1, SCAN_BLOCK));
    this.scratchDist = new Float64Array(Math.max(this.Mmax0 + 1, SCAN_BLOCK));
    this.selIds = new Int32Array(Math.max(p.efConstruction, this.Mmax0) + 1);
    this.selDist = new Float64Array(this.selIds.length);
    this.chosen = new Int32Array(this.Mmax0 + 1);
    this.pendingLinks = new Int32Array(16 * (1 + p.M));
    this.allow = new AllowTest(this.graph.deleted);
    this.tracer = new Tracer();
    this.traversal = createTraversal(this.store, this.graph);
    this.greedyId = -1;
    this.greedyDist = Infinity;
  }

  /** Make room for ids [0, n) in the vectors, the graph and the visited tags. */
  ensureCapacity(n: number): void {
    this.store.reserve(n);
    this.graph.ensureCapacity(n);
    this.traversal = reserveTraversal(this.traversal, this.store, this.graph);
    this.visited.ensureCapacity(this.graph.capacity);
  }

  /** Make room for `n` candidates in `selIds`/`selDist`, keeping their contents. */
  growSel(n: number): void {
    if (n <= this.selIds.length) return;
    const ids = new Int32Array(n);
    ids.set(this.selIds);
    const dist = new Float64Array(n);
    dist.set(this.selDist);
    this.selIds = ids;
    this.selDist = dist;
  }

  /** Bytes used by the vectors and the graph of the `idCount` allocated ids (see `HnswIndex.usedBytes`). */
  usedBytes(): number {
    return this.store.usedBytes() + this.graph.usedBytes(this.store.size) + (this.quant === null ? 0 : this.quant.usedBytes());
  }

  /** Bytes allocated: vectors and graph at capacity, and every scratch buffer. */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      this.graph.memoryBytes() +
      (this.quant === null ? 0 : this.quant.memoryBytes()) +
      this.visited.memoryBytes() +
      (this.traversal !== null ? this.traversal.tags.bytes : 0) +
      this.candidates.dist.byteLength +
      this.candidates.ids.byteLength +
      this.results.dist.byteLength +
      this.results.ids.byteLength +
      this.scratchIds.byteLength +
      this.scratchDist.byteLength +
      this.selIds.byteLength +
      this.selDist.byteLength +
      this.chosen.byteLength +
      this.pendingLinks.byteLength
    );
  }
}
