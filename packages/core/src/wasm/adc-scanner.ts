/**
 * PQ asymmetric-distance (ADC) scans on either kernel backend, for IVF-PQ list scans
 * (Jégou, Douze & Schmid, "Product quantization for nearest neighbor search", TPAMI 2011,
 * §III.A: d(x, y)² ≈ Σ_s table[s][code_s(y)]).
 *
 * Usage: one scanner per search context; per query (and per probed list when the table depends
 * on the list, as with residual encoding) call {@link AdcScanner.setTable}, then
 * {@link AdcScanner.scan} over each list's codes. On the SIMD backend the scanner owns a
 * WebAssembly memory: the table is copied in once per `setTable` (float32, whatever the
 * caller's table type), each scanned block of codes once per `scan` (n·m bytes, cheap next to
 * the n·m lookups), and the float64 results are copied out. An index whose codes do not change
 * between searches can place them in the scanner once ({@link AdcScanner.setCodes}) and scan
 * them in place with {@link AdcScanner.scanResident}, skipping the per-scan copy.
 *
 * @module
 */
import { adcScan } from '../kernels.js';
import type { KernelBackend } from '../types.js';
import { instantiateKernels, resolveKernelBackend, type KernelExports } from './wasm-kernels.js';
import { WASM_PAGE_BYTES } from './wasm-rows.js';

/** Scans PQ codes against a per-query distance table. */
export class AdcScanner {
  /** Sub-quantizers (bytes per code row). */
  readonly m: number;
  /** Centroids per sub-quantizer (table row length), ≤ 256. */
  readonly ksub: number;
  /** The backend in use. */
  readonly backend: 'js' | 'simd';
  /** The current table, `m × ksub` (a copy). */
  readonly table: Float32Array;
  private memory: WebAssembly.Memory | null;
  private k: KernelExports | null;
  private u8: Uint8Array;
  private f32: Float32Array;
  private f64: Float64Array;
  private readonly tablePtr: number;
  private readonly residentPtr: number;
  private residentRows: number;
  private resident: Uint8Array;
  private scratchPtr: number;

  /**
   * @param m - sub-quantizers.
   * @param ksub - centroids per sub-quantizer (2^nbits).
   * @param kernels - backend (`'auto'` by default; validated like the index option).
   */
  constructor(m: number, ksub: number, kernels: KernelBackend = 'auto') {
    this.m = m;
    this.ksub = ksub;
    this.backend = resolveKernelBackend(kernels);
    this.table = new Float32Array(m * ksub);
    this.tablePtr = 64;
    this.residentPtr = Math.ceil((64 + m * ksub * 4) / 64) * 64;
    this.residentRows = 0;
    this.resident = new Uint8Array(0);
    this.scratchPtr = this.residentPtr;
    if (this.backend === 'simd') {
      const memory = new WebAssembly.Memory({ initial: Math.ceil((this.scratchPtr + 65536) / WASM_PAGE_BYTES) });
      this.memory = memory;
      this.k = instantiateKernels(memory);
    } else {
      this.memory = null;
      this.k = null;
    }
    this.u8 = new Uint8Array(0);
    this.f32 = new Float32Array(0);
    this.f64 = new Float64Array(0);
    this.refresh();
  }

  private refresh(): void {
    if (this.memory === null) return;
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /**
   * Use `table[tableOff .. tableOff + m * ksub)` (layout `m × ksub`) for the following scans.
   * A `Float64Array` table is rounded to float32 (the kernels' precision).
   */
  setTable(table: Float32Array | Float64Array, tableOff: number = 0): void {
    const len = this.m * this.ksub;
    const src = table.subarray(tableOff, tableOff + len);
    this.table.set(src);
    if (this.memory !== null) this.f32.set(this.table, this.tablePtr >>> 2);
  }

  private growTo(bytes: number): void {
    const memory = this.memory;
    if (memory === null) return;
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      memory.grow(Math.max(Math.ceil((bytes - have) / WASM_PAGE_BYTES), have / WASM_PAGE_BYTES));
      this.refresh();
    }
  }

  /**
   * Keep `rows` code rows (`codes[codesOff .. codesOff + rows·m)`) inside the scanner for
   * {@link AdcScanner.scanResident}, replacing any earlier ones. On the SIMD backend they are
   * copied once into WebAssembly memory; on `'js'` the scanner keeps a view (no copy), so the
   * caller must not modify them while using the scanner.
   */
  setCodes(codes: Uint8Array, codesOff: number, rows: number): void {
    const bytes = rows * this.m;
    this.residentRows = rows;
    if (this.memory === null) {
      this.resident = codes.subarray(codesOff, codesOff + bytes);
      return;
    }
    this.scratchPtr = Math.ceil((this.residentPtr + bytes) / 64) * 64;
    this.growTo(this.scratchPtr + 65536);
    this.u8.set(codes.subarray(codesOff, codesOff + bytes), this.residentPtr);
  }

  /**
   * `out[outOff + i]` = ADC distance of resident code row `row + i`, i in [0, n) (rows given
   * to {@link AdcScanner.setCodes}).
   */
  scanResident(row: number, n: number, out: Float64Array, outOff: number): void {
    const k = this.k;
    if (k === null) {
      adcScan(this.table, this.m, this.ksub, this.resident, row * this.m, n, out, outOff);
      return;
    }
    const outPtr = this.scratchPtr;
    this.growTo(outPtr + n * 8);
    k.adcScan(this.tablePtr, this.m, this.ksub, this.residentPtr + row * this.m, n, outPtr);
    this.copyOut(outPtr, n, out, outOff);
  }

  /**
   * `out[outOff + i]` = ADC distance of code row i, for the `n` rows of `m` bytes at
   * `codes[codesOff…]`.
   */
  scan(codes: Uint8Array, codesOff: number, n: number, out: Float64Array, outOff: number): void {
    const k = this.k;
    const m = this.m;
    if (k === null) {
      adcScan(this.table, m, this.ksub, codes, codesOff, n, out, outOff);
      return;
    }
    const codeBytes = n * m;
    const codesPtr = this.scratchPtr;
    const outPtr = Math.ceil((codesPtr + codeBytes) / 8) * 8;
    this.growTo(outPtr + n * 8);
    this.u8.set(codes.subarray(codesOff, codesOff + codeBytes), codesPtr);
    k.adcScan(this.tablePtr, m, this.ksub, codesPtr, n, outPtr);
    this.copyOut(outPtr, n, out, outOff);
  }

  private copyOut(outPtr: number, n: number, out: Float64Array, outOff: number): void {
    const src = outPtr >>> 3;
    if (n <= 64) {
      const f64 = this.f64;
      for (let i = 0; i < n; i++) out[outOff + i] = f64[src + i];
    } else {
      out.set(this.f64.subarray(src, src + n), outOff);
    }
  }

  /** Number of resident code rows (see {@link AdcScanner.setCodes}). */
  get residentSize(): number {
    return this.residentRows;
  }

  /** Bytes held (the table copy plus the WebAssembly memory, if any). */
  memoryBytes(): number {
    return this.table.byteLength + (this.memory !== null ? this.memory.buffer.byteLength : 0);
  }
}
