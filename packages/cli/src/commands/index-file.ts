/**
 * Loading an index file of any format the CLI reads: annlab's own files (magic "ANNL"), and
 * through `@annlab/interop` FAISS files (a FAISS fourcc), hnswlib files (a self-consistent
 * `saveIndex` header) and Annoy files (no header at all: tried last, with the metric and
 * dimension the caller knows, e.g. from the dataset). hnswlib and Annoy files do not record
 * their metric, so they need one.
 *
 * @module
 */
import { AnnlabError, MAGIC, checkMetric, type AnnIndex, type Metric, type SearchParams } from '@annlab/core';
import { deserializeAnnlabIndex } from '@annlab/bench';
import { importAnnoy, importHnswlib, isFaissFile, isHnswlibFile, readFaiss } from '@annlab/interop';

/** The index file formats the CLI reads and writes. */
export type IndexFileFormat = 'annlab' | 'faiss' | 'hnswlib' | 'annoy';

/** The formats `annlab export --to` and `annlab import --from` name. */
export const FOREIGN_FORMATS: readonly IndexFileFormat[] = ['hnswlib', 'annoy', 'faiss'];

/** What the bytes' own header says they are; null when nothing matches (perhaps Annoy, which has no header). */
export function detectIndexFormat(bytes: Uint8Array): IndexFileFormat | null {
  if (bytes.length >= 4 && bytes[0] === MAGIC[0] && bytes[1] === MAGIC[1] && bytes[2] === MAGIC[2] && bytes[3] === MAGIC[3])
    return 'annlab';
  if (isFaissFile(bytes)) return 'faiss';
  if (isHnswlibFile(bytes)) return 'hnswlib';
  return null;
}

/** What the caller knows about a file's index (hnswlib and Annoy files need it). */
export interface IndexFileHints {
  /** The format, when known (`--from`); otherwise detected. */
  format?: IndexFileFormat;
  /** The metric (hnswlib, Annoy; FAISS inner product as cosine). */
  metric?: Metric;
  /** The dimension (Annoy). */
  dim?: number;
  /** Seed for what the imported index draws later. */
  seed?: number;
}

/** A loaded index file. */
export interface LoadedIndexFile {
  /** The index. */
  index: AnnIndex<SearchParams>;
  /** The file's format. */
  format: IndexFileFormat;
  /** hnswlib labels of the index's ids, when they are not the ids themselves. */
  labels: Float64Array | null;
  /** Search settings the file carried (FAISS), as annlab search parameters. */
  params: Record<string, number>;
}

/**
 * Load `bytes` as an index of any format the CLI reads.
 * @throws AnnlabError `WRONG_FORMAT` when no format matches, `INVALID_PARAMETER` when a
 * headerless format needs a metric or dimension the caller did not give.
 */
export async function loadIndexFile(bytes: Uint8Array, hints: IndexFileHints = {}): Promise<LoadedIndexFile> {
  const format = hints.format ?? detectIndexFormat(bytes) ?? (hints.metric !== undefined && hints.dim !== undefined ? 'annoy' : null);
  const seed = hints.seed === undefined ? {} : { seed: hints.seed };
  switch (format) {
    case 'annlab':
      return { index: await deserializeAnnlabIndex(bytes), format, labels: null, params: {} };
    case 'faiss': {
      const r = readFaiss(bytes, { ...(hints.metric === undefined ? {} : { metric: hints.metric }), ...seed });
      return { index: r.index as AnnIndex<SearchParams>, format, labels: null, params: { ...r.params } as Record<string, number> };
    }
    case 'hnswlib': {
      const metric = needMetric(hints, 'hnswlib');
      const r = importHnswlib(bytes, { metric, ...(hints.dim === undefined ? {} : { dim: hints.dim }), ...seed });
      return { index: r.index as unknown as AnnIndex<SearchParams>, format, labels: r.labels, params: {} };
    }
    case 'annoy': {
      const metric = needMetric(hints, 'Annoy');
      if (hints.dim === undefined)
        throw new AnnlabError('INVALID_PARAMETER', 'Annoy files do not record their dimension: pass --dim (or a dataset).');
      return {
        index: importAnnoy(bytes, { metric, dim: hints.dim, ...seed }) as unknown as AnnIndex<SearchParams>,
        format,
        labels: null,
        params: {},
      };
    }
    default:
      throw new AnnlabError(
        'WRONG_FORMAT',
        'the file is not an annlab, FAISS or hnswlib index file; for an Annoy file give its metric and dimension (a dataset, or --from annoy --metric … --dim …).',
      );
  }
}

function needMetric(hints: IndexFileHints, what: string): Metric {
  if (hints.metric === undefined) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what} files do not record their metric: pass --metric euclidean|cosine|inner-product (or a dataset).`,
    );
  }
  return checkMetric(hints.metric);
}
