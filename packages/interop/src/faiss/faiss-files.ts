/**
 * FAISS index files for annlab indexes, both ways: {@link exportFaiss} writes the bytes
 * `faiss.read_index` loads, {@link importFaiss} / {@link readFaiss} turn the bytes
 * `faiss.write_index` wrote into the matching annlab index. Bytes in, bytes out; reading and
 * writing files is the caller's (the CLI's) business.
 *
 * | annlab                                   | FAISS                                             |
 * |------------------------------------------|---------------------------------------------------|
 * | `FlatIndex`                              | `IndexFlatL2` / `IndexFlatIP`                     |
 * | `IvfFlatIndex`                           | `IndexIVFFlat` (coarse quantizer an `IndexFlat`)  |
 * | `IvfPqIndex`                             | `IndexIVFPQ` (any nbits 1–8, by_residual or not)  |
 * | `IvfPqIndex` with `keepVectors` + rerank | `IndexRefineFlat(IndexIVFPQ)`, k_factor = rerank  |
 * | `HnswIndex`                              | `IndexHNSWFlat` (level 0: 2M links, above: M)     |
 * | `PreTransformIndex` (euclidean)          | `IndexPreTransform([PCAMatrix], inner)`           |
 * | `PreTransformIndex` (cosine)             | `IndexPreTransform([NormalizationTransform, PCAMatrix], inner)` |
 *
 * Search settings FAISS keeps in the file and annlab passes per search travel as
 * {@link FaissExportOptions} one way and {@link FaissImport.params} the other: `nprobe`,
 * `efSearch`, and the refine `k_factor` as `rerank`. Ids are annlab's dense ids, written as
 * FAISS labels 0..n−1; FAISS files whose labels are not exactly 0..ntotal−1 (built with
 * `add_with_ids`, or after `remove_ids`) are refused on import. Distances are each
 * library's own: FAISS reports squared L2 and ⟨q, x⟩ where annlab reports L2 and −⟨q, x⟩
 * (see `annlab-layout.ts` for cosine).
 *
 * What cannot be carried is refused with `UNSUPPORTED_OPERATION` naming it, never written
 * half-right: deleted HNSW ids, an untrained index, an inner-product PCA pre-transform, kept
 * vectors without a decision on `rerank`, an index type FAISS has no counterpart for.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  checkInteger,
  checkKnownKeys,
  checkOptions,
  checkSeed,
  type AnnIndex,
  type KernelBackend,
  type Metric,
} from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { PreTransformIndex } from '@annlab/pca';
import { annlabToFaiss, faissToAnnlab, type FaissSearchSettings } from './annlab-layout.js';
import { looksLikeFaiss, readFaissFile, writeFaissFile } from './faiss-format.js';

/** Options for {@link exportFaiss}: the search settings a FAISS file stores with the index. */
export interface FaissExportOptions {
  /**
   * IVF lists probed per query, stored as the index's `nprobe` (FAISS searches with it unless
   * told otherwise). Clamped to nlist.
   * @defaultValue 1 (annlab's default)
   */
  nprobe?: number;
  /**
   * HNSW beam width, stored as `hnsw.efSearch` (FAISS searches with max(efSearch, k)).
   * @defaultValue 64 (annlab's default for k ≤ 64)
   */
  efSearch?: number;
  /**
   * For an index that keeps its full vectors (IVF-PQ or PCA pre-transform with
   * `keepVectors`): ≥ 1 writes an `IndexRefineFlat` with `k_factor = rerank` around the
   * index, so FAISS re-ranks k × rerank candidates exactly as annlab does with that
   * `rerank`; 0 writes the index without the vectors. Required for such an index (the
   * vectors are never dropped silently); refused for an index without kept vectors.
   */
  rerank?: number;
}

/** Options for {@link importFaiss} and {@link readFaiss}. */
export interface FaissImportOptions {
  /**
   * Read a FAISS inner-product index as `'cosine'` (every stored vector must be unit
   * length, as annlab's cosine indexes store them), or name the file's own metric to have it
   * checked. By default `METRIC_L2` reads as `'euclidean'` and `METRIC_INNER_PRODUCT` as
   * `'inner-product'`.
   */
  metric?: Metric;
  /**
   * Seed recorded in the annlab index for what it draws later (HNSW levels of vectors added
   * after the import). FAISS files carry no seed.
   * @defaultValue 42
   */
  seed?: number;
  /** Distance kernels of the loaded index. @defaultValue `'auto'` */
  kernels?: KernelBackend;
}

