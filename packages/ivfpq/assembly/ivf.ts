/**
 * WebAssembly kernels for IVF search, written in AssemblyScript (compiled by
 * `pnpm --filter @annlab/ivfpq build:wasm` into `src/internal/ivf-wasm.generated.ts`). One
 * exported call answers one query: the coarse ranking of the `nlist` centroids (top
 * `nprobe`), the scan of the probed lists with a top-k heap, and for IVF-PQ the ADC table
 * build, the code scan and the exact re-rank. JavaScript copies the (prepared) query in and
 * reads the k results out; nothing crosses the boundary per candidate.
 *
 * Each kernel mirrors a TypeScript step of the indexes one for one, with the same
 * arithmetic in the same order, so on the same stored data both give the same ids and the
 * same float64 distances (test/ivf-wasm.test.ts holds them together):
 * - `l2Pair` / `dotPair`: core's SIMD distance loops, imported from
 *   `packages/core/assembly/simd-distance.ts` (f32x4 lanes, 4 accumulators over 16 components, f32 result);
 * - `rankCentroids` → `selectProbes` (`src/internal/assign.ts`) over core's `distancesToRange`;
 * - `scanFlat` → the list loop of `IvfFlatIndex.searchInto`;
 * - `ipTable` / `l2Table` → `ProductQuantizer.computeIpTable` / `computeL2Table`;
 * - `scanCodes` / `scanCodesTwoTables` → the functions of the same names in `src/internal/adc-scan.ts`;
 * - `rerank` → core's `Refiner.refineInto`;
 * - the heap → core's `MaxHeap` (`offer`, `drainAscending`): order by (distance, id).
 *
 * Memory: every pointer is a byte address in the imported memory, laid out by
 * `src/internal/ivf-wasm.ts` and handed over once per layout by `configure`/`configurePq`
 * (the instance keeps them in globals, so the per-query calls take only the search knobs).
 *
 * @module
 */

// ---------------------------------------------------------------------------------------------
// Distances: core's one-pair SIMD loops (`packages/core/assembly/simd-distance.ts`).

import { maxPush, maxReplaceTop } from '../../core/assembly/pair-heap';
import { dotPair, l2Pair } from '../../core/assembly/simd-distance';

// ---------------------------------------------------------------------------------------------
// Layout, set once per layout by configure / configurePq.

/** Vector dimension. */
let dim: i32 = 0;
/** Number of lists. */
let nlist: i32 = 0;
/** 1: internal distance is `bias − ⟨q, x⟩`; 0: squared L2. */
let isDot: i32 = 0;
/** The metric's bias (1 cosine, 0 inner product). */
let bias: f64 = 0;
/** The prepared query, `dim` f32. */
let qPtr: usize = 0;
/** Coarse centroids, `nlist × dim` f32. */
let centPtr: usize = 0;
/** CSR list boundaries, `nlist + 1` i32. */
let offsPtr: usize = 0;
/** Id per slot, i32. */
let idsPtr: usize = 0;
/** IVF-Flat: list vectors in slot order; IVF-PQ: kept vectors in id order (0 when none). */
let rowsPtr: usize = 0;
/** Probe heap, then the probes ascending: `nlist` f64 distances and `nlist` i32 lists. */
let probeDPtr: usize = 0;
let probeLPtr: usize = 0;
/** Result heap: capacity f64 distances and i32 ids. */
let heapDPtr: usize = 0;
let heapIPtr: usize = 0;
/** Output: ascending f64 distances and i32 ids (also the re-rank candidates). */
let outDPtr: usize = 0;
let outIPtr: usize = 0;

/** IVF-PQ: codes in slot order (`m` bytes each), codebooks (m, ksub, dsub) f32. */
let codesPtr: usize = 0;
let bookPtr: usize = 0;
/** IVF-PQ: precomputed term 2, (list, j, c) f32 (0 when not used). */
let prePtr: usize = 0;
/** IVF-PQ: per-query and per-list tables, `m × ksub` f64 each; residual, `dim` f32. */
let qtPtr: usize = 0;
let ltPtr: usize = 0;
let residPtr: usize = 0;
let m: i32 = 0;
let ksub: i32 = 0;
let dsub: i32 = 0;
/** Table mode (as `TableMode` in ivf-pq-index.ts): 0 precomputed, 1 per list, 2 raw, 3 dot. */
let mode: i32 = 0;
/** Whether codes are residuals (dot mode: the per-list constant is the coarse distance). */
let byResidual: i32 = 0;

