/**
 * The L hash tables as flat typed arrays. The per-id keys are the source of truth; each
 * table's buckets are a CSR built from them (sorted keys, offsets, ids):
 *
 * ```
 * keys          L × stride      key of id i in table t at t·stride + i (table-major)
 * tableStart    L + 1           table t's buckets are [tableStart[t], tableStart[t+1])
 * bucketKeys    buckets         ascending within each table
 * bucketStart   buckets + 1     bucket b's ids are bucketIds[bucketStart[b] … bucketStart[b+1])
 * bucketIds     L × indexed     grouped by bucket, ascending id within a bucket
 * ```
 *
 * A lookup is a binary search over one table's keys. Adds after the build append keys only
 * (amortised doubling) and leave the CSR stale; {@link LshTables.rebuild} re-sorts every
 * table (LSD radix sort on the 32-bit key, four passes of 8 bits, stable, so ids stay
 * ascending within a bucket) before the next search. Rebuilding is linear in L × n: add in
 * batches rather than one vector per search.
 *
 * @module
 */

const EMPTY_U32 = new Uint32Array(0);
const EMPTY_I32 = new Int32Array(0);

/** The tables of one index. */
export class LshTables {
  /** Number of tables. */
  readonly L: number;
  /** Per-id keys, `L × stride`, table-major: id i's key in table t at `t·stride + i`. */
  keys: Uint32Array;
  /** Row stride of {@link LshTables.keys} (its capacity in ids). */
  stride: number;
  /** Ids with keys (the index's id count once built). */
  count: number;
  /** Ids in the CSR; the CSR is stale while this is below `count`. */
  indexed: number;
  /** Bucket range of each table, length L + 1. */
  tableStart: Int32Array;
  /** Bucket keys, ascending within each table. */
  bucketKeys: Uint32Array;
  /** Start of each bucket's ids in {@link LshTables.bucketIds}, length buckets + 1. */
  bucketStart: Int32Array;
  /** Ids grouped by bucket, `L × indexed`. */
  bucketIds: Int32Array;

  constructor(L: number) {
    this.L = L;
    this.keys = EMPTY_U32;
    this.stride = 0;
    this.count = 0;
    this.indexed = 0;
    this.tableStart = new Int32Array(L + 1);
    this.bucketKeys = EMPTY_U32;
    this.bucketStart = new Int32Array(1);
    this.bucketIds = EMPTY_I32;
  }

  /** Make room for keys of ids in [0, n) (table-major re-layout on growth, doubling). */
  reserve(n: number): void {
    if (n <= this.stride) return;
    let cap = Math.max(16, this.stride);
    while (cap < n) cap *= 2;
    const next = new Uint32Array(this.L * cap);
    for (let t = 0; t < this.L; t++) next.set(this.keys.subarray(t * this.stride, t * this.stride + this.count), t * cap);
    this.keys = next;
    this.stride = cap;
  }

  /** Adopt keys read from a file (`L × n`, table-major, stride n) and build the CSR. */
  adopt(keys: Uint32Array, n: number): void {
    this.keys = keys;
    this.stride = n;
    this.count = n;
    this.indexed = 0;
    this.rebuild();
  }

  /** The keys of ids [0, count), table-major with stride `count` (what a file stores). */
  packedKeys(): Uint32Array {
    const n = this.count;
    if (this.stride === n) return this.keys.subarray(0, this.L * n);
    const out = new Uint32Array(this.L * n);
    for (let t = 0; t < this.L; t++) out.set(this.keys.subarray(t * this.stride, t * this.stride + n), t * n);
    return out;
  }

  /** Sort every table's ids by key into the CSR (radix sort; linear in L × count). */
  rebuild(): void {
    const L = this.L;
    const n = this.count;
    const keys = this.keys;
    const stride = this.stride;
    const bucketIds = new Int32Array(L * n);
    let src = new Int32Array(n);
    let dst = new Int32Array(n);
    const hist = new Int32Array(256);
    const tableStart = new Int32Array(L + 1);
    // First pass: sort, count buckets per table.
    for (let t = 0; t < L; t++) {
      const kb = t * stride;
      for (let i = 0; i < n; i++) src[i] = i;
      for (let shift = 0; shift < 32; shift += 8) {
        hist.fill(0);
        for (let i = 0; i < n; i++) hist[(keys[kb + src[i]] >>> shift) & 255]++;
        let sum = 0;
        for (let b = 0; b < 256; b++) {
          const c = hist[b];
          hist[b] = sum;
          sum += c;
        }
        for (let i = 0; i < n; i++) {
          const id = src[i];
          dst[hist[(keys[kb + id] >>> shift) & 255]++] = id;
        }
        const tmp = src;
        src = dst;
        dst = tmp;
      }
      bucketIds.set(src, t * n);
      let buckets = 0;
      for (let i = 0; i < n; i++) if (i === 0 || keys[kb + src[i]] !== keys[kb + src[i - 1]]) buckets++;
      tableStart[t + 1] = tableStart[t] + buckets;
    }
    const total = tableStart[L];
    const bucketKeys = new Uint32Array(total);
    const bucketStart = new Int32Array(total + 1);
    let b = 0;
    for (let t = 0; t < L; t++) {
      const kb = t * stride;
      const ib = t * n;
      for (let i = 0; i < n; i++) {
        const key = keys[kb + bucketIds[ib + i]];
        if (i === 0 || key !== bucketKeys[b - 1]) {
          bucketKeys[b] = key;
          bucketStart[b] = ib + i;
          b++;
        }
      }
    }
    bucketStart[total] = L * n;
    this.tableStart = tableStart;
    this.bucketKeys = bucketKeys;
    this.bucketStart = bucketStart;
    this.bucketIds = bucketIds;
    this.indexed = n;
  }

  /** The bucket of `key` in table `t`, or −1 when no indexed id has that key there. */
  find(t: number, key: number): number {
    const keys = this.bucketKeys;
    let lo = this.tableStart[t];
    let hi = this.tableStart[t + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /** Number of buckets over all tables. */
  bucketCount(): number {
    return this.tableStart[this.L];
  }

  /** Copy the keys out of a caller's buffer (after loading with zero-copy views). */
  copyKeys(): void {
    this.keys = this.keys.slice();
  }

  /** Bytes used: the keys of the `count` ids (4·L·count) and the CSR as built. */
  usedBytes(): number {
    return (
      4 * this.L * this.count +
      this.tableStart.byteLength +
      this.bucketKeys.byteLength +
      this.bucketStart.byteLength +
      this.bucketIds.byteLength
    );
  }

  /** Bytes held by the keys and the CSR. */
  memoryBytes(): number {
    return (
      this.keys.byteLength +
      this.tableStart.byteLength +
      this.bucketKeys.byteLength +
      this.bucketStart.byteLength +
      this.bucketIds.byteLength
    );
  }
}
