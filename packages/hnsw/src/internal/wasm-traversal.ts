/**
 * The level-0 SEARCH-LAYER (Alg. 2 of Malkov & Yashunin, IEEE TPAMI 42(4), 2020,
 * arXiv:1603.09320) run in WebAssembly, one call per layer search (internal).
 *
 * On the SIMD backend the store's rows already live in a `WebAssembly.Memory`. This module
 * hosts two more regions there ({@link WasmRows.addRegion}): the graph's level-0 links
 * ({@link HnswGraph.hostLinks}) and one int32 visited tag per node, and instantiates
 * `assembly/traverse.ts` over that same memory, so a layer search reads rows, links and tags
 * in place and keeps both heaps in the memory's scratch. JavaScript then copies W (at most
 * `ef` items) once into the state's result heap, and everything after that (draining the k
 * best, neighbour selection while inserting) is unchanged.
 *
 * It replaces exactly two calls, with identical results: `searchLayer` on level 0 at query
 * time, and `searchLayerChecked(…, level 0, allow = null, newerFirst = true, tracer = null)`
 * while inserting (see {@link searchLevel0}). The greedy descent through the upper levels
 * stays in JavaScript (a few hops per level on about 1/M of the nodes), as do filters,
 * deletions, counters and traces (the checked path), and `kernels: 'js'` indexes.
 *
 * Paper step → code: SEARCH-LAYER(q, ep, ef, lc = 0) → {@link searchLevel0} → wasm
 * `searchLayer0` (its JS reference: `searchLayer` / `searchLayerChecked` in
 * `search-layer.ts`).
 *
 * @module
 */
import { DualWasmModule, decodeBase64, type VectorStore, type WasmRegion, type WasmRows } from '@annlab/core';
import type { HnswGraph } from '../graph-layout.js';
import type { HnswState } from '../hnsw-state.js';
import { searchLayer, searchLayerChecked } from '../search-layer.js';
import { TRAVERSE_SHARED_WASM_BASE64, TRAVERSE_WASM_BASE64 } from './traverse-wasm.generated.js';

/** The exports of `assembly/traverse.ts` (byte addresses in the store's memory). */
interface TraverseExports {
  searchLayer0(
    q: number,
    rows: number,
    dim: number,
    isDot: number,
    bias: number,
    links: number,
    stride0: number,
    tags: number,
    epoch: number,
    ep: number,
    epDist: number,
    ef: number,
    flip: number,
    wd: number,
    wi: number,
    cd: number,
    ci: number,
    cCap: number,
  ): number;
}

/** Largest epoch before the tags are zeroed (tags are int32). */
const MAX_EPOCH = 0x7fffffff;
/** Initial room for the candidate heap C, in items (grown by doubling on demand). */
const INITIAL_C_CAP = 1024;

/** The traversal module, for a plain and for a shared memory (a store shared with threads). */
const TRAVERSE = new DualWasmModule(
  () => decodeBase64(TRAVERSE_WASM_BASE64),
  () => decodeBase64(TRAVERSE_SHARED_WASM_BASE64),
);

/** Round a byte count up to a multiple of 8. */
function align8(x: number): number {
  return (x + 7) & ~7;
}

/** A traversal instance over `memory`. */
function instantiate(memory: WebAssembly.Memory): TraverseExports {
  return TRAVERSE.instantiate<TraverseExports>(memory);
}

/**
 * The wasm layer search of one index: the traversal instance over the store's memory, the
 * visited-tag region and its epoch, and the current room for C (fixed shape).
 */
export class WasmTraversal {
  /** The store's WebAssembly rows (memory, query slot, scratch). */
  readonly rows: WasmRows;
  /** The traversal instance over `rows.memory` (renewed by {@link WasmTraversal.relink}). */
  k: TraverseExports;
  /** Visited tags, one int32 per node (length ≥ graph capacity). */
  readonly tags: WasmRegion;
  /** The current search's epoch; a node is visited iff its tag equals it. */
  epoch: number;
  /** Room for C, in items; doubled when a search overflows it. */
  cCap: number;

  constructor(rows: WasmRows, tags: WasmRegion) {
    this.rows = rows;
    this.k = instantiate(rows.memory);
    this.tags = tags;
    this.epoch = 0;
    this.cCap = INITIAL_C_CAP;
  }