/** Probes of the last query. */
let lastProbes: i32 = 0;
/** Codes or vectors scanned by the last query. */
let lastScanned: i32 = 0;
/** Exact distances of the last query's re-rank. */
let lastReranked: i32 = 0;

/** Set the shared layout (both index kinds). */
export function configure(
  dim_: i32,
  nlist_: i32,
  isDot_: i32,
  bias_: f64,
  qPtr_: usize,
  centPtr_: usize,
  offsPtr_: usize,
  idsPtr_: usize,
  rowsPtr_: usize,
  probeDPtr_: usize,
  probeLPtr_: usize,
  heapDPtr_: usize,
  heapIPtr_: usize,
  outDPtr_: usize,
  outIPtr_: usize,
): void {
  dim = dim_;
  nlist = nlist_;
  isDot = isDot_;
  bias = bias_;
  qPtr = qPtr_;
  centPtr = centPtr_;
  offsPtr = offsPtr_;
  idsPtr = idsPtr_;
  rowsPtr = rowsPtr_;
  probeDPtr = probeDPtr_;
  probeLPtr = probeLPtr_;
  heapDPtr = heapDPtr_;
  heapIPtr = heapIPtr_;
  outDPtr = outDPtr_;
  outIPtr = outIPtr_;
}

/** Set the IVF-PQ part of the layout. */
export function configurePq(
  codesPtr_: usize,
  bookPtr_: usize,
  prePtr_: usize,
  qtPtr_: usize,
  ltPtr_: usize,
  residPtr_: usize,
  m_: i32,
  ksub_: i32,
  mode_: i32,
  byResidual_: i32,
): void {
  codesPtr = codesPtr_;
  bookPtr = bookPtr_;
  prePtr = prePtr_;
  qtPtr = qtPtr_;
  ltPtr = ltPtr_;
  residPtr = residPtr_;
  m = m_;
  ksub = ksub_;
  dsub = dim / m_;
  mode = mode_;
  byResidual = byResidual_;
}

/** Probes of the last query (`min(nprobe, nlist)`). */
export function probes(): i32 {
  return lastProbes;
}

/** Codes or vectors the last query scanned. */
export function scanned(): i32 {
  return lastScanned;
}

/** Exact distances the last query's re-rank computed. */
export function reranked(): i32 {
  return lastReranked;
}

// ---------------------------------------------------------------------------------------------
// Max-heap over parallel arrays (core's MaxHeap, `packages/core/assembly/pair-heap.ts`).

/** Keep the `limit` closest of a heap of `n` items and (d, id); returns the new size. */
@inline
function heapOffer(dp: usize, ip: usize, n: i32, limit: i32, d: f64, id: i32): i32 {
  if (n < limit) {
    maxPush(dp, ip, n, d, id);
    return n + 1;
  }
  const td = load<f64>(dp);
  if (d < td || (d == td && id < load<i32>(ip))) maxReplaceTop(dp, ip, n, d, id);
  return n;
}

/** Empty a heap of `n` items into `outD` / `outI`, ascending by (distance, id). */
function heapDrain(dp: usize, ip: usize, n: i32, outD: usize, outI: usize): void {
  for (let i = n - 1; i >= 0; i--) {
    store<f64>(outD + ((<usize>i) << 3), load<f64>(dp));
    store<i32>(outI + ((<usize>i) << 2), load<i32>(ip));
    if (i > 0) maxReplaceTop(dp, ip, i, load<f64>(dp + ((<usize>i) << 3)), load<i32>(ip + ((<usize>i) << 2)));
  }
}

// ---------------------------------------------------------------------------------------------
// Coarse ranking.

