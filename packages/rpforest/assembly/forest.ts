/**
 * The forest's whole query in WebAssembly, written in AssemblyScript (TypeScript syntax
 * compiled to wasm by the `assemblyscript` npm compiler; `pnpm --filter @annlab/rpforest
 * build:wasm` rebuilds `src/internal/forest-wasm.generated.ts`): Annoy's `_get_all_nns`
 * (E. Bernhardsson, github.com/spotify/annoy, `src/annoylib.h`) in one call per query.
 *
 * It is the plain-TS `searchForest` (`src/search.ts`, the readable reference) step for step,
 * and the tests hold the two to identical ids, distances and counters:
 * - {@link searchForest}: one priority queue over the nodes of all trees, roots first with
 *   priority +∞ (`queuePush`, `queuePop`: core's `MinHeap` keyed by (−priority, node code));
 * - an inner node's margin ⟨normal, q⟩ + offset (`marginDot`) pushes the side of the query
 *   with `min(priority, m)` and the far side with `min(priority, −m)`;
 * - a leaf's items are collected until `searchK` were seen, each distinct id once (epoch tags),
 *   and scored against the query as they are found, two rows at a time (`l2Pair2` /
 *   `dotPair2`: core's kernels on two rows at once, so twice as many row reads are in flight),
 *   into a bounded max-heap of the k best (`topOffer`: core's `MaxHeap.offer`);
 * - the k best are sorted ascending by (distance, id) in place (`topSortAscending`).
 *
 * Why the answers are identical, not merely close:
 * - Both heaps order by (key, id) with unique ids, so what pops, and the k kept, depend only on
 *   the values pushed, not on heap internals or on the order candidates are scored in (the
 *   TS path scores them in id order after a sort; here they are scored as they are found).
 * - `marginDot` reproduces core's `dot` (`src/metrics.ts`) to the bit: float32 products are
 *   exact in float64, and it sums them in the same four float64 chains (s0…s3, two per f64x2
 *   lane pair) with the same tail and the same final `(s0 + s1) + (s2 + s3)`.
 * - `l2Pair` / `dotPair` are copies of `packages/core/assembly/kernels.ts` (this file is
 *   compiled alone, so it cannot import them), and `l2Pair2` / `dotPair2` run the same
 *   per-row accumulators side by side: the same f32x4 operations in the same order give the
 *   same float32 sums as core's `l2Ids` / `dotIds`, which the TS path calls.
 *
 * Every pointer is a **byte address** in the module's imported memory: the store's
 * `WebAssembly.Memory`, where the rows live and where `src/internal/wasm-forest.ts` hosts the
 * forest's arrays in a region (layout: the `H_*` header words below, offsets from the
 * region's start, so the region may move).
 */

// ---------------------------------------------------------------------------------------------
// Region header: int32 words at the region's start (offsets of arrays from the region's start),
// then four float64 counters written by every search. Keep in step with `wasm-forest.ts`.

/** Number of trees (= roots). */
const H_TREES: usize = 0;
/** Offset of `roots` (int32 × trees). */
const H_ROOTS: usize = 4;
/** Components of a hyperplane normal (dim, or dim + 1 for inner product). */
const H_TREE_DIM: usize = 8;
/** Offset of `splitNormals` (float32 × inner × treeDim). */
const H_NORMALS: usize = 12;
/** Offset of `splitOffsets` (float64 × inner). */
const H_OFFSETS: usize = 16;
/** Offset of `children` (int32 × inner × 2). */
const H_CHILDREN: usize = 20;
/** Offset of `leafStart` (int32 × leaves). */
const H_LEAF_START: usize = 24;
/** Offset of `leafSizes` (int32 × leaves). */
const H_LEAF_SIZES: usize = 28;
/** Offset of `leafItems` (int32 × slots). */
const H_LEAF_ITEMS: usize = 32;
/** Offset of the visited tags (uint32 × ids). */
const H_TAGS: usize = 36;
/** Offset of the node queue's keys (float64 × queue capacity). */
const H_QUEUE_KEYS: usize = 40;
/** Offset of the node queue's codes (int32 × queue capacity). */
const H_QUEUE_CODES: usize = 44;
/** Output: candidates seen, repeats included (float64). */
const H_OUT_SEEN: usize = 64;
/** Output: leaves collected (float64). */
const H_OUT_LEAVES: usize = 72;
/** Output: margins evaluated (float64). */
const H_OUT_MARGINS: usize = 80;
/** Output: distinct candidates scored (float64). */
const H_OUT_UNIQUE: usize = 88;
/** Scratch: the second distance of a two-row kernel (float32). */
const H_TMP: usize = 96;

