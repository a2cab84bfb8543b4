/**
 * The LSH index's public option types and the constructor's option checks. Parameter names
 * keep the papers' symbols: `L` tables of `K` concatenated hash functions (Indyk & Motwani;
 * Datar et al.), bucket width `w` (Datar et al.'s E2LSH).
 *
 * @module
 */
import { AnnlabError, checkIndexOptions, checkInteger, type CheckedIndexOptions, type IndexOptions } from '@annlab/core';

/** Options for {@link LshIndex}. */
export interface LshOptions extends IndexOptions {
  /**
   * Number of hash tables (the papers' `L`). Each table hashes every vector once, so a true
   * neighbour missed by one table's buckets is likely caught by another: recall at a given
   * `probes` rises with `L`; memory (one id and one 32-bit key per vector per table) and
   * build time grow linearly with it, and so does the query's hashing cost (`L × K`
   * projections). Range 1–1024; 8–64 is typical, fewer with multi-probe.
   * @defaultValue 16
   */
  L?: number;
  /**
   * Hash functions concatenated per table (the papers' `K`). A bucket holds the vectors that
   * agree on all K hashes, so a larger K makes buckets smaller and more selective (fewer
   * candidates, faster queries) but lowers the chance that a true neighbour shares the
   * query's bucket (lower recall per table). Cosine (SimHash) buckets are K-bit signatures;
   * Euclidean (E2LSH) buckets are cells of a K-dimensional grid of width `w`. Range 1–64;
   * 8–16 is typical.
   * @defaultValue 12
   */
  K?: number;
  /**
   * Bucket width of the Euclidean (E2LSH) hash h(v) = ⌊(a·v + b) / w⌋, in the data's
   * distance units; any finite number > 0. Wider buckets catch neighbours further away
   * (more candidates, higher recall, slower); narrower ones are more selective. Only for
   * `metric: 'euclidean'`.
   * @defaultValue derived at the first `add`: 4 × the mean distance from up to 64 sampled
   * points to their nearest distinct neighbour among up to 4,096 sampled points (Datar et al.
   * recommend w ≈ 4 for data scaled so that the near-neighbour radius is 1).
   */
  w?: number;
}

/** Which locality-sensitive family a metric uses. */
export type LshFamilyKind = 'e2lsh' | 'simhash';

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'L', 'K', 'w'] as const;
const DEFAULT_L = 16;
const DEFAULT_K = 12;
/** Most tables an index may hold. */
export const MAX_L = 1024;
/** Most hash functions per table. */
export const MAX_K = 64;

/** {@link LshOptions} checked, with every default filled in. */
export interface ResolvedOptions extends CheckedIndexOptions {
  /** Tables. */
  readonly L: number;
  /** Hashes per table. */
  readonly K: number;
  /** E2LSH bucket width, or null: derive it at the first add (euclidean) / unused (cosine). */
  readonly w: number | null;
}

/**
 * Check a bucket width: a finite number > 0.
 * @throws AnnlabError `INVALID_PARAMETER` otherwise.
 */
export function checkWidth(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `w must be a finite number > 0 (the E2LSH bucket width, in distance units), got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Check the constructor's options and fill in the defaults.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option, or for
 * `metric: 'inner-product'`, which LSH does not support (see the package README).
 */
export function resolveOptions(options: LshOptions): ResolvedOptions {
  const { dim, metric, seed, kernels } = checkIndexOptions(options, OPTION_KEYS, 'LshIndex');
  if (metric === 'inner-product') {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      "LshIndex supports metric 'euclidean' (E2LSH, p-stable projections) and 'cosine' (SimHash, random hyperplanes), not 'inner-product': " +
        "-<q, x> is not a distance, so no LSH family covers it directly. Normalise the vectors and use 'cosine' when their norms carry no meaning, " +
        'or use RpForestIndex / HnswIndex / IvfFlatIndex, which support inner product.',
    );
  }
  const L = options.L === undefined ? DEFAULT_L : checkInteger('L', options.L, 1, MAX_L);
  const K = options.K === undefined ? DEFAULT_K : checkInteger('K', options.K, 1, MAX_K);
  let w: number | null = null;
  if (options.w !== undefined) {
    if (metric !== 'euclidean') {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `w is the E2LSH bucket width and applies to metric 'euclidean' only; cosine buckets are SimHash signatures. Leave w out.`,
      );
    }
    w = checkWidth(options.w);
  }
  return { dim, metric, seed, L, K, w, kernels };
}
