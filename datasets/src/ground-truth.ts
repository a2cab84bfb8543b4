/**
 * Exact ground truth: the true k nearest base vectors of every query, computed with
 * `@annlab/flat`'s tiled batch search (the oracle every annlab index is measured against),
 * and a cache for it.
 *
 * The cache key is a sha256 over the dimension, the metric and the bytes of the base and
 * query vectors, so a dataset whose content changes in any way (another file, a different
 * row limit, another metric) can never pick up a stale answer. Files are
 * `<cacheDir>/groundtruth/<key>-k<k>.ivecs`; a cached file with at least k columns serves
 * any smaller k.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import type { ProgressCallback } from './fetch.js';
import { readIvecs, writeIvecs } from './vecs.js';

/** Exact neighbours: ids and reported distances, row-major `nq × k`, best first. */
export interface GroundTruth {
  /** Neighbour ids; −1 pads rows when k exceeds the number of base vectors. */
  ids: Int32Array;
  /** Reported distances (see `Metric` in @annlab/core); +Infinity pads. */
  distances: Float32Array;
}

/**
 * The exact k nearest base vectors of each query, by `FlatIndex`'s batch path (ties by
 * smaller id).
 *
 * @param base - `n × dim` row-major.
 * @param queries - `nq × dim` row-major.
 */
export function computeGroundTruth(base: Float32Array, queries: Float32Array, dim: number, metric: Metric, k: number): GroundTruth {
  const index = new FlatIndex({ dim, metric });
  index.add(base);
  const r = index.search(queries, k);
  return { ids: r.ids, distances: r.distances };
}

/** A hex key identifying a dataset's content and metric (sha256, first 32 hex digits). */
export function datasetKey(base: Float32Array, queries: Float32Array, dim: number, metric: Metric): string {
  const h = createHash('sha256');
  h.update(`annlab-groundtruth-v1 dim=${dim} metric=${metric} base=${base.length} queries=${queries.length}\n`);
  h.update(new Uint8Array(base.buffer, base.byteOffset, base.byteLength));
  h.update(new Uint8Array(queries.buffer, queries.byteOffset, queries.byteLength));
  return h.digest('hex').slice(0, 32);
}

/** Options for {@link cachedGroundTruth}. */
export interface GroundTruthCacheOptions {
  /** Directory whose `groundtruth/` subdirectory holds the cache files. */
  cacheDir: string;
  /** Progress messages. */
  onProgress?: ProgressCallback;
  /**
   * Told when the cache cannot be written (read-only home, another user's directory): the
   * ground truth is still returned, only not kept. @defaultValue `onProgress`
   */
  onWarning?: (message: string) => void;
}

/**
 * Ground-truth ids with at least `k` columns for these vectors: read from the cache when a
 * file for this exact content and metric has ≥ k columns, else computed with the flat index
 * and written to the cache (atomically).
 *
 * @returns the ids (`nq × kOut`) and their column count `kOut ≥ k`.
 */
export function cachedGroundTruth(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  metric: Metric,
  k: number,
  options: GroundTruthCacheOptions,
): {
  /** Neighbour ids, nQueries × k, best first. */
  ids: Int32Array;
  /** Columns in `ids` (≥ the k asked for). */
  k: number;
  /** The cache file holding them (not written when the cache directory is not writable). */
  file: string;
  /** True when computed now, false when read from the cache. */
  computed: boolean;
} {
  const nq = queries.length / dim;
  const dir = join(options.cacheDir, 'groundtruth');
  const key = datasetKey(base, queries, dim, metric);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  let bestK = Infinity;
  let bestName = '';
  const pattern = new RegExp(`^${key}-k(\\d+)\\.ivecs$`);
  for (const name of names) {
    const m = pattern.exec(name);
    if (m === null) continue;
    const kk = Number(m[1]);
    if (kk >= k && kk < bestK) {
      bestK = kk;
      bestName = name;
    }
  }
  if (bestName !== '') {
    const file = join(dir, bestName);
    const m = readIvecs(file);
    if (m.rows === nq && m.dim === bestK) {
      options.onProgress?.(`ground truth (k=${bestK}) from cache ${file}`);
      return { ids: m.data, k: bestK, file, computed: false };
    }
  }
  options.onProgress?.(`computing exact ground truth: ${nq} queries × ${base.length / dim} vectors, k=${k}, ${metric}`);
  const gt = computeGroundTruth(base, queries, dim, metric, k);
  const file = join(dir, `${key}-k${k}.ivecs`);
  // The cache only saves time: a directory that cannot be written costs a warning, not the run.
  let kept = nq > 0;
  if (kept) {
    try {
      mkdirSync(dir, { recursive: true });
      writeIvecs(file, gt.ids, k);
    } catch (e) {
      kept = false;
      const why = (e as { code?: string }).code ?? (e as Error).message ?? String(e);
      const warn = options.onWarning ?? options.onProgress;
      warn?.(
        `warning: cannot write the ground-truth cache in ${dir} (${why}); going on without it, so it will be computed again next time. ` +
          `Set ANNLAB_DATA (or --cache-dir) to a writable directory to keep it.`,
      );
    }
  }
  return { ids: gt.ids, k, file, computed: true };
}