// ---------------------------------------------------------------------------------------------
// Distances: core's one-pair SIMD loops (`packages/core/assembly/simd-distance.ts`), and a
// two-row variant below that sums each row in the same order.

import { dotPair, hsum, l2Pair } from '../../core/assembly/simd-distance';

/**
 * `l2Pair(q, a)` and `l2Pair(q, b)` at once, each summed exactly as `l2Pair` sums it (its own
 * four f32x4 accumulators, the same tail): two independent rows in flight keep twice as many
 * memory reads outstanding. The first result is returned, the second stored at `out2`.
 */
@inline
function l2Pair2(q: usize, a: usize, b: usize, dim: i32, out2: usize): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let b2 = f32x4.splat(0);
  let b3 = f32x4.splat(0);
  const end16 = q + ((<usize>(dim & ~15)) << 2);
  const end4 = q + ((<usize>(dim & ~3)) << 2);
  const end = q + ((<usize>dim) << 2);
  while (q < end16) {
    let x = v128.load(q);
    let d = f32x4.sub(x, v128.load(a));
    a0 = f32x4.add(a0, f32x4.mul(d, d));
    d = f32x4.sub(x, v128.load(b));
    b0 = f32x4.add(b0, f32x4.mul(d, d));
    x = v128.load(q, 16);
    d = f32x4.sub(x, v128.load(a, 16));
    a1 = f32x4.add(a1, f32x4.mul(d, d));
    d = f32x4.sub(x, v128.load(b, 16));
    b1 = f32x4.add(b1, f32x4.mul(d, d));
    x = v128.load(q, 32);
    d = f32x4.sub(x, v128.load(a, 32));
    a2 = f32x4.add(a2, f32x4.mul(d, d));
    d = f32x4.sub(x, v128.load(b, 32));
    b2 = f32x4.add(b2, f32x4.mul(d, d));
    x = v128.load(q, 48);
    d = f32x4.sub(x, v128.load(a, 48));
    a3 = f32x4.add(a3, f32x4.mul(d, d));
    d = f32x4.sub(x, v128.load(b, 48));
    b3 = f32x4.add(b3, f32x4.mul(d, d));
    q += 64;
    a += 64;
    b += 64;
  }
  while (q < end4) {
    const x = v128.load(q);
    let d = f32x4.sub(x, v128.load(a));
    a0 = f32x4.add(a0, f32x4.mul(d, d));
    d = f32x4.sub(x, v128.load(b));
    b0 = f32x4.add(b0, f32x4.mul(d, d));
    q += 16;
    a += 16;
    b += 16;
  }
  let sa = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  let sb = hsum(f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3)));
  while (q < end) {
    const x = load<f32>(q);
    const da = x - load<f32>(a);
    sa += da * da;
    const db = x - load<f32>(b);
    sb += db * db;
    q += 4;
    a += 4;
    b += 4;
  }
  store<f32>(out2, sb);
  return sa;
}

