/**
 * `annlab explain <algorithm> [--out dir]`: draw how an index works on seeded 2-D data and
 * write the picture as SVG: HNSW's layers with a query's greedy path and final beam, a
 * random-projection forest's splits with the leaves a query visits, IVF's Voronoi cells with
 * the probed cells, IVF-PQ's codebooks, flat search and PCA. `all` draws every one. The
 * pictures come from the indexes' own `explain()` output and public accessors.
 *
 * `annlab explain --index <file> --dataset <ref> [--query i]` explains one of the dataset's
 * queries against a saved index instead (annlab, hnswlib, Annoy or FAISS file, read as
 * `annlab query` reads it): the index's own trace in text, its search statistics, its
 * invariant report and how many of the true k nearest neighbours it found.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnnlabError, type SearchParams } from '@annlab/core';
import { RECALL_EPSILON, exactDistance, type Params } from '@annlab/bench';
import { loadDataset } from '@annlab/datasets';
import type { Command } from 'commander';
import { explainIndexQuery, formatIndexExplanation } from '../explain/file.js';
import { EXPLAINERS, explainPictures } from '../explain/index.js';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { loadIndexFile } from './index-file.js';
import { collectParam, positiveInt, integer } from './shared.js';

/** Options of `annlab explain`. */
export interface ExplainCommandOptions {
  /** Output directory. @defaultValue `.` */
  out?: string;
  /** Points to index (each picture has its own default). */
  points?: number;
  /** Seed of the data and the index. @defaultValue 42 */
  seed?: number;
  /** Print a JSON summary on stdout. */
  json?: boolean;
}

/** Options of `annlab explain --index`. */
export interface ExplainIndexOptions {
  /** Index file: annlab, hnswlib, Annoy or FAISS (hnswlib and Annoy take the dataset's metric, Annoy its dimension). */
  index: string;
  /** Dataset the index was built from: its query `query` is explained. */
  dataset: string;
  /** Which query (0-based). @defaultValue 0 */
  query?: number;
  /** Neighbours. @defaultValue 10 */
  k?: number;
  /** Search parameters (`efSearch`, `searchK`, `nprobe`, ...). @defaultValue the index's defaults */
  param?: Params;
  /** The `--max-base` the index was built with. */
  maxBase?: number;
  /** Print JSON instead of text. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/**
 * Run `annlab explain --index`: explain one query against a saved index and check its
 * invariants; resolves to `EXIT.OK`, or `EXIT.PARTIAL` when the invariant check found a
 * violation.
 */
export async function explainIndexCommand(opts: ExplainIndexOptions, io: CliIo): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(opts.index);
  } catch (e) {
    throw fromNodeError(e, 'reading the index file given with --index');
  }
  const q = opts.query ?? 0;
  const k = opts.k ?? 10;
  if (!Number.isSafeInteger(q) || q < 0) throw new AnnlabError('INVALID_PARAMETER', `--query must be a query number ≥ 0, got ${q}.`);
  const progress = createProgress(io, 0, opts.quiet === true);
  // Only the base and the queries: the one query's true neighbours are computed below.
  const loadOpts: Parameters<typeof loadDataset>[1] = {
    maxQueries: q + 1,
    onProgress: (m) => progress.message(m),
    onWarning: (m) => io.err(`${m}\n`),
  };
  if (opts.maxBase !== undefined) loadOpts.maxBase = opts.maxBase;
  const ds = await loadDataset(opts.dataset, loadOpts);
  progress.stop();
  const dim = ds.dim;
  const nq = ds.queries.length / dim;
  if (q >= nq)
    throw new AnnlabError('INVALID_PARAMETER', `--query ${q} is past the end: dataset ${ds.name} has ${nq} queries (0 … ${nq - 1}).`);
  const loaded = await loadIndexFile(bytes, { metric: ds.metric, dim });
  const { index, labels } = loaded;
  if (index.dim !== dim) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `the index has dim ${index.dim} but dataset ${ds.name} has dim ${dim}; explain it with the dataset it was built from.`,
    );
  }
  const nBase = ds.base.length / dim;
  if (index.size !== nBase) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `the index holds ${index.size} vectors but dataset ${ds.name} has ${nBase} base vectors; pass the same --max-base used for \`annlab build\`.`,
    );
  }
  const query = ds.queries.slice(q * dim, (q + 1) * dim);
  const params: SearchParams = { ...loaded.params, ...(opts.param ?? {}) } as SearchParams;
  const e = explainIndexQuery(index, query, k, params, labels);
  // The query's true k-th distance, by an exact scan: returned ids within it (+ε) count as found (ann-benchmarks' rule).
  const exact = new Float64Array(nBase);
  for (let i = 0; i < nBase; i++) exact[i] = exactDistance(ds.queries, q, ds.base, i, dim, ds.metric);
  const kth = Float64Array.from(exact).sort()[Math.min(k, nBase) - 1];
  let found = 0;
  for (const id of e.ids) if (id >= 0 && id < nBase && exact[id] <= kth + RECALL_EPSILON) found++;
  const trueNeighbours = { found, of: Math.min(k, nBase) };
  if (opts.json === true) {
    io.out(`${JSON.stringify({ index: opts.index, format: loaded.format, dataset: ds.name, query: q, ...e, trueNeighbours })}\n`);
  } else {
    const search = Object.entries(e.search)
      .map(([key, v]) => `${key}=${String(v)}`)
      .join(', ');
    const heading =
      `${e.algorithm} from ${opts.index} (${loaded.format} file): ${index.size} × ${dim}, ${index.metric}\n` +
      `query ${q} of ${ds.name}, k=${k}${search.length > 0 ? `, ${search}` : ''}`;
    io.out(
      formatIndexExplanation(e, heading, [
        `true neighbours found: ${found} of ${trueNeighbours.of} (recall@${k} ${(found / trueNeighbours.of).toFixed(3)})`,
      ]),
    );
  }
  return e.invariants === null || e.invariants.ok ? EXIT.OK : EXIT.PARTIAL;
}

