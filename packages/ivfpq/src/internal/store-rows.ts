/**
 * Safe access to a core `VectorStore`'s rows after distance calls.
 *
 * On the WebAssembly SIMD backend a distance call (`distanceTileInto`, a large
 * `distancesToRange`) may grow the store's WebAssembly memory for scratch space. The memory's
 * own views are refreshed then (`store.wasm.data`), but the store's cached `data` view is
 * not, so `store.data` / `store.view()` can return a detached array after such a call. Until
 * core re-reads the view in its getter, this package reads rows through these helpers.
 *
 * @module
 */
import type { VectorStore } from '@annlab/core';

/** The store's current rows array (`capacity × dim`), valid after any distance call. */
export function storeRows(store: VectorStore): Float32Array {
  return store.wasm !== null ? store.wasm.data : store.data;
}

/** The stored rows, `size × dim`, as a view (no copy), valid after any distance call. */
export function storeView(store: VectorStore): Float32Array {
  return storeRows(store).subarray(0, store.size * store.dim);
}

/** Bytes of the store's row allocation (capacity × dim × 4), valid after any distance call. */
export function storeBytes(store: VectorStore): number {
  return storeRows(store).byteLength;
}
