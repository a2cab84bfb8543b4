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
 * `groundtruth` (strings; unknown keys are refused, `description` is free text). Without it
 * the metric is Euclidean. A directory without base vectors is refused (`EMPTY_INDEX`).
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AnnlabError, type Metric } from '@annlab/core';
import { metricFromName } from './hdf5.js';
import { readIdxMatrix } from './idx.js';
import { checkRowLimit, fileError } from './internal/io.js';
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

/** The keys dataset.json may hold: the strings above, and free-text notes. */
const DATASET_JSON_KEYS = ['name', 'metric', 'base', 'query', 'groundtruth'] as const;
const DATASET_JSON_NOTES = ['$schema', 'description', 'comment'];

/** Read and check dataset.json: an object whose known keys hold strings (a typo is an error, not a silent default). */
function readDatasetJson(jsonFile: string): DatasetJson {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new AnnlabError('WRONG_FORMAT', `${jsonFile}: not valid JSON (${e.message}).`, { cause: e });
    throw fileError(jsonFile, e, 'reading it');
  }
  const example = '{"name": "my-data", "metric": "euclidean", "base": "base.fvecs", "query": "query.fvecs"}';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new AnnlabError('WRONG_FORMAT', `${jsonFile}: must be a JSON object like ${example}, got ${kind}.`);
  }
  const out: DatasetJson = {};
  for (const [key, v] of Object.entries(value)) {
    if (DATASET_JSON_NOTES.includes(key)) continue;
    if (!(DATASET_JSON_KEYS as readonly string[]).includes(key)) {
      throw new AnnlabError(
        'WRONG_FORMAT',
        `${jsonFile}: unknown key "${key}"; dataset.json may hold ${DATASET_JSON_KEYS.join(', ')} (and description).`,
      );
    }
    if (typeof v !== 'string' || v.length === 0) {
      throw new AnnlabError('WRONG_FORMAT', `${jsonFile}: "${key}" must be a non-empty string, got ${JSON.stringify(v)}; e.g. ${example}.`);
    }
    out[key as (typeof DATASET_JSON_KEYS)[number]] = v;
  }
  return out;
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

/**
 * Read a vector file of any supported kind as float32 rows (at most `maxRows`, an integer
 * ≥ 0, when given).
 */
export function readVectorFile(file: string, maxRows?: number): Matrix<Float32Array> {
  checkRowLimit(maxRows, 'maxRows');
  const lower = file.toLowerCase();
  if (lower.endsWith('.fvecs')) return readFvecs(file, { maxRows });
  if (lower.endsWith('.bvecs')) {
    const m = readBvecs(file, { maxRows });
    return { rows: m.rows, dim: m.dim, data: Float32Array.from(m.data) };
  }
  if (lower.endsWith('.npy')) {
    const a = readNpy(file);
    if (a.shape.length !== 2)
      throw new AnnlabError('DIMENSION_MISMATCH', `${file}: expected a 2-D array (rows × dim), got shape (${a.shape.join(', ')}).`);
    const dim = a.shape[1];
    if (dim === 0 && a.shape[0] > 0)
      throw new AnnlabError(
        'DIMENSION_MISMATCH',
        `${file}: shape (${a.shape.join(', ')}) has rows of no values; vectors need dimension ≥ 1.`,
      );
    const rows = maxRows === undefined ? a.shape[0] : Math.min(a.shape[0], maxRows);
    // readNpy has refused NaN/Infinity already.
    const data = a.data instanceof Float32Array ? a.data.subarray(0, rows * dim) : Float32Array.from(a.data.subarray(0, rows * dim));
    return { rows, dim, data };
  }
  if (/idx\d-ubyte(\.gz)?$/.test(lower)) return readIdxMatrix(file, { maxRows });
  throw new AnnlabError(
    'WRONG_FORMAT',
    `${file}: unknown vector file type; annlab reads .fvecs, .bvecs, .npy and IDX (*-idx3-ubyte[.gz]).`,
  );
}

