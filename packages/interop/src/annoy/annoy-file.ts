/**
 * Annoy's index file (`AnnoyIndex::save` / `load` in `src/annoylib.h`, spotify/annoy): the
 * flat node buffer itself, nothing else. Every node has the same size `_s`, and the fields
 * depend on the metric (the `Node` struct of each metric policy, S = int32, T = float32):
 *
 * ```
 * Angular     [S n_descendants][S children[0] | T norm][S children[1]][T v[f]]   v at 12
 * Euclidean   [S n_descendants][T a][S children[0]][S children[1]][T v[f]]        v at 16
 * DotProduct  [S n_descendants][S children[0]][S children[1]][T dot_factor][T v[f]] v at 16
 * ```
 *
 * `_s = offsetof(Node, v) + 4·f`, and `K = (_s − offsetof(Node, children)) / 4` is the most
 * items a leaf holds. Nodes 0..n_items−1 are the items (`n_descendants = 1`, `v` the vector;
 * Angular keeps ‖v‖² in `norm`, DotProduct the augmentation √(max‖x‖² − ‖x‖²) in
 * `dot_factor`; a hole, an id never added, is all zeros). Then come the trees' nodes, each
 * tree's children before its parent (the root last): a node with `n_descendants ≤ K` is a
 * leaf whose item ids fill `children[…]`; a node with more is a split, `children[1]` being
 * the side where the margin is > 0 (Angular: ⟨v, y⟩; Euclidean: a + ⟨v, y⟩; DotProduct:
 * ⟨v, y⟩ + dot_factor²); a subtree of one item is the item node itself. Roots carry
 * `n_descendants = n_items`, and a copy of every root ends the file: `load` takes the
 * trailing run of nodes with equal `n_descendants` as the roots and their count as n_items
 * (dropping the last tree's original root, which precedes the copies).
 *
 * The file stores neither f nor the metric: a reader must be told both.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/** Annoy's metric names (the `name()` of each policy). */
export type AnnoyMetric = 'angular' | 'euclidean' | 'dot';

/** What error messages call these files. */
export const ANNOY_WHAT = 'Annoy index file';

/** Byte offsets of one metric's node fields. */
export interface AnnoyNodeGeometry {
  /** The metric. */
  metric: AnnoyMetric;
  /** Components per vector (f). */
  dim: number;
  /** Offset of `children[0]` (and of a leaf's item list). */
  childrenOff: number;
  /** Offset of `v`. */
  vOff: number;
  /** Offset of Euclidean's `a`, Angular's `norm`, DotProduct's `dot_factor`. */
  extraOff: number;
  /** Node size `_s`. */
  s: number;
  /** Most items per leaf, `K`. */
  K: number;
}

/** The node layout for `metric` and `dim`. */
export function annoyGeometry(metric: AnnoyMetric, dim: number): AnnoyNodeGeometry {
  const g =
    metric === 'angular'
      ? { childrenOff: 4, vOff: 12, extraOff: 4 }
      : metric === 'euclidean'
        ? { childrenOff: 8, vOff: 16, extraOff: 4 }
        : { childrenOff: 4, vOff: 16, extraOff: 12 };
  const s = g.vOff + 4 * dim;
  return { metric, dim, ...g, s, K: Math.floor((s - g.childrenOff) / 4) };
}

function corrupt(msg: string): never {
  throw new AnnlabError('CORRUPT_DATA', `${ANNOY_WHAT} is damaged or does not match the given metric and dim: ${msg}.`);
}

/** The roots `load` would find, and n_items; CORRUPT_DATA when the buffer cannot be an index. */
export function findAnnoyRoots(bytes: Uint8Array, geo: AnnoyNodeGeometry): { roots: number[]; nItems: number; nNodes: number } {
  if (bytes.length === 0 || bytes.length % geo.s !== 0) {
    corrupt(`its ${bytes.length} bytes are not a whole number of ${geo.s}-byte nodes (${geo.metric}, f = ${geo.dim})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nNodes = bytes.length / geo.s;
  const roots: number[] = [];
  let m = -1;
  for (let i = nNodes - 1; i >= 0; i--) {
    const k = view.getInt32(i * geo.s, true);
    if (m === -1 || k === m) {
      roots.push(i);
      m = k;
    } else break;
  }
  if (
    roots.length > 1 &&
    view.getInt32(roots[0] * geo.s + geo.childrenOff, true) === view.getInt32(roots[roots.length - 1] * geo.s + geo.childrenOff, true)
  ) {
    roots.pop();
  }
  if (m < 1 || m + roots.length > nNodes) corrupt(`the trailing nodes claim ${m} items in ${nNodes} nodes`);
  return { roots, nItems: m, nNodes };
}

/** Annoy's float `dot` (a plain float32 loop), for Angular's stored ‖v‖². */
export function float32Dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let z = 0; z < dim; z++) s = Math.fround(s + Math.fround(a[aOff + z] * b[bOff + z]));
  return s;
}
