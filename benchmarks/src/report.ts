/**
 * The HTML report: one self-contained file (inline SVG plots, tables, environment; no
 * scripts, no network) that opens in any browser.
 *
 * @module
 */
import type { Environment } from './environment.js';
import type { Plots } from './plots.js';
import type { ResultLine, RunError, SkippedAlgorithm } from './runner.js';
import { formatBytes, formatQps, formatSeconds, summarize, summaryCells } from './summary.js';
import { paramsLabel } from './suite.js';

/** What the report shows besides the results. */
export interface ReportMeta {
  /** Suite name. */
  suite: string;
  /** Where it ran (default: the first result's). */
  environment?: Environment;
  /** Algorithms not run. */
  skipped?: readonly SkippedAlgorithm[];
  /** Failed builds and searches. */
  errors?: readonly RunError[];
  /** Wall time of the run, seconds. */
  totalSeconds?: number;
}

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function table(cells: readonly (readonly string[])[], numericFrom: number = 1, numericTo: number = Infinity): string {
  const [head, ...body] = cells;
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = body
    .map((row) => `<tr>${row.map((c, i) => `<td${i >= numericFrom && i < numericTo ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** Strip the XML prolog so an SVG document can be inlined. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

/** Render the report page. */
export function renderReport(results: readonly ResultLine[], plots: Plots, meta: ReportMeta): string {
  const env = meta.environment ?? results[0]?.environment;
  const first = results[0];
  const summary = summaryCells(summarize(results));
  const detail: string[][] = [
    ['algorithm', 'build', 'search', 'recall', 'id recall', 'QPS', 'batch QPS', 'p50 ms', 'p95 ms', 'p99 ms', 'dist/query', 'build s', 'index', 'RSS growth', 'Pareto'],
    ...results.map((r) => [
      r.algorithm,
      paramsLabel(r.build) || '-',
      paramsLabel(r.search) || '-',
      r.recall.toFixed(4),
      r.recallIdOverlap.toFixed(4),
      formatQps(r.qps),
      formatQps(r.batchQps),
      r.latencyMs.p50.toFixed(3),
      r.latencyMs.p95.toFixed(3),
      r.latencyMs.p99.toFixed(3),
      r.distanceComputations === null ? '-' : Math.round(r.distanceComputations).toString(),
      formatSeconds(r.buildSeconds),
      formatBytes(r.indexBytes),
      formatBytes(r.rssGrowthBytes),
      r.pareto ? 'yes' : '',
    ]),
  ];
  const envRows: string[][] = [['', '']];
  if (env !== undefined) {
    envRows.push(
      ['Node', `${env.node} (V8 ${env.v8})`],
      ['CPU', `${env.cpu} × ${env.cores}`],
      ['Memory', formatBytes(env.totalMemoryBytes)],
      ['Platform', env.platform],
      ['git commit', env.gitCommit],
      ['annlab', env.annlabVersion],
      ['Started', env.startedAt],
    );
  }
  if (meta.totalSeconds !== undefined) envRows.push(['Total run time', `${meta.totalSeconds.toFixed(1)} s`]);
  const skipped = (meta.skipped ?? []).map((s) => `<li><b>${escapeHtml(s.algorithm)}</b> skipped: ${escapeHtml(s.reason)}</li>`);
  const errors = (meta.errors ?? []).map(
    (e) => `<li><b>${escapeHtml(e.algorithm)}</b> ${escapeHtml(paramsLabel(e.build))}${e.search ? ` / ${escapeHtml(paramsLabel(e.search))}` : ''}: ${escapeHtml(e.message)}</li>`,
  );
  const dataset = first === undefined ? 'no results' : `${first.dataset}: ${first.nBase} base vectors × ${first.dim} dims, ${first.queries} queries, ${first.metric}, k = ${first.k}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>annlab benchmark: ${escapeHtml(meta.suite)}</title>
<link rel="icon" href="data:,">
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; } figcaption { font-size: 0.85rem; color: #555; }
.note { font-size: 0.85rem; color: #555; }
</style>
</head>
<body>
<h1>annlab benchmark: ${escapeHtml(meta.suite)}</h1>
<p>${escapeHtml(dataset)}</p>
<h2>Summary</h2>
<p class="note">Best single-thread QPS (one query at a time) among settings reaching each recall level; build columns describe that setting's build.
Recall is ann-benchmarks' rule: a returned id counts when its distance is at most the true k-th distance + 1e-3.</p>
${table(summary, 1, summary[0].length - 1)}
<h2>Recall vs QPS</h2>
<figure>${inlineSvg(plots['recall-qps.svg'])}<figcaption>Pareto front per algorithm; QPS on a log scale.</figcaption></figure>
<figure>${inlineSvg(plots['recall-qps-builds.svg'])}<figcaption>One line per algorithm and build configuration.</figcaption></figure>
<h2>Build time vs index size</h2>
<figure>${inlineSvg(plots['build-memory.svg'])}<figcaption>One point per build configuration.</figcaption></figure>
${skipped.length + errors.length > 0 ? `<h2>Skipped and failed</h2><ul>${[...skipped, ...errors].join('\n')}</ul>` : ''}
<h2>All results</h2>
${table(detail, 3, detail[0].length - 1)}
<h2>Environment</h2>
${table(envRows, 99)}
</body>
</html>
`;
}
