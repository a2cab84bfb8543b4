/**
 * A {@link VectorStore}'s rows placed in a growable `WebAssembly.Memory`, with a kernel
 * instance over that memory, so the SIMD kernels read vectors in place (no copy per call).
 *
 * One memory per store: `memory.grow` detaches every view of the old buffer, so sharing one
 * memory between stores would invalidate the other stores' `data` whenever one of them grew.
 *
 * Memory layout (byte addresses, 64-byte aligned regions):
 *
 * ```
 * [0, 64)                        unused (address 0 stays null)
 * [64, 64 + qBytes)              query slot: the current DistanceComputer query, dim floats
 * [rowsPtr, rowsPtr + cap·dim·4) rows, row i at rowsPtr + i·dim·4 (`VectorStore.data` views it)
 * [regions…]                     hosted regions, in creation order (see below; usually none)
 * [scratchPtr, end of memory)    per-call scratch: id lists, tile queries, float64 outputs
 * ```
 *
 * Rows never move: growing the memory extends it in place, and the scratch region (which
 * holds nothing between calls) simply starts further on.
 *
 * **Hosted regions.** An index whose own wasm loops read more than rows (HNSW's level-0
 * links and visited tags) asks for a {@link WasmRegion} with {@link WasmRows.addRegion}: a
 * growable block kept between the rows and the scratch, whose contents survive every growth.
 * Regions are relocatable: when the rows (or an earlier region) grow, later regions are
 * moved up with `copyWithin` and their {@link WasmRegion.ptr} and {@link WasmRegion.i32}
 * view are refreshed, so holders re-read both after any call that may grow the memory.
 * At least {@link INITIAL_SCRATCH} bytes of scratch always follow the last region, so a
 * per-call request within that size (every id-list call of a graph search) never grows the
 * memory, and views read before it stay valid across it. Only the query slot is kept between
 * calls; {@link WasmRows.queryOwner} records which DistanceComputer's query it holds, so
 * several computers over one store (an insert context and a search context) each reload
 * their query on first use after another one used the slot.
 *
 * **The 4 GiB limit.** Addresses are 32-bit, so one memory holds at most 65 536 pages of
 * 64 KiB = 4 GiB: about 1.3 M rows of 784 floats, 8.3 M rows of 128. When an append would
 * need more (or the runtime refuses to grow), {@link WasmRows.reserveRows} reports failure and
 * the store moves its rows to an ordinary `Float32Array` and continues on the scalar (`'js'`)
 * backend: same results, scalar speed. Browsers may cap memory lower (e.g. 2 GiB on some
 * 32-bit or mobile builds); the same fallback applies there.
 *
 * @module
 */
import { instantiateKernels, isSharedMemory, type KernelExports } from './wasm-kernels.js';

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES: number = 65536;
/** Largest 32-bit WebAssembly memory: 65 536 pages = 4 GiB. */
export const WASM_MAX_BYTES: number = 65536 * WASM_PAGE_BYTES;
/** Address of the query slot. */
const QUERY_PTR = 64;
/**
 * Scratch bytes always available past the rows and regions (a 1024-row float64 block plus
 * ids): a request of at most this many bytes never grows the memory.
 */
export const INITIAL_SCRATCH: number = 16384;

function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

/**
 * Every buffer of every store's WebAssembly memory handed out so far. Growing a memory
 * detaches its old buffer and every view of it, so an input that views one (a self-join:
 * `index.search(index.store.view(), k)`) must be copied before a call that may grow it.
 */
const MEMORY_BUFFERS = new WeakSet<ArrayBufferLike>();

/**
 * `x` itself, or a copy of it when it views the WebAssembly memory of an annlab store
 * (which the call about to run may grow, detaching `x` mid-read). Indexes pass their `add`
 * and `search` inputs through it; the check is one WeakSet lookup.
 */
export function stableInput(x: Float32Array): Float32Array {
  return MEMORY_BUFFERS.has(x.buffer) ? x.slice() : x;
}

