/**
 * Exact batch search as a blocked matrix product: FAISS's `exhaustive_L2sqr_blas`
 * (`faiss/utils/distances.cpp`), with an exact re-ranking step FAISS does not have, so the
 * answer equals the one-query scan's bit for bit.
 *
 * **Idea.** ‖q − x‖² = ‖q‖² + ‖x‖² − 2⟨q, x⟩. The row norms ‖x‖² are computed once at add
 * time ({@link FlatIndex}'s `norms`), the query norms once per batch, and the inner products
 * of a block of queries with a block of rows form a matrix product, which runs at several
 * times the speed of one-pair distance kernels because every loaded value is reused from a
 * register (`assembly/gemm.ts`). Cosine and inner product need only the products
 * (`bias − ⟨q, x⟩` on normalised rows for cosine).
 *
 * **Why not use the expansion as the answer.** It cancels catastrophically when ‖q‖² and ‖x‖²
 * are large against ‖q − x‖² (Annoy issue #314; annlab's STYLE B3): far from the origin, or
 * between near-duplicates, it can misorder neighbours and return distances that are off in
 * every digit. So here it only *chooses candidates*, and with a proven error bound:
 *
 * 1. `scanBlock`: for every query, keep the k′ = k + max(k, {@link CANDIDATE_MARGIN}) rows
 *    with the smallest *lower bound* key(x) = expansion(x) − δ·(‖q‖² + ‖x‖²) − η, in a
 *    bounded max-heap (FAISS's `heap_replace_top` over a tile of products).
 * 2. `finishQuery`: recompute the candidates' exact distances with the kernels the one-query
 *    path uses (`DistanceComputer.distancesToIds`: same kernel, same summation order, same
 *    float), take the exact top k by (distance, id), and
 * 3. certify it: let W be the k′-th key (every row left out has key ≥ W) and D the k-th exact
 *    distance. If D < W, no row left out can be as close as D, so the answer is exact,
 *    including its tie order. Otherwise (rare: large common offsets, heavy duplication) the
 *    query is answered again by the one-query scan, and counted in `rescans`.
 *
 * **The bound.** With u = 2⁻²⁴ (float32 unit roundoff) and d = dim, a float32 dot product
 * of d terms errs by at most γ_d·Σ|q_i·x_i| ≤ d·u·(‖q‖² + ‖x‖²)/2 (Higham, *Accuracy and
 * Stability of Numerical Algorithms*, §3.1, and 2|⟨q,x⟩| ≤ ‖q‖² + ‖x‖²), whatever the
 * summation order. The exact L2 kernel errs by at most (d + 2)·u·‖q − x‖² ≤ 2(d + 2)·u·(‖q‖² +
 * ‖x‖²). Norms and keys are float64 (their error is below 10⁻¹³ of the same scale). So
 * |expansion − reported| ≤ (3d + 4)·u·(‖q‖² + ‖x‖²), and δ = 4(d + 4)·u covers it with
 * room; for inner product and cosine both terms are dot products and the same δ covers them.
 * η = 8(d + 4)·2⁻¹⁴⁹ covers results in float32's subnormal range, where the error is absolute.
 * Norms above {@link NORM_LIMIT} could overflow float32 sums, and take the one-query scan.
 *
 * **Tiles** (sizes for a core with 32 KiB L1d and ≥ 512 KiB L2, as Zen 4 and recent Intel
 * cores have): a group of 4 queries, interleaved, is `4·dim` floats (12.5 KiB at dim 784) and
 * stays in L1 while it streams over a row block of {@link ROW_BLOCK_BYTES} (256 KiB, in L2);
 * {@link QUERY_BLOCK} = 64 queries (196 KiB packed at dim 784) share each row block, so a row
 * block is brought from memory once per 64 queries and from L2 once per 4. The products of
 * one block pair (64 × up to 1024 float32) are consumed by the heaps before the next.
 *
 * Paper-to-code map: FAISS `exhaustive_L2sqr_blas` blocks `bs_x`/`bs_y` → {@link QUERY_BLOCK}
 * / row blocks in `searchBlas`; `sgemm` → `ipTile4`; `ip_line` + norms → the key loop in
 * `scanBlock`; the candidate re-ranking and certificate are annlab's (FAISS's `IndexRefine`
 * re-ranks, but without a bound).
 *
 * @module
 */
import {
  MaxHeap,
  drainToRow,
  normalizeInPlace,
  type DistanceComputer,
  type MetricPolicy,
  type VectorStore,
  type WasmRows,
} from '@annlab/core';
import { gemmKernelsFor, packQueryGroup } from './gemm-kernels.js';

/** Queries per block: their heaps and packed copies stay in cache while the rows stream by. */
export const QUERY_BLOCK = 64;
/** Target bytes of stored rows per row block (fits L2 beside the packed query block). */
export const ROW_BLOCK_BYTES: number = 256 * 1024;
/** Most rows per row block (small dims): keeps the 64 × rows product tile within 256 KiB. */
export const ROW_BLOCK_MAX = 1024;
/** Candidates kept beyond k, at least: k′ = k + max(k, CANDIDATE_MARGIN). */
export const CANDIDATE_MARGIN = 16;
/** Largest ‖q‖² + ‖x‖² the float32 products are trusted with (float32 overflows at 3.4e38). */
export const NORM_LIMIT = 1e36;

