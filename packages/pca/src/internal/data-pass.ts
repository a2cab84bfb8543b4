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
 * The block loops themselves are the `project64` and `project32` passes of `row-pass.ts`,
 * which cuts the rows into fixed chunks, sums each chunk's Z from zero and adds the chunks'
 * partials in order (the same sums on one thread or on a worker pool). The classes here run
 * them in the calling thread, for the solver's readers and tests; `fitRandomized` asks for
 * the same passes through its driver.
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
import { PANEL, PASS_BLOCK, panelLayout } from './blocks.js';
import { gemmModule, matrixBackend } from './matrix-kernels.js';
import { rowPass, runRowPassInline, type RowPassKind } from './row-pass.js';

export { centerBlock, PANEL, PASS_BLOCK, panelLayout } from './blocks.js';

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

/** Per-feature mean of n rows: the `sums` pass of `row-pass.ts` (chunked column sums) divided by n. */
export function meanInline(x: Float32Array, n: number, dim: number): Float64Array {
  const pass = rowPass('sums', 'js', dim, 0, EMPTY, EMPTY);
  runRowPassInline(x, n, pass);
  return meanFromSums(pass.out, n);
}

/** The mean from the column sums of n rows. */
export function meanFromSums(sums: Float64Array, n: number): Float64Array {
  const mean = new Float64Array(sums.length);
  for (let j = 0; j < sums.length; j++) mean[j] = sums[j] / n;
  return mean;
}

/** An empty array, for the pass fields a kind does not read. */
export const EMPTY: Float64Array = new Float64Array(0);

/** The streaming pass in the calling thread, on the kernels of `kind`. */
abstract class InlineDataPass implements DataPass {
  readonly backend: 'js' | 'simd';
  sumSquares: number;
  /** Per-feature mean of the batch (float64), length dim. */
  readonly mean: Float64Array;
  private readonly x: Float32Array;
  private readonly n: number;
  private readonly dim: number;
  private readonly l: number;
  private readonly kind: RowPassKind;
  private passes: number;

  constructor(kind: 'project64' | 'project32', backend: 'js' | 'simd', x: Float32Array, n: number, dim: number, l: number) {
    this.kind = kind;
    this.backend = backend;
    this.x = x;
    this.n = n;
    this.dim = dim;
    this.l = l;
    this.mean = meanInline(x, n, dim);
    this.sumSquares = 0;
    this.passes = 0;
  }

  multiply(qt: Float64Array, zt: Float64Array): void {
    const { l, dim } = this;
    if (this.kind === 'project32') for (let i = 0; i < l * dim; i++) qt[i] = Math.fround(qt[i]);
    const pass = rowPass(this.kind, this.backend, dim, l, this.mean, qt.subarray(0, l * dim));
    runRowPassInline(this.x, this.n, pass);
    zt.set(pass.out.subarray(0, l * dim));
    if (this.passes++ === 0) this.sumSquares = pass.out[l * dim];
  }
}

/**
 * The float64 pass: each block of rows centred into float64 tiles, then `gemmNT` twice, on
 * the TypeScript kernels of `gemm.ts` (the reference) or their f64x2 WebAssembly twins.
 */
export class Float64DataPass extends InlineDataPass {
  constructor(kernels: KernelBackend, x: Float32Array, n: number, dim: number, l: number) {
    super('project64', project64Backend(kernels, dim, l), x, n, dim, l);
  }
}

/**
 * The float32 WebAssembly SIMD pass. Working memory, one `WebAssembly.Memory` per thread
 * sized up front: the block (PASS_BLOCK × dim float32), the mean, Q and Y in panels (float32)
 * and Z in panels (float64): about 4·dim·(PASS_BLOCK + 3·width) bytes.
 */
export class Float32DataPass extends InlineDataPass {
  constructor(x: Float32Array, n: number, dim: number, l: number) {
    super('project32', 'simd', x, n, dim, l);
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

/** The float64 kernels the `project64` pass runs on for a backend choice. */
export function project64Backend(kernels: KernelBackend, dim: number, l: number): 'js' | 'simd' {
  return matrixBackend(kernels, 2 * l * dim + 2 * PASS_BLOCK * dim + 2 * PASS_BLOCK * l, 6);
}

/**
 * Which streaming pass a backend choice runs. `'js'`: the float64 pass on the TypeScript
 * kernels (the reference). `'auto'` and `'simd'`: the float32 WebAssembly pass when one
 * product has at least `float32MinWork` multiply-adds and the runtime supports SIMD, else the
 * float64 pass on the f64x2 WebAssembly kernels (or TypeScript ones where SIMD is missing).
 */
export function streamPassKind(
  kernels: KernelBackend,
  n: number,
  dim: number,
  l: number,
  float32MinWork: number = FLOAT32_MIN_WORK,
): { kind: 'project32' | 'project64'; backend: 'js' | 'simd' } {
  const width = panelLayout(l).width;
  const bytes = 4 * dim * (PASS_BLOCK + 2 + 3 * width) + 4 * width * PASS_BLOCK + 1024;
  if (kernels !== 'js' && n * dim * l >= float32MinWork && resolveKernelBackend('auto') === 'simd' && bytes <= WASM_LIMIT_BYTES) {
    if (gemmModule() !== null) return { kind: 'project32', backend: 'simd' };
  }
  return { kind: 'project64', backend: project64Backend(kernels, dim, l) };
}

/** The data pass for a backend choice (see {@link streamPassKind}), run in the calling thread. */
export function dataPass(
  kernels: KernelBackend,
  x: Float32Array,
  n: number,
  dim: number,
  l: number,
  float32MinWork: number = FLOAT32_MIN_WORK,
): DataPass {
  const { kind } = streamPassKind(kernels, n, dim, l, float32MinWork);
  return kind === 'project32' ? new Float32DataPass(x, n, dim, l) : new Float64DataPass(kernels, x, n, dim, l);
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
