/**
 * The randomized solver's data pass: `Zᵀ = (Xcᵀ Xc Qᵀ)ᵀ` for an orthonormal basis Q (l rows
 * of length dim), where Xc is the n × dim training batch minus its mean. This pass is where
 * randomized PCA spends its time (2·n·dim·l multiply-adds, once per power iteration), so it
 * comes in two implementations behind one interface:
 *
 * - **float64** ({@link Float64DataPass}; with `kernels: 'js'` the readable reference): each
 *   block of rows is centred into float64 tiles (`centerBlock`) and multiplied with the
 *   float64 kernels of `gemm.ts` (or their f64x2 WebAssembly twins), `Y = Xc_b Q` then
 *   `Zᵀ += Yᵀ Xc_b`.
 * - **float32** ({@link Float32DataPass}, what `'auto'` runs on large fits): the same two
 *   products per block in float32
 *   WebAssembly SIMD (`assembly/gemm.ts`: `centerRowsF32`, `projectPanelsF32`,
 *   `accumulatePanelsF32`), as scikit-learn computes them in float32 for float32 input. A
 *   block of rows is copied into the module's memory, centred there in place (no centred copy
 *   of the batch is ever made), multiplied by Q and then by its own product while it is still
 *   in cache, so every pass reads the batch once. Q, Y and Z are stored in panels of 8 columns
 *   (see the kernel file); Z's per-block float32 tiles are summed in float64.
 *
 * Both return the basis they actually multiplied: the float32 pass rounds Q to float32 and
 * writes the rounded values back into Q, so the Rayleigh–Ritz step after the last pass uses
 * exactly the basis whose product it holds.
 *
 * {@link centerRowsRef}, {@link projectPanelsRef} and {@link accumulatePanelsRef} are the
 * readable definitions of the three float32 kernels; the tests hold the kernels to them.
 *
 * @module
 */
import { resolveKernelBackend, type KernelBackend } from '@annlab/core';
import { gemmModule, matrixKernels, type MatrixKernels } from './matrix-kernels.js';
import { columnMeans } from './means.js';

/** Rows per block in the data pass (a 128 × 784 float32 block is 392 KiB: it stays in L2). */
export const PASS_BLOCK = 128;
/** Columns per panel of Q, Y and Z in the float32 kernels. */
export const PANEL = 8;

/** One implementation of the data pass. */
export interface DataPass {
  /** Which implementation runs. */
  readonly backend: 'js' | 'simd';
  /** Per-feature mean of the batch (float64), length dim; Xc = X − mean. */
  readonly mean: Float64Array;
  /** Σ (x − mean)² over the batch, float64; set by the first {@link DataPass.multiply}. */
  readonly sumSquares: number;
  /**
   * `zt ← (Xcᵀ Xc qtᵀ)ᵀ`: `qt` and `zt` are l × dim row-major float64. The float32 pass first
   * rounds `qt` in place to the float32 values it multiplies.
   */
  multiply(qt: Float64Array, zt: Float64Array): void;
}

/**
 * Copy rows [r0, r0 + rows) of `x`, centred, into `xc` (rows × dim, row-major) and/or its
 * transpose `xct` (dim × rows, feature-major). Returns the block's sum of squared centred
 * values (its contribution to the total variance).
 */
export function centerBlock(
  x: Float32Array,
  r0: number,
  rows: number,
  dim: number,
  mean: Float64Array,
  xc: Float64Array | null,
  xct: Float64Array | null,
): number {
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * dim;
    const dst = r * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[src + j] - mean[j];
      ss += v * v;
      if (xc !== null) xc[dst + j] = v;
      if (xct !== null) xct[j * rows + r] = v;
    }
  }
  return ss;
}

/**
 * The float64 pass: each block of rows centred into float64 tiles, then `gemmNT` twice, on
 * the kernels of a {@link MatrixKernels} (TypeScript `gemm.ts`, the reference, or its f64x2
 * WebAssembly twin).
 */
