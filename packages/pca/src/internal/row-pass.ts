/**
 * The passes over the training batch, cut into fixed chunks of rows: every sum a PCA fit
 * takes over the n rows (the column sums of the mean, the centred Gram matrix Xcᵀ Xc of the
 * exact solver and of the randomized solver's Gram route, and the randomized solver's
 * streaming products Zᵀ = (Xcᵀ (Xc Qᵀ))ᵀ) is a sum over rows, so it splits into one partial
 * sum per chunk.
 *
 * The chunks are {@link PASS_CHUNK_ROWS} rows each (the last one shorter), a number that
 * depends on nothing but n. Each chunk's partial is computed from zero by
 * {@link rowPassChunk} (block by block, exactly the loop of one thread), and the partials are
 * added element by element in chunk order, starting from zero. A fit in the calling thread
 * ({@link runRowPassInline}) and a fit on a worker pool (`parallel-pass.ts`, one task per
 * chunk) therefore perform the same float64 additions in the same order: their results are
 * the same bits, for any number of workers.
 *
 * A pass is described by a {@link RowPass}: its kind, the matrix-kernel backend it runs on
 * (resolved once by the caller, so that no worker picks another one), the mean and the basis
 * Q it reads, and the output the driver fills. Kinds and their partials (each followed by
 * the chunk's Σ (x − mean)² where the kind centres the rows):
 *
 * | kind        | partial of a chunk                                      | length        |
 * |-------------|---------------------------------------------------------|---------------|
 * | `sums`      | column sums Σ x                                         | dim           |
 * | `gram64`    | Xcᵀ Xc, float64 `syrkNT` (upper triangle valid)         | dim² + 1      |
 * | `gram32`    | Xcᵀ Xc, float32 WebAssembly `gramPanelsF32` (full)      | dim² + 1      |
 * | `project64` | Zᵀ = (Xcᵀ Xc Qᵀ)ᵀ, float64 `gemmNT` twice               | l·dim + 1     |
 * | `project32` | the same in float32 WebAssembly panels (Q rounded)      | l·dim + 1     |
 *
 * The kernels themselves are those of `gemm.ts` / `assembly/gemm.ts`, described in
 * `data-pass.ts` and `gram.ts`.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { centerBlock, PANEL, PASS_BLOCK, panelLayout } from './blocks.js';
import { gemmModule, matrixKernels, type MatrixKernels } from './matrix-kernels.js';

/**
 * Rows per chunk: 16 blocks of {@link PASS_BLOCK}. The unit of one worker task; the result
 * depends on it (it fixes the order of the additions) but not on how many threads run.
 * Fits on at most this many rows sum exactly as one unchunked pass.
 */
export const PASS_CHUNK_ROWS: number = 16 * PASS_BLOCK;

/** What a pass computes (see the module table). */
export type RowPassKind = 'sums' | 'gram64' | 'gram32' | 'project64' | 'project32';

/** One pass over the batch, as a fit asks its driver for it. */
export interface RowPass {
  /** What each chunk computes. */
  readonly kind: RowPassKind;
  /** Float64 matrix kernels of `gram64` / `project64` (the caller's resolved choice). */
  readonly backend: 'js' | 'simd';
  /** Dimension of the rows. */
  readonly dim: number;
  /** Rows of Q (`project*`), else 0. */
  readonly l: number;
  /** Per-feature mean the rows are centred on, length dim (empty for `sums`). */
  readonly mean: Float64Array;
  /** The basis Q, l × dim row-major (empty unless `project*`; float32 values for `project32`). */
  readonly qt: Float64Array;
  /** Σ of the chunks' partials in chunk order, length {@link rowPassLength}; written by the driver. */
  readonly out: Float64Array;
}

/** A pass, its output allocated (or the first {@link rowPassLength} values of `out`). */
export function rowPass(
  kind: RowPassKind,
  backend: 'js' | 'simd',
  dim: number,
  l: number,
  mean: Float64Array,
  qt: Float64Array,
  out?: Float64Array,
): RowPass {
  const len = rowPassLength(kind, dim, l);
  return { kind, backend, dim, l, mean, qt, out: out === undefined ? new Float64Array(len) : out.subarray(0, len) };
}

