/**
 * Writing a run to a directory: `results.jsonl`, `results.csv`, `run.json` (suite, dataset,
 * environment, skipped and failed algorithms, total time), the SVG plots and `report.html`.
 * A file that cannot be written or read is an `AnnlabError` (`IO`, `NOT_FOUND`) naming it.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AnnlabError } from '@annlab/core';
import type { Environment } from './environment.js';
import { renderPlots } from './plots.js';
import { renderReport, type ReportMeta } from './report.js';
import type { BenchmarkRun, ResultLine, RunError, SkippedAlgorithm } from './runner.js';
import { parseJsonLines, toCsv, toJsonLines } from './summary.js';

/** A Node file error (`EACCES`, `ENOSPC`, ...) as an `AnnlabError` naming the path and what was being done. */
function ioError(path: string, e: unknown, doing: string): AnnlabError {
  if (e instanceof AnnlabError) return e;
  const code = (e as { code?: unknown }).code;
  const detail = typeof code === 'string' ? code : ((e as Error).message ?? String(e));
  if (code === 'ENOENT')
    return new AnnlabError('NOT_FOUND', `${path}: no such file or directory (${doing}). Check the path.`, { cause: e });
  return new AnnlabError(
    'IO',
    `${path}: cannot ${doing} (${detail}); check that the location is writable and has free space, or choose another one.`,
    { cause: e },
  );
}

/** Create `dir` (and parents), as an `AnnlabError` when that fails. */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw ioError(dir, e, 'create the output directory');
  }
}

/** Write one output file, as an `AnnlabError` when that fails. */
function writeOut(file: string, data: string): void {
  try {
    writeFileSync(file, data);
  } catch (e) {
    throw ioError(file, e, 'write it');
  }
}

/** The run metadata stored beside results.jsonl. */
export interface RunInfo {
  /** Suite name. */
  suite: string;
  /** Dataset summary. */
  dataset: BenchmarkRun['dataset'];
  /** Where it ran. */
  environment: Environment;
  /** Algorithms not run. */
  skipped: SkippedAlgorithm[];
  /** Failed builds and searches. */
  errors: RunError[];
  /** Wall time, seconds. */
  totalSeconds: number;
  /** Peers' per-query binding costs by algorithm (absent in runs written before it was measured). */
  bindingCosts?: BenchmarkRun['bindingCosts'];
}

/** Paths of the files written. */
export interface WrittenFiles {
  /** results.jsonl */
  jsonl: string;
  /** results.csv */
  csv: string;
  /** run.json */
  info: string;
  /** report.html */
  report: string;
  /** The SVG plots. */
  plots: string[];
}

/** Render the plots and the report for `results` into `dir` (used by bench and by `annlab report`). */
export async function writeReport(
  dir: string,
  results: readonly ResultLine[],
  meta: ReportMeta,
): Promise<{
  /** Path of report.html. */
  report: string;
  /** Paths of the SVG plots. */
  plots: string[];
}> {
  makeDir(dir);
  const plots = await renderPlots(results);
  const files: string[] = [];
  for (const [name, svg] of Object.entries(plots)) {
    const file = join(dir, name);
    writeOut(file, svg);
    files.push(file);
  }
  const report = join(dir, 'report.html');
  writeOut(report, renderReport(results, plots, meta));
  return { report, plots: files };
}

/** Write every output of a run into `dir` (created when missing). */
export async function writeRun(dir: string, run: BenchmarkRun): Promise<WrittenFiles> {
  makeDir(dir);
  const jsonl = join(dir, 'results.jsonl');
  writeOut(jsonl, toJsonLines(run.results));
  const csv = join(dir, 'results.csv');
  writeOut(csv, toCsv(run.results));
  const info = join(dir, 'run.json');
  const runInfo: RunInfo = {
    suite: run.suite,
    dataset: run.dataset,
    environment: run.environment,
    skipped: run.skipped,
    errors: run.errors,
    totalSeconds: run.totalSeconds,
    bindingCosts: run.bindingCosts,
  };
  writeOut(info, `${JSON.stringify(runInfo, null, 2)}\n`);
  const { report, plots } = await writeReport(dir, run.results, runInfo);
  return { jsonl, csv, info, report, plots };
}

/** Read results.jsonl (and run.json beside it, when present). */
export function readRun(jsonlPath: string): {
  /** The result lines. */
  results: ResultLine[];
  /** The run.json beside the file, or null when absent. */
  info: RunInfo | null;
} {
  if (!existsSync(jsonlPath))
    throw new AnnlabError('NOT_FOUND', `no results file at ${jsonlPath}; pass the results.jsonl written by \`annlab bench\`.`);
  let text: string;
  try {
    text = readFileSync(jsonlPath, 'utf8');
  } catch (e) {
    throw ioError(jsonlPath, e, 'read it');
  }
  const results = parseJsonLines(text, jsonlPath);
  const infoPath = join(dirname(jsonlPath), 'run.json');
  let info: RunInfo | null = null;
  if (existsSync(infoPath)) {
    try {
      info = JSON.parse(readFileSync(infoPath, 'utf8')) as RunInfo;
    } catch {
      info = null;
    }
  }
  return { results, info };
}
