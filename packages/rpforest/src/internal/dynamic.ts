/**
 * Changing a built forest, which Annoy cannot do (annoy #174, #677: `add_item` after `build`
 * is refused): routing new items into every tree, splitting leaves that overflow, removing
 * items, and keeping the flat leaf storage compact.
 *
 * - Insert → {@link insertIntoTree}: route the item down a tree by the same margins a query
 *   uses (an exact 0 margin picks a side by a hash of (id, node), since a zero normal marks
 *   a random-side split), append it to the leaf it reaches.
 * - Overflow → `splitLeaf`: a leaf past `leafSize` becomes an inner node with two leaves,
 *   split with Annoy's own heuristic (`splitRange`, two-means), seeded by (seed, node, id).
 * - Remove → {@link removeItem}: find the item's leaf in every tree first
 *   ({@link findInTree}: route the item's own vector again, searching both children where
 *   the margin is exactly 0), then swap it out of each.
 * - Storage → {@link trimForest} drops growth slack after a build; a leaf that fills up moves
 *   to the end of `leafItems` with room to spare, and {@link maybeCompactLeaves} packs the
 *   leaves again once more than half of the slots are abandoned.
 *
 * Trees grown this way are valid but can be less balanced than a fresh build over all points.
 *
 * @module
 */
import { AnnlabError, Rng, deriveSeed, grownArray, mix32 } from '@annlab/core';
import { splitRange, type SplitScratch } from './build.js';
import type { FlatForest } from './flat-forest.js';

/**
 * Check the argument of `delete` before anything changes: one id or a list of integers, each
 * live (`< idCount`, not flagged in `deleted`) and not repeated.
 * @returns the ids as a list.
 * @throws AnnlabError `INVALID_PARAMETER` for a non-integer; `NOT_FOUND` for an id that is not live.
 */
export function checkDeleteList(ids: number | ArrayLike<number>, idCount: number, deleted: Uint8Array): ArrayLike<number> {
  const list: ArrayLike<number> = typeof ids === 'number' ? [ids] : ids;
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number') {
    throw new AnnlabError('INVALID_PARAMETER', 'delete expects an id or an array of ids.');
  }
  const seen = new Set<number>();
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      throw new AnnlabError('INVALID_PARAMETER', `delete: ids must be integers, got ${String(id)}.`);
    }
    if (id < 0 || id >= idCount || deleted[id] !== 0 || seen.has(id)) {
      throw new AnnlabError(
        'NOT_FOUND',
        `delete: id ${id} is not a live id (ids are 0 … ${idCount - 1}; deleted or repeated ids cannot be deleted again).`,
      );
    }
    seen.add(id);
  }
  return list;
}

/**
 * Insert stored (augmented where needed) id `id` into every tree. After a batch of inserts
 * the caller runs {@link maybeCompactLeaves}, which packs the leaf storage if moves left
 * too many slots abandoned.
 */
export function insertItem(forest: FlatForest, scratch: SplitScratch, seed: number, id: number): void {
  for (let t = 0; t < forest.roots.length; t++) insertIntoTree(forest, scratch, seed, t, id);
}

/**
 * Take live id `id` out of every tree and flag it deleted. Its leaf is found in every tree
 * first ({@link findInTree}), and only then is anything changed, so a failure leaves the
 * forest as it was.
 * @throws AnnlabError `CORRUPT_DATA` when a tree does not hold it (an inconsistent forest).
 */
export function removeItem(forest: FlatForest, scratch: SplitScratch, id: number): void {
  const trees = forest.roots.length;
  if (scratch.leaves.length < trees) scratch.leaves = new Int32Array(trees);
  const leaves = scratch.leaves;
  for (let t = 0; t < trees; t++) {
    const leaf = findInTree(forest, scratch, t, id);
    if (leaf < 0) throw new AnnlabError('CORRUPT_DATA', `internal: id ${id} was not found in tree ${t}; the forest is inconsistent.`);
    leaves[t] = leaf;
  }
  for (let t = 0; t < trees; t++) {
    const leaf = leaves[t];
    const start = forest.leafStart[leaf];
    const size = forest.leafSizes[leaf];
    for (let r = 0; r < size; r++) {
      if (forest.leafItems[start + r] === id) {
        forest.leafItems[start + r] = forest.leafItems[start + size - 1];
        forest.leafSizes[leaf] = size - 1;
        break;
      }
    }
  }
  forest.deleted[id] = 1;
}

/** Route `id` down tree `t` and append it to the leaf it reaches, splitting that leaf if it overflows. */
export function insertIntoTree(forest: FlatForest, scratch: SplitScratch, seed: number, t: number, id: number): void {
  let slot = -1 - t; // where the current code is stored: ≥ 0 a children slot, < 0 roots[−1 − slot]
  let code = forest.roots[t];
  while (code >= 0) {
    const m = forest.margin(code, id);
    const side = m > 0 ? 1 : m < 0 ? 0 : mix32(id, code) & 1;
    slot = 2 * code + side;
    code = forest.children[slot];
  }
  const leaf = ~code;
  appendToLeaf(forest, leaf, id);
  if (forest.leafSizes[leaf] > forest.leafSize) splitLeaf(forest, scratch, seed, leaf, slot, id);
}