/** Length of one chunk's partial (and of the pass's output) for a kind. */
export function rowPassLength(kind: RowPassKind, dim: number, l: number): number {
  if (kind === 'sums') return dim;
  if (kind === 'gram64' || kind === 'gram32') return dim * dim + 1;
  return l * dim + 1;
}

/** Number of chunks of n rows. */
export function chunkCount(n: number): number {
  return Math.ceil(n / PASS_CHUNK_ROWS);
}

/** The working memory of one kind of chunk (kernels and tiles), reused across chunks. */
interface Workspace {
  /** The chunk's partial of rows [r0, r1) written (or, with `add`, added) into `out[off …)`. */
  run(x: Float32Array, pass: RowPassShape, r0: number, r1: number, out: Float64Array, off: number, add: boolean): void;
}

/** The fields of a {@link RowPass} a chunk reads (a worker's payload has them too). */
export interface RowPassShape {
  /** See {@link RowPass.kind}. */
  readonly kind: RowPassKind;
  /** See {@link RowPass.backend}. */
  readonly backend: 'js' | 'simd';
  /** See {@link RowPass.dim}. */
  readonly dim: number;
  /** See {@link RowPass.l}. */
  readonly l: number;
  /** See {@link RowPass.mean}. */
  readonly mean: Float64Array;
  /** See {@link RowPass.qt}. */
  readonly qt: Float64Array;
}

/**
 * The workspace of the last chunk run on this thread, kept while the kind, backend and
 * shape stay the same (a pass runs many chunks; a fresh WebAssembly memory per chunk would
 * make V8 collect garbage far more often).
 */
export class PassCache {
  /** Kind, backend and shape the workspace was made for. */
  key: string;
  /** The workspace, or null before the first chunk. */
  workspace: Workspace | null;
  /** One chunk's column sums (the `sums` kind), length dim. */
  sums: Float64Array;

  constructor() {
    this.key = '';
    this.workspace = null;
    this.sums = new Float64Array(0);
  }

  /** The workspace for `pass`, made on first use. */
  get(pass: RowPassShape): Workspace {
    const key = `${pass.kind}/${pass.backend}/${pass.dim}/${pass.l}`;
    if (this.workspace === null || this.key !== key) {
      this.workspace = null; // let the old memory go before the new one is made
      this.workspace = makeWorkspace(pass);
      this.key = key;
    }
    return this.workspace;
  }
}

/**
 * One chunk's partial, rows [r0, r1) of `x` (row-major, `pass.dim` wide), computed from zero
 * and written into `out[off … off + rowPassLength)`, or with `add` added to what is there
 * (`out[i] += partial[i]`, the reduction step, without a copy of the partial). The whole of a
 * worker task (which writes).
 */
export function rowPassChunk(
  x: Float32Array,
  pass: RowPassShape,
  r0: number,
  r1: number,
  out: Float64Array,
  off: number,
  cache: PassCache,
  add = false,
): void {
  if (pass.kind !== 'sums') {
    cache.get(pass).run(x, pass, r0, r1, out, off, add);
    return;
  }
  const dim = pass.dim;
  if (!add) {
    columnSumsInto(x, r0, r1, dim, out, off);
    return;
  }
  if (cache.sums.length !== dim) cache.sums = new Float64Array(dim);
  columnSumsInto(x, r0, r1, dim, cache.sums, 0);
  for (let j = 0; j < dim; j++) out[off + j] += cache.sums[j];
}

/**
 * Run a pass in this thread: each chunk's partial in turn, added into `pass.out` (zeroed
 * first) in chunk order.
 */
export function runRowPassInline(x: Float32Array, n: number, pass: RowPass): void {
  const cache = new PassCache();
  pass.out.fill(0);
  for (let r0 = 0; r0 < n; r0 += PASS_CHUNK_ROWS) rowPassChunk(x, pass, r0, Math.min(n, r0 + PASS_CHUNK_ROWS), pass.out, 0, cache, true);
}

/** `out[i] += src[off + i]` for i < len: one step of the in-order reduction. */
export function addInto(out: Float64Array, src: Float64Array, off: number, len: number): void {
  for (let i = 0; i < len; i++) out[i] += src[off + i];
}

