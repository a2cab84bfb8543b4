/**
 * Writing a run to a directory: `results.jsonl`, `results.csv`, `run.json` (suite, dataset,
 * environment, skipped and failed algorithms, total time), the SVG plots and `report.html`.
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
export async function writeReport(dir: string, results: readonly ResultLine[], meta: ReportMeta): Promise<{
  /** Path of report.html. */
  report: string;
  /** Paths of the SVG plots. */
  plots: string[];
}> {
  mkdirSync(dir, { recursive: true });
  const plots = await renderPlots(results);
  const files: string[] = [];
  for (const [name, svg] of Object.entries(plots)) {
    const file = join(dir, name);
    writeFileSync(file, svg);
    files.push(file);
  }
  const report = join(dir, 'report.html');
  writeFileSync(report, renderReport(results, plots, meta));
  return { report, plots: files };
}

/** Write every output of a run into `dir` (created when missing). */
export async function writeRun(dir: string, run: BenchmarkRun): Promise<WrittenFiles> {
  mkdirSync(dir, { recursive: true });
  const jsonl = join(dir, 'results.jsonl');
  writeFileSync(jsonl, toJsonLines(run.results));
  const csv = join(dir, 'results.csv');
  writeFileSync(csv, toCsv(run.results));
  const info = join(dir, 'run.json');
  const runInfo: RunInfo = {
    suite: run.suite,
    dataset: run.dataset,
    environment: run.environment,
    skipped: run.skipped,
    errors: run.errors,
    totalSeconds: run.totalSeconds,
  };
  writeFileSync(info, `${JSON.stringify(runInfo, null, 2)}\n`);
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
  if (!existsSync(jsonlPath)) throw new AnnlabError('NOT_FOUND', `no results file at ${jsonlPath}; pass the results.jsonl written by \`annlab bench\`.`);
  const results = parseJsonLines(readFileSync(jsonlPath, 'utf8'), jsonlPath);
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
