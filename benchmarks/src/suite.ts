/**
 * Benchmark suites: which dataset, which algorithms, which build configurations and which
 * search-parameter sweeps. A suite is JSON, the way ann-benchmarks' `config.yml` separates
 * build arguments (`arg_groups`) from a sweep of query arguments (`query_args`); every
 * parameter holds one value or a list, and the lists expand as a Cartesian product.
 *
 * ```json
 * { "dataset": "fashion-mnist-784-euclidean", "k": 10, "queries": 1000,
 *   "runs": [
 *     { "algorithm": "hnsw", "build": { "M": [16], "efConstruction": [200] },
 *       "search": { "efSearch": [10, 20, 40, 80] } } ] }
 * ```
 *
 * A run may name a prebuilt index file instead of building one: `{ "algorithm": "file",
 * "index": "hnsw.bin", "search": { "efSearch": [10, 20] } }` loads the file (annlab's own
 * format, or whatever formats the runner's loader reads: the CLI adds hnswlib, Annoy and
 * FAISS) and sweeps the search parameters over it. `"algorithm"` is then `"file"` (any index)
 * or the annlab algorithm the file must hold (`"hnsw"`, `"pca+ivfpq"`, ...); a loaded run has
 * no `"build"`.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/** One parameter setting: parameter name → scalar value. */
export type Params = Record<string, ParamValue>;
/** A parameter value in a suite: a number, string or boolean. */
export type ParamValue = number | string | boolean;
/** A parameter grid: each parameter holds one value or a list of values to sweep. */
export type ParamGrid = Record<string, ParamValue | ParamValue[]>;

/** One algorithm entry of a suite. */
export interface SuiteRun {
  /** Algorithm name: `flat`, `rpforest`, `hnsw`, `ivfflat`, `ivfpq`, `pca+<name>`, or a native peer (`hnswlib-node`, `annoy`, `usearch`, `faiss`). */
  algorithm: string;
  /**
   * Name shown in results, tables and plots instead of `algorithm`, to tell apart two
   * entries of one algorithm (e.g. FAISS `HNSW32` and `IVF1024,Flat`). @defaultValue `algorithm`
   */
  label?: string;
  /** Build parameters; each combination is built once. */
  build?: ParamGrid;
  /** Search parameters swept over each build. */
  search?: ParamGrid;
  /**
   * A prebuilt index file to load instead of building (then `algorithm` is {@link FILE_ALGORITHM}
   * or the annlab algorithm the file must hold, and `build` stays empty). The runner times the
   * load as the run's `buildSeconds` and records the file and its format on every result line.
   * A relative path in a suite file is relative to that file (see `loadSuite`'s caller).
   */
  index?: string;
}

/** The `algorithm` of a suite run that loads an index file of any algorithm (`{ "algorithm": "file", "index": ... }`). */
export const FILE_ALGORITHM = 'file';

/** A benchmark suite (see the module comment for the JSON shape). */
export interface Suite {
  /** Suite name, shown in reports. @defaultValue the file name, or `'suite'` */
  name?: string;
  /** Dataset reference (registry name, path, or `synthetic:...`). */
  dataset: string;
  /** Neighbours per query. @defaultValue 10 */
  k?: number;
  /** Use at most this many queries (the first ones). @defaultValue all of the dataset's */
  queries?: number;
  /** Use at most this many base vectors (the first ones). @defaultValue all */
  maxBase?: number;
  /** Timed repetitions of every sweep point; the best is kept (ann-benchmarks `--runs`). @defaultValue 2 */
  repeats?: number;
  /** Seed passed to every annlab index and native peer that takes one. @defaultValue 42 */
  seed?: number;
  /** Algorithm entries. */
  runs: SuiteRun[];
}

const SUITE_KEYS = ['$schema', 'name', 'description', 'dataset', 'k', 'queries', 'maxBase', 'repeats', 'seed', 'runs'];
const RUN_KEYS = ['algorithm', 'label', 'build', 'search', 'index', 'comment'];

function fail(where: string, message: string): never {
  throw new AnnlabError('INVALID_PARAMETER', `${where}: ${message}`);
}

function isScalar(v: unknown): v is ParamValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Check a parameter grid (an object of parameter → value or list of values) and return it;
 * `undefined` gives `{}`. Throws `AnnlabError('INVALID_PARAMETER')` naming `where` and the
 * offending parameter.
 */
export function parseGrid(grid: unknown, where: string): ParamGrid {
  return checkGrid(grid, where);
}

