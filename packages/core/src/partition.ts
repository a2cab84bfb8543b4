/**
 * Stable two-way partition of a range of ids by a precomputed side per item: the last step
 * of a tree split (Annoy's `_make_tree`, pynndescent's `make_euclidean_tree`), once the
 * hyperplane has put each item on side 0 or 1.
 *
 * @module
 */

/**
 * Reorder `items[lo, lo + n)` so that the items with `sides[i] === 0` come first and those
 * with side 1 after them, each group in its original order, through `tmp` (room for `n`).
 *
 * @param sides - side of `items[lo + i]` at index `i`, 0 or 1.
 * @param n1 - how many items have side 1.
 * @returns the boundary: `lo + (n − n1)`, the first index of side 1.
 */
export function partitionBySide(items: Int32Array, lo: number, n: number, sides: Uint8Array, n1: number, tmp: Int32Array): number {
  let a = 0;
  let b = n - n1;
  for (let i = 0; i < n; i++) {
    if (sides[i] === 0) tmp[a++] = items[lo + i];
    else tmp[b++] = items[lo + i];
  }
  items.set(tmp.subarray(0, n), lo);
  return lo + (n - n1);
}
