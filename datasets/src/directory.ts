/**
 * Datasets stored as a directory of files, recognised by name:
 *
 * - TEXMEX: `<prefix>_base.fvecs` (or `.bvecs`), `<prefix>_query.fvecs`, optional
 *   `<prefix>_groundtruth.ivecs` (e.g. `siftsmall_base.fvecs`);
 * - plain: `base.fvecs|.bvecs|.npy`, `query.fvecs|.bvecs|.npy` (or `queries.*`), optional
 *   `groundtruth.ivecs|.npy`;
 * - IDX (MNIST family): `train-images-idx3-ubyte[.gz]` as base, `t10k-images-idx3-ubyte[.gz]`
 *   as queries (e.g. ../shared/datasets/fashion-mnist).
 *
 * An optional `dataset.json` gives `name`, `metric` (`euclidean`, `cosine`/`angular`,
 * `inner-product`) and, when the names above do not fit, the file names `base`, `query` and
 * `groundtruth`. Without it the metric is Euclidean.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AnnlabError, firstNonFinite, type Metric } from '@annlab/core';
import { metricFromName } from './hdf5.js';
import { readIdxMatrix } from './idx.js';
import { fileError } from './internal/io.js';
import { readNpy } from './npy.js';
import { readBvecs, readFvecs, readIvecs, type Matrix } from './vecs.js';

/** What {@link loadDirectory} returns. */
export interface DirectoryContents {
  /** From `dataset.json`, else the directory's name. */
  name: string;
  /** From `dataset.json`, else `'euclidean'`. */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** Base vectors, `nBase × dim`. */
  base: Float32Array;
  /** Queries, `nQueries × dim`. */
  queries: Float32Array;
  /** Shipped ground-truth ids, `nQueries × groundTruthK`, when present (and valid for the rows read). */
  groundTruth?: Int32Array;
  /** Columns of `groundTruth` (0 when absent). */
  groundTruthK: number;
  /** The files read. */
  files: {
    /** The base vectors file. */
    base: string;
    /** The queries file. */
    query: string;
    /** The ground-truth file, when the directory has one. */
    groundtruth?: string;
  };
}

/** Options for {@link loadDirectory}. */
export interface DirectoryReadOptions {
  /** Read only the first `maxBase` base vectors (shipped ground truth is then dropped: it may point past them). */
  maxBase?: number;
  /** Read only the first `maxQueries` queries (and ground-truth rows). */
  maxQueries?: number;
}

interface DatasetJson {
  name?: string;
  metric?: string;
  base?: string;
  query?: string;
  groundtruth?: string;
}

const VECTOR_EXT = '(fvecs|bvecs|npy)';
const IDX_SUFFIX = '-idx3-ubyte(\\.gz)?';

function pick(dir: string, names: string[], patterns: RegExp[], role: string): string | undefined {
  for (const p of patterns) {
    const hits = names.filter((n) => p.test(n));
    if (hits.length === 1) return join(dir, hits[0]);
    if (hits.length > 1) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `${dir}: several candidate ${role} files (${hits.join(', ')}). Name the one to use in dataset.json, e.g. {"${role}": "${hits[0]}"}.`,
      );
    }
  }
  return undefined;
}

/** Read a vector file of any supported kind as float32 rows. */
export function readVectorFile(file: string, maxRows?: number): Matrix<Float32Array> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.fvecs')) return readFvecs(file, { maxRows });
  if (lower.endsWith('.bvecs')) {
    const m = readBvecs(file, { maxRows });
    return { rows: m.rows, dim: m.dim, data: Float32Array.from(m.data) };
  }
  if (lower.endsWith('.npy')) {
    const a = readNpy(file);
    if (a.shape.length !== 2) throw new AnnlabError('DIMENSION_MISMATCH', `${file}: expected a 2-D array (rows × dim), got shape (${a.shape.join(', ')}).`);
    const rows = maxRows === undefined ? a.shape[0] : Math.min(a.shape[0], maxRows);
    const dim = a.shape[1];
    const data = a.data instanceof Float32Array ? a.data.subarray(0, rows * dim) : Float32Array.from(a.data.subarray(0, rows * dim));
    const bad = firstNonFinite(data);
    if (bad >= 0) throw new AnnlabError('NON_FINITE', `${file}: row ${Math.floor(bad / dim)}, column ${bad % dim} is ${data[bad]}; vectors must be finite.`);
    return { rows, dim, data };
  }
  if (/idx\d-ubyte(\.gz)?$/.test(lower)) return readIdxMatrix(file, { maxRows });
  throw new AnnlabError('WRONG_FORMAT', `${file}: unknown vector file type; annlab reads .fvecs, .bvecs, .npy and IDX (*-idx3-ubyte[.gz]).`);
}

