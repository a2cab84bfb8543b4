/**
 * Algorithm name → adapter: annlab's indexes, `pca+<name>` pipelines, native peers.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import type { AlgorithmAdapter } from './adapter.js';
import { ALGORITHM_NAMES, AnnlabAdapter, PcaPipelineAdapter, isAnnlabAlgorithm } from './annlab.js';
import { FaissAdapter } from './faiss.js';
import { HnswlibPyAdapter } from './hnswlib-py.js';
import { AnnoyAdapter, HnswNpmAdapter, HnswlibAdapter, UsearchAdapter } from './native.js';

/**
 * Native peers by suite name: `hnswlib-node` is hnswlib's npm binding (one build thread),
 * `hnswlib` its own Python binding (builds on `--threads`).
 */
export const NATIVE_PEERS: readonly string[] = ['hnswlib-node', 'annoy', 'usearch', 'faiss', 'hnsw-npm', 'hnswlib'];

/** Every algorithm name the harness knows (pipelines as `pca+<name>`). */
export function knownAlgorithms(): string[] {
  const annlab: string[] = [...ALGORITHM_NAMES];
  return [...annlab, ...annlab.filter((n) => n !== 'flat').map((n) => `pca+${n}`), 'pca+flat', ...NATIVE_PEERS];
}

/** The adapter for a suite algorithm name; `AnnlabError('NOT_FOUND')` naming the known ones otherwise. */
export function createAdapter(name: string): AlgorithmAdapter {
  if (isAnnlabAlgorithm(name)) return new AnnlabAdapter(name);
  if (name.startsWith('pca+') && isAnnlabAlgorithm(name.slice(4))) return new PcaPipelineAdapter(name.slice(4));
  switch (name) {
    case 'hnswlib-node':
      return new HnswlibAdapter();
    case 'annoy':
      return new AnnoyAdapter();
    case 'usearch':
      return new UsearchAdapter();
    case 'faiss':
      return new FaissAdapter();
    case 'hnsw-npm':
      return new HnswNpmAdapter();
    case 'hnswlib':
      return new HnswlibPyAdapter();
    default:
      throw new AnnlabError('NOT_FOUND', `unknown algorithm "${name}"; known: ${knownAlgorithms().join(', ')}.`);
  }
}
