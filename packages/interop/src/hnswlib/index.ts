/**
 * hnswlib ↔ annlab: {@link exportHnswlib} writes an `HnswIndex` as an hnswlib index file
 * (loadable with `hnswlib.Index.load_index` / hnswlib-node `readIndex`), and
 * {@link importHnswlib} turns a file written by hnswlib's `saveIndex` into an `HnswIndex`.
 * The graph is carried as is, link for link, so both libraries walk the same graph: at the
 * same ef they return the same neighbours (up to floating-point ties).
 *
 * Mapping (annlab ↔ hnswlib):
 * - metric `'euclidean'` ↔ space `l2` (hnswlib reports squared L2; annlab the true L2 as
 *   always), `'inner-product'` ↔ `ip` (hnswlib reports 1 − ⟨q, x⟩, annlab −⟨q, x⟩; same order),
 *   `'cosine'` ↔ `cosine` (both store unit vectors).
 * - M ↔ maxM_ = M_, 2·M ↔ maxM0_ (hnswlib files with maxM0_ ≠ 2·maxM_ are refused), 1/ln M ↔
 *   mult_, efConstruction ↔ ef_construction_.
 * - annlab id i ↔ internal id i; the label written for id i is i (or `labels[i]`). On import,
 *   labels equal to the internal ids give `labels: null`; any other labels (sparse, shuffled,
 *   large) are kept: the index gets dense ids 0..n−1 in hnswlib's internal order and
 *   `labels[id]` is the hnswlib label of annlab id `id`, so results map back with one lookup.
 *   Labels must be distinct and below 2^53.
 * - Deleted ids ↔ hnswlib's mark-deleted flag: both libraries keep walking through deleted
 *   elements and never return them.
 * - Not carried, because hnswlib's file has no place for them: the seed and state of the level
 *   generator and the neighbour-selection rule (`'simple'` or `'heuristic'`). They only matter
 *   for elements added later; searching reads the same. An import uses `seed` (default 100,
 *   hnswlib's own default) and the heuristic rule.
 *
 * @module
 */
import { AnnlabError, checkMetric, type Metric } from '@annlab/core';
import type { HnswIndex } from '@annlab/hnsw';
import { freshRngState, readAnnlabHnsw, writeAnnlabHnsw, type AnnlabHnswLayout } from './annlab-layout.js';
import { HNSWLIB_WHAT, looksLikeHnswlib, parseHnswlib, writeHnswlib, type HnswlibGraph } from './hnswlib-file.js';

/** hnswlib's space names. */
export type HnswlibSpace = 'l2' | 'ip' | 'cosine';

/** The hnswlib space that searches like annlab's `metric`. */
export function hnswlibSpace(metric: Metric): HnswlibSpace {
  return metric === 'euclidean' ? 'l2' : metric === 'inner-product' ? 'ip' : 'cosine';
}

/** Options of {@link exportHnswlib}. */
export interface HnswlibExportOptions {
  /**
   * The hnswlib label of each annlab id (length `idCount`, distinct non-negative integers
   * below 2^53), e.g. the `labels` an {@link importHnswlib} returned.
   * @defaultValue the ids themselves
   */
  labels?: ArrayLike<number>;
}

/** Options of {@link importHnswlib}. */
export interface HnswlibImportOptions {
  /**
   * The metric the file was built for (hnswlib does not record its space): `'euclidean'` for
   * `l2`, `'inner-product'` for `ip`, `'cosine'` for `cosine`. Required.
   */
  metric: Metric;
  /**
   * The expected dimension; the file's own (its vector size / 4) is checked against it.
   * @defaultValue the file's
   */
  dim?: number;
  /**
   * Seed of the imported index's level generator (hnswlib does not save its own).
   * @defaultValue 100 (hnswlib's default `random_seed`)
   */
  seed?: number;
}

/** What {@link importHnswlib} returns. */
export interface HnswlibImport {
  /** The graph as an annlab index (ids 0..n−1 in hnswlib's internal order). */
  index: HnswIndex;
  /** hnswlib label of each annlab id, or null when every label equals its id. */
  labels: Float64Array | null;
}

/** Whether `bytes` look like an hnswlib index file (a self-consistent header and length). */
export function isHnswlibFile(bytes: Uint8Array): boolean {
  return looksLikeHnswlib(bytes);
}

