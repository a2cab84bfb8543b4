/**
 * `annlab bench`: run a suite and write results.jsonl, results.csv, run.json, the SVG plots
 * and report.html into `--out`, printing the summary table.
 *
 * @module
 */
import { join } from 'node:path';
import { expandGrid, loadSuite, resolveDataset, runSuite, summarize, summaryTable, writeRun } from '@annlab/bench';
import { EXIT } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { timestampDir } from './shared.js';

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
  /** Output directory; default `results/<timestamp>`. */
  out?: string;
  /** Print a JSON summary instead of the table. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** Run `annlab bench`; resolves to the exit code. */
export async function benchCommand(opts: BenchCommandOptions, io: CliIo): Promise<number> {
  const suite = loadSuite(opts.config ?? 'default');
  if (opts.dataset !== undefined) suite.dataset = opts.dataset;
  if (opts.queries !== undefined) suite.queries = opts.queries;
  if (opts.maxBase !== undefined) suite.maxBase = opts.maxBase;
  if (opts.k !== undefined) suite.k = opts.k;
  const only = opts.only?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const out = opts.out ?? join('results', timestampDir());
  const k = suite.k ?? 10;
  const runs = only === undefined ? suite.runs : suite.runs.filter((r) => only.includes(r.label ?? r.algorithm) || only.includes(r.algorithm));
  const total = runs.reduce((sum, r) => sum + expandGrid(r.build).length * expandGrid(r.search).length, 0);
  const progress = createProgress(io, total, opts.quiet === true);
  let exit: number = EXIT.OK;
  try {
    progress.message(`loading dataset ${suite.dataset}`);
    const resolveOpts: Parameters<typeof resolveDataset>[1] = { k, onProgress: (m) => progress.message(m) };
    if (suite.queries !== undefined) resolveOpts.maxQueries = suite.queries;
    if (suite.maxBase !== undefined) resolveOpts.maxBase = suite.maxBase;
    const dataset = await resolveDataset(suite.dataset, resolveOpts);
    const runOpts: Parameters<typeof runSuite>[2] = { onEvent: (e) => progress.event(e) };
    if (opts.runs !== undefined) runOpts.repeats = opts.runs;
    if (only !== undefined) runOpts.only = only;
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
          summary: summarize(run.results).map((r) => ({ algorithm: r.algorithm, qpsAt: r.qpsAt, maxRecall: r.maxRecall, buildSeconds: r.reference.buildSeconds, indexBytes: r.reference.indexBytes })),
          skipped: run.skipped,
          errors: run.errors,
        })}\n`,
      );
    } else {
      const d = run.dataset;
      io.out(`\n${run.suite}: ${d.name} (${d.nBase} × ${d.dim}, ${d.queries} queries, k=${d.k}, ${d.metric})\n\n`);
      io.out(run.results.length > 0 ? `${summaryTable(run.results)}\n\n` : 'no results\n\n');
      for (const s of run.skipped) io.out(`skipped ${s.algorithm}: ${s.reason}\n`);
      for (const e of run.errors) io.out(`failed ${e.algorithm}: ${e.message}\n`);
      io.out(`total ${run.totalSeconds.toFixed(1)} s; results in ${out}/ (results.jsonl, results.csv, report.html, *.svg)\n`);
    }
  } finally {
    progress.stop();
  }
  return exit;
}