/** Column sums of rows [r0, r1) into `out[off … off + dim)`, row after row (the order of `columnMeans`). */
export function columnSumsInto(x: Float32Array, r0: number, r1: number, dim: number, out: Float64Array, off: number): void {
  out.fill(0, off, off + dim);
  for (let i = r0; i < r1; i++) {
    const src = i * dim;
    for (let j = 0; j < dim; j++) out[off + j] += x[src + j];
  }
}

function makeWorkspace(pass: RowPassShape): Workspace {
  switch (pass.kind) {
    case 'gram64':
      return new Gram64Workspace(pass.backend, pass.dim);
    case 'project64':
      return new Project64Workspace(pass.backend, pass.dim, pass.l);
    case 'gram32':
      return new Gram32Workspace(pass.dim);
    case 'project32':
      return new Project32Workspace(pass.dim, pass.l);
    default:
      throw new AnnlabError('UNSUPPORTED_OPERATION', `internal: no workspace for PCA pass '${String(pass.kind)}'.`);
  }
}

/** Float64 kernels of exactly `backend` (a worker must not fall back to other rounding). */
function exactKernels(backend: 'js' | 'simd', doubles: number, arrays: number): MatrixKernels {
  const mk = matrixKernels(backend, doubles, arrays);
  if (mk.backend !== backend) {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      `PCA: this thread cannot run the '${backend}' matrix kernels the fit chose (WebAssembly SIMD or its memory is unavailable here); fit with kernels: 'js'.`,
    );
  }
  return mk;
}

/** A fresh instance of the kernel module over its own memory of `bytes`. */
function kernelInstance(bytes: number): { exports: unknown; buffer: ArrayBuffer } {
  const module = gemmModule();
  if (module === null) {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      "PCA: this thread cannot compile the float32 kernels the fit chose; fit with kernels: 'js'.",
    );
  }
  const pages = Math.ceil(bytes / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { exports: instance.exports, buffer: memory.buffer };
}

const align16 = (b: number): number => (b + 15) & ~15;

/** Write (or add) a chunk's `len` values and its Σ (x − mean)² at `out[off …)`. */
function writeOut(out: Float64Array, off: number, src: Float64Array, len: number, sumSquares: number, add: boolean): void {
  if (add) {
    for (let i = 0; i < len; i++) out[off + i] += src[i];
    out[off + len] += sumSquares;
  } else {
    out.set(src.subarray(0, len), off);
    out[off + len] = sumSquares;
  }
}

/**
 * `gram64`: each block of rows centred into a feature-major float64 tile, then a symmetric
 * rank-k update of the chunk's Gram matrix (upper triangle, `syrkNT`). Memory: dim² + 128·dim
 * float64.
 */
class Gram64Workspace implements Workspace {
  private readonly mk: MatrixKernels;
  private readonly c: Float64Array;
  private readonly xct: Float64Array;

  constructor(backend: 'js' | 'simd', dim: number) {
    this.mk = exactKernels(backend, dim * dim + dim * PASS_BLOCK, 2);
    this.c = this.mk.alloc(dim * dim);
    this.xct = this.mk.alloc(dim * PASS_BLOCK);
  }

  run(x: Float32Array, pass: RowPassShape, r0: number, r1: number, out: Float64Array, off: number, add: boolean): void {
    const { mk, c, xct } = this;
    const dim = pass.dim;
    c.fill(0);
    let sumSquares = 0;
    for (let b0 = r0; b0 < r1; b0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, r1 - b0);
      sumSquares += centerBlock(x, b0, rows, dim, pass.mean, null, xct);
      mk.syrkNT(xct, dim, rows, c, dim);
    }
    writeOut(out, off, c, dim * dim, sumSquares, add);
  }
}

/**
 * `project64`: each block centred into float64 tiles, `Y = Xc_b Q`, then `Zᵀ += Yᵀ Xc_b`
 * (`gemmNT` twice). Memory: 2·l·dim + 2·128·(dim + l) float64.
 */
class Project64Workspace implements Workspace {
  private readonly mk: MatrixKernels;
  private readonly qt: Float64Array;
  private readonly zt: Float64Array;
  private readonly xc: Float64Array;
  private readonly xct: Float64Array;
  private readonly y: Float64Array;
  private readonly yt: Float64Array;

