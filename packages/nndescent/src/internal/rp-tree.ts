/**
 * Random-projection trees over the index's own vectors, in pynndescent's `FlatTree` layout
 * (`rp_trees.py`: hyperplanes, offsets, children, indices). pynndescent uses them twice,
 * and so does this package:
 *
 * 1. **Initialisation.** Every leaf of `nTrees` trees is a small group of mutually close
 *    points; all pairs inside a leaf are candidate edges of the starting k-NN graph
 *    (`init_rp_tree`), see `nn-descent.ts`.
 * 2. **Search seeds.** The first tree is kept; a query descends it to one leaf, whose points
 *    seed the graph search (`search_closure`'s "Init from Tree").
 *
 * The split of each node is pynndescent's (`euclidean_random_projection_split`,
 * `angular_random_projection_split`): the hyperplane halfway between two random points of
 * the node (through the origin for cosine), built and evaluated with `@annlab/rpforest`'s
 * `createSplitInto` (the margins ⟨normal, x⟩ + offset are measured in one batch per node
 * through an inner-product `DistanceComputer`, so the SIMD kernels do the work); if every
 * point lands on one side, sides are drawn at random. These trees only propose candidates, so the cheap split is enough (the rpforest
 * package's Annoy two-means split costs 200 refinement steps per node, and with a few dozen
 * trees it would dominate the build). Inner product splits the raw vectors with Euclidean
 * planes: NN-Descent measures every candidate with the true −⟨x, y⟩.
 *
 * @module
 */
import { grownArray, partitionBySide, type DistanceComputer, type Rng } from '@annlab/core';
import { createSplitInto } from '@annlab/rpforest';

/** One random-projection tree as flat arrays (pynndescent's `FlatTree`). */
export class FlatTree {
  /** Components per hyperplane (= dim). */
  readonly dim: number;
  /** Hyperplane normals, `innerCount × dim`, row-major (inner node, component). */
  normals: Float32Array;
  /** Hyperplane offsets, length innerCount: margin = ⟨normal, x⟩ + offset. */
  offsets: Float64Array;
  /**
   * Children, `innerCount × 2`: `children[2i]` for margin ≤ 0, `children[2i + 1]` for
   * margin > 0. A value ≥ 0 is an inner node; a negative value `~leaf` is a leaf.
   */
  children: Int32Array;
  /** Inner nodes. */
  innerCount: number;
  /** Start of each leaf's points in `indices`, length leafCount. */
  leafStart: Int32Array;
  /** Points in each leaf, length leafCount. */
  leafSizes: Int32Array;
  /** Leaves. */
  leafCount: number;
  /** Every point once, leaves as contiguous ranges (depth-first order), length n. */
  indices: Int32Array;
  /** Root code (≥ 0 inner, `~leaf` for a one-leaf tree); meaningful only when `leafCount > 0`. */
  root: number;

  constructor(dim: number) {
    this.dim = dim;
    this.normals = new Float32Array(0);
    this.offsets = new Float64Array(0);
    this.children = new Int32Array(0);
    this.innerCount = 0;
    this.leafStart = new Int32Array(0);
    this.leafSizes = new Int32Array(0);
    this.leafCount = 0;
    this.indices = new Int32Array(0);
    this.root = -1;
  }

  /** The leaf a vector falls into: descend by the sign of each margin (≤ 0 → child 0). */
  leafOf(q: Float32Array, qOff: number): number {
    let code = this.root;
    const dim = this.dim;
    const normals = this.normals;
    const offsets = this.offsets;
    const children = this.children;
    while (code >= 0) {
      let m = offsets[code];
      const nOff = code * dim;
      for (let z = 0; z < dim; z++) m += normals[nOff + z] * q[qOff + z];
      code = children[2 * code + (m > 0 ? 1 : 0)];
    }
    return ~code;
  }

  /** Drop growth slack so `memoryBytes` and files hold exactly what is used. */
  trim(): void {
    this.normals = this.normals.slice(0, this.innerCount * this.dim);
    this.offsets = this.offsets.slice(0, this.innerCount);
    this.children = this.children.slice(0, 2 * this.innerCount);
    this.leafStart = this.leafStart.slice(0, this.leafCount);
    this.leafSizes = this.leafSizes.slice(0, this.leafCount);
  }

  /** Bytes held. */
  memoryBytes(): number {
    return (
      this.normals.byteLength +
      this.offsets.byteLength +
      this.children.byteLength +
      this.leafStart.byteLength +
      this.leafSizes.byteLength +
      this.indices.byteLength
    );
  }
}

