/**
 * The forest's query in WebAssembly, one call per query (internal): Annoy's `_get_all_nns`
 * (E. Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`) — the priority-queue descent
 * of all trees under the `searchK` budget, gathering leaf items with de-duplication, and exact
 * scoring of the candidates — run by `assembly/forest.ts` over the store's own memory.
 *
 * On the SIMD backend the store's rows already live in a `WebAssembly.Memory`. This module
 * hosts a copy of the forest's arrays there in one region ({@link WasmRows.addRegion}), with
 * the per-id visited tags and the node queue, and instantiates the kernel over that same
 * memory, so a query reads rows, hyperplanes and leaves in place and JavaScript only copies
 * the k results out. `searchForest` in `search.ts` is the readable reference and the path of
 * `kernels: 'js'` indexes (and of a store that fell back to it); the two give identical ids,
 * distances and counters (see the kernel's module doc for why, and `test/wasm-forest.test.ts`).
 *
 * Paper step → code: `_get_all_nns` → {@link searchForestWasm} → wasm `searchForest`.
 *
 * **The copy.** The region costs what the forest's hyperplanes, children, leaves and roots
 * cost, plus 4 bytes per id (tags) and 12 per queue slot, on top of the JavaScript arrays the
 * builders and files use. It is written on the first query after any change to the forest and
 * reused as long as nothing changes. Changes are detected without hooks in the mutators: every
 * public mutation moves at least one of the forest's counters ({@link ForestStamp}): `add`
 * raises the id count, `addTrees` the tree count, `delete` lowers the live count, and a
 * compaction of the leaves lowers the leaf slots in use; none of them ever returns to an
 * earlier value except by undoing the mutation. An index that interleaves single adds with
 * queries therefore pays one copy of the forest per query; batch the adds.
 *
 * @module
 */
import {
  decodeBase64,
  padRow,
  type DistanceComputer,
  type MetricPolicy,
  type SearchStats,
  type WasmRegion,
  type WasmRows,
} from '@annlab/core';
import { RpForestSearchStats } from '../search.js';
import type { FlatForest } from './flat-forest.js';
import { FOREST_WASM_BASE64 } from './forest-wasm.generated.js';

/** The exports of `assembly/forest.ts` (byte addresses in the store's memory). */
interface ForestExports {
  searchForest(
    base: number,
    q: number,
    rows: number,
    dim: number,
    isDot: number,
    bias: number,
    k: number,
    searchK: number,
    epoch: number,
    outDist: number,
    outIds: number,
  ): number;
}

/**
 * Header bytes at the region's start: twelve int32 offsets, then (from byte 64) four float64
 * counters and a float32 word the kernel uses as scratch.
 */
const HEADER_BYTES = 128;
/** Header word indexes (int32), in step with the `H_*` constants of `assembly/forest.ts`. */
const H_TREES = 0;
const H_ROOTS = 1;
const H_TREE_DIM = 2;
const H_NORMALS = 3;
const H_OFFSETS = 4;
const H_CHILDREN = 5;
const H_LEAF_START = 6;
const H_LEAF_SIZES = 7;
const H_LEAF_ITEMS = 8;
const H_TAGS = 9;
const H_QUEUE_KEYS = 10;
const H_QUEUE_CODES = 11;
/** Float64 index (from the region's start) of the first counter: seen, leaves, margins, unique. */
const H_OUT = 8;
/** Largest epoch before the tags are zeroed (tags are uint32). */
const MAX_EPOCH = 0xffffffff;

function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

let moduleCache: WebAssembly.Module | null = null;

/** The compiled kernel module (decoded and compiled once, on the first SIMD query). */
function forestModule(): WebAssembly.Module {
  if (moduleCache === null) moduleCache = new WebAssembly.Module(decodeBase64(FOREST_WASM_BASE64));
  return moduleCache;
}

/**
 * The forest counters a copy was made at: ids, live ids, trees, inner nodes, leaves and leaf
 * slots in use. Equal stamps mean the same forest (see the module doc).
 */
class ForestStamp {
  ids: number;
  live: number;
  trees: number;
  inner: number;
  leaves: number;
  slots: number;

  constructor() {
    this.ids = -1;
    this.live = -1;
    this.trees = -1;
    this.inner = -1;
    this.leaves = -1;
    this.slots = -1;
  }

