/**
 * Loading the WebAssembly SIMD kernels and choosing a kernel backend.
 *
 * The kernels are AssemblyScript (`packages/core/assembly/kernels.ts`) compiled at build time
 * by the `assemblyscript` npm compiler; the bytes are embedded base64 in
 * `kernels-wasm.generated.ts`, so the package loads them the same way in Node and in a
 * browser, with no file read or fetch. The module is decoded and compiled once, lazily, the
 * first time a SIMD store is made (synchronous `new WebAssembly.Module`: the module is a few
 * KiB). Every SIMD store instantiates it over its own `WebAssembly.Memory` (the module imports
 * `env.memory`), so growing one store's memory never detaches another store's views. A store
 * whose memory is shared with worker threads ({@link WasmRows.makeShared}) gets the same
 * kernels compiled for a shared memory (a module links to one kind of memory only).
 *
 * Backend choice ({@link resolveKernelBackend}): `'js'` always works; `'simd'` needs a runtime
 * whose `WebAssembly.validate` accepts the SIMD module (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89,
 * Safari ≥ 16.4); `'auto'` takes `'simd'` when available and `'js'` otherwise.
 *
 * @module
 */
import { AnnlabError } from '../errors.js';
import type { KernelBackend } from '../types.js';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.generated.js';

/**
 * The functions the kernel module exports. Every pointer is a byte address in the memory the
 * instance was created with; outputs are float64. See `assembly/kernels.ts` for each one.
 */
export interface KernelExports {
  /** Squared L2 between the `dim` floats at `a` and `b`. */
  l2(a: number, b: number, dim: number): number;
  /** Inner product of the `dim` floats at `a` and `b`. */
  dot(a: number, b: number, dim: number): number;
  /** `out[r] = ‖q − row r‖²` for `count` contiguous rows. */
  l2Range(q: number, rows: number, dim: number, count: number, out: number): void;
  /** `out[r] = bias − ⟨q, row r⟩` for `count` contiguous rows. */
  dotRange(q: number, rows: number, dim: number, count: number, bias: number, out: number): void;
  /** `out[r] = ‖q − row ids[r]‖²` for `count` int32 ids. */
  l2Ids(q: number, rows: number, ids: number, count: number, dim: number, out: number): void;
  /** `out[r] = bias − ⟨q, row ids[r]⟩` for `count` int32 ids. */
  dotIds(q: number, rows: number, ids: number, count: number, dim: number, bias: number, out: number): void;
  /** `nq × count` tile of squared L2 distances, row-major by query. */
  l2Tile(qs: number, nq: number, rows: number, count: number, dim: number, out: number): void;
  /** `nq × count` tile of `bias − ⟨q, x⟩`, row-major by query. */
  dotTile(qs: number, nq: number, rows: number, count: number, dim: number, bias: number, out: number): void;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decode standard base64 (no Node `Buffer`, no DOM `atob`, so it runs anywhere). */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < B64.length; i++) lookup[B64.charCodeAt(i)] = i;
  let len = text.length;
  while (len > 0 && text.charCodeAt(len - 1) === 61 /* '=' */) len--;
  const out = new Uint8Array((len * 3) >> 2);
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    acc = (acc << 6) | lookup[text.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let bytesCache: Uint8Array<ArrayBuffer> | null = null;
let supportCache: boolean | null = null;

/** The embedded kernel module's bytes (decoded once). */
export function kernelBytes(): Uint8Array<ArrayBuffer> {
  if (bytesCache === null) bytesCache = decodeBase64(KERNELS_WASM_BASE64);
  return bytesCache;
}

/** Whether this runtime can run the SIMD kernels (`WebAssembly.validate` accepts the module). */
export function simdSupported(): boolean {
  if (supportCache === null) {
    try {
      supportCache = typeof WebAssembly === 'object' && WebAssembly.validate(kernelBytes());
    } catch {
      supportCache = false;
    }
  }
  return supportCache;
}

/** Whether `memory` is shared (its buffer a `SharedArrayBuffer`), so workers can use it too. */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * An embedded module compiled for a plain and for a shared memory (`memory: 'both'` in
 * `scripts/build-wasm.mjs`; a module links to one kind only): each variant is decoded and
 * compiled once, on first use, and {@link DualWasmModule.instantiate} picks the one that
 * links to the memory it is given.
 */
export class DualWasmModule {
  private readonly plainBytes: () => Uint8Array<ArrayBuffer>;
  private readonly sharedBytes: () => Uint8Array<ArrayBuffer>;
  private plain: WebAssembly.Module | null;
  private shared: WebAssembly.Module | null;

  /** @param plainBytes - the plain variant's bytes; @param sharedBytes - the shared variant's. */
  constructor(plainBytes: () => Uint8Array<ArrayBuffer>, sharedBytes: () => Uint8Array<ArrayBuffer>) {
    this.plainBytes = plainBytes;
    this.sharedBytes = sharedBytes;
    this.plain = null;
    this.shared = null;
  }

  /** A fresh instance over `memory` (its only import, `env.memory`), as `T`, its exports. */
  instantiate<T>(memory: WebAssembly.Memory): T {
    let module: WebAssembly.Module;
    if (isSharedMemory(memory)) {
      this.shared ??= new WebAssembly.Module(this.sharedBytes());
      module = this.shared;
    } else {
      this.plain ??= new WebAssembly.Module(this.plainBytes());
      module = this.plain;
    }
    return new WebAssembly.Instance(module, { env: { memory } }).exports as T;
  }
}

const KERNELS = new DualWasmModule(kernelBytes, () => decodeBase64(KERNELS_SHARED_WASM_BASE64));

/** A fresh kernel instance reading and writing `memory` (plain or shared). */
export function instantiateKernels(memory: WebAssembly.Memory): KernelExports {
  return KERNELS.instantiate<KernelExports>(memory);
}

/**
 * Validate a `kernels` option and resolve it to the backend actually used.
 *
 * @param kernels - `'auto'` (default when `undefined`), `'js'` or `'simd'`.
 * @returns `'simd'` or `'js'`.
 * @throws AnnlabError `INVALID_PARAMETER` for any other value; `UNSUPPORTED_OPERATION` for
 *   `'simd'` on a runtime without WebAssembly SIMD.
 */
export function resolveKernelBackend(kernels: unknown): 'js' | 'simd' {
  if (kernels === undefined || kernels === 'auto') return simdSupported() ? 'simd' : 'js';
  if (kernels === 'js') return 'js';
  if (kernels === 'simd') {
    if (!simdSupported()) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        "kernels: 'simd' needs WebAssembly SIMD, which this runtime lacks; use kernels: 'auto' or 'js'.",
      );
    }
    return 'simd';
  }
  throw new AnnlabError(
    'INVALID_PARAMETER',
    `kernels must be 'auto', 'js' or 'simd', got ${typeof kernels === 'string' ? `'${kernels}'` : String(kernels)}.`,
  );
}

/** Narrow an unknown value to a {@link KernelBackend} (validating it) without resolving 'auto'. */
export function checkKernelBackend(kernels: unknown): KernelBackend {
  if (kernels === undefined) return 'auto';
  if (kernels === 'auto' || kernels === 'js' || kernels === 'simd') return kernels;
  resolveKernelBackend(kernels);
  return 'auto';
}