/** `dotPair(q, a)` and `dotPair(q, b)` at once, each summed exactly as `dotPair` sums it. */
@inline
function dotPair2(q: usize, a: usize, b: usize, dim: i32, out2: usize): f32 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let b2 = f32x4.splat(0);
  let b3 = f32x4.splat(0);
  const end16 = q + ((<usize>(dim & ~15)) << 2);
  const end4 = q + ((<usize>(dim & ~3)) << 2);
  const end = q + ((<usize>dim) << 2);
  while (q < end16) {
    let x = v128.load(q);
    a0 = f32x4.add(a0, f32x4.mul(x, v128.load(a)));
    b0 = f32x4.add(b0, f32x4.mul(x, v128.load(b)));
    x = v128.load(q, 16);
    a1 = f32x4.add(a1, f32x4.mul(x, v128.load(a, 16)));
    b1 = f32x4.add(b1, f32x4.mul(x, v128.load(b, 16)));
    x = v128.load(q, 32);
    a2 = f32x4.add(a2, f32x4.mul(x, v128.load(a, 32)));
    b2 = f32x4.add(b2, f32x4.mul(x, v128.load(b, 32)));
    x = v128.load(q, 48);
    a3 = f32x4.add(a3, f32x4.mul(x, v128.load(a, 48)));
    b3 = f32x4.add(b3, f32x4.mul(x, v128.load(b, 48)));
    q += 64;
    a += 64;
    b += 64;
  }
  while (q < end4) {
    const x = v128.load(q);
    a0 = f32x4.add(a0, f32x4.mul(x, v128.load(a)));
    b0 = f32x4.add(b0, f32x4.mul(x, v128.load(b)));
    q += 16;
    a += 16;
    b += 16;
  }
  let sa = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  let sb = hsum(f32x4.add(f32x4.add(b0, b1), f32x4.add(b2, b3)));
  while (q < end) {
    const x = load<f32>(q);
    sa += x * load<f32>(a);
    sb += x * load<f32>(b);
    q += 4;
    a += 4;
    b += 4;
  }
  store<f32>(out2, sb);
  return sa;
}

// ---------------------------------------------------------------------------------------------
// Margins: core's float64 `dot` (src/metrics.ts), bit for bit.

/**
 * ⟨a, b⟩ over `dim` float32s, in float64 exactly as core's JS `dot` sums it: four chains
 * s0…s3 over components 4i…4i+3 (here s0,s1 in one f64x2 and s2,s3 in another), the tail
 * added to s0, result `(s0 + s1) + (s2 + s3)`. Products of two float32s are exact in float64,
 * so each chain rounds exactly as JS does.
 */
@inline
function marginDot(a: usize, b: usize, dim: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  const end4 = a + ((<usize>(dim & ~3)) << 2);
  const end = a + ((<usize>dim) << 2);
  while (a < end4) {
    const x = v128.load(a);
    const y = v128.load(b);
    s01 = f64x2.add(s01, f64x2.mul(f64x2.promote_low_f32x4(x), f64x2.promote_low_f32x4(y)));
    const xh = v128.shuffle<f32>(x, x, 2, 3, 2, 3);
    const yh = v128.shuffle<f32>(y, y, 2, 3, 2, 3);
    s23 = f64x2.add(s23, f64x2.mul(f64x2.promote_low_f32x4(xh), f64x2.promote_low_f32x4(yh)));
    a += 16;
    b += 16;
  }
  let s0 = f64x2.extract_lane(s01, 0);
  while (a < end) {
    s0 += <f64>load<f32>(a) * <f64>load<f32>(b);
    a += 4;
    b += 4;
  }
  return s0 + f64x2.extract_lane(s01, 1) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
}

// ---------------------------------------------------------------------------------------------
// The node queue: core's MinHeap over (key, code), key = −priority, in two parallel arrays.

@inline
function queuePush(keys: usize, codes: usize, size: i32, key: f64, code: i32): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pk = load<f64>(keys + ((<usize>p) << 3));
    const pc = load<i32>(codes + ((<usize>p) << 2));
    if (pk < key || (pk == key && pc < code)) break;
    store<f64>(keys + ((<usize>i) << 3), pk);
    store<i32>(codes + ((<usize>i) << 2), pc);
    i = p;
  }
  store<f64>(keys + ((<usize>i) << 3), key);
  store<i32>(codes + ((<usize>i) << 2), code);
}

