/**
 * HNSW INSERT (Alg. 1 of Malkov & Yashunin, IEEE TPAMI 42(4), 2020, arXiv:1603.09320) run by
 * several threads at once over one shared memory, as hnswlib's `addPoint` does with
 * `num_threads`. Written in AssemblyScript and compiled for a shared memory only by
 * `pnpm --filter @annlab/hnsw build:wasm` into `src/internal/insert-wasm.generated.ts`; the
 * JavaScript side is `src/parallel-insert.ts`.
 *
 * Each thread runs {@link insertLoop}: it takes the next id from a shared counter and inserts
 * it, exactly as `insertNode` / `linkNode` / `addReverseLink` of `src/insert.ts` (the readable
 * reference) do — greedy descent, a layer search of width efConstruction per level, neighbour
 * selection, reverse links with shrinking — on the rows, level-0 links and upper links that
 * live in the store's memory. Levels are drawn, and upper blocks reserved, by the calling
 * thread before the threads start, in id order with the index's seeded generator.
 *
 * Concurrency (hnswlib's scheme):
 * - one lock per node (a three-state futex word: 0 free, 1 held, 2 held with waiters). A
 *   thread holds the lock of the node it inserts for the whole insertion, and takes a
 *   neighbour's lock only while it adds or shrinks that neighbour's list; so nobody links to
 *   a node before its own lists are written;
 * - a global lock, held briefly to read the entry point and top level, and for the whole
 *   insertion by a node that will raise the top level (it becomes the entry point at the end);
 * - searches read lists without locks. A writer stores the ids first and publishes the count
 *   with an atomic store; a list being shrunk in place only ever holds valid neighbour ids of
 *   its level. So a reader sees a slightly older or newer list, never an invalid id.
 *
 * With one thread the ids go in order and every step, distance and tie rule is the
 * reference's, so the built graph is byte-identical to `add` (tested). With more threads the
 * graph depends on timing, as hnswlib's does; its quality does not (tested against the exact
 * index).
 *
 * Memory (byte addresses written by {@link initContext}): a context block of
 * {@link CONTEXT_BYTES} (parameters, the shared counters, the entry point and the global lock)
 * and, per thread, a work area of {@link areaBytes} (visited tags, the heaps W and C, the
 * selection lists, the pending links of one node).
 */

import { dotPair, l2Pair } from '../../core/assembly/simd-distance';
import { maxPopInto, maxPush, maxReplaceTop, minPopInto, minPush } from '../../core/assembly/pair-heap';

// ---------------------------------------------------------------------------------------------
// The context block (byte offsets).

const X_ROWS: usize = 0;
const X_DIM: usize = 4;
const X_IS_DOT: usize = 8;
const X_LINKS0: usize = 12;
const X_STRIDE0: usize = 16;
const X_UPPER: usize = 20;
const X_STRIDE_U: usize = 24;
const X_UPPER_OFFSET: usize = 28;
const X_LOCKS: usize = 32;
const X_LEVELS: usize = 36;
const X_M: usize = 40;
const X_MMAX0: usize = 44;
const X_EF: usize = 48;
const X_HEURISTIC: usize = 52;
const X_CAPACITY: usize = 56;
const X_FIRST: usize = 60;
const X_END: usize = 64;
/** Shared: the next id offset to insert (atomic counter). */
const X_NEXT: usize = 68;
/** Shared: inserts finished (atomic counter, read for progress). */
const X_DONE: usize = 72;
/** Shared: set to 1 to make every thread stop before its next insert. */
const X_STOP: usize = 76;
/** Shared: the entry point (under the global lock). */
const X_ENTRY: usize = 80;
/** Shared: the top level (under the global lock). */
const X_MAX_LEVEL: usize = 84;
/** Shared: the global lock word. */
const X_GLOBAL: usize = 88;
const X_BIAS: usize = 96;
const X_DUP_EPS: usize = 104;

/** Bytes of the context block. */
export const CONTEXT_BYTES: i32 = 128;

