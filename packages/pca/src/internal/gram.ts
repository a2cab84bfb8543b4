/**
 * The randomized solver's Gram route: form the centred Gram matrix C = Xcᵀ Xc (dim × dim,
 * float64) once, then run the same range finder and power iterations (Halko, Martinsson &
 * Tropp 2011, Alg. 4.4) on it, each product `Z = C Q` costing l·dim² multiply-adds instead of
 * the streaming pass's 2·n·dim·l. It is a {@link DataPass} like the streaming ones of
 * `data-pass.ts`, so `fitRandomized` and `ritzFromPass` run unchanged on top of it: the
 * basis, the products and the Ritz step are the same mathematics, only the order of the
 * multiplications differs (Xcᵀ (Xc Q) against (Xcᵀ Xc) Q).
 *
 * Forming C costs n·dim²/2 multiply-adds (one triangle) and one read of the batch, so the
 * route pays off when dim is small against the passes' work (see {@link gramIsCheaper}:
 * roughly dim < 4·(powerIterations + 1)·l). Memory: C as dim² float64 (dim·dim·8 bytes),
 * plus, with the float32 kernels, a panelled accumulator of the same size while C is formed.
 *
 * Two ways to form C, as for the streaming pass (both are passes of `row-pass.ts`, summed
 * chunk by chunk in a fixed order, in the calling thread or on a worker pool):
 * - **float64** (`gram64`; `kernels: 'js'`, the reference, and small fits): blocks of rows
 *   centred into feature-major float64 tiles and `syrkNT` (exactly the exact solver's
 *   covariance pass).
 * - **float32** (`gram32`; `'auto'`/`'simd'` on large fits): blocks copied into WebAssembly
 *   memory, centred in place (`centerRowsF32`), then `gramPanelsF32` (`assembly/gemm.ts`)
 *   adds the block's upper panels of XᵀX in float32 tiles, summed into float64 per block.
 *   {@link gramPanelsRef} is its readable definition.
 *
 * @module
 */
import { resolveKernelBackend, type KernelBackend } from '@annlab/core';
import { PANEL, PASS_BLOCK } from './blocks.js';
import { type DataPass, EMPTY, FLOAT32_MIN_WORK, meanInline } from './data-pass.js';
import { gemmModule, matrixBackend, matrixKernels, type MatrixKernels } from './matrix-kernels.js';
import { rowPass, runRowPassInline } from './row-pass.js';

/** Largest Gram matrix (dim² float64) the route may hold: 256 MiB, dim ≤ 5792. */
export const GRAM_MAX_BYTES: number = 1 << 28;

/** Multiply-adds of the two routes of a randomized fit with `passes` = powerIterations + 1. */
export function randomizedCost(n: number, dim: number, l: number, passes: number): { stream: number; gram: number } {
  return { stream: 2 * passes * n * dim * l, gram: (n * dim * dim) / 2 + passes * l * dim * dim };
}

/**
 * The route rule: the Gram route when its multiply-adds, n·dim²/2 + passes·l·dim², are fewer
 * than the streaming passes' 2·passes·n·dim·l (for n ≫ dim: dim < 4·passes·l) and C fits in
 * {@link GRAM_MAX_BYTES}.
 */
export function gramIsCheaper(n: number, dim: number, l: number, passes: number): boolean {
  const cost = randomizedCost(n, dim, l, passes);
  return cost.gram < cost.stream && dim * dim * 8 <= GRAM_MAX_BYTES;
}

/**
 * Reference for `gramPanelsF32`: for each panel p of 8 columns and each row j < 8p + 8,
 * `z[(p·dim + j)·8 + c] += fround-sum over i of x[i][j]·x[i][8p + c]` (float32 products and
 * sums over the block, added to z in float64). `dim` is a multiple of 8.
 */
export function gramPanelsRef(x: Float32Array, rows: number, dim: number, z: Float64Array): void {
  for (let p = 0; p < dim / PANEL; p++) {
    for (let j = 0; j < (p + 1) * PANEL; j++) {
      for (let c = 0; c < PANEL; c++) {
        let s = 0;
        for (let i = 0; i < rows; i++) s = Math.fround(s + Math.fround(x[i * dim + j] * x[i * dim + p * PANEL + c]));
        z[(p * dim + j) * PANEL + c] += s;
      }
    }
  }
}