function readIdsFile(file: string, maxRows?: number): Matrix<Int32Array> {
  checkRowLimit(maxRows, 'maxRows');
  if (file.toLowerCase().endsWith('.npy')) {
    const a = readNpy(file);
    if (a.shape.length !== 2 || !(a.data instanceof Int32Array)) {
      throw new AnnlabError(
        'WRONG_FORMAT',
        `${file}: ground truth must be a 2-D int32 array (queries × k), got ${a.dtype} of shape (${a.shape.join(', ')}).`,
      );
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
  checkRowLimit(options.maxBase, 'maxBase');
  checkRowLimit(options.maxQueries, 'maxQueries');
  const jsonFile = join(dir, 'dataset.json');
  const meta = existsSync(jsonFile) ? readDatasetJson(jsonFile) : {};
  const named = (key: 'base' | 'query' | 'groundtruth'): string | undefined => {
    const v = meta[key];
    if (v === undefined) return undefined;
    const file = join(dir, v);
    if (!existsSync(file)) throw new AnnlabError('NOT_FOUND', `${jsonFile}: "${key}" names ${v}, which is not in ${dir}.`);
    return file;
  };
  const baseFile =
    named('base') ??
    pick(
      dir,
      names,
      [new RegExp(`^base\\.${VECTOR_EXT}$`), new RegExp(`_base\\.${VECTOR_EXT}$`), new RegExp(`^train-images${IDX_SUFFIX}$`)],
      'base',
    );
  const queryFile =
    named('query') ??
    pick(
      dir,
      names,
      [new RegExp(`^quer(y|ies)\\.${VECTOR_EXT}$`), new RegExp(`_query\\.${VECTOR_EXT}$`), new RegExp(`^t10k-images${IDX_SUFFIX}$`)],
      'query',
    );
  const gtFile = named('groundtruth') ?? pick(dir, names, [/^groundtruth\.(ivecs|npy)$/, /_groundtruth\.ivecs$/], 'groundtruth');
  if (baseFile === undefined || queryFile === undefined) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `${dir}: no ${baseFile === undefined ? 'base' : 'query'} file found. Expected TEXMEX names (<name>_base.fvecs, <name>_query.fvecs, <name>_groundtruth.ivecs), ` +
        `base/query/groundtruth (.fvecs, .bvecs, .npy, .ivecs), IDX files (train-images-idx3-ubyte.gz, t10k-images-idx3-ubyte.gz), or a dataset.json naming them.`,
    );
  }
  const metric: Metric = meta.metric === undefined ? 'euclidean' : metricFromName(meta.metric, jsonFile);
  const base = readVectorFile(baseFile, options.maxBase);
  if (base.rows === 0) {
    throw new AnnlabError(
      'EMPTY_INDEX',
      `${baseFile}: no base vectors${options.maxBase === 0 ? ' (maxBase is 0)' : ''}; a dataset needs at least one. Check that the file is the right one and not truncated.`,
    );
  }
  const queries = readVectorFile(queryFile, options.maxQueries);
  if (base.rows > 0 && queries.rows > 0 && base.dim !== queries.dim) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `${queryFile}: queries have dimension ${queries.dim} but the base vectors in ${baseFile} have ${base.dim}.`,
    );
  }
  const out: DirectoryContents = {
    name: typeof meta.name === 'string' ? meta.name : basename(dir),
    metric,
    dim: base.dim,
    base: base.data,
    queries: queries.data,
    groundTruthK: 0,
    files: { base: baseFile, query: queryFile },
  };
  if (gtFile !== undefined) {
    out.files.groundtruth = gtFile;
    const gt = readIdsFile(gtFile, options.maxQueries);
    if (gt.rows !== queries.rows) {
      throw new AnnlabError(
        'DIMENSION_MISMATCH',
        `${gtFile}: ${gt.rows} ground-truth rows for ${queries.rows} queries in ${queryFile}; there must be one row per query.`,
      );
    }
    // A limit that was reached may have cut neighbours off; one that was not changed nothing.
    const baseTruncated = options.maxBase !== undefined && base.rows >= options.maxBase;
    if (!baseTruncated) {
      for (let i = 0; i < gt.data.length; i++) {
        const id = gt.data[i];
        if (id < -1 || id >= base.rows) {
          throw new AnnlabError(
            'CORRUPT_DATA',
            `${gtFile}: row ${Math.floor(i / gt.dim)} holds neighbour id ${id}, but ${baseFile} has only ${base.rows} vectors.`,
          );
        }
      }
      out.groundTruth = gt.data;
      out.groundTruthK = gt.dim;
    }
  }
  return out;
}