export class Float64DataPass implements DataPass {
  readonly backend: 'js' | 'simd';
  sumSquares: number;
  private readonly x: Float32Array;
  private readonly n: number;
  private readonly dim: number;
  private readonly l: number;
  /** Per-feature mean of the batch (float64, `columnMeans`), length dim. */
  readonly mean: Float64Array;
  private readonly mk: MatrixKernels;
  private readonly qt: Float64Array;
  private readonly zt: Float64Array;
  private readonly xc: Float64Array;
  private readonly xct: Float64Array;
  private readonly y: Float64Array;
  private readonly yt: Float64Array;
  private passes: number;

  constructor(kernels: KernelBackend, x: Float32Array, n: number, dim: number, l: number) {
    this.x = x;
    this.n = n;
    this.dim = dim;
    this.l = l;
    this.mean = columnMeans(x, n, dim);
    this.mk = matrixKernels(kernels, 2 * l * dim + 2 * PASS_BLOCK * dim + 2 * PASS_BLOCK * l, 6);
    this.backend = this.mk.backend;
    this.qt = this.mk.alloc(l * dim);
    this.zt = this.mk.alloc(l * dim);
    this.xc = this.mk.alloc(PASS_BLOCK * dim);
    this.xct = this.mk.alloc(PASS_BLOCK * dim);
    this.y = this.mk.alloc(PASS_BLOCK * l);
    this.yt = this.mk.alloc(PASS_BLOCK * l);
    this.sumSquares = 0;
    this.passes = 0;
  }

  multiply(qtIn: Float64Array, ztOut: Float64Array): void {
    const { x, n, dim, l, mean, mk, qt, zt, xc, xct, y, yt } = this;
    qt.set(qtIn.subarray(0, l * dim));
    zt.fill(0);
    let sumSquares = 0;
    for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, n - r0);
      sumSquares += centerBlock(x, r0, rows, dim, mean, xc, xct);
      // Y = Xc_block Q  (rows × l)
      y.fill(0, 0, rows * l);
      mk.gemmNT(xc, 0, rows, qt, 0, l, dim, y, 0, l);
      for (let r = 0; r < rows; r++) for (let c = 0; c < l; c++) yt[c * rows + r] = y[r * l + c];
      // Zᵀ += Yᵀ Xc_block  (l × dim)
      mk.gemmNT(yt, 0, l, xct, 0, dim, rows, zt, 0, dim);
    }
    ztOut.set(zt);
    if (this.passes++ === 0) this.sumSquares = sumSquares;
  }
}

/** Exports of the kernel module used by the float32 pass. */
interface PassExports {
  columnSumsF32(x: number, rows: number, dim: number, sums: number): void;
  centerRowsF32(x: number, rows: number, dim: number, mean: number): number;
  projectPanelsF32(x: number, rows: number, dim: number, q: number, panels: number, y: number): void;
  accumulatePanelsF32(x: number, rows: number, dim: number, y: number, panels: number, z: number): void;
  projectHalfPanelF32(x: number, rows: number, dim: number, q: number, y: number): void;
  accumulateHalfPanelF32(x: number, rows: number, dim: number, y: number, z: number): void;
}

/**
 * How the l columns of Q, Y and Z split into panels: `full` panels of 8, then (when l mod 8
 * is 1–4) one panel of 4; `width` = 8·full + 4·half columns, l rounded up.
 */
export function panelLayout(l: number): { full: number; half: number; width: number } {
  const rem = l % PANEL;
  const full = rem >= 1 && rem <= 4 ? (l - rem) / PANEL : Math.ceil(l / PANEL);
  const half = rem >= 1 && rem <= 4 ? 1 : 0;
  return { full, half, width: full * PANEL + half * 4 };
}

/**
 * The float32 WebAssembly SIMD pass. Working memory, one `WebAssembly.Memory` sized up front:
 * the block (PASS_BLOCK × dim float32), the mean (dim float64, then float32), Q and Y in
 * panels (float32) and Z in panels (float64): about 4·dim·(PASS_BLOCK + 3·width) bytes.
 * Its constructor also computes the column means (in float64, the same sums as
 * `columnMeans`).
 */
