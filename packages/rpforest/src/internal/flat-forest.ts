/**
 * The forest's storage: every tree of the forest in a handful of flat typed arrays, no node
 * objects (after pynndescent's `FlatTree`, L. McInnes, `pynndescent/rp_trees.py`, and Annoy's
 * one flat node buffer, `src/annoylib.h` `_get(i)`).
 *
 * - Inner nodes: `splitNormals` (treeDim per node), `splitOffsets`, `children` (two per node).
 *   A child value ≥ 0 is an inner node; a negative value `~leaf` is a leaf.
 * - Leaves: each is a range `leafItems[leafStart, leafStart + leafSizes)` with `leafCap`
 *   slots reserved, so an insert can append in place until the leaf is full.
 * - `roots`: one node code per tree.
 * - Per item: `deleted` flags and, for inner product, the augmented component `augExtra`
 *   (see the index's module doc), which the trees split on beside the stored vector.
 *
 * Inner nodes and leaves have separate index spaces (unlike Annoy and pynndescent), so no
 * hyperplane storage is spent on leaves. Arrays grow by doubling while a forest is built or
 * updated ({@link FlatForest.allocInner}, {@link FlatForest.allocLeaf}); `trimForest` in
 * `dynamic.ts` drops the slack after a build.
 *
 * @module
 */
import { grownArray, type VectorStore } from '@annlab/core';
import { marginOf } from '../two-means.js';
import type { RpForestInfo } from '../options.js';

/** The empty array that stands for "no augmented component" (every metric but inner product). */
export const EMPTY_F32: Float32Array = new Float32Array(0);

/** The flat arrays of a forest and the per-item tables its trees read. */
export class FlatForest {
  /** Vector dimension. */
  readonly dim: number;
  /** Components of a hyperplane normal: `dim`, or `dim + 1` for inner product (augmentation). */
  readonly treeDim: number;
  /** Most items per leaf. */
  readonly leafSize: number;
  /** The stored vectors the trees split (re-read `store.data` after every append). */
  readonly store: VectorStore;

  /** Largest stored norm when the forest was built (inner product only), else 0. */
  maxNorm: number;
  /** Inner product: augmented component √(maxNorm² − ‖x‖²) per id, length ≥ idCount; else empty. */
  augExtra: Float32Array;
  /** 1 for a deleted id, length ≥ idCount. */
  deleted: Uint8Array;

  /** Hyperplane normals, length ≥ innerCount × treeDim, row-major (inner node, component). */
  splitNormals: Float32Array;
  /** Hyperplane offsets, length ≥ innerCount: margin = ⟨normal, x⟩ + offset. */
  splitOffsets: Float64Array;
  /**
   * Children, length ≥ innerCount × 2: `children[2i]` (margin ≤ 0 side) and `children[2i + 1]`
   * (margin > 0 side). A value ≥ 0 is an inner node; a negative value `~leaf` is a leaf.
   */
  children: Int32Array;
  /** Inner nodes in use. */
  innerCount: number;
  /** Start of each leaf's items in `leafItems`, length ≥ leafCount. */
  leafStart: Int32Array;
  /** Items in each leaf. */
  leafSizes: Int32Array;
  /** Slots reserved for each leaf in `leafItems` (≥ its size). */
  leafCap: Int32Array;
  /** Leaves in use. */
  leafCount: number;
  /** Item ids of every leaf, each leaf a range `[leafStart, leafStart + leafSizes)`. */
  leafItems: Int32Array;
  /** Slots of `leafItems` handed out (the rest is growth slack). */
  leafItemsUsed: number;
  /** Slots of `leafItems` no leaf uses any more (moved leaves); compacted when large. */
  leafItemsWasted: number;
  /** Root of each tree (a node code: ≥ 0 inner, `~leaf` for a single-leaf tree). */
  roots: Int32Array;

  constructor(store: VectorStore, treeDim: number, leafSize: number) {
    this.dim = store.dim;
    this.treeDim = treeDim;
    this.leafSize = leafSize;
    this.store = store;
    this.maxNorm = 0;
    this.augExtra = new Float32Array(0);
    this.deleted = new Uint8Array(0);
    this.splitNormals = new Float32Array(0);
    this.splitOffsets = new Float64Array(0);
    this.children = new Int32Array(0);
    this.innerCount = 0;
    this.leafStart = new Int32Array(0);
    this.leafSizes = new Int32Array(0);
    this.leafCap = new Int32Array(0);
    this.leafCount = 0;
    this.leafItems = new Int32Array(0);
    this.leafItemsUsed = 0;
    this.leafItemsWasted = 0;
    this.roots = new Int32Array(0);
  }

  /** The augmented components when the trees use them (inner product), else an empty array. */
  get extra(): Float32Array {
    return this.treeDim > this.dim ? this.augExtra : EMPTY_F32;
  }

  /** Margin of stored item `id` at inner node `node`: ⟨normal, x⟩ + offset. */
  margin(node: number, id: number): number {
    return marginOf(this.splitNormals, node * this.treeDim, this.splitOffsets[node], this.store.data, this.dim, this.extra, id);
  }

  /** The ids not flagged deleted, ascending (`live` of them). */
  liveIds(live: number): Int32Array {
    const items = new Int32Array(live);
    const deleted = this.deleted;
    let m = 0;
    for (let id = 0; id < this.store.size; id++) if (deleted[id] === 0) items[m++] = id;
    return items;
  }

  /** A new inner node (its normal, offset and children are the caller's to fill). */
  allocInner(): number {
    const node = this.innerCount++;
    this.splitNormals = grownArray(this.splitNormals, this.innerCount * this.treeDim);
    this.splitOffsets = grownArray(this.splitOffsets, this.innerCount);
    this.children = grownArray(this.children, this.innerCount * 2);
    return node;
  }

