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
 * @module
 */

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
  /** Level-0 links, `capacity × (1 + Mmax0)`, count first (see the module doc). */
  links0: Int32Array;
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
    this.links0 = new Int32Array(capacity * this.stride0);
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
    const links0 = new Int32Array(cap * this.stride0);
    links0.set(this.links0);
    this.links0 = links0;
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