/**
 * Write `index` as an hnswlib index file (the layout of `saveIndex`).
 * @throws AnnlabError `INVALID_PARAMETER` for bad `labels`.
 */
export function exportHnswlib(index: HnswIndex, options: HnswlibExportOptions = {}): Uint8Array {
  const a = readAnnlabHnsw(index);
  const n = a.levels.length;
  const labels = new Float64Array(n);
  if (options.labels === undefined) {
    for (let i = 0; i < n; i++) labels[i] = i;
  } else {
    if (options.labels.length !== n) {
      throw new AnnlabError('INVALID_PARAMETER', `labels must hold one label per id (${n}), got ${options.labels.length}.`);
    }
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const l = options.labels[i];
      if (!Number.isSafeInteger(l) || l < 0 || seen.has(l)) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `labels[${i}] = ${String(l)}: hnswlib labels must be distinct non-negative integers below 2^53.`,
        );
      }
      seen.add(l);
      labels[i] = l;
    }
  }
  const g: HnswlibGraph = {
    dim: a.dim,
    M: a.M,
    maxM0: 2 * a.M,
    mult: 1 / Math.log(a.M),
    efConstruction: a.efConstruction,
    maxElements: n,
    maxLevel: a.maxLevel,
    entryPoint: a.entryPoint,
    vectors: a.vectors,
    labels,
    levels: a.levels,
    deleted: a.deleted,
    links0: a.links0,
    upperLinks: a.upperLinks,
    upperOffset: a.upperOffset,
  };
  return writeHnswlib(g);
}

/**
 * Read an hnswlib index file into an `HnswIndex`. The file is checked field by field, then
 * handed to annlab's own loader, which re-checks the whole graph: a damaged or foreign file
 * is refused with `CORRUPT_DATA`, never half-loaded.
 * @throws AnnlabError `INVALID_PARAMETER` without a valid `metric`, `DIMENSION_MISMATCH` when
 * `dim` disagrees with the file, `CORRUPT_DATA` for a damaged file or labels annlab cannot map.
 */
export function importHnswlib(bytes: Uint8Array, options: HnswlibImportOptions): HnswlibImport {
  if (options === null || typeof options !== 'object' || options.metric === undefined) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      "importHnswlib needs { metric }: hnswlib files do not record their space ('euclidean' for l2, 'inner-product' for ip, 'cosine' for cosine).",
    );
  }
  const metric = checkMetric(options.metric);
  const g = parseHnswlib(bytes);
  if (options.dim !== undefined && options.dim !== g.dim) {
    throw new AnnlabError('DIMENSION_MISMATCH', `the ${HNSWLIB_WHAT} holds ${g.dim}-dimensional vectors, not ${options.dim}.`);
  }
  if (g.maxM0 !== 2 * g.M) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${HNSWLIB_WHAT} has maxM0_ = ${g.maxM0} and maxM_ = ${g.M}; annlab's HNSW links 2·M on level 0, so it reads only files with maxM0_ = 2·maxM_ (hnswlib's own rule).`,
    );
  }
  const n = g.levels.length;
  let identity = true;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const l = g.labels[i];
    if (seen.has(l)) throw new AnnlabError('CORRUPT_DATA', `${HNSWLIB_WHAT} gives label ${l} to two elements.`);
    seen.add(l);
    if (l !== i) identity = false;
  }
  let live = 0;
  for (let i = 0; i < n; i++) if (g.deleted[i] === 0) live++;
  const seed = options.seed ?? 100;
  const layout: AnnlabHnswLayout = {
    dim: g.dim,
    metric,
    M: g.M,
    efConstruction: g.efConstruction,
    seed,
    neighborSelection: 'heuristic',
    rng: freshRngState(seed),
    entryPoint: g.entryPoint,
    maxLevel: g.maxLevel,
    live,
    linkedDeletes: live < n,
    vectors: g.vectors,
    levels: g.levels,
    deleted: g.deleted,
    links0: g.links0,
    upperOffset: g.upperOffset,
    upperLinks: g.upperLinks,
  };
  const index = writeAnnlabHnsw(layout, HNSWLIB_WHAT);
  return { index, labels: identity ? null : g.labels };
}