export class Float32DataPass implements DataPass {
  readonly backend: 'js' | 'simd' = 'simd';
  sumSquares: number;
  /** Per-feature mean of the batch (float64), length dim. */
  readonly mean: Float64Array;
  private readonly x: Float32Array;
  private readonly n: number;
  private readonly dim: number;
  private readonly l: number;
  private readonly full: number;
  private readonly half: number;
  private readonly k: PassExports;
  /** Byte addresses of the working arrays in the module memory. */
  private readonly blockPtr: number;
  private readonly meanPtr: number;
  private readonly qPtr: number;
  private readonly yPtr: number;
  private readonly zPtr: number;
  /** Views of the same arrays. */
  private readonly block: Float32Array;
  private readonly q: Float32Array;
  private readonly z: Float64Array;
  private passes: number;

  constructor(module: WebAssembly.Module, x: Float32Array, n: number, dim: number, l: number) {
    this.x = x;
    this.n = n;
    this.dim = dim;
    this.l = l;
    const layout = panelLayout(l);
    this.full = layout.full;
    this.half = layout.half;
    const width = layout.width;
    const align = (b: number): number => (b + 15) & ~15;
    this.blockPtr = 16;
    this.meanPtr = align(this.blockPtr + PASS_BLOCK * dim * 4);
    this.qPtr = align(this.meanPtr + dim * 8);
    this.yPtr = align(this.qPtr + width * dim * 4);
    this.zPtr = align(this.yPtr + width * PASS_BLOCK * 4);
    const end = this.zPtr + width * dim * 8;
    const pages = Math.ceil(end / 65536) + 1;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as PassExports;
    const buf = memory.buffer;
    this.block = new Float32Array(buf, this.blockPtr, PASS_BLOCK * dim);
    this.q = new Float32Array(buf, this.qPtr, width * dim);
    this.z = new Float64Array(buf, this.zPtr, width * dim);
    // Column means: float64 sums in the module, then the float32 copy the centring reads.
    const sums = new Float64Array(buf, this.meanPtr, dim);
    for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, n - r0);
      this.block.set(x.subarray(r0 * dim, (r0 + rows) * dim));
      this.k.columnSumsF32(this.blockPtr, rows, dim, this.meanPtr);
    }
    this.mean = new Float64Array(dim);
    for (let j = 0; j < dim; j++) this.mean[j] = sums[j] / n;
    new Float32Array(buf, this.meanPtr, dim).set(this.mean);
    this.sumSquares = 0;
    this.passes = 0;
  }

  /** Offset (in elements) of column c's first value in a panelled `count × width` matrix (stride 8, or 4 in the half panel). */
  private static slot(c: number, count: number, full: number): number {
    const p = c >> 3;
    return p < full ? p * count * PANEL + (c & 7) : full * count * PANEL + (c - full * PANEL);
  }

  multiply(qt: Float64Array, zt: Float64Array): void {
    const { x, n, dim, l, full, half, k, block, q, z } = this;
    // Pack Q into panels (padding columns stay 0) and round qt to what is multiplied.
    for (let c = 0; c < l; c++) {
      const base = Float32DataPass.slot(c, dim, full);
      const stride = c >> 3 < full ? PANEL : 4;
      for (let j = 0; j < dim; j++) {
        const v = Math.fround(qt[c * dim + j]);
        q[base + j * stride] = v;
        qt[c * dim + j] = v;
      }
    }
    z.fill(0);
    const qHalf = this.qPtr + full * dim * PANEL * 4;
    const zHalf = this.zPtr + full * dim * PANEL * 8;
    let sumSquares = 0;
    for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, n - r0);
      block.set(x.subarray(r0 * dim, (r0 + rows) * dim));
      sumSquares += k.centerRowsF32(this.blockPtr, rows, dim, this.meanPtr);
      if (full > 0) {
        k.projectPanelsF32(this.blockPtr, rows, dim, this.qPtr, full, this.yPtr);
        k.accumulatePanelsF32(this.blockPtr, rows, dim, this.yPtr, full, this.zPtr);
      }
      if (half > 0) {
        const yHalf = this.yPtr + full * rows * PANEL * 4;
        k.projectHalfPanelF32(this.blockPtr, rows, dim, qHalf, yHalf);
        k.accumulateHalfPanelF32(this.blockPtr, rows, dim, yHalf, zHalf);
      }
    }
    for (let c = 0; c < l; c++) {
      const base = Float32DataPass.slot(c, dim, full);
      const stride = c >> 3 < full ? PANEL : 4;
      for (let j = 0; j < dim; j++) zt[c * dim + j] = z[base + j * stride];
    }
    if (this.passes++ === 0) this.sumSquares = sumSquares;
  }
}