/** What {@link readFaiss} returns. */
export interface FaissImport {
  /** The annlab index. */
  index: AnnIndex;
  /**
   * The search settings stored in the FAISS file, as annlab search parameters for `index`
   * (`nprobe` for IVF, `efSearch` for HNSW, `rerank` from a refine `k_factor`, rounded up).
   */
  params: FaissSearchSettings;
  /** The FAISS index type read, e.g. `'IndexIVFPQ'` or `'IndexRefineFlat(IndexIVFPQ)'`. */
  faissType: string;
}

const EXPORT_KEYS = ['nprobe', 'efSearch', 'rerank'] as const;
const IMPORT_KEYS = ['metric', 'seed', 'kernels'] as const;

/** annlab index classes by file tag, for loading translated files (and PCA's inner indexes). */
const LOADERS = {
  [FlatIndex.TAG]: FlatIndex,
  [IvfFlatIndex.TAG]: IvfFlatIndex,
  [IvfPqIndex.TAG]: IvfPqIndex,
  [HnswIndex.TAG]: HnswIndex,
};

/**
 * The index as a FAISS index file (what `faiss.write_index` writes for the counterpart in
 * the module table). `UNSUPPORTED_OPERATION` names whatever the index holds that FAISS's
 * format cannot carry.
 *
 * @param index - a `FlatIndex`, `IvfFlatIndex`, `IvfPqIndex`, `HnswIndex` or `PreTransformIndex`.
 * @param options - search settings to store (see {@link FaissExportOptions}).
 */
export function exportFaiss(index: AnnIndex, options: FaissExportOptions = {}): Uint8Array {
  checkOptions(options, 'exportFaiss options');
  checkKnownKeys(options, EXPORT_KEYS, 'exportFaiss options');
  const nprobe = checkInteger('nprobe', options.nprobe ?? 1, 1, 1 << 24);
  const efSearch = checkInteger('efSearch', options.efSearch ?? 64, 1, 1 << 24);
  const rerank = options.rerank === undefined ? undefined : checkInteger('rerank', options.rerank, 0, 1 << 16);
  if (index === null || typeof index !== 'object' || typeof (index as Partial<AnnIndex>).serialize !== 'function') {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      'exportFaiss takes an annlab index (FlatIndex, IvfFlatIndex, IvfPqIndex, HnswIndex or PreTransformIndex).',
    );
  }
  const tree = annlabToFaiss(index.serialize(), { nprobe, efSearch, rerank });
  return writeFaissFile(tree);
}

/**
 * Read a FAISS index file into the matching annlab index, with the search settings the file
 * carried. Damaged bytes are refused with `CORRUPT_DATA`, files of FAISS index types annlab
 * has no counterpart for with `WRONG_FORMAT` or `UNSUPPORTED_OPERATION`.
 */
export function readFaiss(bytes: Uint8Array, options: FaissImportOptions = {}): FaissImport {
  checkOptions(options, 'importFaiss options');
  checkKnownKeys(options, IMPORT_KEYS, 'importFaiss options');
  const seed = checkSeed(options.seed ?? 42);
  const tree = readFaissFile(bytes);
  const t = faissToAnnlab(tree, { metric: options.metric, seed });
  const kernels = options.kernels;
  let index: AnnIndex;
  if (t.tag === PreTransformIndex.TAG) index = PreTransformIndex.deserialize(t.bytes, { kernels, loaders: LOADERS });
  else index = LOADERS[t.tag].deserialize(t.bytes, { kernels });
  return { index, params: t.params, faissType: faissTypeName(tree) };
}

/** {@link readFaiss}'s index alone: a FAISS file as an annlab index. */
export function importFaiss(bytes: Uint8Array, options: FaissImportOptions = {}): AnnIndex {
  return readFaiss(bytes, options).index;
}

/** True when `bytes` start with the fourcc of a FAISS index type annlab reads. */
export function isFaissFile(bytes: Uint8Array): boolean {
  return bytes instanceof Uint8Array && looksLikeFaiss(bytes) && !isAnnlabFile(bytes);
}

function isAnnlabFile(bytes: Uint8Array): boolean {
  try {
    BinaryReader.peekHeader(bytes);
    return true;
  } catch {
    return false;
  }
}

function faissTypeName(x: ReturnType<typeof readFaissFile>): string {
  switch (x.kind) {
    case 'flat':
      return x.metric === 'l2' ? 'IndexFlatL2' : 'IndexFlatIP';
    case 'ivfflat':
      return 'IndexIVFFlat';
    case 'ivfpq':
      return 'IndexIVFPQ';
    case 'hnsw':
      return 'IndexHNSWFlat';
    case 'refine':
      return `IndexRefineFlat(${faissTypeName(x.base)})`;
    case 'pretransform':
      return `IndexPreTransform(${faissTypeName(x.index)})`;
  }
}