function checkGrid(grid: unknown, where: string): ParamGrid {
  if (grid === undefined) return {};
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid))
    fail(where, 'must be an object of parameter → value or list of values.');
  const out: ParamGrid = {};
  for (const [key, value] of Object.entries(grid as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      if (value.length === 0) fail(where, `parameter "${key}" has an empty list; give at least one value.`);
      for (const v of value)
        if (!isScalar(v)) fail(where, `parameter "${key}" holds ${JSON.stringify(v)}; values must be numbers, strings or booleans.`);
      out[key] = value as ParamValue[];
    } else if (isScalar(value)) {
      out[key] = value;
    } else {
      fail(where, `parameter "${key}" is ${JSON.stringify(value)}; use a number, string, boolean or a list of them.`);
    }
  }
  return out;
}

function optionalInt(value: unknown, name: string, min: number, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    fail(where, `"${name}" must be an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
  return value;
}

/**
 * Check a parsed suite object and return it normalised (grids validated, unknown keys
 * refused). Throws `AnnlabError('INVALID_PARAMETER')` naming the offending field.
 *
 * @param where - a label for messages, usually the file name.
 */
export function parseSuite(value: unknown, where: string = 'suite'): Suite {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(where, 'a suite must be a JSON object with "dataset" and "runs".');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!SUITE_KEYS.includes(key)) fail(where, `unknown key "${key}"; expected one of ${SUITE_KEYS.slice(1).join(', ')}.`);
  }
  if (typeof o.dataset !== 'string' || o.dataset.length === 0)
    fail(where, '"dataset" must be a dataset reference string, e.g. "fashion-mnist-784-euclidean".');
  if (!Array.isArray(o.runs) || o.runs.length === 0) fail(where, '"runs" must be a non-empty list of { algorithm, build, search }.');
  const runs: SuiteRun[] = o.runs.map((r: unknown, i: number) => {
    const rw = `${where} runs[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) fail(rw, 'must be an object { algorithm, build, search }.');
    const ro = r as Record<string, unknown>;
    for (const key of Object.keys(ro))
      if (!RUN_KEYS.includes(key)) fail(rw, `unknown key "${key}"; expected algorithm, label, build, search, index.`);
    if (typeof ro.algorithm !== 'string' || ro.algorithm.length === 0) fail(rw, '"algorithm" must be a name such as "hnsw".');
    const run: SuiteRun = {
      algorithm: ro.algorithm,
      build: checkGrid(ro.build, `${rw}.build`),
      search: checkGrid(ro.search, `${rw}.search`),
    };
    if (ro.index !== undefined) {
      if (typeof ro.index !== 'string' || ro.index.length === 0) fail(rw, '"index" must be the path of an index file.');
      if (Object.keys(run.build ?? {}).length > 0)
        fail(rw, '"build" does not apply to a run that loads "index" (the file was built already); remove one of them.');
      run.index = ro.index;
    } else if (ro.algorithm === FILE_ALGORITHM) {
      fail(rw, `"algorithm": "${FILE_ALGORITHM}" loads a prebuilt index: add "index": "<path of the index file>".`);
    }
    if (ro.label !== undefined) {
      if (typeof ro.label !== 'string' || ro.label.length === 0) fail(rw, '"label" must be a non-empty string.');
      run.label = ro.label;
    }
    return run;
  });
  const suite: Suite = { dataset: o.dataset, runs };
  if (o.name !== undefined) {
    if (typeof o.name !== 'string') fail(where, '"name" must be a string.');
    suite.name = o.name;
  }
  const k = optionalInt(o.k, 'k', 1, where);
  if (k !== undefined) suite.k = k;
  const queries = optionalInt(o.queries, 'queries', 1, where);
  if (queries !== undefined) suite.queries = queries;
  const maxBase = optionalInt(o.maxBase, 'maxBase', 1, where);
  if (maxBase !== undefined) suite.maxBase = maxBase;
  const repeats = optionalInt(o.repeats, 'repeats', 1, where);
  if (repeats !== undefined) suite.repeats = repeats;
  if (o.seed !== undefined) {
    if (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed)) fail(where, '"seed" must be an integer.');
    suite.seed = o.seed;
  }
  return suite;
}

/**
 * Expand a grid into every combination (Cartesian product). Keys keep their order; the
 * last key varies fastest, so `{a:[1,2], b:[3,4]}` gives a1b3, a1b4, a2b3, a2b4. An empty
 * grid gives one empty setting.
 */
export function expandGrid(grid: ParamGrid | undefined): Params[] {
  let out: Params[] = [{}];
  if (grid === undefined) return out;
  for (const [key, value] of Object.entries(grid)) {
    const values = Array.isArray(value) ? value : [value];
    const next: Params[] = [];
    for (const partial of out) {
      for (const v of values) next.push({ ...partial, [key]: v });
    }
    out = next;
  }
  return out;
}

/** A compact label for a parameter setting: `M=16,efConstruction=200` (empty string for none). */
export function paramsLabel(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}
