/**
 * PQ asymmetric-distance (ADC) scans on either kernel backend, for IVF-PQ list scans
 * (Jégou, Douze & Schmid, "Product quantization for nearest neighbor search", TPAMI 2011,
 * §III.A: d(x, y)² ≈ Σ_s table[s][code_s(y)]).
 *
 * Usage: one scanner per search context; per query (and per probed list when the table depends
 * on the list, as with residual encoding) call {@link AdcScanner.setTable}, then
 * {@link AdcScanner.scan} over each list's codes. On the SIMD backend the scanner owns a small
 * WebAssembly memory: the table is copied in once per `setTable`, each scanned block of codes
 * once per `scan` (n·m bytes, cheap next to the n·m lookups), and the float64 results are
 * copied out.
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
  private readonly codesPtr: number;

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
    this.codesPtr = Math.ceil((64 + m * ksub * 4) / 64) * 64;
    if (this.backend === 'simd') {
      const memory = new WebAssembly.Memory({ initial: Math.ceil((this.codesPtr + 65536) / WASM_PAGE_BYTES) });
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

  /** Use `table[tableOff .. tableOff + m * ksub)` (layout `m × ksub`) for the following scans. */
  setTable(table: Float32Array, tableOff: number = 0): void {
    const len = this.m * this.ksub;
    const src = table.subarray(tableOff, tableOff + len);
    this.table.set(src);
    if (this.memory !== null) this.f32.set(src, 64 >>> 2);
  }

  /**
   * `out[outOff + i]` = ADC distance of code row i, for the `n` rows of `m` bytes at
   * `codes[codesOff…]`.
   */
  scan(codes: Uint8Array, codesOff: number, n: number, out: Float64Array, outOff: number): void {
    const k = this.k;
    const m = this.m;
    if (k === null || this.memory === null) {
      adcScan(this.table, m, this.ksub, codes, codesOff, n, out, outOff);
      return;
    }
    const codeBytes = n * m;
    const outPtr = Math.ceil((this.codesPtr + codeBytes) / 8) * 8;
    const need = outPtr + n * 8;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      this.memory.grow(Math.ceil((need - have) / WASM_PAGE_BYTES));
      this.refresh();
    }
    this.u8.set(codes.subarray(codesOff, codesOff + codeBytes), this.codesPtr);
    k.adcScan(64, m, this.ksub, this.codesPtr, n, outPtr);
    const src = outPtr >>> 3;
    if (n <= 64) {
      const f64 = this.f64;
      for (let i = 0; i < n; i++) out[outOff + i] = f64[src + i];
    } else {
      out.set(this.f64.subarray(src, src + n), outOff);
    }
  }

  /** Bytes held (the table copy plus the WebAssembly memory, if any). */
  memoryBytes(): number {
    return this.table.byteLength + (this.memory !== null ? this.memory.buffer.byteLength : 0);
  }
}
