/**
 * The HNSW graph as typed arrays (internal): no per-node objects, no Maps. Level 0 follows
 * hnswlib's `linkLists0` (one fixed-size block per node, count first); the upper levels are
 * one CSR-style pool (FAISS `impl/HNSW.h` keeps levels in `offsets` + `neighbors` the same
 * way), because only about 1/M of the nodes have any.
 *
 * Layout:
 * - `links0`: level-0 adjacency, `capacity × (1 + Mmax0)`; slot 0 of node i's block
 *   (`i·(1+Mmax0)`) holds its link count, the next `Mmax0` slots its neighbour ids.
 * - `upperLinks` / `upperOffset`: levels ≥ 1. A node of level L owns a block of
 *   `L × (1 + M)` ints starting at `upperOffset[i]` (−1 for level-0 nodes); level l ≥ 1 is at
 *   `upperOffset[i] + (l − 1)·(1 + M)`, count first.
 * - `levels`: each node's top level, `Uint8Array(capacity)`; `deleted`: 1 = marked deleted.
 *
 * Vectors are not here: they live in core's `VectorStore`, held by the index state.
 *
 * On the SIMD backend `links0` lives in the store's WebAssembly memory, as a region hosted by
 * its `WasmRows` ({@link HnswGraph.hostLinks}), so the wasm layer search
 * (`internal/wasm-traversal.ts`) reads the links in place; elsewhere it is an ordinary
 * `Int32Array`. The getter always returns the current view: re-read it after any call that
 * may grow the store's memory (appends and graph growth; a distance call's scratch within
 * core's `INITIAL_SCRATCH` never does).
 *
 * @module
 */
import { copySkippingZeroPages, type WasmRegion, type WasmRows } from '@annlab/core';

/** Highest level a node may draw (levels are stored in a Uint8Array). */
export const MAX_LEVEL = 255;

/** The typed-array graph of an HNSW index and its bookkeeping (fixed shape). */
export class HnswGraph {
  /** Links per node on levels ≥ 1 (Mmax). */
  readonly M: number;
  /** Link capacity on level 0 (2·M). */
  readonly Mmax0: number;
  /** Ints per node block on level 0: 1 + Mmax0. */
  readonly stride0: number;
  /** Ints per level in an upper block: 1 + M. */
  readonly strideU: number;
  /** Level-0 links when they are not hosted in WebAssembly memory (else an empty array). */
  private links0Js: Int32Array;
  /** The store memory hosting the level-0 links, or null when they are in `links0Js`. */
  private host: WasmRows | null;
  /** The hosted level-0 links region, or null (see {@link HnswGraph.hostLinks}). */
  region: WasmRegion | null;
  /** Links on levels ≥ 1, blocks of `level × (1 + M)` ints; the first `upperUsed` are in use. */
  upperLinks: Int32Array;
  /** Start of each node's upper-level block in `upperLinks`, −1 for level-0 nodes; length capacity. */
  upperOffset: Int32Array;
  /** Top level of each node, length capacity. */
  levels: Uint8Array;
  /** 1 where the node is marked deleted, length capacity. */
  deleted: Uint8Array;
  /** Ints of `upperLinks` in use. */
  upperUsed: number;
  /** The entry point (a node on the top level), −1 when empty. */
  entryPoint: number;
  /** The top level, −1 when empty. */
  maxLevel: number;
  /** Live (not deleted) nodes. */
  live: number;
  /** True while some deleted node may still be linked into the graph (cleared by compact). */
  linkedDeletes: boolean;

  /**
   * @param M - links per node above level 0 (level 0 gets 2·M).
   * @param capacity - nodes to allocate room for.
   */
  constructor(M: number, capacity: number) {
    this.M = M;
    this.Mmax0 = 2 * M;
    this.stride0 = 1 + this.Mmax0;
    this.strideU = 1 + M;
    this.links0Js = new Int32Array(capacity * this.stride0);
    this.host = null;
    this.region = null;
    this.upperLinks = new Int32Array(Math.max(64, (capacity >> 3) * this.strideU));
    this.upperOffset = new Int32Array(capacity).fill(-1);
    this.levels = new Uint8Array(capacity);
    this.deleted = new Uint8Array(capacity);
    this.upperUsed = 0;
    this.entryPoint = -1;
    this.maxLevel = -1;
    this.live = 0;
    this.linkedDeletes = false;
  }