  /** Whether the forest still has the counters recorded. */
  matches(forest: FlatForest, live: number): boolean {
    return (
      this.ids === forest.store.size &&
      this.live === live &&
      this.trees === forest.roots.length &&
      this.inner === forest.innerCount &&
      this.leaves === forest.leafCount &&
      this.slots === forest.leafItemsUsed
    );
  }

  /** Record the forest's counters. */
  record(forest: FlatForest, live: number): void {
    this.ids = forest.store.size;
    this.live = live;
    this.trees = forest.roots.length;
    this.inner = forest.innerCount;
    this.leaves = forest.leafCount;
    this.slots = forest.leafItemsUsed;
  }
}

/**
 * One index's WebAssembly search context: the kernel instance over its store's memory, the
 * hosted copy of the forest and the visited-tag epoch. Holds nothing on the `'js'` backend.
 */
export class WasmForestSearcher {
  /** The memory the instance and region belong to (`null` until the first SIMD query). */
  private rows: WasmRows | null;
  /** The kernel instance over `rows.memory`. */
  private exports: ForestExports | null;
  /** The hosted copy of the forest (grown, never shrunk, as the forest grows). */
  private region: WasmRegion | null;
  /** Counters of the forest the region holds. */
  private readonly stamp: ForestStamp;
  /** This query's visited-tag value; the tags are zeroed when it wraps. */
  private epoch: number;
  /** Byte offset of the tags in the region, and their count. */
  private tagsOff: number;
  private tagCount: number;

  constructor() {
    this.rows = null;
    this.exports = null;
    this.region = null;
    this.stamp = new ForestStamp();
    this.epoch = 0;
    this.tagsOff = 0;
    this.tagCount = 0;
  }

  /** Bytes of the store's memory the hosted copy holds (0 before the first SIMD query). */
  memoryBytes(): number {
    return this.region === null ? 0 : this.region.bytes;
  }

  /**
   * Make the region hold the current forest (a no-op when its stamp still matches).
   * @returns false when the memory cannot grow that far (the caller then searches in JS).
   */
  private sync(w: WasmRows, forest: FlatForest, live: number): boolean {
    if (this.rows !== w) {
      // First SIMD query, or (never in practice) a store that changed memories: start over.
      this.rows = w;
      this.exports = new WebAssembly.Instance(forestModule(), { env: { memory: w.memory } }).exports as unknown as ForestExports;
      this.region = null;
      this.stamp.ids = -1;
    }
    if (this.region !== null && this.stamp.matches(forest, live)) return true;

    const trees = forest.roots.length;
    const treeDim = forest.treeDim;
    const inner = forest.innerCount;
    const leaves = forest.leafCount;
    const slots = forest.leafItemsUsed;
    const ids = forest.store.size;
    // The queue never holds more than the roots plus two children per inner node.
    const queueCap = trees + 2 * inner + 1;
    let at = HEADER_BYTES;
    const rootsOff = at;
    at = align64(at + trees * 4);
    const normalsOff = at;
    at = align64(at + inner * treeDim * 4);
    const offsetsOff = at;
    at = align64(at + inner * 8);
    const childrenOff = at;
    at = align64(at + inner * 8);
    const leafStartOff = at;
    at = align64(at + leaves * 4);
    const leafSizesOff = at;
    at = align64(at + leaves * 4);
    const leafItemsOff = at;
    at = align64(at + slots * 4);
    const tagsOff = at;
    at = align64(at + ids * 4);
    const keysOff = at;
    at = align64(at + queueCap * 8);
    const codesOff = at;
    const bytes = align64(at + queueCap * 4);

    if (this.region === null) {
      this.region = w.addRegion(bytes);
      if (this.region === null) return false;
    } else if (!w.resizeRegion(this.region, bytes)) {
      return false;
    }
    // Views after any growth: the region may have moved and the old views detached.
    const base = this.region.ptr;
    const i32 = w.i32;
    const h = base >>> 2;
    i32[h + H_TREES] = trees;
    i32[h + H_ROOTS] = rootsOff;
    i32[h + H_TREE_DIM] = treeDim;
    i32[h + H_NORMALS] = normalsOff;
    i32[h + H_OFFSETS] = offsetsOff;
    i32[h + H_CHILDREN] = childrenOff;
    i32[h + H_LEAF_START] = leafStartOff;
    i32[h + H_LEAF_SIZES] = leafSizesOff;
    i32[h + H_LEAF_ITEMS] = leafItemsOff;
    i32[h + H_TAGS] = tagsOff;
    i32[h + H_QUEUE_KEYS] = keysOff;
    i32[h + H_QUEUE_CODES] = codesOff;
    i32.set(forest.roots, (base + rootsOff) >>> 2);
    w.f32.set(forest.splitNormals.subarray(0, inner * treeDim), (base + normalsOff) >>> 2);
    w.f64.set(forest.splitOffsets.subarray(0, inner), (base + offsetsOff) >>> 3);
    i32.set(forest.children.subarray(0, inner * 2), (base + childrenOff) >>> 2);
    i32.set(forest.leafStart.subarray(0, leaves), (base + leafStartOff) >>> 2);
    i32.set(forest.leafSizes.subarray(0, leaves), (base + leafSizesOff) >>> 2);
    i32.set(forest.leafItems.subarray(0, slots), (base + leafItemsOff) >>> 2);
    i32.fill(0, (base + tagsOff) >>> 2, ((base + tagsOff) >>> 2) + ids);
    this.tagsOff = tagsOff;
    this.tagCount = ids;
    this.epoch = 0;
    this.stamp.record(forest, live);
    return true;
  }

