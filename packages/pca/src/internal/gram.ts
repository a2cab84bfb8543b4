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
 * Two ways to form C, as for the streaming pass:
 * - **float64** (`kernels: 'js'`, the reference, and small fits): blocks of rows centred
 *   into feature-major float64 tiles and `syrkNT` (exactly the exact solver's covariance
 *   pass).
 * - **float32** (`'auto'`/`'simd'` on large fits): blocks copied into WebAssembly memory,
 *   centred in place (`centerRowsF32`), then `gramPanelsF32` (`assembly/gemm.ts`) adds the
 *   block's upper panels of XᵀX in float32 tiles, summed into float64 per block.
 *   {@link gramPanelsRef} is its readable definition.
 *
 * @module
 */
import { resolveKernelBackend, type KernelBackend } from '@annlab/core';
import { centerBlock, type DataPass, FLOAT32_MIN_WORK, PANEL, PASS_BLOCK } from './data-pass.js';
import { gemmModule, matrixKernels, type MatrixKernels } from './matrix-kernels.js';
import { columnMeans } from './means.js';

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

/** Exports of the kernel module used to form C in float32. */
interface GramExports {
  columnSumsF32(x: number, rows: number, dim: number, sums: number): void;
  centerRowsF32(x: number, rows: number, dim: number, mean: number): number;
  gramPanelsF32(x: number, rows: number, dim: number, z: number): void;
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
 * C = Xcᵀ Xc formed in float32 WebAssembly SIMD into `c` (dim × dim, full, symmetric).
 * Returns the mean and Σ (x − mean)², or null when the module or its memory is unavailable.
 */
function gramFloat32(x: Float32Array, n: number, dim: number, c: Float64Array): { mean: Float64Array; sumSquares: number } | null {
  const module = gemmModule();
  if (module === null) return null;
  const d8 = Math.ceil(dim / PANEL) * PANEL;
  const blockPtr = 16;
  const meanPtr = blockPtr + PASS_BLOCK * d8 * 4;
  const zPtr = meanPtr + d8 * 8;
  const end = zPtr + d8 * d8 * 8;
  let memory: WebAssembly.Memory;
  try {
    const pages = Math.ceil(end / 65536) + 1;
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GramExports;
  const buf = memory.buffer;
  const block = new Float32Array(buf, blockPtr, PASS_BLOCK * d8);
  // Column means: float64 sums in the module (the same sums as `columnMeans`).
  const sums = new Float64Array(buf, meanPtr, dim);
  for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
    const rows = Math.min(PASS_BLOCK, n - r0);
    block.set(x.subarray(r0 * dim, (r0 + rows) * dim));
    k.columnSumsF32(blockPtr, rows, dim, meanPtr);
  }
  const mean = new Float64Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sums[j] / n;
  const mean32 = new Float32Array(buf, meanPtr, d8);
  mean32.fill(0);
  mean32.set(mean);
  // Blocks of rows with stride d8 (padding columns stay 0, and 0 after centring).
  block.fill(0);
  let sumSquares = 0;
  for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
    const rows = Math.min(PASS_BLOCK, n - r0);
    if (d8 === dim) block.set(x.subarray(r0 * dim, (r0 + rows) * dim));
    else for (let r = 0; r < rows; r++) block.set(x.subarray((r0 + r) * dim, (r0 + r + 1) * dim), r * d8);
    sumSquares += k.centerRowsF32(blockPtr, rows, d8, meanPtr);
    k.gramPanelsF32(blockPtr, rows, d8, zPtr);
  }
  const z = new Float64Array(buf, zPtr, d8 * d8);
  for (let col = 0; col < dim; col++) {
    const base = (col >> 3) * d8 * PANEL + (col & 7);
    for (let j = 0; j <= col; j++) {
      const v = z[base + j * PANEL];
      c[j * dim + col] = v;
      c[col * dim + j] = v;
    }
  }
  return { mean, sumSquares };
}

/**
 * The Gram route as a {@link DataPass}: C formed in the constructor, then each
 * {@link GramPass.multiply} is `Zᵀ = (C Qᵀ)ᵀ` in float64 (`gemmNT` on the f64x2 kernels, or
 * the TypeScript ones with `'js'`). Q is not rounded.
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

  constructor(kernels: KernelBackend, x: Float32Array, n: number, dim: number, l: number, float32MinWork: number = FLOAT32_MIN_WORK) {
    this.dim = dim;
    this.l = l;
    const useF32 = kernels !== 'js' && n * dim * l >= float32MinWork && resolveKernelBackend('auto') === 'simd';
    this.mk = matrixKernels(kernels, dim * dim + 2 * l * dim + dim * PASS_BLOCK, 4);
    const mk = this.mk;
    this.c = mk.alloc(dim * dim);
    this.qt = mk.alloc(l * dim);
    this.zt = mk.alloc(l * dim);
    const f32 = useF32 ? gramFloat32(x, n, dim, this.c) : null;
    if (f32 !== null) {
      this.mean = f32.mean;
      this.sumSquares = f32.sumSquares;
      this.float32 = true;
      this.backend = 'simd';
    } else {
      this.mean = columnMeans(x, n, dim);
      const xct = mk.alloc(dim * PASS_BLOCK);
      const c = this.c;
      let sumSquares = 0;
      for (let r0 = 0; r0 < n; r0 += PASS_BLOCK) {
        const rows = Math.min(PASS_BLOCK, n - r0);
        sumSquares += centerBlock(x, r0, rows, dim, this.mean, null, xct);
        mk.syrkNT(xct, dim, rows, c, dim);
      }
      // syrkNT fills the upper triangle (and some entries below the diagonal): mirror it.
      for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) c[j * dim + i] = c[i * dim + j];
      this.sumSquares = sumSquares;
      this.float32 = false;
      this.backend = mk.backend;
    }
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
