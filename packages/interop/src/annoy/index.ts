/**
 * Annoy ↔ annlab: {@link exportAnnoy} writes a built `RpForestIndex` as an Annoy `.ann` file
 * (loadable with `AnnoyIndex.load`, npm `annoy`'s `load`), and {@link importAnnoy} turns a
 * file saved by Annoy into an `RpForestIndex`. The trees are carried node for node, and both
 * libraries search them with the same walk (`_get_all_nns`: one priority queue over all
 * trees keyed by the smallest margin, `search_k` candidates counted with repeats, exact
 * re-rank), so at the same `search_k` they return the same neighbours (up to ties and
 * float32 rounding of margins).
 *
 * Mapping (annlab ↔ Annoy):
 * - metric `'cosine'` ↔ `angular` (annlab reports 1 − cos, Annoy √(2 − 2cos); same order;
 *   annlab keeps unit vectors, so an exported file holds the normalised vectors),
 *   `'euclidean'` ↔ `euclidean` (the offset `a` is float32 in Annoy, float64 in annlab: an
 *   export rounds it, a margin within float32 rounding of 0 may then fall on the other side),
 *   `'inner-product'` ← `dot` (import only; see below).
 * - `nTrees` ↔ the number of roots, `searchK` ↔ `search_k`, a leaf's item list ↔ a leaf
 *   node's `children[…]`, a one-item leaf ↔ the item node itself; ids ↔ item numbers; an
 *   Annoy hole (an item number never added) ↔ a deleted annlab id with a zero vector.
 * - An imported forest gets `leafSize = K`, Annoy's own leaf capacity (f + 2 for angular and
 *   euclidean, f + 3 for dot), so later `add`s split leaves where Annoy would.
 *
 * What an export refuses (`UNSUPPORTED_OPERATION`, naming it), because Annoy would read the
 * file differently or not at all:
 * - deleted ids (Annoy has no deletion); an unbuilt forest (Annoy saves built indexes only);
 * - a leaf larger than K: build with `leafSize ≤ K` (the default `leafSize = dim + 2` fits);
 * - `'inner-product'`: annlab splits the augmented vectors with offset hyperplanes, and
 *   Annoy's dot node has no offset (its margin adds only the node's own dot_factor²);
 * - split roots over n ≤ K items (Annoy would read such a root as a leaf).
 *
 * Splits annlab makes above subtrees of ≤ K items (when `leafSize < K`) are written with
 * `n_descendants = K + 1`: Annoy reads that field only to tell leaves from splits.
 *
 * @module
 */
import { AnnlabError, checkInteger, checkMetric, normalizeInPlace, type Metric } from '@annlab/core';
import type { RpForestIndex } from '@annlab/rpforest';
import { readAnnlabForest, writeAnnlabForest, type AnnlabForestLayout } from './annlab-layout.js';
import { ANNOY_WHAT, annoyGeometry, findAnnoyRoots, float32Dot, type AnnoyMetric, type AnnoyNodeGeometry } from './annoy-file.js';

export type { AnnoyMetric } from './annoy-file.js';

/** The Annoy metric that searches like annlab's `metric`. */
export function annoyMetric(metric: Metric): AnnoyMetric {
  return metric === 'cosine' ? 'angular' : metric === 'euclidean' ? 'euclidean' : 'dot';
}

/** Annoy's leaf capacity K for `metric` and `dim` (the largest `leafSize` an export accepts). */
export function annoyLeafCapacity(metric: Metric, dim: number): number {
  return annoyGeometry(annoyMetric(metric), dim).K;
}

/** Options of {@link importAnnoy}. */
export interface AnnoyImportOptions {
  /** The metric the file was built with (Annoy files do not record it): `'cosine'` for angular, `'euclidean'`, `'inner-product'` for dot. Required. */
  metric: Metric;
  /** The vector dimension f (Annoy files do not record it). Required. */
  dim: number;
  /**
   * Seed of the imported index (used by later `add`s and `addTrees`).
   * @defaultValue 42
   */
  seed?: number;
}

function refuse(msg: string): never {
  throw new AnnlabError('UNSUPPORTED_OPERATION', `cannot write this forest as an Annoy file: ${msg}`);
}

