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
 * A code-distance kernel over the code rows named by `count` int32 ids at `ids` (row i at
 * `rows + i·stride`, its norm at `+ normOff`); `wq` is the prepared query (int16 weights),
 * and each float64 output is `base − coef·S + normW·norm` (see `assembly/sq-kernels.ts`).
 */
export type SqIdsKernel = (
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
) => void;

/** {@link SqIdsKernel} over `count` contiguous code rows from `rows` instead of a list of ids. */
export type SqRangeKernel = (
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
) => void;

/**
 * The functions the scalar-quantizer kernel module exports. Pointers are byte addresses in
 * the memory the instance was created with.
 */
export interface SqKernelExports {
  /** 8-bit code rows by id. */
  sq8Ids: SqIdsKernel;
  /** 4-bit code rows by id. */
  sq4Ids: SqIdsKernel;
  /** Contiguous 8-bit code rows. */
  sq8Range: SqRangeKernel;
  /** Contiguous 4-bit code rows. */
  sq4Range: SqRangeKernel;
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
