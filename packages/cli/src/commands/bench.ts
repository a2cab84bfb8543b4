/**
 * `annlab bench`: run a suite and write results.jsonl, results.csv, run.json, the SVG plots
 * and report.html into `--out`, printing the summary table. Unknown algorithm names (in the
 * suite or `--only`) and an output directory that cannot be written are refused before any
 * data is loaded.
 *
 * `--index <file>` benchmarks a prebuilt index file instead of building (annlab's own files,
 * and hnswlib, Annoy and FAISS files read through `@annlab/interop`, as `annlab query` reads
 * them): the load is timed as the build, `--search` gives the sweep. Suite runs may name
 * `"index"` files too; both load through {@link loadBenchIndex}.
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AnnlabError } from '@annlab/core';
import {
  FILE_ALGORITHM,
  NATIVE_PEERS,
  expandGrid,
  formatQps,
  knownAlgorithms,
  loadSuite,
  parseGrid,
  resolveDataset,
  runSuite,
  paramsLabel,
  summarize,
  summaryTable,
  textTable,
  writeRun,
  type IndexFileContext,
  type LoadedIndex,
  type ParamGrid,
  type Suite,
} from '@annlab/bench';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadIndexFile } from './index-file.js';
import { ensureWritableDir, timestampDir } from './shared.js';

/** Options of `annlab bench`. */
export interface BenchCommandOptions {
  /** Suite file or shipped suite name; default: the shipped `default` suite. */
  config?: string;
  /** Dataset reference overriding the suite's. */
  dataset?: string;
  /** Use at most this many queries. */
  queries?: number;
  /** Use at most this many base vectors. */
  maxBase?: number;
  /** Neighbours per query (overrides the suite's k). */
  k?: number;
  /** Timed repetitions per point (best kept). */
  runs?: number;
  /** Comma-separated algorithm names to run. */
  only?: string;
  /**
   * A prebuilt index file to benchmark instead of building: annlab, hnswlib, Annoy or FAISS
   * (hnswlib and Annoy take the dataset's metric, Annoy its dimension). Needs `--dataset`
   * unless a `--config` suite names one; with `--config` it is added to the suite's runs.
   */
  index?: string;
  /** The search grid swept over `--index`, as JSON: `{"efSearch":[10,20,40]}`. @defaultValue `{}` (one point: the index's defaults) */
  search?: string;
  /** Output directory; default `results/<timestamp>`. */
  out?: string;
  /**
   * Threads for builds whose index has a `threads` option (the others build on one thread,
   * and the output says so) and for `--batch`. @defaultValue 1
   */
  threads?: number;
  /**
   * Also time a batch search of all queries on `--threads` threads at every sweep point
   * (ann-benchmarks' `--batch`), reported beside the one-query single-thread QPS.
   * @defaultValue false
   */
  batch?: boolean;
  /** Print a JSON summary instead of the table. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** The closest of `names` to `name` by edit distance, when close enough to be a likely typo. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const n of names) {
    const d = editDistance(name, n);
    if (d < bestD) {
      bestD = d;
      best = n;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Every run of the suite names an algorithm the harness knows; `NOT_FOUND` listing them
 * otherwise. A run that loads an index file names `file` or an annlab algorithm (not a peer).
 */
function checkAlgorithms(suite: Suite, where: string): void {
  const known = knownAlgorithms();
  suite.runs.forEach((r, i) => {
    if (r.index !== undefined) {
      if (r.algorithm === FILE_ALGORITHM || (known.includes(r.algorithm) && !NATIVE_PEERS.includes(r.algorithm))) return;
      const own = [FILE_ALGORITHM, ...known.filter((n) => !NATIVE_PEERS.includes(n))];
      const guess = closest(r.algorithm, own);
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `${where} runs[${i}]: a run with "index" names "algorithm": "${FILE_ALGORITHM}" or the annlab algorithm the file holds, not "${r.algorithm}"` +
          `${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; known: ${own.join(', ')}.`,
      );
    }
    if (known.includes(r.algorithm)) return;
    const guess = closest(r.algorithm, known);
    throw new AnnlabError(
      'NOT_FOUND',
      `${where} runs[${i}]: unknown algorithm "${r.algorithm}"${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; known: ${known.join(', ')}.`,
    );
  });
}