function appendToLeaf(forest: FlatForest, leaf: number, id: number): void {
  const size = forest.leafSizes[leaf];
  if (size === forest.leafCap[leaf]) {
    // Full (built leaves are packed): move it to the end with room to reach leafSize + 1.
    const cap = Math.max(forest.leafSize + 1, size + 1);
    const start = forest.leafItemsUsed;
    forest.leafItems = grownArray(forest.leafItems, start + cap);
    forest.leafItems.copyWithin(start, forest.leafStart[leaf], forest.leafStart[leaf] + size);
    forest.leafItemsWasted += forest.leafCap[leaf];
    forest.leafStart[leaf] = start;
    forest.leafCap[leaf] = cap;
    forest.leafItemsUsed = start + cap;
  }
  forest.leafItems[forest.leafStart[leaf] + size] = id;
  forest.leafSizes[leaf] = size + 1;
}

/**
 * Turn an overflowing leaf into an inner node with two leaves (Annoy's split on its items).
 * `slot` says where the leaf's code is stored: ≥ 0 a `children` slot, < 0 `roots[−1 − slot]`.
 */
function splitLeaf(forest: FlatForest, scratch: SplitScratch, seed: number, leaf: number, slot: number, salt: number): void {
  const size = forest.leafSizes[leaf];
  const start = forest.leafStart[leaf];
  const items = forest.leafItems.slice(start, start + size);
  scratch.ensure(size);
  const node = forest.allocInner();
  const rng = new Rng(deriveSeed(seed, node, salt));
  const mid = splitRange(forest, scratch, node, items, 0, size, rng);
  // The old leaf keeps side 0 in place; side 1 moves to a new leaf.
  forest.leafItems.set(items.subarray(0, mid), start);
  forest.leafSizes[leaf] = mid;
  const right = forest.allocLeaf(items, mid, size, Math.max(forest.leafSize + 1, size - mid));
  forest.children[2 * node] = ~leaf;
  forest.children[2 * node + 1] = ~right;
  if (slot >= 0) forest.children[slot] = node;
  else forest.roots[-1 - slot] = node;
}

/**
 * The leaf of tree `t` that holds `id`, or −1. Routes by the same margins as insertion;
 * where a margin is exactly 0 (ties, random-side nodes) both children are searched. When
 * routing misses (a loaded file whose planes no longer send an id to the leaf holding it:
 * checking that on load would cost as much as a rebuild), every leaf of the tree is searched.
 */
export function findInTree(forest: FlatForest, scratch: SplitScratch, t: number, id: number): number {
  const routed = walkTree(forest, scratch, t, id, true);
  return routed >= 0 ? routed : walkTree(forest, scratch, t, id, false);
}

/** Depth-first walk of tree `t` for the leaf holding `id`: along the margins, or through every node. */
function walkTree(forest: FlatForest, scratch: SplitScratch, t: number, id: number, route: boolean): number {
  if (scratch.items.length < 64) scratch.items = new Int32Array(64);
  let st = scratch.items;
  let sp = 0;
  st[sp++] = forest.roots[t];
  while (sp > 0) {
    const code = st[--sp];
    if (code < 0) {
      const leaf = ~code;
      const start = forest.leafStart[leaf];
      const size = forest.leafSizes[leaf];
      for (let r = 0; r < size; r++) if (forest.leafItems[start + r] === id) return leaf;
      continue;
    }
    if (sp + 2 > st.length) {
      st = grownArray(st, sp + 2);
      scratch.items = st;
    }
    const m = route ? forest.margin(code, id) : 0;
    if (m <= 0) st[sp++] = forest.children[2 * code];
    if (m >= 0) st[sp++] = forest.children[2 * code + 1];
  }
  return -1;
}

/** Drop the growth slack of the node and leaf arrays after a build. */
export function trimForest(forest: FlatForest): void {
  forest.splitNormals = forest.splitNormals.slice(0, forest.innerCount * forest.treeDim);
  forest.splitOffsets = forest.splitOffsets.slice(0, forest.innerCount);
  forest.children = forest.children.slice(0, forest.innerCount * 2);
  forest.leafStart = forest.leafStart.slice(0, forest.leafCount);
  forest.leafSizes = forest.leafSizes.slice(0, forest.leafCount);
  forest.leafCap = forest.leafCap.slice(0, forest.leafCount);
  forest.leafItems = forest.leafItems.slice(0, forest.leafItemsUsed);
}

/** Pack the leaves again once more than half of `leafItems`' used slots are abandoned. */
export function maybeCompactLeaves(forest: FlatForest): void {
  if (forest.leafItemsWasted * 2 <= forest.leafItemsUsed) return;
  const { start, items } = forest.packedLeaves();
  forest.leafStart = start;
  forest.leafItems = items;
  forest.leafItemsUsed = items.length;
  forest.leafItemsWasted = 0;
  forest.leafCap = forest.leafSizes.slice(0, forest.leafCount);
}
