/**
 * Trees built apart and appended in order: the unit of work of a parallel forest build.
 *
 * Annoy builds its trees in parallel (`AnnoyIndexMultiThreadedBuildPolicy`, `build(n_trees,
 * n_jobs)`, `src/annoylib.h`): each thread makes whole trees into its own node buffer and
 * the roots are merged at the end. annlab does the same with two steps that are plain
 * functions over typed arrays, so they run unchanged in the calling thread, in a Node worker
 * or in a Web Worker:
 * - {@link buildTreeRange} builds trees `[tStart, tEnd)` over a vector array into a fresh,
 *   private {@link FlatForest} and returns its arrays, trimmed, as a {@link TreeBlock}
 *   (node and leaf numbers local to the block);
 * - {@link appendTreeBlock} appends a block to a forest, shifting its inner-node and leaf
 *   numbers past the ones already there.
 *
 * Why this gives the same bytes for any split of the trees: tree t's generator is seeded by
 * (seed, t) alone (`buildTree`), a tree's inner nodes and leaves are numbered consecutively
 * in the order it creates them, and its leaves take consecutive `leafItems` slots. So the
 * trees built one block at a time and appended in tree order lay out exactly as the trees
 * built one after another into one forest. The same-bytes tests in
 * `test/tree-block.test.ts` check it for several splits.
 *
 * @module
 */
import { VectorStore, grownArray, type ProgressCallback } from '@annlab/core';
import { SplitScratch, buildTree } from './build.js';
import { FlatForest } from './flat-forest.js';

/**
 * The arrays of trees `[tStart, tEnd)` built alone (`buildTreeRange`). Inner-node and
 * leaf numbers are local: inner node 0 and leaf 0 are the block's first.
 */
export interface TreeBlock {
  /** First tree of the block. */
  tStart: number;
  /** One past the block's last tree. */
  tEnd: number;
  /** Inner nodes of the block. */
  innerCount: number;
  /** Leaves of the block. */
  leafCount: number;
  /** Hyperplane normals, length innerCount × treeDim, row-major (inner node, component). */
  splitNormals: Float32Array;
  /** Hyperplane offsets, length innerCount. */
  splitOffsets: Float64Array;
  /** Children, length innerCount × 2, as node codes local to the block (`~leaf` for a leaf). */
  children: Int32Array;
  /** Items per leaf, length leafCount; a fresh leaf reserves exactly its size. */
  leafSizes: Int32Array;
  /** Every leaf's items, packed in leaf order (leaf l starts at the sum of the sizes before it). */
  leafItems: Int32Array;
  /** Root code of each tree, length tEnd − tStart, local to the block. */
  roots: Int32Array;
}

/**
 * Build trees `[tStart, tEnd)` of a forest over the live ids `items`, apart from any other
 * tree (Annoy's `_make_tree` per tree, through `buildTree`).
 *
 * @param data - the stored vectors, row-major `dim` per row (normalised for cosine); only read.
 * @param dim - vector dimension.
 * @param treeDim - hyperplane components: `dim`, or `dim + 1` for inner product.
 * @param leafSize - most items per leaf.
 * @param cosine - whether the vectors are unit length (cosine two-means).
 * @param augExtra - inner product: the augmented component per id (see `computeAugmentation`); else empty.
 * @param seed - the forest's seed; tree t is seeded by (seed, t) alone.
 * @param items - the ids the trees hold, ascending; only read.
 * @param onTree - optional, called after each tree with the trees done so far in this block.
 */
export function buildTreeRange(
  data: Float32Array,
  dim: number,
  treeDim: number,
  leafSize: number,
  cosine: boolean,
  augExtra: Float32Array,
  seed: number,
  tStart: number,
  tEnd: number,
  items: Int32Array,
  onTree: ((done: number) => void) | null = null,
): TreeBlock {
  // A scalar-backend store over the caller's rows, adopted without a copy: the build only
  // reads `store.data` (two-means and margins are plain JavaScript loops).
  const store = new VectorStore(dim, { normalize: cosine, kernels: 'js' });
  store.data = data;
  store.size = Math.floor(data.length / dim);
  const forest = new FlatForest(store, treeDim, leafSize);
  forest.augExtra = augExtra;
  const scratch = new SplitScratch(treeDim);
  const roots = new Int32Array(tEnd - tStart);
  for (let t = tStart; t < tEnd; t++) {
    roots[t - tStart] = buildTree(forest, scratch, seed, t, items);
    if (onTree !== null) onTree(t - tStart + 1);
  }
  return {
    tStart,
    tEnd,
    innerCount: forest.innerCount,
    leafCount: forest.leafCount,
    splitNormals: forest.splitNormals.slice(0, forest.innerCount * treeDim),
    splitOffsets: forest.splitOffsets.slice(0, forest.innerCount),
    children: forest.children.slice(0, forest.innerCount * 2),
    leafSizes: forest.leafSizes.slice(0, forest.leafCount),
    leafItems: forest.leafItems.slice(0, forest.leafItemsUsed),
    roots,
  };
}