/** Internal distance from the query to the `dim` floats at `row`. */
@inline
function rowDistance(row: usize): f64 {
  return isDot ? bias - <f64>dotPair(qPtr, row, dim) : <f64>l2Pair(qPtr, row, dim);
}

/**
 * The `nprobe` centroids closest to the query, ascending by (distance, list), written to the
 * probe arrays; returns how many (`min(nprobe, nlist)`).
 */
function rankCentroids(nprobe: i32): i32 {
  const np = nprobe < nlist ? nprobe : nlist;
  const stride = (<usize>dim) << 2;
  let size = 0;
  let worst = Infinity;
  // The probe arrays hold the heap first; it is drained into the result heap's arrays, then
  // copied back (the result heap is empty at this point).
  for (let c = 0; c < nlist; c++) {
    const d = rowDistance(centPtr + (<usize>c) * stride);
    // Lists arrive in increasing order, so an equal distance never beats the current worst.
    if (d < worst) {
      size = heapOffer(probeDPtr, probeLPtr, size, np, d, c);
      if (size == np) worst = load<f64>(probeDPtr);
    }
  }
  heapDrain(probeDPtr, probeLPtr, size, heapDPtr, heapIPtr);
  memory.copy(probeDPtr, heapDPtr, (<usize>size) << 3);
  memory.copy(probeLPtr, heapIPtr, (<usize>size) << 2);
  lastProbes = size;
  return size;
}

/** The probes only (for `explain`-style callers and tests): returns their number. */
export function rank(nprobe: i32): i32 {
  return rankCentroids(nprobe);
}

// ---------------------------------------------------------------------------------------------
// IVF-Flat.

/**
 * One IVF-Flat query: rank the centroids, scan the `nprobe` nearest lists exactly, keep the
 * `k` closest; writes them ascending to the output arrays and returns their number.
 */
export function searchFlat(nprobe: i32, k: i32): i32 {
  const np = rankCentroids(nprobe);
  const stride = (<usize>dim) << 2;
  let size = 0;
  let worst = Infinity;
  let count = 0;
  for (let p = 0; p < np; p++) {
    const l = load<i32>(probeLPtr + ((<usize>p) << 2));
    const start = load<i32>(offsPtr + ((<usize>l) << 2));
    const end = load<i32>(offsPtr + ((<usize>(l + 1)) << 2));
    let row = rowsPtr + (<usize>start) * stride;
    for (let s = start; s < end; s++) {
      const d = rowDistance(row);
      if (d <= worst) {
        size = heapOffer(heapDPtr, heapIPtr, size, k, d, load<i32>(idsPtr + ((<usize>s) << 2)));
        if (size == k) worst = load<f64>(heapDPtr);
      }
      row += stride;
    }
    count += end - start;
  }
  lastScanned = count;
  lastReranked = 0;
  heapDrain(heapDPtr, heapIPtr, size, outDPtr, outIPtr);
  return size;
}

// ---------------------------------------------------------------------------------------------
// IVF-PQ: tables.

/** `table[j·ksub + c] = 0 − ⟨q_j, centroid_{j,c}⟩` for the sub-vectors of the `dim` floats at `q`. */
function ipTable(q: usize, table: usize): void {
  const rowBytes = (<usize>dsub) << 2;
  let book = bookPtr;
  let t = table;
  for (let j = 0; j < m; j++) {
    const qj = q + (<usize>j) * rowBytes;
    for (let c = 0; c < ksub; c++) {
      store<f64>(t, 0 - <f64>dotPair(qj, book, dsub));
      book += rowBytes;
      t += 8;
    }
  }
}