/** Largest working memory the float32 pass puts in WebAssembly (beyond it the float64 pass runs). */
const WASM_LIMIT_BYTES = 1 << 30;

/**
 * Multiply-adds of one product (n·dim·l) from which `'auto'` and `'simd'` run the float32
 * pass: 2^25, about 10 ms of float64 SIMD work. Below it the pass costs little and the
 * float64 pass keeps results exact to float64 rounding (the float32 pass leaves relative
 * errors near 1e-7, as scikit-learn's float32 fit does).
 */
export const FLOAT32_MIN_WORK: number = 1 << 25;

/**
 * The data pass for a backend choice. `'js'`: the float64 pass on the TypeScript kernels (the
 * reference). `'auto'` and `'simd'`: the float32 WebAssembly pass when one product has at
 * least `float32MinWork` multiply-adds and the runtime supports SIMD, else the float64 pass on
 * the f64x2 WebAssembly kernels (or TypeScript ones where SIMD is missing).
 */
export function dataPass(
  kernels: KernelBackend,
  x: Float32Array,
  n: number,
  dim: number,
  l: number,
  float32MinWork: number = FLOAT32_MIN_WORK,
): DataPass {
  const width = panelLayout(l).width;
  const bytes = 4 * dim * (PASS_BLOCK + 2 + 3 * width) + 4 * width * PASS_BLOCK + 1024;
  if (kernels !== 'js' && n * dim * l >= float32MinWork && resolveKernelBackend('auto') === 'simd' && bytes <= WASM_LIMIT_BYTES) {
    const module = gemmModule();
    if (module !== null) {
      try {
        return new Float32DataPass(module, x, n, dim, l);
      } catch {
        // memory refused: fall through to the float64 pass
      }
    }
  }
  return new Float64DataPass(kernels, x, n, dim, l);
}

// ---------------------------------------------------------------------------------------------
// Readable references for the float32 kernels (float32 rounding emulated with Math.fround).

/** Reference for `centerRowsF32`: `x[i][j] = fround(x[i][j] − mean[j])`, returns Σ of squares. */
export function centerRowsRef(x: Float32Array, rows: number, dim: number, mean: Float32Array): number {
  let ss = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) {
      const v = Math.fround(x[i * dim + j] - mean[j]);
      x[i * dim + j] = v;
      ss += v * v;
    }
  }
  return ss;
}

/**
 * Reference for `projectPanelsF32` (width 8) and `projectHalfPanelF32` (`panels` = 1, width
 * 4): `Y = X Q`, Q (dim × width·panels) and Y (rows × width·panels) in panels of `width`.
 */
export function projectPanelsRef(
  x: Float32Array,
  rows: number,
  dim: number,
  q: Float32Array,
  panels: number,
  y: Float32Array,
  width: number = PANEL,
): void {
  for (let p = 0; p < panels; p++) {
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < width; c++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s = Math.fround(s + Math.fround(x[i * dim + j] * q[(p * dim + j) * width + c]));
        y[(p * rows + i) * width + c] = s;
      }
    }
  }
}

/**
 * Reference for `accumulatePanelsF32` (width 8) and `accumulateHalfPanelF32` (`panels` = 1,
 * width 4): `Z += Xᵀ Y`, Y (rows × width·panels, float32) and Z (dim × width·panels,
 * float64) in panels of `width`; each block's float32 sum is added to Z in float64.
 */
export function accumulatePanelsRef(
  x: Float32Array,
  rows: number,
  dim: number,
  y: Float32Array,
  panels: number,
  z: Float64Array,
  width: number = PANEL,
): void {
  for (let p = 0; p < panels; p++) {
    for (let j = 0; j < dim; j++) {
      for (let c = 0; c < width; c++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s = Math.fround(s + Math.fround(x[i * dim + j] * y[(p * rows + i) * width + c]));
        z[(p * dim + j) * width + c] += s;
      }
    }
  }
}