/**
 * Which pass forms C for a backend choice: `gram32` (float32 WebAssembly SIMD) when the
 * streaming product would have at least `float32MinWork` multiply-adds and the runtime has
 * SIMD, else `gram64` on the float64 kernels {@link matrixBackend} picks.
 */
export function gramPassKind(
  kernels: KernelBackend,
  n: number,
  dim: number,
  l: number,
  float32MinWork: number = FLOAT32_MIN_WORK,
): { kind: 'gram32' | 'gram64'; backend: 'js' | 'simd' } {
  if (kernels !== 'js' && n * dim * l >= float32MinWork && resolveKernelBackend('auto') === 'simd' && gemmModule() !== null) {
    return { kind: 'gram32', backend: 'simd' };
  }
  return { kind: 'gram64', backend: matrixBackend(kernels, dim * dim + dim * PASS_BLOCK, 2) };
}

/**
 * The Gram route as a {@link DataPass}: C formed by a `gram64` or `gram32` pass over the rows
 * (`row-pass.ts`), then each {@link GramPass.multiply} is `Zᵀ = (C Qᵀ)ᵀ` in float64 (`gemmNT`
 * on the f64x2 kernels, or the TypeScript ones with `'js'`). Q is not rounded.
 */
export class GramPass implements DataPass {
  readonly backend: 'js' | 'simd';
  readonly mean: Float64Array;
  readonly sumSquares: number;
  /** Whether C was formed with the float32 kernels. */
  readonly float32: boolean;
  private readonly dim: number;
  private readonly l: number;
  private readonly mk: MatrixKernels;
  private readonly c: Float64Array;
  private readonly qt: Float64Array;
  private readonly zt: Float64Array;

  /**
   * @param mk - the kernels of the products, from {@link GramPass.kernelsFor}.
   * @param c - the formed pass's output, dim² + 1 values (C, then Σ (x − mean)²), allocated
   *   with `mk` (the first array it allocated).
   */
  constructor(mk: MatrixKernels, c: Float64Array, kind: 'gram32' | 'gram64', mean: Float64Array, dim: number, l: number) {
    this.dim = dim;
    this.l = l;
    this.mk = mk;
    this.mean = mean;
    this.c = c.subarray(0, dim * dim);
    this.sumSquares = c[dim * dim];
    // syrkNT fills the upper triangle (and some entries below the diagonal): mirror it.
    if (kind === 'gram64') for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) c[j * dim + i] = c[i * dim + j];
    this.qt = mk.alloc(l * dim);
    this.zt = mk.alloc(l * dim);
    this.float32 = kind === 'gram32';
    this.backend = this.float32 ? 'simd' : mk.backend;
  }

  /** Kernels for the products, with room for C (and its Σ of squares), Q and Z. */
  static kernelsFor(kernels: KernelBackend, dim: number, l: number): MatrixKernels {
    return matrixKernels(kernels, dim * dim + 1 + 2 * l * dim, 3);
  }

  /** C formed from `n × dim` rows in the calling thread (the pass {@link gramPassKind} picks). */
  static fromRows(
    kernels: KernelBackend,
    x: Float32Array,
    n: number,
    dim: number,
    l: number,
    float32MinWork: number = FLOAT32_MIN_WORK,
  ): GramPass {
    const mean = meanInline(x, n, dim);
    const { kind, backend } = gramPassKind(kernels, n, dim, l, float32MinWork);
    const mk = GramPass.kernelsFor(kernels, dim, l);
    const pass = rowPass(kind, backend, dim, 0, mean, EMPTY, mk.alloc(dim * dim + 1));
    runRowPassInline(x, n, pass);
    return new GramPass(mk, pass.out, kind, mean, dim, l);
  }

  multiply(qtIn: Float64Array, ztOut: Float64Array): void {
    const { dim, l, mk, c, qt, zt } = this;
    qt.set(qtIn.subarray(0, l * dim));
    zt.fill(0);
    // zt[a][j] = Σ_t qt[a][t]·C[j][t] = (C q_a)[j], C symmetric.
    mk.gemmNT(qt, 0, l, c, 0, dim, dim, zt, 0, dim);
    ztOut.set(zt);
  }
}
