/**
 * The WebAssembly side of IVF search: one `WebAssembly.Memory` per index holding everything
 * a query reads (coarse centroids, the CSR lists, the list vectors or PQ codes, the PQ
 * codebooks and precomputed table, the vectors kept for re-ranking) plus the per-query
 * scratch, and an instance of the kernels of `assembly/ivf.ts` over it. One call per query:
 * {@link IvfWasm.searchFlat} / {@link IvfWasm.searchPq}.
 *
 * Why the index's own memory rather than its stores': a wasm instance reads one memory, and
 * an IVF query touches the centroids, the ids and the payload together; the centroid store
 * and the list store each own a memory of their own. So the index lays its search data out
 * once per change (end of `add`, `train`, `deserialize`) in one memory, and its public
 * arrays (`listIds`, `listCodes`, `listVectors.data`, …) become views of that memory: nothing
 * is held twice but the centroids (nlist × dim floats, also kept in the centroid store that
 * `add` assigns with).
 *
 * Layout (byte addresses, 64-byte aligned regions):
 *
 * ```
 * [64, …)  query (dim f32) · residual (dim f32) · centroids (nlist × dim f32) · offsets
 *          (nlist + 1 i32) · ids (size i32) · rows (IVF-Flat: size × dim f32 in slot order;
 *          IVF-PQ: kept vectors, size × dim f32 in id order, or none) · codes (size × m u8) ·
 *          codebooks (m × ksub × dsub f32) · precomputed term 2 (nlist × m × ksub f32, or none)
 *          · query table and list table (m × ksub f64 each) · probes (nlist f64 + nlist i32)
 * [heap, end)  result heap and output (capacity f64 + i32 each), capacity ≥ max(nlist, k × rerank)
 * ```
 *
 * Only the heap region ever grows ({@link IvfWasm.ensureHeap}); growing detaches every view,
 * so the index re-reads its views afterwards ({@link IvfWasm.generation} tells it when).
 * Past the 4 GiB of a 32-bit memory, or when the runtime refuses, {@link IvfWasm.create}
 * returns null and the index searches with the TypeScript loops instead.
 *
 * @module
 */
import { decodeBase64, normalizeInPlace } from '@annlab/core';
import { IVF_WASM_BASE64 } from './ivf-wasm.generated.js';

/** The functions `assembly/ivf.ts` exports; pointers are byte addresses, see that file. */
interface IvfKernelExports {
  configure(
    dim: number,
    nlist: number,
    isDot: number,
    bias: number,
    qPtr: number,
    centPtr: number,
    offsPtr: number,
    idsPtr: number,
    rowsPtr: number,
    probeDPtr: number,
    probeLPtr: number,
    heapDPtr: number,
    heapIPtr: number,
    outDPtr: number,
    outIPtr: number,
  ): void;
  configurePq(
    codesPtr: number,
    bookPtr: number,
    prePtr: number,
    qtPtr: number,
    ltPtr: number,
    residPtr: number,
    m: number,
    ksub: number,
    mode: number,
    byResidual: number,
  ): void;
  rank(nprobe: number): number;
  searchFlat(nprobe: number, k: number): number;
  searchPq(nprobe: number, k: number, rerank: number): number;
  probes(): number;
  scanned(): number;
  reranked(): number;
}

/** Bytes per WebAssembly page. */
const PAGE = 65536;
/** Largest 32-bit memory. */
const MAX_BYTES = 65536 * PAGE;
/** Result-heap entries reserved up front (beyond nlist). */
const INITIAL_HEAP = 1024;

function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

let moduleCache: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null where the runtime cannot run it (compiled once). */
function ivfModule(): WebAssembly.Module | null {
  if (moduleCache === undefined) {
    try {
      const bytes = decodeBase64(IVF_WASM_BASE64);
      moduleCache = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      moduleCache = null;
    }
  }
  return moduleCache;
}

/** What an IVF index stores, sized: the input of {@link IvfWasm.create}. */
export interface IvfLayoutSpec {
  /** Vector dimension. */
  dim: number;
  /** Number of lists. */
  nlist: number;
  /** Stored vectors (slots). */
  size: number;
  /** Dot-product metric (`bias − ⟨q, x⟩`) rather than squared L2. */
  isDot: boolean;
  /** The metric's bias. */
  bias: number;
  /** Rows of full vectors: IVF-Flat's list vectors (= size) or IVF-PQ's kept vectors (size or 0). */
  rows: number;
  /** IVF-PQ only: bytes per code, codebook size, table mode, residual encoding, precomputed table. */
  pq?: { m: number; ksub: number; mode: number; byResidual: boolean; precomputed: boolean };
}

