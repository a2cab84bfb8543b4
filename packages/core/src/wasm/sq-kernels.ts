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
 * the memory the instance was created with; outputs are float64. `wq` is the prepared query
 * (int16 weights); each output is `base − coef·S + normW·norm` (see `assembly/sq-kernels.ts`).
 */
export interface SqKernelExports {
  /** 8-bit code rows of `count` int32 ids (row i at `rows + i·stride`, its norm at `+ normOff`). */
  sq8Ids(
    wq: number,
    rows: number,
    stride: number,
    normOff: number,
    ids: number,
    count: number,
    dim: number,
    base: number,
    coef: number,
    normW: number,
    out: number,
  ): void;
  /** 4-bit variant of `sq8Ids`. */
  sq4Ids(
    wq: number,
    rows: number,
    stride: number,
    normOff: number,
    ids: number,
    count: number,
    dim: number,
    base: number,
    coef: number,
    normW: number,
    out: number,
  ): void;
  /** `count` contiguous 8-bit code rows from `rows`. */
  sq8Range(
    wq: number,
    rows: number,
    stride: number,
    normOff: number,
    count: number,
    dim: number,
    base: number,
    coef: number,
    normW: number,
    out: number,
  ): void;
  /** 4-bit variant of `sq8Range`. */
  sq4Range(
    wq: number,
    rows: number,
    stride: number,
    normOff: number,
    count: number,
    dim: number,
    base: number,
    coef: number,
    normW: number,
    out: number,
  ): void;
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