/** `table[j·ksub + c] = ‖q_j − centroid_{j,c}‖²` for the sub-vectors of the `dim` floats at `q`. */
function l2Table(q: usize, table: usize): void {
  const rowBytes = (<usize>dsub) << 2;
  let book = bookPtr;
  let t = table;
  for (let j = 0; j < m; j++) {
    const qj = q + (<usize>j) * rowBytes;
    for (let c = 0; c < ksub; c++) {
      store<f64>(t, <f64>l2Pair(qj, book, dsub));
      book += rowBytes;
      t += 8;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// IVF-PQ: ADC scans. Both keep the result heap's size and threshold in these globals.

let heapSize: i32 = 0;
let heapWorst: f64 = Infinity;

/** ADC over slots [start, end): base + Σ_j table[j·ksub + code_j], offered to the result heap. */
function scanCodes(start: i32, end: i32, table: usize, base: f64, limit: i32): void {
  let size = heapSize;
  let worst = heapWorst;
  const mm = <usize>m;
  const ks = <usize>ksub;
  let code = codesPtr + (<usize>start) * mm;
  if ((m & 3) == 0) {
    const step = ks << 5; // 4·ksub f64
    for (let s = start; s < end; s++) {
      let d0 = base;
      let d1: f64 = 0;
      let d2: f64 = 0;
      let d3: f64 = 0;
      let t = table;
      for (let j: usize = 0; j < mm; j += 4) {
        d0 += load<f64>(t + ((<usize>load<u8>(code + j)) << 3));
        d1 += load<f64>(t + ((ks + <usize>load<u8>(code + j + 1)) << 3));
        d2 += load<f64>(t + ((2 * ks + <usize>load<u8>(code + j + 2)) << 3));
        d3 += load<f64>(t + ((3 * ks + <usize>load<u8>(code + j + 3)) << 3));
        t += step;
      }
      const d = d0 + d1 + (d2 + d3);
      if (d <= worst) {
        size = heapOffer(heapDPtr, heapIPtr, size, limit, d, load<i32>(idsPtr + ((<usize>s) << 2)));
        if (size == limit) worst = load<f64>(heapDPtr);
      }
      code += mm;
    }
  } else {
    const step = ks << 3;
    for (let s = start; s < end; s++) {
      let d = base;
      let t = table;
      for (let j: usize = 0; j < mm; j++) {
        d += load<f64>(t + ((<usize>load<u8>(code + j)) << 3));
        t += step;
      }
      if (d <= worst) {
        size = heapOffer(heapDPtr, heapIPtr, size, limit, d, load<i32>(idsPtr + ((<usize>s) << 2)));
        if (size == limit) worst = load<f64>(heapDPtr);
      }
      code += mm;
    }
  }
  heapSize = size;
  heapWorst = worst;
}

/**
 * ADC with the table split in two (precomputed term 2 of list `l` as f32, per-query term 3
 * as f64), summed per lookup: for short lists (see `scanCodesTwoTables` in adc-scan.ts).
 */
function scanCodesTwoTables(start: i32, end: i32, tableA: usize, tableB: usize, base: f64, limit: i32): void {
  let size = heapSize;
  let worst = heapWorst;
  const mm = <usize>m;
  const ks = <usize>ksub;
  let code = codesPtr + (<usize>start) * mm;
  if ((m & 1) == 0) {
    const step = ks << 1;
    for (let s = start; s < end; s++) {
      let d0 = base;
      let d1: f64 = 0;
      let t: usize = 0;
      for (let j: usize = 0; j < mm; j += 2) {
        const c0 = t + <usize>load<u8>(code + j);
        const c1 = t + ks + <usize>load<u8>(code + j + 1);
        d0 += <f64>load<f32>(tableA + (c0 << 2)) + load<f64>(tableB + (c0 << 3));
        d1 += <f64>load<f32>(tableA + (c1 << 2)) + load<f64>(tableB + (c1 << 3));
        t += step;
      }
      const d = d0 + d1;
      if (d <= worst) {
        size = heapOffer(heapDPtr, heapIPtr, size, limit, d, load<i32>(idsPtr + ((<usize>s) << 2)));
        if (size == limit) worst = load<f64>(heapDPtr);
      }
      code += mm;
    }
  } else {
    for (let s = start; s < end; s++) {
      let d = base;
      let t: usize = 0;
      for (let j: usize = 0; j < mm; j++) {
        const cj = t + <usize>load<u8>(code + j);
        d += <f64>load<f32>(tableA + (cj << 2)) + load<f64>(tableB + (cj << 3));
        t += ks;
      }
      if (d <= worst) {
        size = heapOffer(heapDPtr, heapIPtr, size, limit, d, load<i32>(idsPtr + ((<usize>s) << 2)));
        if (size == limit) worst = load<f64>(heapDPtr);
      }
      code += mm;
    }
  }
  heapSize = size;
  heapWorst = worst;
}

// ---------------------------------------------------------------------------------------------
// IVF-PQ: one query.

/**
 * One IVF-PQ query: rank the centroids, build the query's ADC table, scan the codes of the
 * `nprobe` nearest lists keeping the best `k × rerank` (or `k` when rerank is 0), then, with
 * rerank, re-score those exactly against the kept vectors and keep the best `k`. Writes the
 * results ascending to the output arrays and returns their number.
 */
export function searchPq(nprobe: i32, k: i32, rerank: i32): i32 {
  const np = rankCentroids(nprobe);
  const limit = rerank > 0 ? k * rerank : k;
  const mk = m * ksub;
  if (mode == 0) {
    ipTable(qPtr, qtPtr); // −⟨q_j, r_jc⟩
    for (let i = 0; i < mk; i++) {
      const a = qtPtr + ((<usize>i) << 3);
      store<f64>(a, load<f64>(a) * 2); // term 3 = −2⟨q_j, r_jc⟩
    }
  } else if (mode == 2) l2Table(qPtr, qtPtr);
  else if (mode == 3) ipTable(qPtr, qtPtr);
  heapSize = 0;
  heapWorst = Infinity;
  let count = 0;
  const cstride = (<usize>dim) << 2;
  for (let p = 0; p < np; p++) {
    const l = load<i32>(probeLPtr + ((<usize>p) << 2));
    const start = load<i32>(offsPtr + ((<usize>l) << 2));
    const end = load<i32>(offsPtr + ((<usize>(l + 1)) << 2));
    if (start == end) continue;
    const pd = load<f64>(probeDPtr + ((<usize>p) << 3));
    if (mode == 0) {
      const pre = prePtr + (<usize>l) * (<usize>mk << 2);
      if (end - start < ksub) {
        // Short list: two lookups per sub-code beat adding the m × ksub tables first.
        scanCodesTwoTables(start, end, pre, qtPtr, pd, limit);
      } else {
        for (let i = 0; i < mk; i++) {
          store<f64>(ltPtr + ((<usize>i) << 3), <f64>load<f32>(pre + ((<usize>i) << 2)) + load<f64>(qtPtr + ((<usize>i) << 3)));
        }
        scanCodes(start, end, ltPtr, pd, limit);
      }
    } else if (mode == 1) {
      const cen = centPtr + (<usize>l) * cstride;
      for (let t = 0; t < dim; t++) {
        const o = (<usize>t) << 2;
        store<f32>(residPtr + o, load<f32>(qPtr + o) - load<f32>(cen + o));
      }
      l2Table(residPtr, ltPtr);
      scanCodes(start, end, ltPtr, 0, limit);
    } else if (mode == 2) {
      scanCodes(start, end, qtPtr, 0, limit);
    } else {
      scanCodes(start, end, qtPtr, byResidual ? pd : bias, limit);
    }
    count += end - start;
  }
  lastScanned = count;
  const n = heapSize;
  if (rerank <= 0) {
    lastReranked = 0;
    heapDrain(heapDPtr, heapIPtr, n, outDPtr, outIPtr);
    return n;
  }
  // Re-rank: the ADC candidates, ascending, then their exact distances into a k-heap.
  heapDrain(heapDPtr, heapIPtr, n, outDPtr, outIPtr);
  const stride = (<usize>dim) << 2;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(outIPtr + ((<usize>i) << 2));
    const d = rowDistance(rowsPtr + (<usize>id) * stride);
    size = heapOffer(heapDPtr, heapIPtr, size, k, d, id);
  }
  lastReranked = n;
  heapDrain(heapDPtr, heapIPtr, size, outDPtr, outIPtr);
  return size;
}
