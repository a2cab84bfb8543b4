/**
 * Index replicas in workers: the tag → class table that turns serialized bytes back into an
 * index, and the small per-thread cache that keeps the replica of each index version, so a
 * worker deserializes an index once per version, not once per batch.
 *
 * Memory: the bytes live once, in a `SharedArrayBuffer` every worker reads. Loading with
 * `kernels: 'js'` takes aligned sections as views of those bytes (no copy: vectors, links,
 * inverted lists are shared), and a replica then costs only its small fixed tables and search
 * scratch. Loading with `'simd'`/`'auto'` copies the vectors into the worker's own WebAssembly
 * memory: one copy of the vectors per worker.
 *
 * @module
 */
import { AnnlabError, type AnnIndex, type IndexClass, type KernelBackend, SearchStats } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex, HnswSearchStats } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { PreTransformIndex } from '@annlab/pca';
import { RpForestIndex, RpForestSearchStats } from '@annlab/rpforest';
import { VamanaIndex } from '@annlab/vamana';

/** The index classes a worker can load, by file tag. */
export const INDEX_CLASSES: Readonly<Record<string, IndexClass>> = {
  [FlatIndex.TAG]: FlatIndex,
  [HnswIndex.TAG]: HnswIndex,
  [IvfFlatIndex.TAG]: IvfFlatIndex,
  [IvfPqIndex.TAG]: IvfPqIndex,
  [RpForestIndex.TAG]: RpForestIndex,
  [LshIndex.TAG]: LshIndex,
  [NnDescentIndex.TAG]: NnDescentIndex,
  [VamanaIndex.TAG]: VamanaIndex,
  [PreTransformIndex.TAG]: {
    TAG: PreTransformIndex.TAG,
    FORMAT_VERSION: PreTransformIndex.FORMAT_VERSION,
    deserialize: (bytes, options) => PreTransformIndex.deserialize(bytes, { ...options, loaders: INDEX_CLASSES }),
  },
};

/**
 * The algorithm tag of an annlab file, read without verifying the checksum (the loader does
 * that); '' when the bytes are too short to hold one.
 */
export function fileTag(bytes: Uint8Array): string {
  if (bytes.length < 12) return '';
  const n = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24);
  if (n < 1 || n > 64 || 12 + n > bytes.length) return '';
  let tag = '';
  for (let i = 0; i < n; i++) tag += String.fromCharCode(bytes[12 + i]);
  return tag;
}

/** Load `bytes` with the class its header names. */
export function loadIndex(bytes: Uint8Array, kernels: KernelBackend): AnnIndex {
  const tag = fileTag(bytes);
  const cls = INDEX_CLASSES[tag];
  if (cls === undefined) {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      `parallel search cannot load a '${tag}' index (known: ${Object.keys(INDEX_CLASSES).join(', ')}).`,
    );
  }
  return cls.deserialize(bytes, { kernels });
}

/** Replicas kept per thread (the current version of an index, and one more). */
export const REPLICAS_KEPT = 2;

const replicas = new Map<string, AnnIndex>();

/** The replica for `key`, loading (and caching) it from `bytes` on first use. */
export function replicaFor(key: string, bytes: Uint8Array, kernels: KernelBackend): AnnIndex {
  const cacheKey = `${key}/${kernels}`;
  let index = replicas.get(cacheKey);
  if (index !== undefined) {
    // Most recently used last.
    replicas.delete(cacheKey);
    replicas.set(cacheKey, index);
    return index;
  }
  index = loadIndex(bytes, kernels);
  replicas.set(cacheKey, index);
  while (replicas.size > REPLICAS_KEPT) replicas.delete(replicas.keys().next().value as string);
  return index;
}

/** The stats classes a worker can fill, by class name. */
const STATS_CLASSES: Readonly<Record<string, new () => SearchStats>> = {
  SearchStats,
  HnswSearchStats,
  RpForestSearchStats,
};

/** A fresh stats object of the class named `name` (a plain `SearchStats` for unknown names). */
export function createStats(name: string): SearchStats {
  return new (STATS_CLASSES[name] ?? SearchStats)();
}

/**
 * Add the counters of `from` (a cloned stats object: numbers and arrays of numbers) into
 * `into`, field by field.
 */
export function addStats(into: SearchStats, from: Record<string, unknown>): void {
  const target = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from)) {
    if (typeof value === 'number' && typeof target[key] === 'number') target[key] = (target[key] as number) + value;
    else if (Array.isArray(value) && Array.isArray(target[key])) {
      const t = target[key] as number[];
      for (let i = 0; i < value.length; i++) t[i] = (t[i] ?? 0) + (value[i] as number);
    }
  }
}