/** One index's search memory and kernel instance; see the module doc. */
export class IvfWasm {
  /** The memory. */
  readonly memory: WebAssembly.Memory;
  private readonly k: IvfKernelExports;
  private readonly spec: IvfLayoutSpec;
  /** Byte addresses of the regions (see the module doc). */
  private readonly qPtr: number;
  private readonly centPtr: number;
  private readonly offsPtr: number;
  private readonly idsPtr: number;
  private readonly rowsPtr: number;
  private readonly codesPtr: number;
  private readonly bookPtr: number;
  private readonly prePtr: number;
  private readonly probeDPtr: number;
  private readonly probeLPtr: number;
  private readonly heapPtr: number;
  /** Entries the result heap and the output hold. */
  private heapCap: number;
  private outDPtr: number;
  private outIPtr: number;
  /** Bumped whenever the memory grows (every view of it was detached). */
  generation: number;
  private f32: Float32Array;
  private f64: Float64Array;
  private i32: Int32Array;

  private constructor(module: WebAssembly.Module, spec: IvfLayoutSpec, bytesBeforeHeap: number, ptrs: number[]) {
    const heapCap = Math.max(spec.nlist, INITIAL_HEAP);
    const bytes = bytesBeforeHeap + IvfWasm.heapBytes(heapCap);
    if (bytes > MAX_BYTES) throw new RangeError('IVF search memory exceeds 4 GiB');
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.k = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as IvfKernelExports;
    this.spec = spec;
    [
      this.qPtr,
      this.centPtr,
      this.offsPtr,
      this.idsPtr,
      this.rowsPtr,
      this.codesPtr,
      this.bookPtr,
      this.prePtr,
      this.probeDPtr,
      this.probeLPtr,
    ] = ptrs;
    this.heapPtr = bytesBeforeHeap;
    this.heapCap = 0;
    this.outDPtr = 0;
    this.outIPtr = 0;
    this.generation = 0;
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.setHeap(heapCap);
    const pq = spec.pq;
    if (pq !== undefined) {
      const mk = pq.m * pq.ksub;
      const qtPtr = ptrs[10];
      this.k.configurePq(
        this.codesPtr,
        this.bookPtr,
        pq.precomputed ? this.prePtr : 0,
        qtPtr,
        qtPtr + mk * 8,
        this.qPtr + align64(spec.dim * 4),
        pq.m,
        pq.ksub,
        pq.mode,
        pq.byResidual ? 1 : 0,
      );
    }
  }

  /** Bytes of a heap region of `cap` entries: heap and output, f64 + i32 each. */
  private static heapBytes(cap: number): number {
    return 2 * align64(cap * 8) + 2 * align64(cap * 4);
  }

  /**
   * Lay out the memory for `spec`, or return null where WebAssembly SIMD is missing or the
   * layout would pass 4 GiB (or the runtime refuses the memory). The regions are zero: the
   * caller fills them through the views ({@link IvfWasm.centroids}, …).
   */
  static create(spec: IvfLayoutSpec): IvfWasm | null {
    const module = ivfModule();
    if (module === null) return null;
    const { dim, nlist, size, rows, pq } = spec;
    let p = 64;
    const take = (bytes: number): number => {
      const at = p;
      p = align64(p + bytes);
      return at;
    };
    const qPtr = take(dim * 4);
    take(dim * 4); // residual
    const centPtr = take(nlist * dim * 4);
    const offsPtr = take((nlist + 1) * 4);
    const idsPtr = take(size * 4);
    const rowsPtr = take(rows * dim * 4);
    const m = pq?.m ?? 0;
    const ksub = pq?.ksub ?? 0;
    const codesPtr = take(size * m);
    const bookPtr = take(ksub * dim * 4);
    const prePtr = take(pq?.precomputed ? nlist * m * ksub * 4 : 0);
    const qtPtr = take(2 * m * ksub * 8);
    const probeDPtr = take(nlist * 8);
    const probeLPtr = take(nlist * 4);
    if (p > MAX_BYTES) return null;
    try {
      return new IvfWasm(module, spec, p, [
        qPtr,
        centPtr,
        offsPtr,
        idsPtr,
        rowsPtr,
        codesPtr,
        bookPtr,
        prePtr,
        probeDPtr,
        probeLPtr,
        qtPtr,
      ]);
    } catch {
      return null; // over 4 GiB with the heap, or the runtime refused the memory
    }
  }

  /** Point the heap and output at a region of `cap` entries and hand the layout to the kernels. */
  private setHeap(cap: number): void {
    const heapDPtr = this.heapPtr;
    const heapIPtr = heapDPtr + align64(cap * 8);
    this.outDPtr = heapIPtr + align64(cap * 4);
    this.outIPtr = this.outDPtr + align64(cap * 8);
    this.heapCap = cap;
    const s = this.spec;
    this.k.configure(
      s.dim,
      s.nlist,
      s.isDot ? 1 : 0,
      s.bias,
      this.qPtr,
      this.centPtr,
      this.offsPtr,
      this.idsPtr,
      this.rowsPtr,
      this.probeDPtr,
      this.probeLPtr,
      heapDPtr,
      heapIPtr,
      this.outDPtr,
      this.outIPtr,
    );
  }