/**
 * Write a built `RpForestIndex` as an Annoy index file.
 * @throws AnnlabError `UNSUPPORTED_OPERATION` naming what Annoy cannot carry (see the module doc).
 */
export function exportAnnoy(index: RpForestIndex): Uint8Array {
  const a = readAnnlabForest(index);
  const n = a.deleted.length;
  if (a.metric === 'inner-product') {
    refuse(
      "annlab's inner-product trees split augmented vectors with offset hyperplanes, and Annoy's dot node has no offset. Export a 'euclidean' or 'cosine' forest.",
    );
  }
  if (!a.built || a.roots.length === 0 || n === 0) refuse('the forest is not built (Annoy saves built indexes only); add vectors first.');
  for (let i = 0; i < n; i++) {
    if (a.deleted[i] !== 0) refuse(`id ${i} is deleted and Annoy has no deletion; rebuild from the live vectors.`);
  }
  const geo = annoyGeometry(annoyMetric(a.metric), a.dim);
  const K = geo.K;
  const inner = a.offsets.length;
  for (let l = 0; l < a.leafSizes.length; l++) {
    if (a.leafSizes[l] > K)
      refuse(`a leaf holds ${a.leafSizes[l]} items and Annoy's leaves hold at most K = ${K} for f = ${a.dim}; build with leafSize ≤ ${K}.`);
    if (a.leafSizes[l] === 0) refuse('the forest has an empty leaf, which Annoy never writes.');
  }
  if (geo.metric === 'angular') {
    for (let i = 0; i < inner; i++)
      if (a.offsets[i] !== 0) refuse(`split ${i} has offset ${a.offsets[i]}; Annoy's angular splits pass through the origin.`);
  }
  // Items per subtree, for n_descendants and Annoy's smaller-child-first numbering.
  const innerCount = new Int32Array(inner);
  const countOf = (code: number): number => (code < 0 ? a.leafSizes[~code] : innerCount[code]);
  const order: number[] = [];
  for (let t = 0; t < a.roots.length; t++) {
    const stack = [a.roots[t]];
    while (stack.length > 0) {
      const c = stack.pop() as number;
      if (c >= 0) {
        order.push(c);
        stack.push(a.children[2 * c], a.children[2 * c + 1]);
      }
    }
  }
  for (let j = order.length - 1; j >= 0; j--) {
    const c = order[j];
    innerCount[c] = countOf(a.children[2 * c]) + countOf(a.children[2 * c + 1]);
  }
  if (n <= K) {
    for (let t = 0; t < a.roots.length; t++)
      if (a.roots[t] >= 0)
        refuse(`a tree splits ${n} items, no more than K = ${K}, and Annoy would read its root as a leaf; build with leafSize ≥ ${n}.`);
  }
  // Node count: items, one node per split, per leaf of ≥ 2 items (or a root leaf), root copies.
  let nodes = n + a.roots.length;
  const leafNodes = (code: number, isRoot: boolean): number => (code < 0 ? (isRoot || a.leafSizes[~code] > 1 ? 1 : 0) : 1);
  for (let t = 0; t < a.roots.length; t++) {
    const stack = [a.roots[t]];
    let isRoot = true;
    while (stack.length > 0) {
      const c = stack.pop() as number;
      nodes += leafNodes(c, isRoot);
      isRoot = false;
      if (c >= 0) stack.push(a.children[2 * c], a.children[2 * c + 1]);
    }
  }
  const s = geo.s;
  const out = new Uint8Array(nodes * s);
  const view = new DataView(out.buffer);
  const dim = a.dim;
  for (let i = 0; i < n; i++) {
    const base = i * s;
    view.setInt32(base, 1, true);
    if (geo.metric === 'angular') view.setFloat32(base + geo.extraOff, float32Dot(a.vectors, i * dim, a.vectors, i * dim, dim), true);
    for (let z = 0; z < dim; z++) view.setFloat32(base + geo.vOff + 4 * z, a.vectors[i * dim + z], true);
  }
  let next = n;
  const treeDim = a.normals.length / Math.max(1, inner);
  const emit = (code: number, isRoot: boolean): number => {
    if (code < 0) {
      const leaf = ~code;
      const size = a.leafSizes[leaf];
      const start = a.leafStart[leaf];
      if (size === 1 && !isRoot) return a.leafItems[start];
      const node = next++;
      view.setInt32(node * s, isRoot ? n : size, true);
      for (let j = 0; j < size; j++) view.setInt32(node * s + geo.childrenOff + 4 * j, a.leafItems[start + j], true);
      return node;
    }
    const c0 = a.children[2 * code];
    const c1 = a.children[2 * code + 1];
    const ids = [0, 0];
    const flip = countOf(c0) > countOf(c1) ? 1 : 0;
    ids[flip] = emit(flip === 0 ? c0 : c1, false);
    ids[1 - flip] = emit(flip === 0 ? c1 : c0, false);
    const node = next++;
    const base = node * s;
    view.setInt32(base, isRoot ? n : Math.max(innerCount[code], K + 1), true);
    view.setInt32(base + geo.childrenOff, ids[0], true);
    view.setInt32(base + geo.childrenOff + 4, ids[1], true);
    if (geo.metric === 'euclidean') view.setFloat32(base + geo.extraOff, a.offsets[code], true);
    for (let z = 0; z < dim; z++) view.setFloat32(base + geo.vOff + 4 * z, a.normals[code * treeDim + z], true);
    return node;
  };
  const rootNodes: number[] = [];
  for (let t = 0; t < a.roots.length; t++) rootNodes.push(emit(a.roots[t], true));
  for (let t = 0; t < rootNodes.length; t++) {
    out.copyWithin(next * s, rootNodes[t] * s, rootNodes[t] * s + s);
    next++;
  }
  // Read the file back the way Annoy's load does: it must find exactly these roots.
  const found = findAnnoyRoots(out, geo);
  if (found.nItems !== n || found.roots.length !== rootNodes.length || found.roots[0] !== next - 1) {
    refuse(
      `Annoy's loader would find ${found.roots.length} roots over ${found.nItems} items instead of ${rootNodes.length} over ${n}; build with a leafSize closer to K = ${K}.`,
    );
  }
  return out;
}

