/**
 * The inner-product tile kernel of the batch path (`assembly/gemm.ts`), instantiated over a
 * `VectorStore`'s own WebAssembly memory so it reads the rows in place, plus its readable
 * TypeScript definition ({@link ipTile4Ref}) that the tests hold it to.
 *
 * The module is decoded and compiled once, lazily; each store memory gets one instance
 * (cached in a `WeakMap`, so an index that is dropped takes its instance with it).
 *
 * @module
 */
import { decodeBase64 } from '@annlab/core';
import { GEMM_WASM_BASE64 } from './gemm-wasm.generated.js';

/** The exports of `assembly/gemm.ts`; pointers are byte addresses in the instance's memory. */
export interface GemmExports {
  /** See `ipTile4` in `assembly/gemm.ts`: 4 interleaved queries × `count` rows, float32 out. */
  ipTile4(qp: number, rows: number, count: number, dim: number, out: number, ldo: number): void;
}

let moduleCache: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, GemmExports>();

/** The tile kernel reading and writing `memory` (one instance per memory, made on first use). */
export function gemmKernelsFor(memory: WebAssembly.Memory): GemmExports {
  let k = instances.get(memory);
  if (k === undefined) {
    if (moduleCache === null) moduleCache = new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64));
    k = new WebAssembly.Instance(moduleCache, { env: { memory } }).exports as unknown as GemmExports;
    instances.set(memory, k);
  }
  return k;
}

/**
 * Interleave 4 queries the way `ipTile4` reads them: floats 4c..4c+3 of query u go to
 * `out[outOff + c·16 + u·4 …]`, for `ceil(dim / 4)` chunks; the last chunk's unused lanes
 * and the queries past `nq` (a group of fewer than 4) are zero.
 *
 * @param queries - row-major, `dim` floats per query, the group's first query at `qOff`.
 * @param nq - queries in the group, 1 to 4.
 */
export function packQueryGroup(queries: Float32Array, qOff: number, nq: number, dim: number, out: Float32Array, outOff: number): void {
  const chunks = (dim + 3) >> 2;
  out.fill(0, outOff, outOff + chunks * 16);
  for (let u = 0; u < nq; u++) {
    const src = qOff + u * dim;
    for (let t = 0; t < dim; t++) out[outOff + (t >> 2) * 16 + u * 4 + (t & 3)] = queries[src + t];
  }
}

/**
 * Reference for `ipTile4`: `out[outOff + u·ldo + r]` = ⟨query u, row start + r⟩ for u < nq
 * (queries row-major at `qOff`, rows of `data` row-major), summed in float64. The wasm kernel
 * sums in float32 in another order, so the two agree to float32 rounding, not bit for bit.
 */
export function ipTile4Ref(
  queries: Float32Array,
  qOff: number,
  nq: number,
  data: Float32Array,
  start: number,
  count: number,
  dim: number,
  out: Float32Array,
  outOff: number,
  ldo: number,
): void {
  for (let u = 0; u < nq; u++) {
    const q = qOff + u * dim;
    for (let r = 0; r < count; r++) {
      const x = (start + r) * dim;
      let s = 0;
      for (let t = 0; t < dim; t++) s += queries[q + t] * data[x + t];
      out[outOff + u * ldo + r] = s;
    }
  }
}