/** Room per thread for C, in items (more is never needed at any practical efConstruction). */
const MAX_C: i32 = 1 << 16;
/** Largest level a node may have (levels are bytes). */
const MAX_LEVEL: i32 = 255;
/** Largest epoch before the tags are zeroed. */
const MAX_EPOCH: i32 = 0x7fffffff;

// ---------------------------------------------------------------------------------------------
// This thread's copy of the parameters, and its work area (set by insertLoop).

let rows: usize = 0;
let rowBytes: usize = 0;
let dim: i32 = 0;
let isDot: i32 = 0;
let bias: f64 = 0;
let links0: usize = 0;
let linkBytes0: usize = 0;
let upper: usize = 0;
let strideU: i32 = 0;
let upperOffset: usize = 0;
let locks: usize = 0;
let levels: usize = 0;
let M: i32 = 0;
let Mmax0: i32 = 0;
let ef: i32 = 0;
let heuristic: i32 = 0;
let dupEps: f64 = 0;
let cCap: i32 = 0;

let epochPtr: usize = 0;
let tags: usize = 0;
let wd: usize = 0;
let wi: usize = 0;
let cd: usize = 0;
let ci: usize = 0;
let sd: usize = 0;
let si: usize = 0;
let chosen: usize = 0;
let pending: usize = 0;

function align8(x: usize): usize {
  return (x + 7) & ~(<usize>7);
}

/** Items of the selection lists: W drained (≤ ef), or a full list plus the new node. */
function selItems(efc: i32, mmax0: i32): i32 {
  return (efc > mmax0 ? efc : mmax0) + 1;
}

/**
 * Bytes of one thread's work area for an index of `capacity` nodes: an epoch word, visited
 * tags (4 per node), W (ef items), C (up to 65 536 items), the selection lists, the chosen
 * neighbours and the pending links of every level.
 */
export function areaBytes(capacity: i32, efc: i32, mmax0: i32, m: i32): i32 {
  const c = capacity < MAX_C ? capacity : MAX_C;
  const sel = selItems(efc, mmax0);
  let b: usize = 8;
  b = align8(b + (<usize>capacity << 2));
  b += (<usize>(efc + 1)) * 12;
  b = align8(b) + (<usize>c) * 12;
  b = align8(b) + (<usize>sel) * 12;
  b = align8(b) + (<usize>(mmax0 + 1) << 2);
  b = align8(b) + (<usize>((MAX_LEVEL + 1) * (1 + m)) << 2);
  return <i32>align8(b);
}

/** Lay out this thread's work area (see {@link areaBytes}) from the parameters loaded. */
function setArea(area: usize, capacity: i32): void {
  const c = capacity < MAX_C ? capacity : MAX_C;
  const sel = selItems(ef, Mmax0);
  cCap = c;
  epochPtr = area;
  tags = area + 8;
  let p = align8(tags + (<usize>capacity << 2));
  wd = p;
  wi = p + (<usize>(ef + 1) << 3);
  p = align8(wi + (<usize>(ef + 1) << 2));
  cd = p;
  ci = p + (<usize>c << 3);
  p = align8(ci + (<usize>c << 2));
  sd = p;
  si = p + (<usize>sel << 3);
  p = align8(si + (<usize>sel << 2));
  chosen = p;
  pending = align8(chosen + (<usize>(Mmax0 + 1) << 2));
}

/**
 * Write the context block at `ctx` (zeroing its counters and lock): the index's parameters,
 * the byte addresses of its arrays, the ids `[first, end)` to insert, and the current entry
 * point and top level (the graph is not empty: the caller inserts a first node itself).
 */