/** Reused buffers of the split step. */
class SplitScratch {
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly sides: Uint8Array;
  readonly tmp: Int32Array;
  readonly margins: Float64Array;
  /** Inner-product computer over the rows: distance = −⟨query, x⟩. */
  readonly ip: DistanceComputer;
  constructor(dim: number, n: number, ip: DistanceComputer) {
    this.p = new Float64Array(dim);
    this.q = new Float64Array(dim);
    this.sides = new Uint8Array(n);
    this.tmp = new Int32Array(n);
    this.margins = new Float64Array(n);
    this.ip = ip;
  }
}

/**
 * Build one tree over the first `n` rows of `ip.store` (`dim` per row), leaves of at most
 * `leafSize` points. `cosine`: rows are unit vectors and planes pass through the origin.
 * `ip` is an inner-product `DistanceComputer` over the rows (it measures the margins).
 */
export function buildTree(dim: number, n: number, leafSize: number, cosine: boolean, rng: Rng, ip: DistanceComputer): FlatTree {
  const tree = new FlatTree(dim);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[i] = i;
  tree.indices = items;
  if (n === 0) return tree;
  const scratch = new SplitScratch(dim, n, ip);
  tree.root = makeNode(tree, items, 0, n, leafSize, cosine, rng, scratch);
  tree.trim();
  return tree;
}

/** Annoy's `_make_tree` over `items[lo .. hi)` (partitioned in place); returns a node code. */
function makeNode(
  tree: FlatTree,
  items: Int32Array,
  lo: number,
  hi: number,
  leafSize: number,
  cosine: boolean,
  rng: Rng,
  scratch: SplitScratch,
): number {
  if (hi - lo <= leafSize) {
    const leaf = tree.leafCount++;
    tree.leafStart = grownArray(tree.leafStart, leaf + 1, 64);
    tree.leafSizes = grownArray(tree.leafSizes, leaf + 1, 64);
    tree.leafStart[leaf] = lo;
    tree.leafSizes[leaf] = hi - lo;
    return ~leaf;
  }
  const node = tree.innerCount++;
  const dim = tree.dim;
  tree.normals = grownArray(tree.normals, (node + 1) * dim, 64);
  tree.offsets = grownArray(tree.offsets, node + 1, 64);
  tree.children = grownArray(tree.children, 2 * node + 2, 64);
  const mid = splitRange(tree, node, items, lo, hi, cosine, rng, scratch);
  const c0 = makeNode(tree, items, lo, mid, leafSize, cosine, rng, scratch);
  const c1 = makeNode(tree, items, mid, hi, leafSize, cosine, rng, scratch);
  tree.children[2 * node] = c0;
  tree.children[2 * node + 1] = c1;
  return node;
}

/**
 * Choose node `node`'s plane for `items[lo .. hi)` (pynndescent's random-projection split:
 * the plane halfway between two distinct random points) and partition stably; returns the
 * split point, strictly inside (lo, hi).
 */
function splitRange(
  tree: FlatTree,
  node: number,
  items: Int32Array,
  lo: number,
  hi: number,
  cosine: boolean,
  rng: Rng,
  s: SplitScratch,
): number {
  const n = hi - lo;
  const dim = tree.dim;
  const nOff = node * dim;
  const sides = s.sides;
  // Re-read the rows per node: a kernel call may grow WebAssembly memory and detach old views.
  const data = s.ip.store.data;
  const a = rng.nextInt(n);
  let b = rng.nextInt(n - 1);
  if (b >= a) b++;
  const pa = items[lo + a] * dim;
  const pb = items[lo + b] * dim;
  for (let z = 0; z < dim; z++) {
    s.p[z] = data[pa + z];
    s.q[z] = data[pb + z];
  }
  const offset = createSplitInto(s.p, s.q, dim, cosine, tree.normals, nOff);
  tree.offsets[node] = offset;
  // margin = ⟨normal, x⟩ + offset = offset − (−⟨normal, x⟩), one batch through the kernels.
  const margins = s.margins;
  s.ip.setQuery(tree.normals, nOff);
  s.ip.distancesToIds(items, lo, n, margins, 0);
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const m = offset - margins[i];
    const side = m > 0 ? 1 : m < 0 ? 0 : rng.nextFloat() < 0.5 ? 1 : 0;
    sides[i] = side;
    n1 += side;
  }
  if (n1 === 0 || n1 === n) {
    // pynndescent's fallback (duplicates, degenerate data): random sides and an all-zero
    // plane, so a query's margin there is 0 and it descends to child 0.
    tree.normals.fill(0, nOff, nOff + dim);
    tree.offsets[node] = 0;
    do {
      n1 = 0;
      for (let i = 0; i < n; i++) {
        const side = rng.nextFloat() < 0.5 ? 1 : 0;
        sides[i] = side;
        n1 += side;
      }
    } while (n1 === 0 || n1 === n);
  }
  return partitionBySide(items, lo, n, sides, n1, s.tmp);
}
