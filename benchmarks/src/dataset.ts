/**
 * Datasets for the harness, through @annlab/datasets: any reference (registry name, file,
 * directory, `synthetic:...`) is loaded with `loadDataset`, cut to the suite's `maxBase` /
 * `queries`, and given at least k ground-truth columns (computed exactly with the flat index
 * and cached by @annlab/datasets when a source lacks them).
 *
 * @module
 */
import { loadDataset, type Dataset } from '@annlab/datasets';

/** A dataset as the harness uses it (the @annlab/datasets `Dataset`). */
export type BenchDataset = Dataset;

/** Options for {@link resolveDataset}. */
export interface ResolveDatasetOptions {
  /** Keep only the first `maxBase` base vectors (ground truth is then recomputed). */
  maxBase?: number;
  /** Keep only the first `maxQueries` queries. */
  maxQueries?: number;
  /** Ensure at least `k` ground-truth columns. */
  k: number;
  /** Cache directory for fetched data and ground truth (default: @annlab/datasets'). */
  cacheDir?: string;
  /** Progress messages (downloads, ground truth). */
  onProgress?: (message: string, fraction?: number) => void;
  /** Warnings that do not stop the run (a ground-truth cache that cannot be written). @defaultValue `onProgress` */
  onWarning?: (message: string) => void;
}

/** Load a dataset reference for a benchmark run, with ground truth of at least k columns. */
export async function resolveDataset(ref: string, options: ResolveDatasetOptions): Promise<BenchDataset> {
  const opts: Parameters<typeof loadDataset>[1] = { k: options.k };
  if (options.maxBase !== undefined) opts.maxBase = options.maxBase;
  if (options.maxQueries !== undefined) opts.maxQueries = options.maxQueries;
  if (options.cacheDir !== undefined) opts.cacheDir = options.cacheDir;
  if (options.onProgress !== undefined) opts.onProgress = options.onProgress;
  if (options.onWarning !== undefined) opts.onWarning = options.onWarning;
  return loadDataset(ref, opts);
}