/** Every `--only` name matches a run of the suite (by label or algorithm); `NOT_FOUND` listing them otherwise. */
function checkOnly(suite: Suite, only: readonly string[]): void {
  const names = [...new Set(suite.runs.flatMap((r) => (r.label === undefined ? [r.algorithm] : [r.label, r.algorithm])))];
  for (const name of only) {
    if (names.includes(name)) continue;
    const guess = closest(name, names);
    throw new AnnlabError(
      'NOT_FOUND',
      `--only ${name}: no run of suite ${suite.name ?? 'suite'} is called that${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; its runs: ${names.join(', ')}.`,
    );
  }
}

/**
 * Load an index file for a benchmark run: any format {@link loadIndexFile} reads, with the
 * dataset's metric and dimension for the formats that do not record them (the harness's
 * `IndexFileLoader`).
 */
export async function loadBenchIndex(file: string, context: IndexFileContext): Promise<LoadedIndex> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw fromNodeError(e, `reading the index file ${file}`);
  }
  return loadIndexFile(bytes, { metric: context.metric, dim: context.dim, seed: context.seed });
}

/** The `--search` JSON grid, checked like a suite's `"search"`. */
function parseSearchOption(text: string | undefined): ParamGrid {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AnnlabError('INVALID_PARAMETER', `--search must be a JSON object such as '{"efSearch":[10,20,40]}': ${(e as Error).message}`);
  }
  return parseGrid(value, '--search');
}

/**
 * The suite to run: `--config` (or the default suite), with `--index` added as a run. Index
 * paths in a suite file are relative to the file; each must exist (checked before any data is
 * loaded).
 */
function suiteFor(opts: BenchCommandOptions): Suite {
  if (opts.search !== undefined && opts.index === undefined) {
    throw new AnnlabError('INVALID_PARAMETER', '--search sweeps the index given with --index; for a suite, put "search" in its runs.');
  }
  if (opts.index !== undefined && opts.config === undefined && opts.dataset === undefined) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      '--index needs --dataset: the dataset the index was built from (its queries are searched and scored).',
    );
  }
  const search = parseSearchOption(opts.search);
  let suite: Suite;
  if (opts.config === undefined && opts.index !== undefined) {
    suite = { name: basename(opts.index), dataset: opts.dataset as string, runs: [] };
  } else {
    suite = loadSuite(opts.config ?? 'default');
    const base = opts.config !== undefined && existsSync(opts.config) ? dirname(opts.config) : '.';
    for (const r of suite.runs) if (r.index !== undefined && !isAbsolute(r.index)) r.index = resolve(base, r.index);
  }
  if (opts.index !== undefined) suite.runs.push({ algorithm: FILE_ALGORITHM, index: opts.index, search });
  suite.runs.forEach((r, i) => {
    if (r.index === undefined) return;
    const option = opts.index === r.index ? '--index' : `${opts.config ?? 'suite'} runs[${i}].index`;
    let isFile = false;
    try {
      isFile = statSync(r.index).isFile();
    } catch {
      throw new AnnlabError('NOT_FOUND', `${option}: no index file ${r.index}; check the path.`);
    }
    if (!isFile) throw new AnnlabError('NOT_FOUND', `${option}: ${r.index} is not a file.`);
  });
  return suite;
}

/**
 * What `--threads` / `--batch` add to the text output: which builds could not use the
 * threads, and each point's batch QPS on N threads beside its one-query single-thread QPS.
 */
function threadLines(results: Awaited<ReturnType<typeof runSuite>>['results']): string {
  let text = '';
  const single = new Set<string>();
  for (const r of results) if (r.threads > 1 && r.buildThreads < r.threads) single.add(r.algorithm);
  if (single.size > 0) text += `built single-threaded (no threads build option): ${[...single].join(', ')}\n`;
  const batched = results.filter((r) => r.threadedBatchQps !== null);
  if (batched.length > 0) {
    const n = batched[0].threads;
    const cells = [
      [
        'algorithm',
        'build',
        'search',
        'QPS (1 query, 1 thread)',
        'batch QPS (1 thread)',
        `batch QPS (${n} thread${n === 1 ? '' : 's'})`,
        `${n} vs 1 thread`,
      ],
    ];
    for (const r of batched) {
      const t = r.threadedBatchQps as number;
      const row = [
        r.algorithm,
        paramsLabel(r.build) || '-',
        paramsLabel(r.search) || '-',
        formatQps(r.qps),
        formatQps(r.batchQps),
        formatQps(t),
      ];
      cells.push([...row, `${(t / r.batchQps).toFixed(2)}×`]);
    }
    const none = [...new Set(results.filter((r) => r.threadedBatchQps === null).map((r) => r.algorithm))];
    text += `\n${textTable(cells)}\n`;
    if (none.length > 0) text += `no threaded batch path: ${none.join(', ')}\n`;
  }
  return text;
}