/** What the batch path needs from its index: the one-query scan, for queries it cannot certify. */
export interface RescanHost {
  /** The index's exact one-query search (see `FlatIndex.searchInto`). */
  searchInto(query: Float32Array, qOff: number, k: number, outIds: Int32Array, outDist: Float32Array, outOff: number): void;
}

/** Scratch of one batch call, sized once (no allocation per candidate or per block). */
class BatchScratch {
  /** The query block, normalised for cosine: `QUERY_BLOCK × dim`. */
  readonly qbuf: Float32Array;
  /** ‖q‖² per query of the block (float64 sums of the float32 values searched). */
  readonly qnorm: Float64Array;
  /** Per-query constant of the key: `A_i` in key = A_i + B_r − s·⟨q_i, x_r⟩. */
  readonly qa: Float64Array;
  /** Per-row term of the key for the current row block: `B_r`. */
  readonly rb: Float64Array;
  /** Current admission threshold per query (the heap's top once full). */
  readonly worst: Float64Array;
  /** Candidate heaps (capacity k′), one per query of the block. */
  readonly heaps: MaxHeap[];
  /** Exact distances of one query's candidates. */
  readonly exact: Float64Array;
  /** The exact top k of one query. */
  readonly top: MaxHeap;

  constructor(dim: number, rowBlock: number, kp: number, k: number) {
    this.qbuf = new Float32Array(QUERY_BLOCK * dim);
    this.qnorm = new Float64Array(QUERY_BLOCK);
    this.qa = new Float64Array(QUERY_BLOCK);
    this.rb = new Float64Array(rowBlock);
    this.worst = new Float64Array(QUERY_BLOCK);
    this.heaps = [];
    for (let i = 0; i < QUERY_BLOCK; i++) this.heaps.push(new MaxHeap(kp));
    this.exact = new Float64Array(kp);
    this.top = new MaxHeap(k);
  }
}

/** Rows per row block for `dim`: even, about {@link ROW_BLOCK_BYTES}, at most {@link ROW_BLOCK_MAX}. */
export function rowBlockFor(dim: number): number {
  return Math.max(2, Math.min(ROW_BLOCK_MAX, Math.floor(ROW_BLOCK_BYTES / (4 * dim))) & ~1);
}

/** Candidates kept per query for a top-k: k′ = k + max(k, {@link CANDIDATE_MARGIN}). */
export function candidatesFor(k: number): number {
  return k + Math.max(k, CANDIDATE_MARGIN);
}

/** Scratch bytes one call needs in the store's memory: packed query block + product tile. */
function scratchBytes(dim: number, rowBlock: number): number {
  return QUERY_BLOCK * ((dim + 3) >> 2) * 16 + QUERY_BLOCK * rowBlock * 4;
}

/**
 * Exact batch search by norm expansion + certified re-ranking (see the module comment).
 * Writes row-major `nq × k` results at `outIds`/`outDist` (ascending, ties by smaller id,
 * padded), equal to calling `host.searchInto` per query.
 *
 * @param norms - ‖x‖² per stored row (float64), length ≥ `store.size`.
 * @param maxNorm - the largest of them.
 * @returns the number of queries re-answered by the one-query scan, or −1 when the path
 *   cannot run (no SIMD store, scratch refused, norms past {@link NORM_LIMIT}); nothing is
 *   written then and the caller takes its reference path.
 */
export function searchBlas(
  store: VectorStore,
  policy: MetricPolicy,
  dc: DistanceComputer,
  norms: Float64Array,
  maxNorm: number,
  host: RescanHost,
  queries: Float32Array,
  nq: number,
  k: number,
  outIds: Int32Array,
  outDist: Float32Array,
): number {
  const w = store.wasm;
  const dim = store.dim;
  const n = store.size;
  if (w === null || !(maxNorm < NORM_LIMIT)) return -1;
  const rowBlock = Math.min(rowBlockFor(dim), n + (n & 1));
  if (!w.ensureScratch(scratchBytes(dim, rowBlock))) return -1;
  const kp = candidatesFor(k);
  const s = new BatchScratch(dim, rowBlock, kp, k);
  const u = 2 ** -24;
  const delta = 4 * (dim + 4) * u;
  const eta = 8 * (dim + 4) * 2 ** -149;
  let rescans = 0;
  for (let q0 = 0; q0 < nq; q0 += QUERY_BLOCK) {
    const qb = Math.min(QUERY_BLOCK, nq - q0);
    // Re-read the memory views: the previous block's re-ranking may have grown the memory.
    w.ensureScratch(scratchBytes(dim, rowBlock));
    prepareBlock(s, w, policy, queries, q0, qb, dim, delta, eta);
    for (let start = 0; start < n; start += rowBlock) {
      scanBlock(s, w, policy, norms, qb, start, Math.min(rowBlock, n - start), dim, kp, delta);
    }
    for (let i = 0; i < qb; i++) {
      const q = q0 + i;
      if (!finishQuery(s, i, policy, dc, n, kp, k, queries, q * dim, outIds, outDist, q * k)) {
        host.searchInto(queries, q * dim, k, outIds, outDist, q * k);
        rescans++;
      }
    }
  }
  return rescans;
}