  /**
   * Make the result heap hold `entries` (k, or k × rerank) candidates, growing the memory if
   * needed; growing detaches every view of it and bumps {@link IvfWasm.generation}.
   * @returns false when the memory cannot grow that far (the caller then searches in TypeScript).
   */
  ensureHeap(entries: number): boolean {
    if (entries <= this.heapCap) return true;
    let cap = this.heapCap;
    while (cap < entries) cap *= 2;
    const need = this.heapPtr + IvfWasm.heapBytes(cap);
    if (need > MAX_BYTES) return false;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      try {
        this.memory.grow(Math.ceil((need - have) / PAGE));
      } catch {
        return false;
      }
      const buffer = this.memory.buffer;
      this.f32 = new Float32Array(buffer);
      this.f64 = new Float64Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.generation++;
    }
    this.setHeap(cap);
    return true;
  }

  /** Whether `x` views this memory (a search input that growing it would detach). */
  owns(x: ArrayBufferView): boolean {
    return x.buffer === this.memory.buffer;
  }

  /** Coarse centroids, nlist × dim. */
  centroids(): Float32Array {
    return new Float32Array(this.memory.buffer, this.centPtr, this.spec.nlist * this.spec.dim);
  }

  /** CSR offsets, nlist + 1. */
  offsets(): Int32Array {
    return new Int32Array(this.memory.buffer, this.offsPtr, this.spec.nlist + 1);
  }

  /** Slot ids, size. */
  ids(): Int32Array {
    return new Int32Array(this.memory.buffer, this.idsPtr, this.spec.size);
  }

  /** Full-vector rows (IVF-Flat list vectors, IVF-PQ kept vectors), rows × dim. */
  rows(): Float32Array {
    return new Float32Array(this.memory.buffer, this.rowsPtr, this.spec.rows * this.spec.dim);
  }

  /** PQ codes, size × m. */
  codes(): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.codesPtr, this.spec.size * (this.spec.pq?.m ?? 0));
  }

  /** PQ codebooks, (m, ksub, dsub). */
  codebooks(): Float32Array {
    return new Float32Array(this.memory.buffer, this.bookPtr, (this.spec.pq?.ksub ?? 0) * this.spec.dim);
  }

  /** Precomputed term 2, nlist × m × ksub (empty when not used). */
  precomputed(): Float32Array {
    const pq = this.spec.pq;
    const n = pq?.precomputed ? this.spec.nlist * pq.m * pq.ksub : 0;
    return new Float32Array(this.memory.buffer, this.prePtr, n);
  }

  /**
   * Copy query `q[qOff … qOff + dim)` into the query slot, normalised when `normalize`
   * (the same arithmetic as core's `DistanceComputer.setQuery`).
   */
  loadQuery(q: Float32Array, qOff: number, normalize: boolean): void {
    const f32 = this.f32;
    const base = this.qPtr >>> 2;
    const dim = this.spec.dim;
    for (let j = 0; j < dim; j++) f32[base + j] = q[qOff + j];
    if (normalize) normalizeInPlace(f32, base, dim);
  }

  /** IVF-Flat: one query (loaded by {@link IvfWasm.loadQuery}); returns the results held. */
  searchFlat(nprobe: number, k: number): number {
    return this.k.searchFlat(nprobe, k);
  }

  /** IVF-PQ: one query (loaded by {@link IvfWasm.loadQuery}); returns the results held. */
  searchPq(nprobe: number, k: number, rerank: number): number {
    return this.k.searchPq(nprobe, k, rerank);
  }

  /** Only the coarse ranking of the loaded query; returns the probes written. */
  rank(nprobe: number): number {
    return this.k.rank(nprobe);
  }

  /**
   * Write the last query's `n` results to `outIds` / `outDist` at `outOff` as reported
   * distances (`toReported`), then pad the row to `k` with −1 / +Infinity.
   */
  writeRow(n: number, k: number, toReported: (x: number) => number, outIds: Int32Array, outDist: Float32Array, outOff: number): void {
    const f64 = this.f64;
    const i32 = this.i32;
    const d0 = this.outDPtr >>> 3;
    const i0 = this.outIPtr >>> 2;
    for (let i = 0; i < n; i++) {
      outIds[outOff + i] = i32[i0 + i];
      outDist[outOff + i] = toReported(f64[d0 + i]);
    }
    for (let i = n; i < k; i++) {
      outIds[outOff + i] = -1;
      outDist[outOff + i] = Infinity;
    }
  }

  /** Copy the last query's probes (lists and coarse distances, ascending) out; returns their number. */
  readProbes(lists: Int32Array, dists: Float64Array): number {
    const np = this.k.probes();
    const l0 = this.probeLPtr >>> 2;
    const d0 = this.probeDPtr >>> 3;
    const i32 = this.i32;
    const f64 = this.f64;
    for (let p = 0; p < np; p++) {
      lists[p] = i32[l0 + p];
      dists[p] = f64[d0 + p];
    }
    return np;
  }

  /** Codes or vectors the last query scanned. */
  scanned(): number {
    return this.k.scanned();
  }

  /** Exact distances the last query's re-rank computed. */
  reranked(): number {
    return this.k.reranked();
  }

  /** Bytes of the laid-out regions, heap included (the memory itself is this rounded up to 64 KiB pages). */
  byteLength(): number {
    return this.heapPtr + IvfWasm.heapBytes(this.heapCap);
  }
}