  /**
   * One query into caller-owned output, in WebAssembly: what `searchForest` (`search.ts`)
   * computes, with the same ids, distances and counters. Nothing is validated here.
   *
   * @param live - the index's live id count (part of the forest's stamp).
   * @returns false, having written nothing, when the store is not on the SIMD backend or its
   *   memory cannot hold the forest; the caller then runs `searchForest`.
   */
  search(
    forest: FlatForest,
    live: number,
    dc: DistanceComputer,
    policy: MetricPolicy,
    query: Float32Array,
    qOff: number,
    k: number,
    searchK: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    stats: SearchStats | undefined,
  ): boolean {
    const w = forest.store.wasm;
    if (w === null) return false;
    // The query first: `query` may view this very memory (a self-join through searchInto),
    // which the region or the scratch may grow below, detaching the view.
    dc.setQuery(query, qOff);
    if (!this.sync(w, forest, live)) return false;
    // At most idCount results exist; k beyond that only pads (one slot even when empty).
    const kk = Math.min(k, Math.max(1, this.tagCount));
    const distBytes = align64(kk * 8);
    if (!w.ensureScratch(distBytes + kk * 4)) return false;
    let epoch = this.epoch + 1;
    if (epoch === MAX_EPOCH) {
      const t = ((this.region as WasmRegion).ptr + this.tagsOff) >>> 2;
      w.i32.fill(0, t, t + this.tagCount);
      epoch = 1;
    }
    this.epoch = epoch;
    const base = (this.region as WasmRegion).ptr;
    const distPtr = w.scratchPtr;
    const idsPtr = distPtr + distBytes;
    const n = (this.exports as ForestExports).searchForest(
      base,
      w.qPtr,
      w.rowsPtr,
      forest.dim,
      policy.kind === 'dot' ? 1 : 0,
      policy.bias,
      kk,
      searchK,
      epoch,
      distPtr,
      idsPtr,
    );
    const f64 = w.f64;
    const i32 = w.i32;
    const d0 = distPtr >>> 3;
    const i0 = idsPtr >>> 2;
    for (let r = 0; r < n; r++) {
      outIds[outOff + r] = i32[i0 + r];
      outDist[outOff + r] = policy.toReported(f64[d0 + r]);
    }
    padRow(outIds, outDist, outOff, n, k);
    if (stats !== undefined) {
      const out = (base >>> 3) + H_OUT;
      const margins = f64[out + 2];
      stats.queries++;
      stats.distanceComputations += f64[out + 3];
      stats.hops += margins;
      if (stats instanceof RpForestSearchStats) {
        stats.candidates += f64[out];
        stats.leavesVisited += f64[out + 1];
        stats.marginComputations += margins;
      }
    }
    return true;
  }
}