/** Remove the top of a queue of `size` (> 0) items; the caller read it first. */
@inline
function queuePop(keys: usize, codes: usize, size: i32): void {
  const n = size - 1;
  if (n == 0) return;
  const key = load<f64>(keys + ((<usize>n) << 3));
  const code = load<i32>(codes + ((<usize>n) << 2));
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let ck = load<f64>(keys + ((<usize>c) << 3));
    let cc = load<i32>(codes + ((<usize>c) << 2));
    const r = c + 1;
    if (r < n) {
      const rk = load<f64>(keys + ((<usize>r) << 3));
      const rc = load<i32>(codes + ((<usize>r) << 2));
      if (rk < ck || (rk == ck && rc < cc)) {
        c = r;
        ck = rk;
        cc = rc;
      }
    }
    if (ck > key || (ck == key && cc > code)) break;
    store<f64>(keys + ((<usize>i) << 3), ck);
    store<i32>(codes + ((<usize>i) << 2), cc);
    i = c;
  }
  store<f64>(keys + ((<usize>i) << 3), key);
  store<i32>(codes + ((<usize>i) << 2), code);
}

// ---------------------------------------------------------------------------------------------
// The k best: core's MaxHeap over (distance, id), worst on top.

/** Sift (d, id) down from the root of a max-heap of `n` items. */
@inline
function topSiftDown(dist: usize, ids: usize, n: i32, d: f64, id: i32): void {
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    let cd = load<f64>(dist + ((<usize>c) << 3));
    let ci = load<i32>(ids + ((<usize>c) << 2));
    const r = c + 1;
    if (r < n) {
      const rd = load<f64>(dist + ((<usize>r) << 3));
      const ri = load<i32>(ids + ((<usize>r) << 2));
      if (rd > cd || (rd == cd && ri > ci)) {
        c = r;
        cd = rd;
        ci = ri;
      }
    }
    if (cd < d || (cd == d && ci < id)) break;
    store<f64>(dist + ((<usize>i) << 3), cd);
    store<i32>(ids + ((<usize>i) << 2), ci);
    i = c;
  }
  store<f64>(dist + ((<usize>i) << 3), d);
  store<i32>(ids + ((<usize>i) << 2), id);
}

/** Keep the `k` closest: push while fewer are held, else replace the top if (d, id) is closer. Returns the new size. */
@inline
function topOffer(dist: usize, ids: usize, size: i32, k: i32, d: f64, id: i32): i32 {
  if (size < k) {
    let i = size;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pd = load<f64>(dist + ((<usize>p) << 3));
      const pi = load<i32>(ids + ((<usize>p) << 2));
      if (pd > d || (pd == d && pi > id)) break;
      store<f64>(dist + ((<usize>i) << 3), pd);
      store<i32>(ids + ((<usize>i) << 2), pi);
      i = p;
    }
    store<f64>(dist + ((<usize>i) << 3), d);
    store<i32>(ids + ((<usize>i) << 2), id);
    return size + 1;
  }
  const td = load<f64>(dist);
  if (d < td || (d == td && id < load<i32>(ids))) topSiftDown(dist, ids, size, d, id);
  return size;
}

/** Heapsort the max-heap of `n` items in place: ascending by (distance, id). */
function topSortAscending(dist: usize, ids: usize, n: i32): void {
  for (let end = n - 1; end > 0; end--) {
    const d = load<f64>(dist + ((<usize>end) << 3));
    const id = load<i32>(ids + ((<usize>end) << 2));
    store<f64>(dist + ((<usize>end) << 3), load<f64>(dist));
    store<i32>(ids + ((<usize>end) << 2), load<i32>(ids));
    topSiftDown(dist, ids, end, d, id);
  }
}

// ---------------------------------------------------------------------------------------------
// One query.

/**
 * Search the forest hosted at `base` for the query at `q` (`dim` float32s, already normalised
 * for cosine): walk all trees by one priority queue until `searchK` candidates were seen,
 * score each distinct one, and leave the k best at `outDist` (float64 × k: squared L2, or
 * `bias − ⟨q, x⟩` when `isDot`) and `outIds` (int32 × k), ascending by (distance, id).
 * `epoch` marks this query's candidates in the tags (the caller bumps it per query and zeroes
 * the tags when it wraps). Writes the four counters to the header.
 * @returns how many results were written (≤ k).
 */
