/**
 * Summaries of a run: the per-algorithm table (best QPS at recall 0.90 / 0.95 / 0.99, build
 * time, bytes), JSON lines and CSV.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import type { ResultLine } from './runner.js';
import { paramsLabel, type Params } from './suite.js';

/** Recall levels the summary table reports. */
export const RECALL_LEVELS: readonly number[] = [0.9, 0.95, 0.99];

/** One row of the summary table. */
export interface SummaryRow {
  /** Algorithm name. */
  algorithm: string;
  /** Best QPS among points reaching each of {@link RECALL_LEVELS} (null: level not reached). */
  qpsAt: (number | null)[];
  /** The setting behind each `qpsAt` entry. */
  pointAt: (ResultLine | null)[];
  /** Highest recall reached. */
  maxRecall: number;
  /** The configuration the build columns describe: the best point at the highest level reached, else the highest-recall point. */
  reference: ResultLine;
}

/** Group results by algorithm (in first-seen order) and summarise each. */
export function summarize(results: readonly ResultLine[]): SummaryRow[] {
  const byAlgo = new Map<string, ResultLine[]>();
  for (const r of results) {
    const list = byAlgo.get(r.algorithm);
    if (list === undefined) byAlgo.set(r.algorithm, [r]);
    else list.push(r);
  }
  const rows: SummaryRow[] = [];
  for (const [algorithm, points] of byAlgo) {
    const pointAt = RECALL_LEVELS.map((level) => {
      let best: ResultLine | null = null;
      for (const p of points) if (p.recall >= level && (best === null || p.qps > best.qps)) best = p;
      return best;
    });
    let maxPoint = points[0];
    for (const p of points) if (p.recall > maxPoint.recall || (p.recall === maxPoint.recall && p.qps > maxPoint.qps)) maxPoint = p;
    let reference = maxPoint;
    for (const p of pointAt) if (p !== null) reference = p;
    rows.push({ algorithm, qpsAt: pointAt.map((p) => (p === null ? null : p.qps)), pointAt, maxRecall: maxPoint.recall, reference });
  }
  return rows;
}

/** Human-readable bytes: `1.5 MB`. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** QPS with sensible precision. */
export function formatQps(qps: number | null): string {
  if (qps === null) return '-';
  if (qps >= 100) return Math.round(qps).toString();
  return qps.toPrecision(3);
}

/** Seconds with sensible precision. */
export function formatSeconds(s: number): string {
  return s >= 10 ? s.toFixed(1) : s >= 0.01 ? s.toFixed(2) : s.toExponential(1);
}

/** The summary table as rows of cells (header first). */
export function summaryCells(rows: readonly SummaryRow[]): string[][] {
  const header = ['algorithm', ...RECALL_LEVELS.map((l) => `QPS@${l.toFixed(2)}`), 'max recall', 'build s', 'index', 'build params'];
  const out = [header];
  for (const r of rows) {
    out.push([
      r.algorithm,
      ...r.qpsAt.map(formatQps),
      r.maxRecall.toFixed(3),
      formatSeconds(r.reference.buildSeconds),
      formatBytes(r.reference.indexBytes),
      paramsLabel(r.reference.build) || '-',
    ]);
  }
  return out;
}

/** Render cells as an aligned plain-text table (numbers right-aligned). */
export function textTable(cells: readonly string[][]): string {
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  const lines = cells.map((row) =>
    row
      .map((cell, c) => (c > 0 && c < row.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

/** The terminal summary: one row per algorithm. */
export function summaryTable(results: readonly ResultLine[]): string {
  return textTable(summaryCells(summarize(results)));
}

/** Results as JSON lines (one object per line, trailing newline). */
export function toJsonLines(results: readonly ResultLine[]): string {
  return results.map((r) => JSON.stringify(r)).join('\n') + (results.length > 0 ? '\n' : '');
}

/** Parse results.jsonl text; blank lines are ignored, a malformed line throws naming its number. */
export function parseJsonLines(text: string, where: string = 'results.jsonl'): ResultLine[] {
  const out: ResultLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `${where} line ${i + 1} is not valid JSON (${(e as Error).message}).`);
    }
    const o = value as Partial<ResultLine>;
    if (
      o === null ||
      typeof o !== 'object' ||
      typeof o.algorithm !== 'string' ||
      typeof o.recall !== 'number' ||
      typeof o.qps !== 'number'
    ) {
      throw new AnnlabError('CORRUPT_DATA', `${where} line ${i + 1} is not an annlab result (needs algorithm, recall, qps).`);
    }
    if (o.type === undefined || o.type === 'result') out.push(o as ResultLine);
  }
  return out;
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Every key of `sets`, in first-seen order. */
function unionKeys(sets: readonly Params[]): string[] {
  const keys: string[] = [];
  for (const p of sets) for (const key of Object.keys(p)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/**
 * Results as CSV with a header row. Each build parameter is its own `build.<name>` column and
 * each search parameter its own `search.<name>` column (empty where a row's algorithm has no
 * such parameter), so pandas and spreadsheets can filter and plot by them directly.
 */
export function toCsv(results: readonly ResultLine[]): string {
  const buildKeys = unionKeys(results.map((r) => r.build));
  const searchKeys = unionKeys(results.map((r) => r.search));
  const header = [
    'suite',
    'dataset',
    'algorithm',
    'kind',
    ...buildKeys.map((k) => `build.${k}`),
    ...searchKeys.map((k) => `search.${k}`),
    'k',
    'queries',
    'nBase',
    'dim',
    'metric',
    'recall',
    'recallIdOverlap',
    'qps',
    'batchQps',
    'latencyP50Ms',
    'latencyP95Ms',
    'latencyP99Ms',
    'buildSeconds',
    'indexBytes',
    'capacityBytes',
    'rssGrowthBytes',
    'peakRssBuildBytes',
    'peakRssBytes',
    'threads',
    'buildThreads',
    'threadedBatchQps',
    'distanceComputations',
    'hops',
    'pareto',
    'node',
    'cpu',
    'gitCommit',
    'annlabVersion',
  ];
  const rows = results.map((r) =>
    [
      r.suite,
      r.dataset,
      r.algorithm,
      r.kind,
      ...buildKeys.map((k) => r.build[k]),
      ...searchKeys.map((k) => r.search[k]),
      r.k,
      r.queries,
      r.nBase,
      r.dim,
      r.metric,
      r.recall,
      r.recallIdOverlap,
      r.qps,
      r.batchQps,
      r.latencyMs.p50,
      r.latencyMs.p95,
      r.latencyMs.p99,
      r.buildSeconds,
      r.indexBytes,
      r.capacityBytes,
      r.rssGrowthBytes,
      // Result files written before these columns existed lack them: empty cells.
      r.peakRssBuildBytes ?? null,
      r.peakRssBytes ?? null,
      r.threads ?? 1,
      r.buildThreads ?? 1,
      r.threadedBatchQps ?? null,
      r.distanceComputations,
      r.hops,
      r.pareto,
      r.environment.node,
      r.environment.cpu,
      r.environment.gitCommit,
      r.environment.annlabVersion,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