  constructor(backend: 'js' | 'simd', dim: number, l: number) {
    const mk = exactKernels(backend, 2 * l * dim + 2 * PASS_BLOCK * dim + 2 * PASS_BLOCK * l, 6);
    this.mk = mk;
    this.qt = mk.alloc(l * dim);
    this.zt = mk.alloc(l * dim);
    this.xc = mk.alloc(PASS_BLOCK * dim);
    this.xct = mk.alloc(PASS_BLOCK * dim);
    this.y = mk.alloc(PASS_BLOCK * l);
    this.yt = mk.alloc(PASS_BLOCK * l);
  }

  run(x: Float32Array, pass: RowPassShape, r0: number, r1: number, out: Float64Array, off: number, add: boolean): void {
    const { mk, qt, zt, xc, xct, y, yt } = this;
    const { dim, l, mean } = pass;
    qt.set(pass.qt.subarray(0, l * dim));
    zt.fill(0);
    let sumSquares = 0;
    for (let b0 = r0; b0 < r1; b0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, r1 - b0);
      sumSquares += centerBlock(x, b0, rows, dim, mean, xc, xct);
      // Y = Xc_block Q  (rows × l)
      y.fill(0, 0, rows * l);
      mk.gemmNT(xc, 0, rows, qt, 0, l, dim, y, 0, l);
      for (let r = 0; r < rows; r++) for (let c = 0; c < l; c++) yt[c * rows + r] = y[r * l + c];
      // Zᵀ += Yᵀ Xc_block  (l × dim)
      mk.gemmNT(yt, 0, l, xct, 0, dim, rows, zt, 0, dim);
    }
    writeOut(out, off, zt, l * dim, sumSquares, add);
  }
}

/** Exports of the kernel module used by the float32 passes. */
interface Float32Exports {
  centerRowsF32(x: number, rows: number, dim: number, mean: number): number;
  projectPanelsF32(x: number, rows: number, dim: number, q: number, panels: number, y: number): void;
  accumulatePanelsF32(x: number, rows: number, dim: number, y: number, panels: number, z: number): void;
  projectHalfPanelF32(x: number, rows: number, dim: number, q: number, y: number): void;
  accumulateHalfPanelF32(x: number, rows: number, dim: number, y: number, z: number): void;
  gramPanelsF32(x: number, rows: number, dim: number, z: number): void;
}

/**
 * `project32`: a block of rows copied into the module's memory, centred there in float32
 * (`centerRowsF32`), multiplied by Q and then by its own product (`projectPanelsF32`,
 * `accumulatePanelsF32`, and the half-panel twins), Q, Y and Z stored in panels of 8 columns.
 * Memory: about 4·dim·(128 + 3·width) bytes, width = l rounded up to the panels.
 */
class Project32Workspace implements Workspace {
  private readonly k: Float32Exports;
  private readonly full: number;
  private readonly half: number;
  private readonly blockPtr: number;
  private readonly meanPtr: number;
  private readonly qPtr: number;
  private readonly yPtr: number;
  private readonly zPtr: number;
  private readonly block: Float32Array;
  private readonly mean: Float32Array;
  private readonly q: Float32Array;
  private readonly z: Float64Array;

  constructor(dim: number, l: number) {
    const layout = panelLayout(l);
    this.full = layout.full;
    this.half = layout.half;
    const width = layout.width;
    this.blockPtr = 16;
    this.meanPtr = align16(this.blockPtr + PASS_BLOCK * dim * 4);
    this.qPtr = align16(this.meanPtr + dim * 8);
    this.yPtr = align16(this.qPtr + width * dim * 4);
    this.zPtr = align16(this.yPtr + width * PASS_BLOCK * 4);
    const { exports, buffer } = kernelInstance(this.zPtr + width * dim * 8);
    this.k = exports as Float32Exports;
    this.block = new Float32Array(buffer, this.blockPtr, PASS_BLOCK * dim);
    this.mean = new Float32Array(buffer, this.meanPtr, dim);
    this.q = new Float32Array(buffer, this.qPtr, width * dim);
    this.z = new Float64Array(buffer, this.zPtr, width * dim);
  }

  /** Offset (in elements) of column c's first value in a panelled `count × width` matrix (stride 8, or 4 in the half panel). */
  private static slot(c: number, count: number, full: number): number {
    const p = c >> 3;
    return p < full ? p * count * PANEL + (c & 7) : full * count * PANEL + (c - full * PANEL);
  }