  /** Instantiate again over the store's current memory (after {@link WasmRows.makeShared}). */
  relink(): void {
    this.k = instantiate(this.rows.memory);
  }

  /** Make the tags hold `capacity` nodes. @returns false when the memory cannot grow. */
  reserve(capacity: number): boolean {
    return this.rows.resizeRegion(this.tags, capacity * 4);
  }

  /** Start a new search: bump the epoch (zeroing the tags when it would wrap). */
  nextEpoch(): number {
    if (this.epoch >= MAX_EPOCH) {
      this.tags.i32.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }
}

/**
 * The wasm traversal for a new state, or null when it does not apply: a `'js'` store, or a
 * memory that cannot hold the links and tags (the JS loops then run, with the same results).
 * On success the graph's level-0 links have moved into the store's memory.
 */
export function createTraversal(store: VectorStore, graph: HnswGraph): WasmTraversal | null {
  const rows = store.wasm;
  if (rows === null || !graph.hostLinks(rows)) return null;
  const tags = rows.addRegion(graph.capacity * 4);
  if (tags === null) {
    graph.unhostLinks();
    return null;
  }
  return new WasmTraversal(rows, tags);
}

/**
 * After the state grew to hold `capacity` nodes: the traversal that still applies, or null
 * when the store left WebAssembly memory (the 4 GiB fallback) or the links or tags could not
 * grow; the links then move back to an ordinary array and the JS loops take over.
 */
export function reserveTraversal(t: WasmTraversal | null, store: VectorStore, graph: HnswGraph): WasmTraversal | null {
  if (t === null) return null;
  if (store.wasm === t.rows && graph.region !== null && t.reserve(graph.capacity)) return t;
  graph.unhostLinks();
  return null;
}

/**
 * SEARCH-LAYER on level 0 from `ep` (at `epDist`) with width `ef`, leaving W in `s.results`:
 * in WebAssembly when the state has a traversal, else the JS reference — `searchLayer`
 * (query time) or `searchLayerChecked` with `newerFirst` (insert time: W holds `~id`). The
 * query must be set in `s.dc`. Results are identical either way.
 */
export function searchLevel0(s: HnswState, ep: number, epDist: number, ef: number, newerFirst: boolean): void {
  const t = s.traversal;
  if (t === null || !runWasm(s, t, ep, epDist, ef, newerFirst)) {
    if (newerFirst) searchLayerChecked(s, ep, epDist, ef, 0, null, true, null);
    else searchLayer(s, ep, epDist, ef, 0);
  }
}

/** One wasm layer search into `s.results`; false when the scratch cannot be had (use JS). */
function runWasm(s: HnswState, t: WasmTraversal, ep: number, epDist: number, ef: number, newerFirst: boolean): boolean {
  const w = t.rows;
  const dc = s.dc;
  const g = s.graph;
  for (;;) {
    const cCap = t.cCap;
    const wBytes = align8(ef * 8);
    const idBytes = align8(ef * 4);
    const need = wBytes + idBytes + cCap * 12 + 8;
    if (!w.ensureScratch(need)) return false;
    if (w.queryOwner !== dc) w.loadQuery(dc.query, 0, dc);
    const links = g.region;
    if (links === null) return false;
    const wd = w.scratchPtr;
    const wi = wd + wBytes;
    const cd = wi + idBytes;
    const ci = cd + cCap * 8;
    const n = t.k.searchLayer0(
      w.qPtr,
      w.rowsPtr,
      w.dim,
      s.policy.kind === 'l2' ? 0 : 1,
      s.policy.bias,
      links.ptr,
      g.stride0,
      t.tags.ptr,
      t.nextEpoch(),
      ep,
      epDist,
      ef,
      newerFirst ? -1 : 0,
      wd,
      wi,
      cd,
      ci,
      cCap,
    );
    if (n < 0) {
      t.cCap = cCap * 2;
      continue;
    }
    const W = s.results;
    if (W.dist.length < n) {
      W.dist = new Float64Array(n);
      W.ids = new Int32Array(n);
    }
    const f64 = w.f64;
    const i32 = w.i32;
    const dBase = wd >>> 3;
    const iBase = wi >>> 2;
    const wDist = W.dist;
    const wIds = W.ids;
    for (let i = 0; i < n; i++) {
      wDist[i] = f64[dBase + i];
      wIds[i] = i32[iBase + i];
    }
    W.size = n;
    return true;
  }
}