  /**
   * Level-0 links, `capacity × (1 + Mmax0)`, count first (see the module doc): a view of the
   * hosted region on the SIMD backend, else a plain `Int32Array`.
   */
  get links0(): Int32Array {
    const r = this.region;
    return r !== null ? r.i32 : this.links0Js;
  }

  /**
   * Move the level-0 links into a region of `rows`' WebAssembly memory (contents kept), so
   * wasm loops can read them in place. @returns false when the memory cannot hold them
   * (the links stay where they were).
   */
  hostLinks(rows: WasmRows): boolean {
    if (this.region !== null) return true;
    const region = rows.addRegion(this.links0Js.byteLength);
    if (region === null) return false;
    // The region is fresh (zero): copy only pages holding links, so a large empty graph
    // stays non-resident until it fills.
    copySkippingZeroPages(this.links0Js, region.i32);
    this.region = region;
    this.host = rows;
    this.links0Js = new Int32Array(0);
    return true;
  }

  /** Move hosted level-0 links back to an ordinary `Int32Array` (no-op when not hosted). */
  unhostLinks(): void {
    const r = this.region;
    if (r === null) return;
    this.links0Js = r.i32.slice();
    this.region = null;
    this.host = null;
  }

  /** Nodes there is room for. */
  get capacity(): number {
    return this.levels.length;
  }

  /** Offset of node `id`'s list on `level` (count first) in `links0` (level 0) or `upperLinks`. */
  linkBase(id: number, level: number): number {
    return level === 0 ? id * this.stride0 : this.upperOffset[id] + (level - 1) * this.strideU;
  }

  /** The array holding `level`'s lists: `links0` for level 0, else `upperLinks`. */
  linksOf(level: number): Int32Array {
    return level === 0 ? this.links0 : this.upperLinks;
  }

  /** The most links a node may hold on `level`: Mmax0 on level 0, M above. */
  capOf(level: number): number {
    return level === 0 ? this.Mmax0 : this.M;
  }

  /**
   * Give node `q` top level `level`: reserve (and zero) its upper block, and empty its
   * level-0 list. Ids are dense, so `q` is the next id.
   */
  allocateNode(q: number, level: number): void {
    this.levels[q] = level;
    if (level > 0) {
      const need = level * this.strideU;
      this.ensureUpper(this.upperUsed + need);
      this.upperOffset[q] = this.upperUsed;
      this.upperLinks.fill(0, this.upperUsed, this.upperUsed + need);
      this.upperUsed += need;
    }
    this.links0[q * this.stride0] = 0;
  }

  /** Make room for ids [0, n): grow the per-node arrays by doubling, keeping contents. */
  ensureCapacity(n: number): void {
    const cur = this.levels.length;
    if (n <= cur) return;
    let cap = Math.max(16, cur);
    while (cap < n) cap *= 2;
    const host = this.host;
    const region = this.region;
    if (host !== null && region !== null && !host.resizeRegion(region, cap * this.stride0 * 4)) this.unhostLinks();
    if (this.region === null) {
      const links0 = new Int32Array(cap * this.stride0);
      links0.set(this.links0Js);
      this.links0Js = links0;
    }
    const upperOffset = new Int32Array(cap).fill(-1);
    upperOffset.set(this.upperOffset);
    this.upperOffset = upperOffset;
    const levels = new Uint8Array(cap);
    levels.set(this.levels);
    this.levels = levels;
    const deleted = new Uint8Array(cap);
    deleted.set(this.deleted);
    this.deleted = deleted;
  }

  /** Make room for `ints` ints in `upperLinks` (doubling). */
  ensureUpper(ints: number): void {
    if (ints <= this.upperLinks.length) return;
    let cap = Math.max(64, this.upperLinks.length);
    while (cap < ints) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.upperLinks.subarray(0, this.upperUsed));
    this.upperLinks = next;
  }

  /**
   * Bytes the graph uses for its first `n` nodes: `n × 4·(1 + 2M)` of level-0 links,
   * `4·upperUsed` of upper links, `4n` of upper offsets and `n + n` of levels and deletion
   * flags (no spare capacity).
   */
  usedBytes(n: number): number {
    return n * this.stride0 * 4 + this.upperUsed * 4 + n * 4 + n + n;
  }

  /** Bytes allocated by the graph's arrays (capacity, not size; see {@link HnswGraph.usedBytes}). */
  memoryBytes(): number {
    return (
      this.links0.byteLength + this.upperLinks.byteLength + this.upperOffset.byteLength + this.levels.byteLength + this.deleted.byteLength
    );
  }
}