/**
 * Build `count` more trees over `items` and append them to `forest` (the first build, or
 * `addTrees` on a built forest), one tree per block: {@link buildTreeRange} then
 * {@link appendTreeBlock}, the very steps a parallel build runs on its workers. Tree t is
 * seeded by (seed, t) alone. `onProgress(done, count)` runs after each tree; when it throws,
 * the trees built so far stay appended (the caller rolls back).
 */
export function buildTrees(
  forest: FlatForest,
  seed: number,
  count: number,
  items: Int32Array,
  onProgress: ProgressCallback | null = null,
): void {
  const have = forest.roots.length;
  const cosine = forest.store.normalize;
  for (let t = have; t < have + count; t++) {
    // Re-read the rows per tree: nothing here grows the store, but a view is never kept across calls.
    const block = buildTreeRange(
      forest.store.data,
      forest.dim,
      forest.treeDim,
      forest.leafSize,
      cosine,
      forest.extra,
      seed,
      t,
      t + 1,
      items,
    );
    appendTreeBlock(forest, block);
    if (onProgress !== null) onProgress(t - have + 1, count);
  }
}

/**
 * Append the trees of `block` to `forest` (after its last tree), shifting the block's node
 * codes past the forest's inner nodes and leaves. Appending the blocks of trees
 * `[0, a), [a, b), …` in that order gives the arrays that building the trees one by one into
 * `forest` gives. The block must be the forest's next trees (`block.tStart` equals the
 * forest's tree count) and built for the forest's `treeDim`.
 */
export function appendTreeBlock(forest: FlatForest, block: TreeBlock): void {
  const treeDim = forest.treeDim;
  if (block.tStart !== forest.roots.length || block.splitNormals.length !== block.innerCount * treeDim) {
    throw new Error(
      `appendTreeBlock: block of trees [${block.tStart}, ${block.tEnd}) does not follow the forest's ${forest.roots.length} trees`,
    );
  }
  const innerBase = forest.innerCount;
  const leafBase = forest.leafCount;
  const itemBase = forest.leafItemsUsed;
  // Room through the forest's own doubling growth, then fill.
  const innerTotal = innerBase + block.innerCount;
  const leafTotal = leafBase + block.leafCount;
  forest.splitNormals = grownArray(forest.splitNormals, innerTotal * treeDim);
  forest.splitOffsets = grownArray(forest.splitOffsets, innerTotal);
  forest.children = grownArray(forest.children, innerTotal * 2);
  forest.leafStart = grownArray(forest.leafStart, leafTotal);
  forest.leafSizes = grownArray(forest.leafSizes, leafTotal);
  forest.leafCap = grownArray(forest.leafCap, leafTotal);
  forest.leafItems = grownArray(forest.leafItems, itemBase + block.leafItems.length);

  forest.splitNormals.set(block.splitNormals, innerBase * treeDim);
  forest.splitOffsets.set(block.splitOffsets, innerBase);
  const children = forest.children;
  const bc = block.children;
  for (let i = 0; i < bc.length; i++) children[innerBase * 2 + i] = shiftCode(bc[i], innerBase, leafBase);
  const leafStart = forest.leafStart;
  const leafSizes = forest.leafSizes;
  const leafCap = forest.leafCap;
  let pos = itemBase;
  for (let l = 0; l < block.leafCount; l++) {
    const size = block.leafSizes[l];
    leafStart[leafBase + l] = pos;
    leafSizes[leafBase + l] = size;
    leafCap[leafBase + l] = size;
    pos += size;
  }
  forest.leafItems.set(block.leafItems, itemBase);
  forest.innerCount = innerTotal;
  forest.leafCount = leafTotal;
  forest.leafItemsUsed = pos;

  const roots = new Int32Array(forest.roots.length + block.roots.length);
  roots.set(forest.roots);
  for (let t = 0; t < block.roots.length; t++) roots[forest.roots.length + t] = shiftCode(block.roots[t], innerBase, leafBase);
  forest.roots = roots;
}

/** A node code of a block moved past `innerBase` inner nodes and `leafBase` leaves. */
function shiftCode(code: number, innerBase: number, leafBase: number): number {
  return code >= 0 ? code + innerBase : ~(~code + leafBase);
}
