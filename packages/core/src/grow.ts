/**
 * Growth by doubling for typed arrays (hnswlib's `resizeIndex` rule): one helper for the
 * structures that append as they go (tree nodes, leaves, candidate lists).
 *
 * @module
 */

/** The typed arrays {@link grownArray} grows. */
export type GrowableArray = Int32Array | Float32Array | Float64Array | Uint8Array;

/**
 * `a` itself when it holds `need` values, else a copy of it in a new array of the same type
 * whose length is `max(minCapacity, a.length)` doubled until it reaches `need`. Amortised O(1)
 * per appended value; callers keep their own used count.
 */
export function grownArray<T extends GrowableArray>(a: T, need: number, minCapacity: number = 16): T {
  if (need <= a.length) return a;
  let cap = Math.max(minCapacity, a.length);
  while (cap < need) cap *= 2;
  const next = new (a.constructor as new (length: number) => T)(cap);
  next.set(a);
  return next;
}