/** Run `annlab bench`; resolves to the exit code. */
export async function benchCommand(opts: BenchCommandOptions, io: CliIo): Promise<number> {
  const suite = suiteFor(opts);
  if (opts.dataset !== undefined) suite.dataset = opts.dataset;
  if (opts.queries !== undefined) suite.queries = opts.queries;
  if (opts.maxBase !== undefined) suite.maxBase = opts.maxBase;
  if (opts.k !== undefined) suite.k = opts.k;
  const only = opts.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const out = opts.out ?? join('results', timestampDir());
  const k = suite.k ?? 10;
  // Fail fast, before any data is loaded: a typo in an algorithm name or in --only, or an
  // output directory that cannot be written, would otherwise surface after the whole run.
  checkAlgorithms(suite, opts.config ?? 'default');
  const runs =
    only === undefined ? suite.runs : suite.runs.filter((r) => only.includes(r.label ?? r.algorithm) || only.includes(r.algorithm));
  if (only !== undefined) checkOnly(suite, only);
  ensureWritableDir(out, '--out');
  const total = runs.reduce((sum, r) => sum + expandGrid(r.build).length * expandGrid(r.search).length, 0);
  const progress = createProgress(io, total, opts.quiet === true);
  let exit: number = EXIT.OK;
  try {
    progress.message(`loading dataset ${suite.dataset}`);
    const resolveOpts: Parameters<typeof resolveDataset>[1] = {
      k,
      onProgress: (m) => progress.message(m),
      onWarning: (m) => io.err(`${m}\n`),
    };
    if (suite.queries !== undefined) resolveOpts.maxQueries = suite.queries;
    if (suite.maxBase !== undefined) resolveOpts.maxBase = suite.maxBase;
    const dataset = await resolveDataset(suite.dataset, resolveOpts);
    const runOpts: Parameters<typeof runSuite>[2] = { onEvent: (e) => progress.event(e), loadIndex: loadBenchIndex };
    if (opts.runs !== undefined) runOpts.repeats = opts.runs;
    if (only !== undefined) runOpts.only = only;
    if (opts.threads !== undefined) runOpts.threads = opts.threads;
    if (opts.batch === true) runOpts.batch = true;
    const run = await runSuite(suite, dataset, runOpts);
    progress.stop();
    progress.message('rendering plots and report');
    const files = await writeRun(out, run);
    if (run.errors.length > 0) exit = EXIT.PARTIAL;
    if (opts.json === true) {
      io.out(
        `${JSON.stringify({
          ok: run.errors.length === 0,
          out,
          files,
          suite: run.suite,
          dataset: run.dataset,
          totalSeconds: run.totalSeconds,
          summary: summarize(run.results).map((r) => ({
            algorithm: r.algorithm,
            qpsAt: r.qpsAt,
            maxRecall: r.maxRecall,
            buildSeconds: r.reference.buildSeconds,
            indexBytes: r.reference.indexBytes,
          })),
          skipped: run.skipped,
          errors: run.errors,
          bindingCosts: run.bindingCosts,
        })}\n`,
      );
    } else {
      const d = run.dataset;
      io.out(`\n${run.suite}: ${d.name} (${d.nBase} × ${d.dim}, ${d.queries} queries, k=${d.k}, ${d.metric})\n\n`);
      io.out(run.results.length > 0 ? `${summaryTable(run.results)}\n\n` : 'no results\n\n');
      // Peers whose binding converts each query inside the timed call: say what that costs.
      for (const [name, c] of Object.entries(run.bindingCosts)) io.out(`${name}: ${c.note}\n`);
      // Loaded indexes: their "build s" is the load time.
      const loaded = new Map<string, string>();
      for (const r of run.results)
        if (r.loaded !== undefined)
          loaded.set(
            r.algorithm,
            `${r.algorithm}: loaded ${r.loaded.file} (${r.loaded.format} file) in ${r.buildSeconds.toFixed(3)} s, shown as its build time`,
          );
      for (const line of loaded.values()) io.out(`${line}\n`);
      io.out(threadLines(run.results));
      for (const s of run.skipped) io.out(`skipped ${s.algorithm}: ${s.reason}\n`);
      for (const e of run.errors) io.out(`failed ${e.algorithm}: ${e.message}\n`);
      io.out(`total ${run.totalSeconds.toFixed(1)} s; results in ${out}/ (results.jsonl, results.csv, report.html, *.svg)\n`);
    }
  } finally {
    progress.stop();
  }
  return exit;
}
