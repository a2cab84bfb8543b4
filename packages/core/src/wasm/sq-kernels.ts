/**
 * Loading the scalar-quantizer SIMD kernels (`packages/core/assembly/sq-kernels.ts`), embedded
 * base64 in `sq-kernels-wasm.generated.ts` like the float kernels (see `wasm-kernels.ts`): the
 * module is decoded and compiled once, lazily, and every `SqCodes` store on the SIMD
 * backend instantiates it over its own `WebAssembly.Memory` (the module imports `env.memory`).
 *
 * @module
 */
import { decodeBase64 } from './wasm-kernels.js';
import { SQ_KERNELS_WASM_BASE64 } from './sq-kernels-wasm.generated.js';

/**
 * The functions the scalar-quantizer kernel module exports. Pointers are byte addresses in
 * the memory the instance was created with; outputs are float64. `qa` is the prepared query
 * and `sc` the per-dimension steps (see `assembly/sq-kernels.ts`).
 */
export interface SqKernelExports {
  /** `out[r] = Σ_j (qa[j] − c_j·sc[j])²` for the 8-bit codes of `count` int32 ids. */
  sq8L2Ids(qa: number, sc: number, codes: number, codeSize: number, ids: number, count: number, dim: number, out: number): void;
  /** `out[r] = base − Σ_j qa[j]·c_j` for the 8-bit codes of `count` int32 ids. */
  sq8DotIds(qa: number, codes: number, codeSize: number, ids: number, count: number, dim: number, base: number, out: number): void;
  /** 4-bit variant of `sq8L2Ids`. */
  sq4L2Ids(qa: number, sc: number, codes: number, codeSize: number, ids: number, count: number, dim: number, out: number): void;
  /** 4-bit variant of `sq8DotIds`. */
  sq4DotIds(qa: number, codes: number, codeSize: number, ids: number, count: number, dim: number, base: number, out: number): void;
  /** Squared L2 to `count` contiguous 8-bit codes. */
  sq8L2Range(qa: number, sc: number, codes: number, codeSize: number, count: number, dim: number, out: number): void;
  /** `base − Σ_j qa[j]·c_j` for `count` contiguous 8-bit codes. */
  sq8DotRange(qa: number, codes: number, codeSize: number, count: number, dim: number, base: number, out: number): void;
  /** 4-bit variant of `sq8L2Range`. */
  sq4L2Range(qa: number, sc: number, codes: number, codeSize: number, count: number, dim: number, out: number): void;
  /** 4-bit variant of `sq8DotRange`. */
  sq4DotRange(qa: number, codes: number, codeSize: number, count: number, dim: number, base: number, out: number): void;
}

let moduleCache: WebAssembly.Module | null = null;

/** The embedded scalar-quantizer kernel module's bytes. */
export function sqKernelBytes(): Uint8Array<ArrayBuffer> {
  return decodeBase64(SQ_KERNELS_WASM_BASE64);
}

/** A fresh scalar-quantizer kernel instance reading and writing `memory`. */
export function instantiateSqKernels(memory: WebAssembly.Memory): SqKernelExports {
  if (moduleCache === null) moduleCache = new WebAssembly.Module(sqKernelBytes());
  const instance = new WebAssembly.Instance(moduleCache, { env: { memory } });
  return instance.exports as unknown as SqKernelExports;
}