/**
 * Read an Annoy index file into an `RpForestIndex`. The node buffer is checked node by node,
 * then handed to annlab's own loader, which re-checks the whole forest: a damaged or foreign
 * file is refused with `CORRUPT_DATA`, never half-loaded.
 * @throws AnnlabError `INVALID_PARAMETER` without a valid `metric` and `dim`, `CORRUPT_DATA`
 * for a damaged file or one saved with another metric or dimension.
 */
export function importAnnoy(bytes: Uint8Array, options: AnnoyImportOptions): RpForestIndex {
  if (options === null || typeof options !== 'object' || options.metric === undefined || options.dim === undefined) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      "importAnnoy needs { metric, dim }: Annoy files record neither ('cosine' for angular, 'euclidean', 'inner-product' for dot).",
    );
  }
  if (!(bytes instanceof Uint8Array)) throw new AnnlabError('INVALID_PARAMETER', 'an Annoy file must be given as a Uint8Array.');
  const metric = checkMetric(options.metric);
  const dim = checkInteger('dim', options.dim, 1, 1 << 20);
  const geo = annoyGeometry(annoyMetric(metric), dim);
  const { roots, nItems } = findAnnoyRoots(bytes, geo);
  const layout = translate(bytes, geo, roots, nItems, metric, options.seed ?? 42);
  return writeAnnlabForest(layout, ANNOY_WHAT);
}

