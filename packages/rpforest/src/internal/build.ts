/**
 * Building trees: Annoy's `_make_tree` over the flat arrays of {@link FlatForest}.
 *
 * Citation: Annoy (E. Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`,
 * `_make_tree`); the split itself is `two-means.ts` (`two_means`, `create_split`, `margin`).
 *
 * Map from Annoy to code:
 * - `_make_tree(indices)`: a node of at most K items becomes a leaf, else it is split and
 *   both sides recurse → {@link makeNode};
 * - up to 3 split attempts, stopping once the larger side holds < 95 %; random sides while
 *   it still holds > 99 % → {@link splitRange};
 * - `build(n_trees)`: one tree per seeded generator → {@link buildTree}, {@link buildTreesInPlace}; the trees of a build,
 *   one block at a time and in parallel → `tree-block.ts` (`buildTrees`, `buildTreeRange`);
 * - the inner-product augmentation (below) → {@link computeAugmentation}.
 *
 * **Inner product** ({@link computeAugmentation}). Hyperplane trees need a metric, and
 * −⟨q, x⟩ is not one. The forest uses the augmentation of Bachrach et al. ("Speeding up the Xbox recommender system using a
 * Euclidean transformation for inner-product spaces", RecSys 2014): with M the largest
 * stored norm, each stored x becomes x̃ = (x, √(M² − ‖x‖²)) and a query q becomes q̃ = (q, 0).
 * Then ‖q̃ − x̃‖² = ‖q‖² + M² − 2⟨q, x⟩, and since ‖q‖² + M² is the same for every x, the
 * Euclidean nearest x̃ is exactly the largest inner product. The trees split the augmented
 * vectors with Euclidean two-means; the extra component is kept per item in `augExtra`, and
 * candidates are re-ranked with the true −⟨q, x⟩. M is fixed when the forest is first built;
 * a vector added later with a larger norm gets an extra component of 0 (clamped). It is still
 * found when its leaf is visited, but the trees' geometry fits it less well.
 *
 * Annoy recurses into the smaller child first to bound its stack; here children are built
 * side 0 then side 1, which fixes the node numbering that seeded files depend on.
 *
 * @module
 */
import { Rng, deriveSeed, dot, grownArray, partitionBySide } from '@annlab/core';
import { createSplitInto, marginOf, twoMeans } from '../two-means.js';
import type { FlatForest } from './flat-forest.js';

/** Annoy's `_make_tree`: split attempts before accepting an imbalanced split. */
const SPLIT_ATTEMPTS = 3;
/** Stop retrying once the larger side holds less than this fraction. */
const IMBALANCE_ACCEPT = 0.95;
/** Beyond this fraction even after all attempts, assign sides at random. */
const IMBALANCE_RANDOM = 0.99;

/** The larger side's fraction of a split of `n` items with `n1` on side 1. */
function imbalance(n1: number, n: number): number {
  const f = n1 / n;
  return f > 0.5 ? f : 1 - f;
}

/** Reused buffers of the split step (two-means centroids, sides, partition). */
export class SplitScratch {
  /** Two-means centroid p (treeDim). */
  readonly centroidP: Float64Array;
  /** Two-means centroid q (treeDim). */
  readonly centroidQ: Float64Array;
  /** Side (0/1) of each item of the range being split. */
  sides: Uint8Array;
  /** Partition buffer; also the explicit stack of `findInTree`. */
  items: Int32Array;
  /** The leaf holding the id being deleted, per tree (`removeItem`). */
  leaves: Int32Array;

  constructor(treeDim: number) {
    this.centroidP = new Float64Array(treeDim);
    this.centroidQ = new Float64Array(treeDim);
    this.sides = new Uint8Array(0);
    this.items = new Int32Array(0);
    this.leaves = new Int32Array(0);
  }

  /** Room for a split of `n` items. */
  ensure(n: number): void {
    if (this.sides.length < n) this.sides = new Uint8Array(n);
    if (this.items.length < n) this.items = new Int32Array(n);
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.centroidP.byteLength + this.centroidQ.byteLength + this.sides.byteLength + this.items.byteLength + this.leaves.byteLength;
  }
}

/**
 * Inner product: the augmented component √(M² − ‖x‖²) for ids [from, to). With `setMax`
 * M becomes the largest norm among them (the first build); later ids are clamped to 0.
 */
export function computeAugmentation(forest: FlatForest, from: number, to: number, setMax: boolean): void {
  const dim = forest.dim;
  const data = forest.store.data;
  forest.augExtra = grownArray(forest.augExtra, to);
  if (setMax) {
    let max2 = 0;
    for (let id = from; id < to; id++) {
      const s = dot(data, id * dim, data, id * dim, dim);
      if (s > max2) max2 = s;
    }
    forest.maxNorm = Math.sqrt(max2);
  }
  const m2 = forest.maxNorm * forest.maxNorm;
  for (let id = from; id < to; id++) {
    const r = m2 - dot(data, id * dim, data, id * dim, dim);
    forest.augExtra[id] = r > 0 ? Math.sqrt(r) : 0;
  }
}