/** Run `annlab explain`: write `<out>/<picture>.svg` for `algorithm` (or `all`); resolves to an exit code. */
export async function explainCommand(algorithm: string, opts: ExplainCommandOptions, io: CliIo): Promise<number> {
  const out = opts.out ?? '.';
  const options: { points?: number; seed?: number } = {};
  if (opts.points !== undefined) options.points = opts.points;
  if (opts.seed !== undefined) options.seed = opts.seed;
  const pictures = await explainPictures(algorithm, options);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new AnnlabError('IO', `cannot create ${out}: ${(e as Error).message}`, { cause: e });
  }
  const written: { algorithm: string; file: string; summary: string }[] = [];
  for (const p of pictures) {
    const file = join(out, p.file);
    try {
      writeFileSync(file, p.svg);
    } catch (e) {
      throw new AnnlabError('IO', `cannot write ${file}: ${(e as Error).message}`, { cause: e });
    }
    written.push({ algorithm: p.name, file, summary: p.summary });
  }
  if (opts.json === true) io.out(`${JSON.stringify({ files: written }, null, 2)}\n`);
  else for (const w of written) io.out(`${w.file}  (${w.algorithm}: ${w.summary})\n`);
  return EXIT.OK;
}

/** Everything `annlab explain` accepts, pictures and `--index` together. */
type ExplainCliOptions = ExplainCommandOptions & Partial<ExplainIndexOptions>;

/** Add the `explain` command to the program. */
export function registerExplainCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('explain [algorithm]')
    .description(
      `draw how an index works on 2-D data as SVG (${Object.keys(EXPLAINERS).join(', ')} or all), ` +
        "or with --index explain one of a dataset's queries against a saved index in text",
    )
    .option('-o, --out <dir>', 'output directory', '.')
    .option('--points <n>', 'number of 2-D points', positiveInt)
    .option('--seed <n>', 'seed of the data and the index', integer)
    .option('-i, --index <file>', 'explain a saved index instead: annlab, hnswlib, Annoy or FAISS file (needs --dataset)')
    .option('-d, --dataset <ref>', 'with --index: the dataset the index was built from')
    .option('--query <i>', 'with --index: which query (0-based)', integer, 0)
    .option('-k, --k <n>', 'with --index: neighbours', positiveInt, 10)
    .option('-p, --param <key=value>', 'with --index: search parameter (repeatable), e.g. -p efSearch=64', collectParam, {} as Params)
    .option('--max-base <n>', 'with --index: the --max-base the index was built with', positiveInt)
    .option('--quiet', 'no progress output')
    .option('--json', 'JSON output')
    .action(async (algorithm: string | undefined, opts: ExplainCliOptions) => {
      if (opts.index !== undefined) {
        if (algorithm !== undefined)
          throw new AnnlabError(
            'INVALID_PARAMETER',
            `explain takes an algorithm (pictures) or --index (a saved index), not both; got "${algorithm}" and --index.`,
          );
        if (opts.dataset === undefined)
          throw new AnnlabError(
            'INVALID_PARAMETER',
            '--index needs --dataset: the dataset the index was built from (its queries are explained).',
          );
        const indexOpts: ExplainIndexOptions = { index: opts.index, dataset: opts.dataset };
        if (opts.query !== undefined) indexOpts.query = opts.query;
        if (opts.k !== undefined) indexOpts.k = opts.k;
        if (opts.param !== undefined) indexOpts.param = opts.param;
        if (opts.maxBase !== undefined) indexOpts.maxBase = opts.maxBase;
        if (opts.json !== undefined) indexOpts.json = opts.json;
        if (opts.quiet !== undefined) indexOpts.quiet = opts.quiet;
        setCode(await explainIndexCommand(indexOpts, io));
        return;
      }
      if (algorithm === undefined) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `explain needs an algorithm to draw (${Object.keys(EXPLAINERS).join(', ')} or all), or --index <file> --dataset <ref>.`,
        );
      }
      const pictureOpts: ExplainCommandOptions = {};
      if (opts.out !== undefined) pictureOpts.out = opts.out;
      if (opts.points !== undefined) pictureOpts.points = opts.points;
      if (opts.seed !== undefined) pictureOpts.seed = opts.seed;
      if (opts.json !== undefined) pictureOpts.json = opts.json;
      setCode(await explainCommand(algorithm, pictureOpts, io));
    });
}
