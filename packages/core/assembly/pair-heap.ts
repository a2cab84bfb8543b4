/**
 * Binary heaps over parallel arrays in linear memory — float64 distances at byte address `dp`,
 * int32 ids at `ip` — ordered by (distance, id) exactly as core's `MinHeap` / `MaxHeap`
 * (`src/heap.ts`), so a kernel that uses them pops the same items in the same order as the
 * TypeScript loop it mirrors. Shared by HNSW's level-0 search
 * (`packages/hnsw/assembly/traverse.ts`) and IVF's scans (`packages/ivfpq/assembly/ivf.ts`);
 * inlined into each module that imports them. The caller keeps the size.
 */

/** Max-heap push: the heap holds `n` items; the caller adds one to its size. */
@inline
export function maxPush(dp: usize, ip: usize, n: i32, d: f64, id: i32): void {
  let i = n;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = load<f64>(dp + ((<usize>p) << 3));
    const pid = load<i32>(ip + ((<usize>p) << 2));
    if (pd > d || (pd == d && pid > id)) break;
    store<f64>(dp + ((<usize>i) << 3), pd);
    store<i32>(ip + ((<usize>i) << 2), pid);
    i = p;
  }
  store<f64>(dp + ((<usize>i) << 3), d);
  store<i32>(ip + ((<usize>i) << 2), id);
}

/** Max-heap: replace the top of a heap of `n` items with (d, id) and sift it down. */
@inline
export function maxReplaceTop(dp: usize, ip: usize, n: i32, d: f64, id: i32): void {
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    const r = c + 1;
    let cd = load<f64>(dp + ((<usize>c) << 3));
    let cid = load<i32>(ip + ((<usize>c) << 2));
    if (r < n) {
      const rd = load<f64>(dp + ((<usize>r) << 3));
      const rid = load<i32>(ip + ((<usize>r) << 2));
      if (rd > cd || (rd == cd && rid > cid)) {
        c = r;
        cd = rd;
        cid = rid;
      }
    }
    if (cd < d || (cd == d && cid < id)) break;
    store<f64>(dp + ((<usize>i) << 3), cd);
    store<i32>(ip + ((<usize>i) << 2), cid);
    i = c;
  }
  store<f64>(dp + ((<usize>i) << 3), d);
  store<i32>(ip + ((<usize>i) << 2), id);
}

/** Min-heap push: the heap holds `n` items; the caller adds one to its size. */
@inline
export function minPush(dp: usize, ip: usize, n: i32, d: f64, id: i32): void {
  let i = n;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pd = load<f64>(dp + ((<usize>p) << 3));
    const pid = load<i32>(ip + ((<usize>p) << 2));
    if (pd < d || (pd == d && pid < id)) break;
    store<f64>(dp + ((<usize>i) << 3), pd);
    store<i32>(ip + ((<usize>i) << 2), pid);
    i = p;
  }
  store<f64>(dp + ((<usize>i) << 3), d);
  store<i32>(ip + ((<usize>i) << 2), id);
}

/** Min-heap pop for a heap that held `n + 1` items and now holds `n`: move the last to the top. */
@inline
export function minPopInto(dp: usize, ip: usize, n: i32): void {
  const d = load<f64>(dp + ((<usize>n) << 3));
  const id = load<i32>(ip + ((<usize>n) << 2));
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    const r = c + 1;
    let cd = load<f64>(dp + ((<usize>c) << 3));
    let cid = load<i32>(ip + ((<usize>c) << 2));
    if (r < n) {
      const rd = load<f64>(dp + ((<usize>r) << 3));
      const rid = load<i32>(ip + ((<usize>r) << 2));
      if (rd < cd || (rd == cd && rid < cid)) {
        c = r;
        cd = rd;
        cid = rid;
      }
    }
    if (cd > d || (cd == d && cid > id)) break;
    store<f64>(dp + ((<usize>i) << 3), cd);
    store<i32>(ip + ((<usize>i) << 2), cid);
    i = c;
  }
  store<f64>(dp + ((<usize>i) << 3), d);
  store<i32>(ip + ((<usize>i) << 2), id);
}

/** Max-heap pop for a heap that held `n + 1` items and now holds `n`: move the last to the top. */
@inline
export function maxPopInto(dp: usize, ip: usize, n: i32): void {
  maxReplaceTop(dp, ip, n, load<f64>(dp + ((<usize>n) << 3)), load<i32>(ip + ((<usize>n) << 2)));
}