/**
 * Copy `src` into the zeroed `dst` (same length) one 64 KiB page at a time, skipping pages of
 * `src` that are all zero: writing zeros would make every page of `dst` resident for nothing
 * (moving a large, still empty memory or link array into a fresh memory).
 */
export function copySkippingZeroPages(src: Int32Array, dst: Int32Array): void {
  const pageWords = WASM_PAGE_BYTES >>> 2;
  for (let w = 0; w < src.length; w += pageWords) {
    const end = Math.min(src.length, w + pageWords);
    let i = w;
    while (i < end && src[i] === 0) i++;
    if (i < end) dst.set(src.subarray(w, end), w);
  }
}

/**
 * Zero `u8[from, to)` (64-aligned bounds), writing only the 64-byte lines that are not zero
 * already: fresh memory is zero, and writing zeros would make its pages resident for nothing
 * (a 1M-node HNSW index hosts 132 MB of level-0 links before it holds any).
 */
function zeroRange(u8: Uint8Array, from: number, to: number): void {
  const words = new Int32Array(u8.buffer, from, (to - from) >>> 2);
  for (let w = 0; w < words.length; w += 16) {
    const end = Math.min(words.length, w + 16);
    for (let i = w; i < end; i++) {
      if (words[i] !== 0) {
        words.fill(0, w, end);
        break;
      }
    }
  }
}

/**
 * A growable block of a store's WebAssembly memory hosted beside its rows (created by
 * {@link WasmRows.addRegion}, resized by {@link WasmRows.resizeRegion}). It may move when the
 * rows or an earlier region grow; its contents move with it.
 */
export class WasmRegion {
  /** Byte address of the region (64-byte aligned); changes when the region moves. */
  ptr: number;
  /** Byte length of the region. */
  bytes: number;
  /** Int32 view of exactly the region (`bytes / 4` ints), refreshed on every growth or move. */
  i32: Int32Array;

  constructor(ptr: number, bytes: number, buffer: ArrayBufferLike) {
    this.ptr = ptr;
    this.bytes = bytes;
    this.i32 = new Int32Array(buffer, ptr, bytes >>> 2);
  }
}

/** Rows of one store in WebAssembly memory, with the kernel instance that reads them. */
export class WasmRows {
  /** Components per row. */
  readonly dim: number;
  /** Bytes per row (`dim * 4`). */
  readonly rowBytes: number;
  /**
   * The store's own memory: plain, or shared with worker threads after
   * {@link WasmRows.makeShared} (a new object then: instances over the old one are stale).
   */
  memory: WebAssembly.Memory;
  /** The kernel instance over {@link WasmRows.memory}. */
  k: KernelExports;
  /** Byte address of the query slot (`dim` floats). */
  readonly qPtr: number;
  /** Byte address of row 0. */
  readonly rowsPtr: number;
  /** Largest memory this store may use, in bytes (≤ 4 GiB). */
  readonly maxBytes: number;
  /** Rows the row region holds. */
  capacity: number;
  /** Byte address of the scratch region (just past the row region and any hosted regions). */
  scratchPtr: number;
  /** Hosted regions, in address order (see {@link WasmRows.addRegion}). */
  readonly regions: WasmRegion[];
  /** Which DistanceComputer's query the query slot holds (`null`: none). */
  queryOwner: object | null;
  /** Views of the whole memory, refreshed after every growth. */
  f32: Float32Array;
  /** Float64 view of the whole memory (outputs). */
  f64: Float64Array;
  /** Int32 view of the whole memory (id lists). */
  i32: Int32Array;
  /** Byte view of the whole memory (PQ codes). */
  u8: Uint8Array;
  /** The rows, `capacity × dim` (what `VectorStore.data` returns). */
  data: Float32Array;