/**
 * Copy a query block (normalised for cosine), take its norms and per-query key constants,
 * pack it into the scratch in `ipTile4`'s interleaved layout, and reset the heaps.
 */
function prepareBlock(
  s: BatchScratch,
  w: WasmRows,
  policy: MetricPolicy,
  queries: Float32Array,
  q0: number,
  qb: number,
  dim: number,
  delta: number,
  eta: number,
): void {
  const qbuf = s.qbuf;
  qbuf.set(queries.subarray(q0 * dim, (q0 + qb) * dim));
  const isL2 = policy.kind === 'l2';
  for (let i = 0; i < qb; i++) {
    if (policy.normalize) normalizeInPlace(qbuf, i * dim, dim);
    let nrm = 0;
    for (let t = i * dim, end = t + dim; t < end; t++) nrm += qbuf[t] * qbuf[t];
    s.qnorm[i] = nrm;
    s.qa[i] = isL2 ? (1 - delta) * nrm - eta : policy.bias - delta * nrm - eta;
    s.heaps[i].clear();
    // A norm past the limit admits nothing (its query is re-answered by the scan).
    s.worst[i] = nrm < NORM_LIMIT ? Infinity : -Infinity;
  }
  const groupFloats = ((dim + 3) >> 2) * 16;
  const base = w.scratchPtr >>> 2;
  for (let g = 0; g * 4 < qb; g++) packQueryGroup(qbuf, g * 4 * dim, Math.min(4, qb - g * 4), dim, w.f32, base + g * groupFloats);
}

/**
 * One row block against the query block: the products by `ipTile4` into the scratch tile,
 * then each query's keys offered to its candidate heap.
 *
 * key = A_i + B_r − s·⟨q_i, x_r⟩ with, for L2, A_i = (1 − δ)‖q_i‖² − η, B_r = (1 − δ)‖x_r‖²,
 * s = 2; for inner product and cosine, A_i = bias − δ‖q_i‖² − η, B_r = −δ‖x_r‖², s = 1.
 */
function scanBlock(
  s: BatchScratch,
  w: WasmRows,
  policy: MetricPolicy,
  norms: Float64Array,
  qb: number,
  start: number,
  count: number,
  dim: number,
  kp: number,
  delta: number,
): void {
  const isL2 = policy.kind === 'l2';
  const groupBytes = ((dim + 3) >> 2) * 64;
  const groups = (qb + 3) >> 2;
  const qPtr = w.scratchPtr;
  const tilePtr = qPtr + (QUERY_BLOCK >> 2) * groupBytes;
  const rows = w.rowsPtr + start * w.rowBytes;
  const k = gemmKernelsFor(w.memory);
  for (let g = 0; g < groups; g++) k.ipTile4(qPtr + g * groupBytes, rows, count, dim, tilePtr + g * 16 * count, count * 4);
  const rb = s.rb;
  const rowScale = isL2 ? 1 - delta : -delta;
  for (let r = 0; r < count; r++) rb[r] = rowScale * norms[start + r];
  const sc = isL2 ? 2 : 1;
  const f32 = w.f32;
  const tile = tilePtr >>> 2;
  for (let i = 0; i < qb; i++) {
    const heap = s.heaps[i];
    const a = s.qa[i];
    let worst = s.worst[i];
    const row = tile + i * count;
    for (let r = 0; r < count; r++) {
      const key = a + rb[r] - sc * f32[row + r];
      if (key < worst) {
        heap.offer(key, start + r, kp);
        if (heap.size === kp) worst = heap.dist[0];
      }
    }
    s.worst[i] = worst;
  }
}

/**
 * Re-rank query `i`'s candidates with the exact one-query kernels and write its top k if the
 * certificate holds (see the module comment).
 * @returns false when it does not (the caller re-answers the query by a full scan).
 */
function finishQuery(
  s: BatchScratch,
  i: number,
  policy: MetricPolicy,
  dc: DistanceComputer,
  n: number,
  kp: number,
  k: number,
  queries: Float32Array,
  qOff: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): boolean {
  if (s.worst[i] === -Infinity) return false;
  const heap = s.heaps[i];
  const m = heap.size;
  dc.setQuery(queries, qOff);
  dc.distancesToIds(heap.ids, 0, m, s.exact, 0);
  const top = s.top;
  top.clear();
  for (let j = 0; j < m; j++) top.offer(s.exact[j], heap.ids[j], k);
  // Every row is a candidate when n ≤ k′; otherwise every row left out has key ≥ heap top.
  if (n > kp && !(top.size === k && top.dist[0] < heap.dist[0])) return false;
  drainToRow(top, policy, k, outIds, outDist, outOff);
  return true;
}