  /** A new leaf holding `items[lo .. hi)` with `cap` slots; returns its leaf index. */
  allocLeaf(items: Int32Array, lo: number, hi: number, cap: number): number {
    const leaf = this.leafCount++;
    this.leafStart = grownArray(this.leafStart, this.leafCount);
    this.leafSizes = grownArray(this.leafSizes, this.leafCount);
    this.leafCap = grownArray(this.leafCap, this.leafCount);
    const start = this.leafItemsUsed;
    this.leafItems = grownArray(this.leafItems, start + cap);
    this.leafItems.set(items.subarray(lo, hi), start);
    this.leafItemsUsed = start + cap;
    this.leafStart[leaf] = start;
    this.leafSizes[leaf] = hi - lo;
    this.leafCap[leaf] = cap;
    return leaf;
  }

  /**
   * The leaves packed without gaps, in depth-first order of the trees (child 0 first): new
   * `leafStart` (length leafCount) and `leafItems`. A freshly built forest is already in
   * this order; files store it this way.
   */
  packedLeaves(): { start: Int32Array; items: Int32Array } {
    let total = 0;
    for (let l = 0; l < this.leafCount; l++) total += this.leafSizes[l];
    const start = new Int32Array(this.leafCount);
    const items = new Int32Array(total);
    const stack: number[] = [];
    let pos = 0;
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t]);
      while (stack.length > 0) {
        const code = stack.pop() as number;
        if (code < 0) {
          const leaf = ~code;
          const s = this.leafStart[leaf];
          const n = this.leafSizes[leaf];
          items.set(this.leafItems.subarray(s, s + n), pos);
          start[leaf] = pos;
          pos += n;
        } else {
          stack.push(this.children[2 * code + 1], this.children[2 * code]);
        }
      }
    }
    return { start, items };
  }

  /** Tree index of every leaf (walks all trees). */
  treeOfLeaves(): Int32Array {
    const leaf = new Int32Array(this.leafCount).fill(-1);
    const stack: number[] = [];
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t]);
      while (stack.length > 0) {
        const code = stack.pop() as number;
        if (code < 0) leaf[~code] = t;
        else stack.push(this.children[2 * code], this.children[2 * code + 1]);
      }
    }
    return leaf;
  }

  /** Shape of the forest: trees, nodes, leaves, depth. */
  info(): RpForestInfo {
    let maxDepth = 0;
    let leaves = 0;
    let items = 0;
    const stack: number[] = [];
    for (let t = 0; t < this.roots.length; t++) {
      stack.push(this.roots[t], 0);
      while (stack.length > 0) {
        const depth = stack.pop() as number;
        const code = stack.pop() as number;
        if (code < 0) {
          leaves++;
          items += this.leafSizes[~code];
          if (depth > maxDepth) maxDepth = depth;
        } else {
          stack.push(this.children[2 * code], depth + 1, this.children[2 * code + 1], depth + 1);
        }
      }
    }
    return {
      trees: this.roots.length,
      innerNodes: this.innerCount,
      leaves,
      maxDepth,
      meanLeafSize: leaves > 0 ? items / leaves : 0,
    };
  }

  /**
   * Replace every array by a private copy (and the vectors too): a loaded forest's arrays
   * are views into the caller's bytes until its first mutation.
   */
  copyArrays(): void {
    this.deleted = this.deleted.slice();
    this.augExtra = this.augExtra.slice();
    this.splitNormals = this.splitNormals.slice();
    this.splitOffsets = this.splitOffsets.slice();
    this.children = this.children.slice();
    this.leafStart = this.leafStart.slice();
    this.leafSizes = this.leafSizes.slice();
    this.leafItems = this.leafItems.slice();
    this.roots = this.roots.slice();
    this.store.data = this.store.data.slice();
  }

  /**
   * Back to the state of a new forest with no items and no trees (undoing a first build
   * that did not finish): every array empty, every counter 0.
   */
  clear(): void {
    this.maxNorm = 0;
    this.augExtra = new Float32Array(0);
    this.deleted = new Uint8Array(0);
    this.splitNormals = new Float32Array(0);
    this.splitOffsets = new Float64Array(0);
    this.children = new Int32Array(0);
    this.innerCount = 0;
    this.leafStart = new Int32Array(0);
    this.leafSizes = new Int32Array(0);
    this.leafCap = new Int32Array(0);
    this.leafCount = 0;
    this.leafItems = new Int32Array(0);
    this.leafItemsUsed = 0;
    this.leafItemsWasted = 0;
    this.roots = new Int32Array(0);
  }

  /**
   * Bytes the forest's arrays use for `n` ids (vectors excluded): per id a deleted flag (1)
   * and, for inner product, the augmented component (4); per inner node its normal
   * (4·treeDim), offset (8) and two children (8); per leaf its start, size and capacity
   * (12); the `leafItems` slots handed out (4 each: nTrees × n after a fresh build, plus the
   * room leaves reserved while growing); 4 per root.
   */
  usedBytes(n: number): number {
    const aug = this.treeDim > this.dim ? 4 * n : 0;
    return n + aug + this.innerCount * (4 * this.treeDim + 16) + this.leafCount * 12 + this.leafItemsUsed * 4 + this.roots.length * 4;
  }

  /** Bytes of the forest's own arrays (vectors excluded), spare capacity included. */
  memoryBytes(): number {
    return (
      this.augExtra.byteLength +
      this.deleted.byteLength +
      this.splitNormals.byteLength +
      this.splitOffsets.byteLength +
      this.children.byteLength +
      this.leafStart.byteLength +
      this.leafSizes.byteLength +
      this.leafCap.byteLength +
      this.leafItems.byteLength +
      this.roots.byteLength
    );
  }
}
