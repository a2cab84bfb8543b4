/**
 * The algorithm classes `annlab explain` draws, loaded through @annlab/bench's
 * `loadAnnlabClass` (the CLI depends on the harness, which depends on every algorithm
 * package). The interfaces below name only the public members the pictures read: the
 * indexes' own trace/explain output, inspection accessors and public fields.
 *
 * @module
 */
import { loadAnnlabClass } from '@annlab/bench';
import { AnnlabError, type SearchResult, type VectorStore } from '@annlab/core';

/** Public surface of `HnswIndex` used for the HNSW picture. */
export interface HnswLike {
  add(vectors: Float32Array): void;
  search(queries: Float32Array, k: number, params?: { efSearch?: number }): SearchResult;
  explain(query: Float32Array, k: number, params?: { efSearch?: number }): {
    result: SearchResult;
    layers: { level: number; entry: number; path: number[]; distanceComputations: number }[];
    strategy: string;
  };
  neighbors(id: number, level?: number): Int32Array;
}

/** Public surface of `RpForestIndex` used for the forest picture. */
export interface RpForestLike {
  add(vectors: Float32Array): void;
  treeDim: number;
  trace(query: Float32Array, k: number, params?: { searchK?: number }): {
    ids: Int32Array;
    distances: Float32Array;
    visits: { tree: number; leaf: number; priority: number; items: Int32Array }[];
    leavesByTree: number[][];
    candidates: number;
    uniqueCandidates: number;
  };
  serialize(): Uint8Array;
}

/** Public surface of `IvfFlatIndex` used for the IVF picture. */
export interface IvfFlatLike {
  add(vectors: Float32Array): void;
  search(queries: Float32Array, k: number, params?: { nprobe?: number }): SearchResult;
  readonly centroids: VectorStore;
  listOffsets: Int32Array;
  listIds: Int32Array;
  readonly nlist: number;
}

/** Public surface of `IvfPqIndex` used for the PQ codebook picture. */
export interface IvfPqLike extends IvfFlatLike {
  readonly pq: { m: number; ksub: number; dsub: number; centroids: Float32Array };
  readonly byResidual: boolean;
  listCodes: Uint8Array;
  reconstruct(id: number): Float32Array;
}

/** Public surface of `FlatIndex`. */
export interface FlatLike {
  add(vectors: Float32Array): void;
  search(queries: Float32Array, k: number): SearchResult;
}

/** Public surface of `Pca`. */
export interface PcaLike {
  train(x: Float32Array): void;
  apply(x: Float32Array): Float32Array;
  reconstruct(y: Float32Array): Float32Array;
  mean: Float64Array;
  componentMatrix: Float64Array;
  eigenvalues: Float64Array;
  explainedVarianceRatio: Float64Array;
}

/** Construct `className` from `pkg` with one options object. */
export async function construct<T>(pkg: string, className: string, options: Record<string, unknown>): Promise<T> {
  const cls = await loadAnnlabClass(pkg, className);
  if (typeof cls === 'string') throw new AnnlabError('NOT_FOUND', `annlab explain needs ${className}: ${cls}.`);
  return new (cls as unknown as new (o: Record<string, unknown>) => T)(options);
}