  run(x: Float32Array, pass: RowPassShape, r0: number, r1: number, out: Float64Array, off: number, add: boolean): void {
    const { k, full, half, block, q, z } = this;
    const { dim, l, qt } = pass;
    this.mean.set(pass.mean);
    // Pack Q into panels (padding columns stay 0); the caller has rounded it to float32.
    for (let c = 0; c < l; c++) {
      const base = Project32Workspace.slot(c, dim, full);
      const stride = c >> 3 < full ? PANEL : 4;
      for (let j = 0; j < dim; j++) q[base + j * stride] = qt[c * dim + j];
    }
    z.fill(0);
    const qHalf = this.qPtr + full * dim * PANEL * 4;
    const zHalf = this.zPtr + full * dim * PANEL * 8;
    let sumSquares = 0;
    for (let b0 = r0; b0 < r1; b0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, r1 - b0);
      block.set(x.subarray(b0 * dim, (b0 + rows) * dim));
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
      const base = Project32Workspace.slot(c, dim, full);
      const stride = c >> 3 < full ? PANEL : 4;
      const o = off + c * dim;
      if (add) for (let j = 0; j < dim; j++) out[o + j] += z[base + j * stride];
      else for (let j = 0; j < dim; j++) out[o + j] = z[base + j * stride];
    }
    if (add) out[off + l * dim] += sumSquares;
    else out[off + l * dim] = sumSquares;
  }
}

/**
 * `gram32`: blocks copied with a row stride of d8 = dim rounded up to 8 (padding columns are
 * 0, and stay 0 after centring on a 0-padded mean), centred in float32, then the block's upper
 * panels of XᵀX (`gramPanelsF32`) summed into float64 panels. The chunk's partial is written
 * out as the full symmetric dim × dim matrix. Memory: 4·d8·128 + 8·d8² bytes.
 */
class Gram32Workspace implements Workspace {
  private readonly k: Float32Exports;
  private readonly d8: number;
  private readonly blockPtr: number;
  private readonly meanPtr: number;
  private readonly zPtr: number;
  private readonly block: Float32Array;
  private readonly mean: Float32Array;
  private readonly z: Float64Array;

  constructor(dim: number) {
    const d8 = Math.ceil(dim / PANEL) * PANEL;
    this.d8 = d8;
    this.blockPtr = 16;
    this.meanPtr = this.blockPtr + PASS_BLOCK * d8 * 4;
    this.zPtr = this.meanPtr + d8 * 8;
    const { exports, buffer } = kernelInstance(this.zPtr + d8 * d8 * 8);
    this.k = exports as Float32Exports;
    this.block = new Float32Array(buffer, this.blockPtr, PASS_BLOCK * d8);
    this.mean = new Float32Array(buffer, this.meanPtr, d8);
    this.z = new Float64Array(buffer, this.zPtr, d8 * d8);
  }

  run(x: Float32Array, pass: RowPassShape, r0: number, r1: number, out: Float64Array, off: number, add: boolean): void {
    const { k, d8, block, z } = this;
    const dim = pass.dim;
    this.mean.fill(0);
    this.mean.set(pass.mean);
    block.fill(0);
    z.fill(0);
    let sumSquares = 0;
    for (let b0 = r0; b0 < r1; b0 += PASS_BLOCK) {
      const rows = Math.min(PASS_BLOCK, r1 - b0);
      if (d8 === dim) block.set(x.subarray(b0 * dim, (b0 + rows) * dim));
      else for (let r = 0; r < rows; r++) block.set(x.subarray((b0 + r) * dim, (b0 + r + 1) * dim), r * d8);
      sumSquares += k.centerRowsF32(this.blockPtr, rows, d8, this.meanPtr);
      k.gramPanelsF32(this.blockPtr, rows, d8, this.zPtr);
    }
    for (let col = 0; col < dim; col++) {
      const base = (col >> 3) * d8 * PANEL + (col & 7);
      for (let j = 0; j <= col; j++) {
        const v = z[base + j * PANEL];
        if (!add) {
          out[off + j * dim + col] = v;
          out[off + col * dim + j] = v;
        } else {
          out[off + j * dim + col] += v;
          if (j !== col) out[off + col * dim + j] += v;
        }
      }
    }
    if (add) out[off + dim * dim] += sumSquares;
    else out[off + dim * dim] = sumSquares;
  }
}
