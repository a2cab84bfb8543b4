/**
 * Read-only inspection of one tree of a forest: its hyperplanes, children and leaves as
 * copies, numbered within the tree, for pictures and teaching (`annlab explain` draws the
 * split lines from them). Annoy has no counterpart; pynndescent's `FlatTree` exposes the
 * same arrays for one tree (`hyperplanes`, `offsets`, `children`, `indices`).
 *
 * @module
 */
import type { FlatForest } from './internal/flat-forest.js';

/** One tree of a forest, see {@link RpForestIndex.treeStructure}. All arrays are copies. */
export interface RpForestTree {
  /** The tree's root: 0 (its first inner node) or `~0` (a tree that is a single leaf). */
  readonly root: number;
  /** Components of each normal: `dim`, or `dim + 1` for inner product. */
  readonly treeDim: number;
  /** Hyperplane normals, innerNodes × treeDim, row-major; inner nodes in depth-first preorder (side 0 first). */
  readonly splitNormals: Float32Array;
  /** Hyperplane offsets, length innerNodes: margin = ⟨normal, x⟩ + offset (0 for cosine). */
  readonly splitOffsets: Float64Array;
  /**
   * Children, innerNodes × 2: `[2i]` the margin ≤ 0 side, `[2i + 1]` the margin > 0 side; a
   * value ≥ 0 is an inner node of this tree, a negative value `~j` its leaf j.
   */
  readonly children: Int32Array;
  /** For each leaf j of this tree (in depth-first order), the forest's leaf index, as `explain()` reports it. */
  readonly leafIds: Int32Array;
  /** Leaf j holds `leafItems[leafOffsets[j], leafOffsets[j + 1])`; length leaves + 1. */
  readonly leafOffsets: Int32Array;
  /** The item ids of every leaf, leaf after leaf. */
  readonly leafItems: Int32Array;
}

/** Copy tree `t` of `forest` (a valid tree index) into an {@link RpForestTree}. */
export function treeStructureOf(forest: FlatForest, t: number): RpForestTree {
  const treeDim = forest.treeDim;
  // Number the tree's inner nodes and leaves in depth-first preorder, side 0 first.
  const innerIds: number[] = [];
  const leafIds: number[] = [];
  const stack: number[] = [forest.roots[t]];
  while (stack.length > 0) {
    const code = stack.pop() as number;
    if (code < 0) {
      leafIds.push(~code);
    } else {
      innerIds.push(code);
      stack.push(forest.children[2 * code + 1], forest.children[2 * code]);
    }
  }
  const innerLocal = new Map<number, number>();
  for (let i = 0; i < innerIds.length; i++) innerLocal.set(innerIds[i], i);
  const leafLocal = new Map<number, number>();
  for (let j = 0; j < leafIds.length; j++) leafLocal.set(leafIds[j], j);
  const local = (code: number): number => (code < 0 ? ~(leafLocal.get(~code) as number) : (innerLocal.get(code) as number));

  const splitNormals = new Float32Array(innerIds.length * treeDim);
  const splitOffsets = new Float64Array(innerIds.length);
  const children = new Int32Array(innerIds.length * 2);
  for (let i = 0; i < innerIds.length; i++) {
    const node = innerIds[i];
    splitNormals.set(forest.splitNormals.subarray(node * treeDim, (node + 1) * treeDim), i * treeDim);
    splitOffsets[i] = forest.splitOffsets[node];
    children[2 * i] = local(forest.children[2 * node]);
    children[2 * i + 1] = local(forest.children[2 * node + 1]);
  }
  const leafOffsets = new Int32Array(leafIds.length + 1);
  for (let j = 0; j < leafIds.length; j++) leafOffsets[j + 1] = leafOffsets[j] + forest.leafSizes[leafIds[j]];
  const leafItems = new Int32Array(leafOffsets[leafIds.length]);
  for (let j = 0; j < leafIds.length; j++) {
    const s = forest.leafStart[leafIds[j]];
    leafItems.set(forest.leafItems.subarray(s, s + forest.leafSizes[leafIds[j]]), leafOffsets[j]);
  }
  return {
    root: local(forest.roots[t]),
    treeDim,
    splitNormals,
    splitOffsets,
    children,
    leafIds: Int32Array.from(leafIds),
    leafOffsets,
    leafItems,
  };
}