export function searchForest(
  base: usize,
  q: usize,
  rows: usize,
  dim: i32,
  isDot: i32,
  bias: f64,
  k: i32,
  searchK: f64,
  epoch: u32,
  outDist: usize,
  outIds: usize,
): i32 {
  const trees = load<i32>(base + H_TREES);
  const roots = base + <usize>load<i32>(base + H_ROOTS);
  const normalStride = (<usize>load<i32>(base + H_TREE_DIM)) << 2;
  const normals = base + <usize>load<i32>(base + H_NORMALS);
  const offsets = base + <usize>load<i32>(base + H_OFFSETS);
  const children = base + <usize>load<i32>(base + H_CHILDREN);
  const leafStart = base + <usize>load<i32>(base + H_LEAF_START);
  const leafSizes = base + <usize>load<i32>(base + H_LEAF_SIZES);
  const leafItems = base + <usize>load<i32>(base + H_LEAF_ITEMS);
  const tags = base + <usize>load<i32>(base + H_TAGS);
  const keys = base + <usize>load<i32>(base + H_QUEUE_KEYS);
  const codes = base + <usize>load<i32>(base + H_QUEUE_CODES);
  const rowStride = (<usize>dim) << 2;
  const tmp = base + H_TMP;

  let size = 0;
  for (let t = 0; t < trees; t++) {
    queuePush(keys, codes, size, -Infinity, load<i32>(roots + ((<usize>t) << 2)));
    size++;
  }
  let seen: f64 = 0;
  let leaves = 0;
  let margins = 0;
  let unique = 0;
  let kept = 0;
  let pending = -1;
  while (seen < searchK && size > 0) {
    const priority = -load<f64>(keys);
    const code = load<i32>(codes);
    queuePop(keys, codes, size);
    size--;
    if (code < 0) {
      const leaf = <usize>~code;
      const s = load<i32>(leafStart + (leaf << 2));
      const n = load<i32>(leafSizes + (leaf << 2));
      let item = leafItems + ((<usize>s) << 2);
      const itemEnd = item + ((<usize>n) << 2);
      for (; item < itemEnd; item += 4) {
        const id = load<i32>(item);
        const tag = tags + ((<usize>id) << 2);
        if (load<u32>(tag) == epoch) continue;
        store<u32>(tag, epoch);
        unique++;
        // New ids are scored two at a time (the odd one waits for the next, or for the end).
        if (pending < 0) {
          pending = id;
          continue;
        }
        const rowA = rows + (<usize>pending) * rowStride;
        const rowB = rows + (<usize>id) * rowStride;
        let dA: f64;
        if (isDot) {
          dA = bias - <f64>dotPair2(q, rowA, rowB, dim, tmp);
          kept = topOffer(outDist, outIds, kept, k, dA, pending);
          kept = topOffer(outDist, outIds, kept, k, bias - <f64>load<f32>(tmp), id);
        } else {
          dA = <f64>l2Pair2(q, rowA, rowB, dim, tmp);
          kept = topOffer(outDist, outIds, kept, k, dA, pending);
          kept = topOffer(outDist, outIds, kept, k, <f64>load<f32>(tmp), id);
        }
        pending = -1;
      }
      seen += <f64>n;
      leaves++;
    } else {
      const node = <usize>code;
      const m = marginDot(normals + node * normalStride, q, dim) + load<f64>(offsets + (node << 3));
      margins++;
      queuePush(keys, codes, size, -(priority < m ? priority : m), load<i32>(children + (node << 3) + 4));
      size++;
      queuePush(keys, codes, size, -(priority < -m ? priority : -m), load<i32>(children + (node << 3)));
      size++;
    }
  }
  if (pending >= 0) {
    const row = rows + (<usize>pending) * rowStride;
    const d: f64 = isDot ? bias - <f64>dotPair(q, row, dim) : <f64>l2Pair(q, row, dim);
    kept = topOffer(outDist, outIds, kept, k, d, pending);
  }
  topSortAscending(outDist, outIds, kept);
  store<f64>(base + H_OUT_SEEN, seen);
  store<f64>(base + H_OUT_LEAVES, <f64>leaves);
  store<f64>(base + H_OUT_MARGINS, <f64>margins);
  store<f64>(base + H_OUT_UNIQUE, <f64>unique);
  return kept;
}