function translate(
  bytes: Uint8Array,
  geo: AnnoyNodeGeometry,
  rootNodes: number[],
  n: number,
  metric: Metric,
  seed: number,
): AnnlabForestLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const s = geo.s;
  const dim = geo.dim;
  const K = geo.K;
  const nNodes = bytes.length / s;
  const bad = (msg: string): never => {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${ANNOY_WHAT} is damaged or does not match the given metric and dim (${geo.metric}, f = ${dim}): ${msg}.`,
    );
  };
  const dot = geo.metric === 'dot';
  const vectors = new Float32Array(n * dim);
  const deleted = new Uint8Array(n);
  const augExtra = new Float32Array(dot ? n : 0);
  let live = 0;
  let maxNorm2 = 0;
  for (let i = 0; i < n; i++) {
    const base = i * s;
    const nd = view.getInt32(base, true);
    if (nd === 0) {
      deleted[i] = 1;
      continue;
    }
    if (nd !== 1) bad(`item ${i} has n_descendants ${nd}`);
    live++;
    let norm2 = 0;
    for (let z = 0; z < dim; z++) {
      const v = view.getFloat32(base + geo.vOff + 4 * z, true);
      if (v - v !== 0) bad(`item ${i} holds ${v}`);
      vectors[i * dim + z] = v;
      norm2 += v * v;
    }
    if (dot) {
      const df = view.getFloat32(base + geo.extraOff, true);
      if (!(df >= 0) || !Number.isFinite(df)) bad(`item ${i} has dot_factor ${df}`);
      augExtra[i] = df;
      norm2 += df * df;
    }
    if (norm2 > maxNorm2) maxNorm2 = norm2;
    if (metric === 'cosine') normalizeInPlace(vectors, i * dim, dim);
  }
  const normals: number[] = [];
  const offsets: number[] = [];
  const children: number[] = [];
  const leafStart: number[] = [];
  const leafSizes: number[] = [];
  const leafItems: number[] = [];
  const seen = new Uint8Array(nNodes);
  const itemOf = (id: number, from: number): number => {
    if (!(id >= 0 && id < n) || deleted[id] === 1) bad(`node ${from} lists item ${id}, which is not an item`);
    return id;
  };
  const addLeaf = (items: number[]): number => {
    leafStart.push(leafItems.length);
    leafSizes.push(items.length);
    for (const id of items) leafItems.push(id);
    return ~(leafSizes.length - 1);
  };
  // Depth-first, each node translated once; `slot` is where its code goes (−1: a root).
  const roots: number[] = [];
  const stack: number[] = [];
  for (const r of rootNodes) stack.push(r, -1, -1);
  while (stack.length > 0) {
    const slot = stack.pop() as number;
    const from = stack.pop() as number;
    const node = stack.pop() as number;
    if (!(node >= 0 && node < nNodes)) bad(`node ${from} has child ${node}, beyond the ${nNodes} nodes`);
    let code: number;
    const base = node * s;
    const nd = view.getInt32(base, true);
    if (node < n) {
      if (nd !== 1) bad(`node ${from} has child ${node}, an item slot that holds no item`);
      code = addLeaf([node]);
    } else {
      if (slot !== -1 || rootNodes.indexOf(node) < 0) {
        if (seen[node] === 1) bad(`node ${node} is reached twice`);
        seen[node] = 1;
      }
      if (nd >= 1 && nd <= K) {
        const items: number[] = [];
        for (let j = 0; j < nd; j++) items.push(itemOf(view.getInt32(base + geo.childrenOff + 4 * j, true), node));
        code = addLeaf(items);
      } else if (nd > K) {
        code = offsets.length;
        for (let z = 0; z < dim; z++) {
          const v = view.getFloat32(base + geo.vOff + 4 * z, true);
          if (v - v !== 0) bad(`split ${node} has a normal component ${v}`);
          normals.push(v);
        }
        const extra = geo.metric === 'angular' ? 0 : view.getFloat32(base + geo.extraOff, true);
        if (extra - extra !== 0) bad(`split ${node} has offset ${extra}`);
        if (dot) {
          normals.push(extra);
          offsets.push(Math.fround(extra * extra));
        } else offsets.push(extra);
        children.push(0, 0);
        stack.push(view.getInt32(base + geo.childrenOff + 4, true), node, 2 * code + 1);
        stack.push(view.getInt32(base + geo.childrenOff, true), node, 2 * code);
      } else {
        bad(`node ${node} has n_descendants ${nd}`);
      }
    }
    if (slot === -1) roots.push(code!);
    else children[slot] = code!;
  }
  return {
    dim,
    metric,
    nTrees: roots.length,
    leafSize: K,
    seed,
    maxNorm: dot ? Math.sqrt(maxNorm2) : 0,
    built: true,
    live,
    vectors,
    deleted,
    augExtra,
    normals: new Float32Array(normals),
    offsets: new Float64Array(offsets),
    children: new Int32Array(children),
    leafStart: new Int32Array(leafStart),
    leafSizes: new Int32Array(leafSizes),
    leafItems: new Int32Array(leafItems),
    roots: new Int32Array(roots),
  };
}