/**
 * Build tree `t` over a copy of `items` (Annoy's `build`, one tree); returns its root code.
 * Tree t's generator is seeded by (seed, t) alone, so adding trees later builds the same
 * trees as building them all at once.
 */
export function buildTree(forest: FlatForest, scratch: SplitScratch, seed: number, t: number, items: Int32Array): number {
  const work = items.slice();
  scratch.ensure(work.length);
  const rng = new Rng(deriveSeed(seed, 0x7ee5, t));
  return makeNode(forest, scratch, work, 0, work.length, rng);
}

/**
 * The reference build of `count` more trees over `items`, straight into `forest` one tree
 * after another (tree t seeded by (seed, t) alone), appending their roots. The index builds
 * through `buildTrees` in `tree-block.ts`, one block at a time; the tests check that both
 * give the same arrays.
 */
export function buildTreesInPlace(forest: FlatForest, scratch: SplitScratch, seed: number, count: number, items: Int32Array): void {
  const have = forest.roots.length;
  const roots = new Int32Array(have + count);
  roots.set(forest.roots);
  for (let t = have; t < roots.length; t++) roots[t] = buildTree(forest, scratch, seed, t, items);
  forest.roots = roots;
}

/** Annoy's `_make_tree` over `items[lo .. hi)` (partitioned in place); returns a node code. */
export function makeNode(forest: FlatForest, scratch: SplitScratch, items: Int32Array, lo: number, hi: number, rng: Rng): number {
  if (hi - lo <= forest.leafSize) return ~forest.allocLeaf(items, lo, hi, hi - lo);
  const node = forest.allocInner();
  const mid = splitRange(forest, scratch, node, items, lo, hi, rng);
  const c0 = makeNode(forest, scratch, items, lo, mid, rng);
  const c1 = makeNode(forest, scratch, items, mid, hi, rng);
  forest.children[2 * node] = c0;
  forest.children[2 * node + 1] = c1;
  return node;
}

/**
 * Choose inner node `node`'s hyperplane for `items[lo .. hi)` (at least 2 items) and
 * partition them stably: side 0 to `[lo, mid)`, side 1 to `[mid, hi)`. Returns `mid`,
 * strictly inside (lo, hi). `scratch` must hold `hi − lo` items ({@link SplitScratch.ensure}).
 */
export function splitRange(
  forest: FlatForest,
  scratch: SplitScratch,
  node: number,
  items: Int32Array,
  lo: number,
  hi: number,
  rng: Rng,
): number {
  const n = hi - lo;
  const dim = forest.dim;
  const treeDim = forest.treeDim;
  const cosine = forest.store.normalize; // the store normalises exactly for cosine
  const data = forest.store.data;
  const extra = forest.extra;
  const sides = scratch.sides;
  const nOff = node * treeDim;
  let n1 = 0;
  for (let attempt = 0; attempt < SPLIT_ATTEMPTS; attempt++) {
    twoMeans(data, dim, extra, items, lo, hi, rng, cosine, scratch.centroidP, scratch.centroidQ);
    const offset = createSplitInto(scratch.centroidP, scratch.centroidQ, treeDim, cosine, forest.splitNormals, nOff);
    forest.splitOffsets[node] = offset;
    n1 = 0;
    const normals = forest.splitNormals;
    for (let i = 0; i < n; i++) {
      const m = marginOf(normals, nOff, offset, data, dim, extra, items[lo + i]);
      const side = m > 0 ? 1 : m < 0 ? 0 : rng.nextFloat() < 0.5 ? 1 : 0;
      sides[i] = side;
      n1 += side;
    }
    if (imbalance(n1, n) < IMBALANCE_ACCEPT) break;
  }
  if (imbalance(n1, n) > IMBALANCE_RANDOM) {
    // Annoy's last resort: random sides. A zero normal makes every later margin 0, so
    // insertion hashes the side, deletion searches both, and queries explore both.
    forest.splitNormals.fill(0, nOff, nOff + treeDim);
    forest.splitOffsets[node] = 0;
    do {
      n1 = 0;
      for (let i = 0; i < n; i++) {
        const side = rng.nextFloat() < 0.5 ? 1 : 0;
        sides[i] = side;
        n1 += side;
      }
    } while (imbalance(n1, n) > IMBALANCE_RANDOM);
  }
  // Stable partition through the scratch buffer.
  return partitionBySide(items, lo, n, sides, n1, scratch.items);
}