function readIdsFile(file: string, maxRows?: number): Matrix<Int32Array> {
  if (file.toLowerCase().endsWith('.npy')) {
    const a = readNpy(file);
    if (a.shape.length !== 2 || !(a.data instanceof Int32Array)) {
      throw new AnnlabError('WRONG_FORMAT', `${file}: ground truth must be a 2-D int32 array (queries × k), got ${a.dtype} of shape (${a.shape.join(', ')}).`);
    }
    const rows = maxRows === undefined ? a.shape[0] : Math.min(a.shape[0], maxRows);
    return { rows, dim: a.shape[1], data: a.data.subarray(0, rows * a.shape[1]) };
  }
  return readIvecs(file, { maxRows });
}

/** Read a dataset directory (see the module doc for the names it recognises). */
export function loadDirectory(dir: string, options: DirectoryReadOptions = {}): DirectoryContents {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw fileError(dir, e, 'listing the dataset directory');
  }
  let meta: DatasetJson = {};
  const jsonFile = join(dir, 'dataset.json');
  if (existsSync(jsonFile)) {
    try {
      meta = JSON.parse(readFileSync(jsonFile, 'utf8')) as DatasetJson;
    } catch (e) {
      throw new AnnlabError('WRONG_FORMAT', `${jsonFile}: not valid JSON (${(e as Error).message}).`, { cause: e });
    }
    if (meta === null || typeof meta !== 'object') throw new AnnlabError('WRONG_FORMAT', `${jsonFile}: must be a JSON object like {"name": "...", "metric": "euclidean"}.`);
  }
  const named = (key: 'base' | 'query' | 'groundtruth'): string | undefined => {
    const v = meta[key];
    if (v === undefined) return undefined;
    const file = join(dir, v);
    if (!existsSync(file)) throw new AnnlabError('NOT_FOUND', `${jsonFile}: "${key}" names ${v}, which is not in ${dir}.`);
    return file;
  };
  const baseFile =
    named('base') ??
    pick(dir, names, [new RegExp(`^base\\.${VECTOR_EXT}$`), new RegExp(`_base\\.${VECTOR_EXT}$`), new RegExp(`^train-images${IDX_SUFFIX}$`)], 'base');
  const queryFile =
    named('query') ??
    pick(dir, names, [new RegExp(`^quer(y|ies)\\.${VECTOR_EXT}$`), new RegExp(`_query\\.${VECTOR_EXT}$`), new RegExp(`^t10k-images${IDX_SUFFIX}$`)], 'query');
  const gtFile = named('groundtruth') ?? pick(dir, names, [/^groundtruth\.(ivecs|npy)$/, /_groundtruth\.ivecs$/], 'groundtruth');
  if (baseFile === undefined || queryFile === undefined) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `${dir}: no ${baseFile === undefined ? 'base' : 'query'} file found. Expected TEXMEX names (<name>_base.fvecs, <name>_query.fvecs, <name>_groundtruth.ivecs), ` +
        `base/query/groundtruth (.fvecs, .bvecs, .npy, .ivecs), IDX files (train-images-idx3-ubyte.gz, t10k-images-idx3-ubyte.gz), or a dataset.json naming them.`,
    );
  }
  const metric: Metric = meta.metric === undefined ? 'euclidean' : metricFromName(String(meta.metric), jsonFile);
  const base = readVectorFile(baseFile, options.maxBase);
  const queries = readVectorFile(queryFile, options.maxQueries);
  if (base.rows > 0 && queries.rows > 0 && base.dim !== queries.dim) {
    throw new AnnlabError('DIMENSION_MISMATCH', `${queryFile}: queries have dimension ${queries.dim} but the base vectors in ${baseFile} have ${base.dim}.`);
  }
  const out: DirectoryContents = {
    name: typeof meta.name === 'string' ? meta.name : basename(dir),
    metric,
    dim: base.dim || queries.dim,
    base: base.data,
    queries: queries.data,
    groundTruthK: 0,
    files: { base: baseFile, query: queryFile },
  };
  if (gtFile !== undefined) {
    out.files.groundtruth = gtFile;
    const gt = readIdsFile(gtFile, options.maxQueries);
    if (gt.rows !== queries.rows) {
      throw new AnnlabError('DIMENSION_MISMATCH', `${gtFile}: ${gt.rows} ground-truth rows for ${queries.rows} queries in ${queryFile}; there must be one row per query.`);
    }
    // A limit that was reached may have cut neighbours off; one that was not changed nothing.
    const baseTruncated = options.maxBase !== undefined && base.rows >= options.maxBase;
    if (!baseTruncated) {
      for (let i = 0; i < gt.data.length; i++) {
        const id = gt.data[i];
        if (id < -1 || id >= base.rows) {
          throw new AnnlabError('CORRUPT_DATA', `${gtFile}: row ${Math.floor(i / gt.dim)} holds neighbour id ${id}, but ${baseFile} has only ${base.rows} vectors.`);
        }
      }
      out.groundTruth = gt.data;
      out.groundTruthK = gt.dim;
    }
  }
  return out;
}