export function initContext(
  ctx: usize,
  rowsAt: usize,
  d: i32,
  dot: i32,
  b: f64,
  links0At: usize,
  stride0: i32,
  upperAt: usize,
  strideUpper: i32,
  upperOffsetAt: usize,
  locksAt: usize,
  levelsAt: usize,
  m: i32,
  mmax0: i32,
  efc: i32,
  heur: i32,
  dup: f64,
  capacity: i32,
  first: i32,
  end: i32,
  entry: i32,
  maxLevel: i32,
): void {
  memory.fill(ctx, 0, <usize>CONTEXT_BYTES);
  store<i32>(ctx + X_ROWS, <i32>rowsAt);
  store<i32>(ctx + X_DIM, d);
  store<i32>(ctx + X_IS_DOT, dot);
  store<f64>(ctx + X_BIAS, b);
  store<i32>(ctx + X_LINKS0, <i32>links0At);
  store<i32>(ctx + X_STRIDE0, stride0);
  store<i32>(ctx + X_UPPER, <i32>upperAt);
  store<i32>(ctx + X_STRIDE_U, strideUpper);
  store<i32>(ctx + X_UPPER_OFFSET, <i32>upperOffsetAt);
  store<i32>(ctx + X_LOCKS, <i32>locksAt);
  store<i32>(ctx + X_LEVELS, <i32>levelsAt);
  store<i32>(ctx + X_M, m);
  store<i32>(ctx + X_MMAX0, mmax0);
  store<i32>(ctx + X_EF, efc);
  store<i32>(ctx + X_HEURISTIC, heur);
  store<f64>(ctx + X_DUP_EPS, dup);
  store<i32>(ctx + X_CAPACITY, capacity);
  store<i32>(ctx + X_FIRST, first);
  store<i32>(ctx + X_END, end);
  store<i32>(ctx + X_ENTRY, entry);
  store<i32>(ctx + X_MAX_LEVEL, maxLevel);
}

/** Inserts finished so far (for progress). */
export function doneCount(ctx: usize): i32 {
  return atomic.load<i32>(ctx + X_DONE);
}

/** The entry point after the inserts. */
export function entryPoint(ctx: usize): i32 {
  return atomic.load<i32>(ctx + X_ENTRY);
}

/** The top level after the inserts. */
export function maxLevel(ctx: usize): i32 {
  return atomic.load<i32>(ctx + X_MAX_LEVEL);
}

/** Ask every thread to stop before its next insert (after a failure elsewhere). */
export function requestStop(ctx: usize): void {
  atomic.store<i32>(ctx + X_STOP, 1);
}

// ---------------------------------------------------------------------------------------------
// Locks: a futex word per node (Drepper's "mutex2": 0 free, 1 held, 2 held with waiters).

/** Take the lock at `p`; gives up (trapping, which fails the task) once a stop is requested. */
function lockAcquire(p: usize, ctx: usize): void {
  let c = atomic.cmpxchg<i32>(p, 0, 1);
  if (c == 0) return;
  for (let spin = 0; spin < 64; spin++) {
    if (atomic.load<i32>(p) == 0) {
      c = atomic.cmpxchg<i32>(p, 0, 1);
      if (c == 0) return;
    }
  }
  if (c != 2) c = atomic.xchg<i32>(p, 2);
  while (c != 0) {
    // Wake at least every millisecond to notice a stop (a failed thread never releases).
    atomic.wait<i32>(p, 2, 1000000);
    if (atomic.load<i32>(ctx + X_STOP) != 0) unreachable();
    c = atomic.xchg<i32>(p, 2);
  }
}

