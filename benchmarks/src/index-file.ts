/**
 * Prebuilt index files in a suite run (`{ "algorithm": "file", "index": "hnsw.bin" }`): what a
 * loader returns, the harness's own loader (annlab files), and the suite name of a loaded
 * index. The harness reads annlab's own format only; the CLI passes a loader that also reads
 * hnswlib, Annoy and FAISS files (through `@annlab/interop`), so the harness itself needs no
 * foreign-format code.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { AnnlabError, MAGIC, type AnnIndex, type Metric, type SearchParams } from '@annlab/core';
import { ALGORITHM_NAMES, ANNLAB_CLASSES, PCA_CLASSES, deserializeAnnlabIndex } from './adapters/annlab.js';
import type { Params } from './suite.js';

/** An index file loaded for a suite run. */
export interface LoadedIndex {
  /** The index, searched through annlab's implementation of its algorithm. */
  index: AnnIndex<SearchParams>;
  /** The file's format: `annlab`, or what the loader read (`hnswlib`, `annoy`, `faiss`). */
  format: string;
  /**
   * The dataset id of each of the index's ids, when they differ (hnswlib files carry their
   * own labels); null when the ids are the dataset's. Returned ids are mapped through it
   * before recall is scored, outside the clock.
   */
  labels: Float64Array | null;
  /** Search settings the file carries (FAISS `nprobe`, `efSearch`): the sweep's own values override them. */
  params: Params;
}

/** What a loader knows besides the path: the dataset's metric and dimension (files that do not record them need them) and the suite's seed. */
export interface IndexFileContext {
  /** The dataset's metric. */
  metric: Metric;
  /** The dataset's dimension. */
  dim: number;
  /** The suite's seed, for what an imported index draws later. */
  seed: number;
}

/** Loads the index file of a suite run; the harness times it as the run's `buildSeconds`. */
export type IndexFileLoader = (file: string, context: IndexFileContext) => Promise<LoadedIndex>;

/**
 * The harness's default {@link IndexFileLoader}: annlab's own files (any algorithm, PCA
 * pipelines included). Other formats are refused with `WRONG_FORMAT`, naming the command
 * that reads them.
 */
export async function loadAnnlabIndexFile(file: string): Promise<LoadedIndex> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT')
      throw new AnnlabError('NOT_FOUND', `index file ${file}: no such file; check the run's "index" path.`, { cause: e });
    throw new AnnlabError('IO', `index file ${file}: cannot read it (${typeof code === 'string' ? code : (e as Error).message}).`, {
      cause: e,
    });
  }
  if (bytes.length < 4 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2] || bytes[3] !== MAGIC[3]) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `index file ${file} is not an annlab file; \`annlab bench\` also reads hnswlib, Annoy and FAISS files (runSuite's loadIndex option).`,
    );
  }
  return { index: await deserializeAnnlabIndex(bytes), format: 'annlab', labels: null, params: {} };
}

/**
 * The suite name of an annlab index (`hnsw`, `ivfpq`, `pca+hnsw`, ...): what a loaded file
 * turned out to hold; null for a class the harness does not know.
 */
export function annlabAlgorithmOf(index: AnnIndex): string | null {
  if (index instanceof PCA_CLASSES.PreTransformIndex) {
    const inner = annlabAlgorithmOf(index.inner);
    return inner === null ? null : `pca+${inner}`;
  }
  // The exact class, not instanceof: one index class may extend another.
  for (const name of ALGORITHM_NAMES) if (index.constructor === ANNLAB_CLASSES[name]) return name;
  return null;
}
