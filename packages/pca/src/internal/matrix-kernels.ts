/**
 * The float64 matrix kernels behind a backend choice, like core's distance kernels: the
 * plain TypeScript ones in `gemm.ts` (`'js'`), or the same kernels compiled from
 * `assembly/gemm.ts` to WebAssembly SIMD (`'simd'`, f64x2 lanes, still float64 sums).
 *
 * A WebAssembly kernel can only read its own linear memory, so a fit asks the backend for
 * its working arrays ({@link MatrixKernels.alloc}): with `'simd'` they are views into one
 * memory sized up front for the whole fit (never grown, so views stay valid), with `'js'`
 * plain `Float64Array`s. Kernel calls take those arrays with element offsets, exactly as
 * the `gemm.ts` functions do.
 *
 * @module
 */
import { AnnlabError, decodeBase64, resolveKernelBackend, type KernelBackend } from '@annlab/core';
import { gemmNT, syrkNT } from './gemm.js';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated.js';

/** Matrix kernels and the allocator whose arrays they accept. */
export interface MatrixKernels {
  /** Which implementation runs. */
  readonly backend: 'js' | 'simd';
  /** A zeroed working array the kernels can read and write. */
  alloc(length: number): Float64Array;
  /** See `gemmNT` in `gemm.ts`. */
  gemmNT(
    a: Float64Array,
    aOff: number,
    m: number,
    b: Float64Array,
    bOff: number,
    n: number,
    len: number,
    c: Float64Array,
    cOff: number,
    ldc: number,
  ): void;
  /** See `syrkNT` in `gemm.ts`. */
  syrkNT(a: Float64Array, m: number, len: number, c: Float64Array, ldc: number): void;
}

class JsMatrixKernels implements MatrixKernels {
  readonly backend: 'js' | 'simd' = 'js';
  alloc(length: number): Float64Array {
    return new Float64Array(length);
  }
  gemmNT(
    a: Float64Array,
    aOff: number,
    m: number,
    b: Float64Array,
    bOff: number,
    n: number,
    len: number,
    c: Float64Array,
    cOff: number,
    ldc: number,
  ): void {
    gemmNT(a, aOff, m, b, bOff, n, len, c, cOff, ldc);
  }
  syrkNT(a: Float64Array, m: number, len: number, c: Float64Array, ldc: number): void {
    syrkNT(a, m, len, c, ldc);
  }
}

interface GemmExports {
  gemmNT(a: number, m: number, b: number, n: number, len: number, c: number, ldc: number): void;
  syrkNT(a: number, m: number, len: number, c: number, ldc: number): void;
}

class WasmMatrixKernels implements MatrixKernels {
  readonly backend: 'js' | 'simd' = 'simd';
  private readonly memory: WebAssembly.Memory;
  private readonly k: GemmExports;
  private next: number;
  private readonly limit: number;

  constructor(module: WebAssembly.Module, bytes: number) {
    const pages = Math.ceil(bytes / 65536) + 1;
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.k = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as GemmExports;
    this.next = 16;
    this.limit = pages * 65536;
  }

  alloc(length: number): Float64Array {
    const ptr = (this.next + 15) & ~15;
    const end = ptr + length * 8;
    if (end > this.limit) throw new AnnlabError('UNSUPPORTED_OPERATION', 'internal: PCA working memory was sized too small.');
    this.next = end;
    return new Float64Array(this.memory.buffer, ptr, length);
  }

  private ptr(a: Float64Array, off: number): number {
    if (a.buffer !== this.memory.buffer)
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'internal: a PCA working array lives outside the kernel memory.');
    return a.byteOffset + off * 8;
  }

  gemmNT(
    a: Float64Array,
    aOff: number,
    m: number,
    b: Float64Array,
    bOff: number,
    n: number,
    len: number,
    c: Float64Array,
    cOff: number,
    ldc: number,
  ): void {
    this.k.gemmNT(this.ptr(a, aOff), m, this.ptr(b, bOff), n, len, this.ptr(c, cOff), ldc);
  }

  syrkNT(a: Float64Array, m: number, len: number, c: Float64Array, ldc: number): void {
    this.k.syrkNT(this.ptr(a, 0), m, len, this.ptr(c, 0), ldc);
  }
}

/** Largest working memory put in WebAssembly (beyond it the JS kernels run). */
const WASM_LIMIT_BYTES = 1 << 30;

let moduleCache: WebAssembly.Module | null | undefined;

/**
 * The compiled kernel module (float64 matrix kernels and the randomized solver's float32
 * pass), or null where the runtime cannot compile it. Compiled once and cached.
 */
export function gemmModule(): WebAssembly.Module | null {
  if (moduleCache === undefined) {
    try {
      const bytes = decodeBase64(GEMM_WASM_BASE64);
      moduleCache = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      moduleCache = null;
    }
  }
  return moduleCache;
}

/**
 * The backend {@link matrixKernels} picks for the same arguments, without making the memory:
 * what a fit tells its workers to run (`'simd'` where the runtime has SIMD, the module
 * compiles and the memory is within the limit).
 */
export function matrixBackend(kernels: KernelBackend, doubles: number, arrays: number): 'js' | 'simd' {
  const bytes = doubles * 8 + arrays * 16 + 64;
  return kernels !== 'js' && resolveKernelBackend('auto') === 'simd' && bytes <= WASM_LIMIT_BYTES && gemmModule() !== null ? 'simd' : 'js';
}

/**
 * Kernels for a fit that will allocate at most `doubles` float64 values in total (plus 16
 * bytes of alignment per array, `arrays` of them). `'auto'` and `'simd'` use WebAssembly
 * SIMD when the runtime supports it and the memory fits, else the TypeScript kernels.
 */
export function matrixKernels(kernels: KernelBackend, doubles: number, arrays: number): MatrixKernels {
  const bytes = doubles * 8 + arrays * 16 + 64;
  if (kernels !== 'js' && resolveKernelBackend('auto') === 'simd' && bytes <= WASM_LIMIT_BYTES) {
    const module = gemmModule();
    if (module !== null) {
      try {
        return new WasmMatrixKernels(module, bytes);
      } catch {
        // memory refused: fall through to the TypeScript kernels
      }
    }
  }
  return new JsMatrixKernels();
}