/** Release the lock at `p`, waking one waiter if there is one. */
function lockRelease(p: usize): void {
  if (atomic.sub<i32>(p, 1) != 1) {
    atomic.store<i32>(p, 0);
    atomic.notify(p, 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Distances and lists.

/** Internal distance between stored rows `a` and `b` (the reference's DistanceComputer arithmetic). */
@inline
function distance(a: i32, b: i32): f64 {
  const pa = rows + (<usize>a) * rowBytes;
  const pb = rows + (<usize>b) * rowBytes;
  return isDot != 0 ? bias - <f64>dotPair(pa, pb, dim) : <f64>l2Pair(pa, pb, dim);
}

/** Byte address of node `id`'s list on `level` (count first). */
@inline
function listAt(id: i32, level: i32): usize {
  if (level == 0) return links0 + (<usize>id) * linkBytes0;
  return upper + (<usize>(load<i32>(upperOffset + ((<usize>id) << 2)) + (level - 1) * strideU) << 2);
}

/** A new search epoch (zeroing the tags when it would wrap). */
function nextEpoch(capacity: i32): i32 {
  let e = load<i32>(epochPtr);
  if (e >= MAX_EPOCH) {
    memory.fill(tags, 0, (<usize>capacity) << 2);
    e = 0;
  }
  e++;
  store<i32>(epochPtr, e);
  return e;
}

// ---------------------------------------------------------------------------------------------
// The steps of INSERT.

let greedyId: i32 = 0;
let greedyDist: f64 = 0;

/** SEARCH-LAYER with ef = 1 on `level` (`greedyClosest`): move while a neighbour is closer (ties: smaller id). */
function greedyClosest(q: i32, ep: i32, epDist: f64, level: i32): void {
  let cur = ep;
  let curDist = epDist;
  let changed = true;
  while (changed) {
    changed = false;
    const base = listAt(cur, level);
    const cnt = atomic.load<i32>(base);
    for (let j = 1; j <= cnt; j++) {
      const nb = load<i32>(base + ((<usize>j) << 2));
      const d = distance(q, nb);
      if (d < curDist || (d == curDist && nb < cur)) {
        curDist = d;
        cur = nb;
        changed = true;
      }
    }
  }
  greedyId = cur;
  greedyDist = curDist;
}

/**
 * SEARCH-LAYER at insert time on `level` from `ep` with width ef (`searchLayerChecked` with
 * `newerFirst`: W keeps `~id`, so equal distances favour the larger id). @returns |W|.
 */
function searchLayer(q: i32, ep: i32, epDist: f64, level: i32, capacity: i32): i32 {
  const epoch = nextEpoch(capacity);
  store<i32>(tags + ((<usize>ep) << 2), epoch);
  store<f64>(cd, epDist);
  store<i32>(ci, ep);
  let cn = 1;
  store<f64>(wd, epDist);
  store<i32>(wi, ~ep);
  let wn = 1;
  while (cn > 0) {
    if (wn >= ef && load<f64>(cd) > load<f64>(wd)) break;
    const c = load<i32>(ci);
    cn--;
    if (cn > 0) minPopInto(cd, ci, cn);
    const base = listAt(c, level);
    const cnt = atomic.load<i32>(base);
    for (let j = 1; j <= cnt; j++) {
      const nb = load<i32>(base + ((<usize>j) << 2));
      const tp = tags + ((<usize>nb) << 2);
      if (load<i32>(tp) == epoch) continue;
      store<i32>(tp, epoch);
      const d = distance(q, nb);
      const fid = ~nb;
      if (wn < ef) {
        if (cn < cCap) {
          minPush(cd, ci, cn, d, nb);
          cn++;
        }
        maxPush(wd, wi, wn, d, fid);
        wn++;
      } else {
        const top = load<f64>(wd);
        if (d < top || (d == top && fid < load<i32>(wi))) {
          if (cn < cCap) {
            minPush(cd, ci, cn, d, nb);
            cn++;
          }
          maxReplaceTop(wd, wi, wn, d, fid);
        }
      }
    }
  }
  return wn;
}

/**
 * Empty W (`wn` items) into the selection lists, ascending by distance with ties newest
 * first, leaving out `exclude` (`drainResultsExcluding`). @returns the number written.
 */
function drainExcluding(wn: i32, exclude: i32): i32 {
  for (let i = wn - 1; i >= 0; i--) {
    store<f64>(sd + ((<usize>i) << 3), load<f64>(wd));
    store<i32>(si + ((<usize>i) << 2), ~load<i32>(wi));
    if (i > 0) maxPopInto(wd, wi, i);
  }
  let w = 0;
  for (let i = 0; i < wn; i++) {
    const id = load<i32>(si + ((<usize>i) << 2));
    if (id == exclude) continue;
    store<i32>(si + ((<usize>w) << 2), id);
    store<f64>(sd + ((<usize>w) << 3), load<f64>(sd + ((<usize>i) << 3)));
    w++;
  }
  return w;
}

/** Insertion sort of the selection lists' first `n` items by distance, ties larger id first (`sortByDistance`). */
function sortSelection(n: i32): void {
  for (let i = 1; i < n; i++) {
    const d = load<f64>(sd + ((<usize>i) << 3));
    const id = load<i32>(si + ((<usize>i) << 2));
    let j = i - 1;
    while (j >= 0) {
      const dj = load<f64>(sd + ((<usize>j) << 3));
      const ij = load<i32>(si + ((<usize>j) << 2));
      if (!(dj > d || (dj == d && ij < id))) break;
      store<f64>(sd + ((<usize>(j + 1)) << 3), dj);
      store<i32>(si + ((<usize>(j + 1)) << 2), ij);
      j--;
    }
    store<f64>(sd + ((<usize>(j + 1)) << 3), d);
    store<i32>(si + ((<usize>(j + 1)) << 2), id);
  }
}

/**
 * Alg. 3 / Alg. 4 over the `count` sorted candidates of the selection lists for `base`, at
 * most `m` kept into `chosen` (`selectNeighbors`: simple, or the heuristic with its duplicate
 * rule). @returns the number kept.
 */
function selectNeighbors(base: i32, count: i32, m: i32): i32 {
  let kept = 0;
  if (heuristic == 0 || count < m) {
    for (let i = 0; i < count && kept < m; i++) {
      const id = load<i32>(si + ((<usize>i) << 2));
      if (id != base) {
        store<i32>(chosen + ((<usize>kept) << 2), id);
        kept++;
      }
    }
    return kept;
  }
  let z = 0;
  while (z < count && load<f64>(sd + ((<usize>z) << 3)) <= dupEps) z++;
  const maxDups = m >> 1 > 1 ? m >> 1 : 1;
  let dups = 0;
  for (let i = 0; i < count && kept < m; i++) {
    const e = load<i32>(si + ((<usize>i) << 2));
    if (e == base) continue;
    const de = load<f64>(sd + ((<usize>i) << 3));
    if (i < z) {
      if (dups < maxDups) {
        store<i32>(chosen + ((<usize>kept) << 2), e);
        kept++;
        dups++;
      }
      continue;
    }
    let good = true;
    for (let j = 0; j < kept; j++) {
      if (distance(e, load<i32>(chosen + ((<usize>j) << 2))) < de) {
        good = false;
        break;
      }
    }
    if (good) {
      store<i32>(chosen + ((<usize>kept) << 2), e);
      kept++;
    }
  }
  return kept;
}

/**
 * Add the link e → q on `level` under e's lock; when e's list is full, shrink it with the
 * selection rule over its old list plus q (`addReverseLink`).
 */
function addReverseLink(ctx: usize, e: i32, q: i32, level: i32): void {
  const lock = locks + ((<usize>e) << 2);
  lockAcquire(lock, ctx);
  const base = listAt(e, level);
  const cnt = atomic.load<i32>(base);
  for (let j = 1; j <= cnt; j++) {
    if (load<i32>(base + ((<usize>j) << 2)) == q) {
      lockRelease(lock);
      return;
    }
  }
  const cap = level == 0 ? Mmax0 : M;
  if (cnt < cap) {
    store<i32>(base + ((<usize>(cnt + 1)) << 2), q);
    atomic.store<i32>(base, cnt + 1);
    lockRelease(lock);
    return;
  }
  for (let j = 0; j < cnt; j++) {
    const id = load<i32>(base + ((<usize>(j + 1)) << 2));
    store<i32>(si + ((<usize>j) << 2), id);
    store<f64>(sd + ((<usize>j) << 3), distance(e, id));
  }
  store<i32>(si + ((<usize>cnt) << 2), q);
  store<f64>(sd + ((<usize>cnt) << 3), distance(e, q));
  sortSelection(cnt + 1);
  const kept = selectNeighbors(e, cnt + 1, cap);
  for (let j = 0; j < kept; j++) store<i32>(base + ((<usize>(j + 1)) << 2), load<i32>(chosen + ((<usize>j) << 2)));
  atomic.store<i32>(base, kept);
  lockRelease(lock);
}

/** INSERT of `q` with top level `level` from `ep` on a graph of top level `top` (`linkNode`). */
function linkNode(ctx: usize, q: i32, level: i32, ep: i32, top: i32, capacity: i32): void {
  let cur = ep;
  let curDist = distance(q, ep);
  for (let lc = top; lc > level; lc--) {
    greedyClosest(q, cur, curDist, lc);
    cur = greedyId;
    curDist = greedyDist;
  }
  const from = level < top ? level : top;
  const stride = <usize>strideU;
  // Choose every level's neighbours first, then write (as the reference).
  for (let lc = from; lc >= 0; lc--) {
    const wn = searchLayer(q, cur, curDist, lc, capacity);
    const count = drainExcluding(wn, q);
    if (count > 0) {
      cur = load<i32>(si);
      curDist = load<f64>(sd);
    }
    const kept = selectNeighbors(q, count, M);
    const pb = pending + (((<usize>lc) * stride) << 2);
    store<i32>(pb, kept);
    for (let j = 0; j < kept; j++) store<i32>(pb + ((<usize>(j + 1)) << 2), load<i32>(chosen + ((<usize>j) << 2)));
  }
  for (let lc = from; lc >= 0; lc--) {
    const pb = pending + (((<usize>lc) * stride) << 2);
    const kept = load<i32>(pb);
    const base = listAt(q, lc);
    for (let j = 1; j <= kept; j++) store<i32>(base + ((<usize>j) << 2), load<i32>(pb + ((<usize>j) << 2)));
    atomic.store<i32>(base, kept);
    for (let j = 1; j <= kept; j++) addReverseLink(ctx, load<i32>(pb + ((<usize>j) << 2)), q, lc);
  }
}

/**
 * Insert ids until none is left (or a stop is requested): the loop every thread runs, over
 * its own work area at `area`. @returns how many ids this thread inserted.
 */
export function insertLoop(ctx: usize, area: usize): i32 {
  rows = <usize>load<i32>(ctx + X_ROWS);
  dim = load<i32>(ctx + X_DIM);
  rowBytes = (<usize>dim) << 2;
  isDot = load<i32>(ctx + X_IS_DOT);
  bias = load<f64>(ctx + X_BIAS);
  links0 = <usize>load<i32>(ctx + X_LINKS0);
  linkBytes0 = (<usize>load<i32>(ctx + X_STRIDE0)) << 2;
  upper = <usize>load<i32>(ctx + X_UPPER);
  strideU = load<i32>(ctx + X_STRIDE_U);
  upperOffset = <usize>load<i32>(ctx + X_UPPER_OFFSET);
  locks = <usize>load<i32>(ctx + X_LOCKS);
  levels = <usize>load<i32>(ctx + X_LEVELS);
  M = load<i32>(ctx + X_M);
  Mmax0 = load<i32>(ctx + X_MMAX0);
  ef = load<i32>(ctx + X_EF);
  heuristic = load<i32>(ctx + X_HEURISTIC);
  dupEps = load<f64>(ctx + X_DUP_EPS);
  const capacity = load<i32>(ctx + X_CAPACITY);
  setArea(area, capacity);
  const first = load<i32>(ctx + X_FIRST);
  const count = load<i32>(ctx + X_END) - first;
  const global = ctx + X_GLOBAL;
  let mine = 0;
  for (;;) {
    if (atomic.load<i32>(ctx + X_STOP) != 0) break;
    const k = atomic.add<i32>(ctx + X_NEXT, 1);
    if (k >= count) break;
    const q = first + k;
    const level = <i32>load<u8>(levels + <usize>q);
    lockAcquire(global, ctx);
    const top = atomic.load<i32>(ctx + X_MAX_LEVEL);
    const ep = atomic.load<i32>(ctx + X_ENTRY);
    const raises = level > top;
    if (!raises) lockRelease(global);
    const own = locks + ((<usize>q) << 2);
    lockAcquire(own, ctx);
    linkNode(ctx, q, level, ep, top, capacity);
    if (raises) {
      atomic.store<i32>(ctx + X_ENTRY, q);
      atomic.store<i32>(ctx + X_MAX_LEVEL, level);
    }
    lockRelease(own);
    if (raises) lockRelease(global);
    atomic.add<i32>(ctx + X_DONE, 1);
    mine++;
  }
  return mine;
}