  /**
   * @param dim - components per row.
   * @param capacity - rows to make room for.
   * @param maxBytes - memory cap in bytes (default and maximum 4 GiB).
   * @throws RangeError when even the initial memory cannot be allocated (callers fall back).
   */
  constructor(dim: number, capacity: number, maxBytes: number = WASM_MAX_BYTES) {
    this.dim = dim;
    this.rowBytes = dim * 4;
    this.maxBytes = Math.min(maxBytes, WASM_MAX_BYTES);
    this.qPtr = QUERY_PTR;
    this.rowsPtr = align64(QUERY_PTR + this.rowBytes);
    this.capacity = capacity;
    this.scratchPtr = align64(this.rowsPtr + capacity * this.rowBytes);
    this.regions = [];
    const bytes = this.scratchPtr + INITIAL_SCRATCH;
    if (bytes > this.maxBytes) throw new RangeError('initial WebAssembly memory exceeds the limit');
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / WASM_PAGE_BYTES) });
    this.k = instantiateKernels(this.memory);
    this.queryOwner = null;
    const buffer = this.memory.buffer;
    MEMORY_BUFFERS.add(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.data = new Float32Array(buffer, this.rowsPtr, capacity * dim);
  }

  /** Whether the memory is shared (see {@link WasmRows.makeShared}). */
  get shared(): boolean {
    return isSharedMemory(this.memory);
  }

  /**
   * Move the memory to a shared `WebAssembly.Memory` (a `SharedArrayBuffer` underneath, of at
   * most {@link WasmRows.maxBytes}), so worker threads can read and write rows and hosted
   * regions in place while this thread waits (HNSW's parallel build). Contents, addresses and
   * regions are kept; the views and the kernel instance are renewed, and any other instance
   * over the old memory must be made again. Searches on a shared memory run at the same speed.
   * Costs one copy of the pages that hold data (zero pages are skipped, so the spare capacity of
   * a store created with a large `capacity` stays untouched), so share a store before filling it.
   * @returns false when this runtime has no shared memory (no `SharedArrayBuffer`, or a page
   *   that is not cross-origin isolated) or refuses to allocate it; nothing changes then.
   */
  makeShared(): boolean {
    if (this.shared) return true;
    if (typeof SharedArrayBuffer !== 'function') return false;
    const old = this.memory.buffer;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({
        initial: old.byteLength / WASM_PAGE_BYTES,
        maximum: Math.floor(this.maxBytes / WASM_PAGE_BYTES),
        shared: true,
      });
    } catch {
      return false;
    }
    copySkippingZeroPages(new Int32Array(old), new Int32Array(memory.buffer));
    this.memory = memory;
    this.k = instantiateKernels(memory);
    this.refreshViews();
    return true;
  }

  /** Bytes of the whole memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Byte address of row `id`. */
  rowPtr(id: number): number {
    return this.rowsPtr + id * this.rowBytes;
  }

  /** Grow the memory to at least `bytes` (doubling); false when over the cap or refused. */
  private growTo(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > this.maxBytes) return false;
    const havePages = have / WASM_PAGE_BYTES;
    const needPages = Math.ceil(bytes / WASM_PAGE_BYTES);
    const maxPages = Math.floor(this.maxBytes / WASM_PAGE_BYTES);
    const wantPages = Math.min(maxPages, Math.max(needPages, havePages * 2));
    try {
      this.memory.grow(wantPages - havePages);
    } catch {
      try {
        this.memory.grow(needPages - havePages);
      } catch {
        return false;
      }
    }
    this.refreshViews();
    return true;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    MEMORY_BUFFERS.add(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.data = new Float32Array(buffer, this.rowsPtr, this.capacity * this.dim);
    const regions = this.regions;
    for (let r = 0; r < regions.length; r++) {
      const region = regions[r];
      region.i32 = new Int32Array(buffer, region.ptr, region.bytes >>> 2);
    }
  }

  /**
   * Lay the regions out again after the rows grow to `capacity` rows or region `which` grows
   * to `bytes`: each region starts at the 64-aligned end of the one before, contents moved
   * up (last region first, so nothing is overwritten before it moves).
   * @returns false when the memory cannot grow that far; nothing changes then.
   */
  private relayout(capacity: number, which: WasmRegion | null, bytes: number): boolean {
    const regions = this.regions;
    const n = regions.length;
    const ptrs = new Array<number>(n);
    let end = align64(this.rowsPtr + capacity * this.rowBytes);
    for (let r = 0; r < n; r++) {
      ptrs[r] = end;
      end = align64(end + (regions[r] === which ? bytes : regions[r].bytes));
    }
    if (!this.growTo(end + INITIAL_SCRATCH)) return false;
    const u8 = this.u8;
    for (let r = n - 1; r >= 0; r--) {
      const region = regions[r];
      if (ptrs[r] !== region.ptr) u8.copyWithin(ptrs[r], region.ptr, region.ptr + region.bytes);
      if (region === which) zeroRange(u8, ptrs[r] + region.bytes, ptrs[r] + bytes);
      region.ptr = ptrs[r];
      if (region === which) region.bytes = bytes;
    }
    this.capacity = capacity;
    this.scratchPtr = end;
    this.refreshViews();
    return true;
  }

  /**
   * Make the row region hold `capacity` rows (rows stay where they are; hosted regions move
   * up past them).
   * @returns false when that would pass the memory cap; nothing changes then.
   */
  reserveRows(capacity: number): boolean {
    if (capacity <= this.capacity) return true;
    return this.relayout(capacity, null, 0);
  }

  /**
   * Host a new zeroed region of `bytes` bytes (a multiple of 4) after the rows and any earlier
   * regions, for data a wasm loop reads in place between calls (HNSW's level-0 links). The
   * region survives every growth of the memory but may move: read {@link WasmRegion.ptr} and
   * {@link WasmRegion.i32} afresh after any call that may grow it. Costs `bytes` of memory
   * for the store's lifetime (there is no removal; the store's memory goes with the store).
   * @returns the region, or null when the memory cannot grow that far (use ordinary arrays).
   */
  addRegion(bytes: number): WasmRegion | null {
    const ptr = this.scratchPtr;
    const end = align64(ptr + bytes);
    if (!this.growTo(end + INITIAL_SCRATCH)) return null;
    zeroRange(this.u8, ptr, end);
    const region = new WasmRegion(ptr, bytes, this.memory.buffer);
    this.regions.push(region);
    this.scratchPtr = end;
    return region;
  }

  /**
   * Grow `region` to `bytes` bytes, keeping its contents (the new tail is zeroed); later
   * regions move up. Shrinking is not supported (smaller sizes are ignored).
   * @returns false when the memory cannot grow that far; nothing changes then.
   */
  resizeRegion(region: WasmRegion, bytes: number): boolean {
    if (bytes <= region.bytes) return true;
    return this.relayout(this.capacity, region, bytes);
  }

  /**
   * Remove `region` and every region hosted after it (a stack discipline: the temporary
   * regions of one operation are added last and dropped together); their bytes become scratch
   * again, reused by later growth. A region not hosted here is ignored.
   */
  dropRegionsFrom(region: WasmRegion): void {
    const at = this.regions.indexOf(region);
    if (at < 0) return;
    this.scratchPtr = region.ptr;
    this.regions.length = at;
  }

  /**
   * Make at least `bytes` of scratch available at {@link WasmRows.scratchPtr}.
   * @returns false when the memory cannot grow that far (the caller then uses the JS kernels).
   */
  ensureScratch(bytes: number): boolean {
    return this.scratchPtr + bytes <= this.memory.buffer.byteLength || this.growTo(this.scratchPtr + bytes);
  }

  /** Copy `dim` floats from `src[srcOff…]` into the query slot and record `owner`. */
  loadQuery(src: Float32Array, srcOff: number, owner: object): void {
    const f32 = this.f32;
    const base = this.qPtr >>> 2;
    for (let j = 0, dim = this.dim; j < dim; j++) f32[base + j] = src[srcOff + j];
    this.queryOwner = owner;
  }
}
