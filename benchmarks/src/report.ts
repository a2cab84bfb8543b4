/**
 * The HTML report: one self-contained file (inline SVG plots, tables, environment; no
 * network) that opens in any browser. Plot marks carry their parameters as SVG `<title>`
 * tooltips; tables scroll horizontally inside the page rather than widen it, and a few lines
 * of inline script make every table sortable by clicking a column header (the page reads the
 * same without script). Native peers whose binding converts queries inside the timed call
 * have that per-query cost shown beside their rows.
 *
 * @module
 */
import type { Environment } from './environment.js';
import type { Plots } from './plots.js';
import type { BindingCost } from './adapters/adapter.js';
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
  /** Peers' per-query binding costs by algorithm (see `BindingCost`). */
  bindingCosts?: Readonly<Record<string, BindingCost>>;
}

/** Escape text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A text cell's HTML: escaped, with a line-break opportunity after each comma, so parameter
 * lists (`nlist=128,m=8,nbits=8,…`) wrap instead of pushing the numeric columns off screen.
 */
function textCell(s: string): string {
  return escapeHtml(s).replace(/,(?=\S)/g, ',<wbr>');
}

function table(
  cells: readonly (readonly string[])[],
  numericFrom: number = 1,
  numericTo: number = Infinity,
  sortable: boolean = true,
): string {
  const [head, ...body] = cells;
  const th = head.map((h) => `<th${sortable ? ' title="click to sort"' : ''}>${escapeHtml(h)}</th>`).join('');
  const rows = body
    .map(
      (row) =>
        `<tr>${row.map((c, i) => (i >= numericFrom && i < numericTo ? `<td class="num">${escapeHtml(c)}</td>` : `<td>${textCell(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<div class="scroll"><table${sortable ? ' class="sortable"' : ''}><thead><tr>${th}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

/** Click a header to sort by that column (numbers numerically, then text); click again to reverse. */
const SORT_SCRIPT = `<script>
for (const t of document.querySelectorAll('table.sortable')) {
  t.querySelectorAll('th').forEach((th, col) => th.addEventListener('click', () => {
    const body = t.tBodies[0];
    const dir = th.dataset.dir === 'asc' ? -1 : 1;
    t.querySelectorAll('th').forEach((h) => delete h.dataset.dir);
    th.dataset.dir = dir === 1 ? 'asc' : 'desc';
    const key = (tr) => { const s = tr.cells[col]?.textContent ?? ''; const m = /^-?[0-9.]+(e[-+]?[0-9]+)?/i.exec(s.trim()); if (!m) return [1, s]; let v = parseFloat(m[0]); const u = s.trim().slice(m[0].length).trim(); const mul = { k: 1e3, M: 1e6, KB: 1e3, MB: 1e6, GB: 1e9, B: 1 }[u]; if (mul) v *= mul; return [0, v]; };
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return dir * (x[0] - y[0] || (x[0] === 0 ? x[1] - y[1] : String(x[1]).localeCompare(String(y[1])))); }).forEach((r) => body.appendChild(r));
  }));
}
</script>`;

/** Strip the XML prolog so an SVG document can be inlined. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

/** Render the report page. */
export function renderReport(results: readonly ResultLine[], plots: Plots, meta: ReportMeta): string {
  const env = meta.environment ?? results[0]?.environment;
  const first = results[0];
  const summary = summaryCells(summarize(results));
  const costs = meta.bindingCosts ?? {};
  const costCell = (algorithm: string): string => {
    const c = costs[algorithm];
    return c === undefined ? '' : c.microsPerQuery === null ? c.queryType : `${c.microsPerQuery.toFixed(1)} µs`;
  };
  if (Object.keys(costs).length > 0) {
    summary[0] = [...summary[0], 'binding cost / query'];
    for (let i = 1; i < summary.length; i++) summary[i] = [...summary[i], costCell(summary[i][0])];
  }
  const costItems = Object.entries(costs).map(([name, c]) => `<li><b>${escapeHtml(name)}</b>: ${escapeHtml(c.note)}.</li>`);
  const detail: string[][] = [
    [
      'algorithm',
      'build',
      'search',
      'recall',
      'id recall',
      'QPS',
      'batch QPS',
      'threaded batch QPS',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'dist/query',
      'build s',
      'build threads',
      'index',
      'capacity',
      'RSS growth',
      'peak RSS',
      'binding cost / query',
      'Pareto',
    ],
    ...results.map((r) => [
      r.algorithm,
      paramsLabel(r.build) || '-',
      paramsLabel(r.search) || '-',
      r.recall.toFixed(4),
      r.recallIdOverlap.toFixed(4),
      formatQps(r.qps),
      formatQps(r.batchQps),
      // Older result files lack the thread columns.
      r.threadedBatchQps === null || r.threadedBatchQps === undefined ? '-' : `${formatQps(r.threadedBatchQps)} (${r.threads} threads)`,
      r.latencyMs.p50.toFixed(3),
      r.latencyMs.p95.toFixed(3),
      r.latencyMs.p99.toFixed(3),
      r.distanceComputations === null ? '-' : Math.round(r.distanceComputations).toString(),
      formatSeconds(r.buildSeconds),
      // "1 (single-threaded)" when --threads asked for more than the index's build can use.
      (r.buildThreads ?? 1) < (r.threads ?? 1) ? `${r.buildThreads ?? 1} (single-threaded)` : String(r.buildThreads ?? 1),
      formatBytes(r.indexBytes),
      r.capacityBytes === null || r.capacityBytes === undefined ? '-' : formatBytes(r.capacityBytes),
      formatBytes(r.rssGrowthBytes),
      r.peakRssBytes === undefined ? '-' : formatBytes(r.peakRssBytes),
      costCell(r.algorithm),
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
    (e) =>
      `<li><b>${escapeHtml(e.algorithm)}</b> ${escapeHtml(paramsLabel(e.build))}${e.search ? ` / ${escapeHtml(paramsLabel(e.search))}` : ''}: ${escapeHtml(e.message)}</li>`,
  );
  const dataset =
    first === undefined
      ? 'no results'
      : `${first.dataset}: ${first.nBase} base vectors × ${first.dim} dims, ${first.queries} queries, ${first.metric}, k = ${first.k}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>annlab benchmark: ${escapeHtml(meta.suite)}</title>
<link rel="icon" href="data:,">
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1320px; padding: 0 1rem; color: #222; }
.scroll { overflow-x: auto; max-width: 100%; }
table.sortable th { cursor: pointer; user-select: none; } th[data-dir=asc]::after { content: ' ▲'; } th[data-dir=desc]::after { content: ' ▼'; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.4rem; text-align: left; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
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
${costItems.length > 0 ? `<p class="note">Peers' bindings, measured once in this run (a k-NN call on a one-point index of the same dimension), so that a win is not read where it is a binding cost:</p><ul class="note">${costItems.join('\n')}</ul>` : ''}
<h2>Recall vs QPS</h2>
<p class="note">Recall on a logit scale (0.9, 0.99, 0.999 evenly spaced), zoomed to the measured range. annlab's algorithms: filled marks, solid lines; native peers: hollow marks, dashed lines. Hover a point for its parameters.</p>
<figure>${inlineSvg(plots['recall-qps.svg'])}<figcaption>Pareto front per algorithm; QPS on a log scale.</figcaption></figure>
<figure>${inlineSvg(plots['recall-qps-builds.svg'])}<figcaption>One line per algorithm and build configuration; points labelled with their search parameters.</figcaption></figure>
<h2>Machine-independent views</h2>
<figure>${inlineSvg(plots['recall-distances.svg'])}<figcaption>Distance computations per query (counted by annlab's indexes; peers do not report them).</figcaption></figure>
<figure>${inlineSvg(plots['recall-index-size.svg'])}<figcaption>Index size: bytes the index uses (allocated capacity is in the results table).</figcaption></figure>
<figure>${inlineSvg(plots['recall-build-time.svg'])}<figcaption>Build time (single thread, except where a peer's notes say otherwise).</figcaption></figure>
<figure>${inlineSvg(plots['build-memory.svg'])}<figcaption>Build time vs index size, one point per build configuration.</figcaption></figure>
<h2>Latency</h2>
<figure>${inlineSvg(plots['recall-latency.svg'])}<figcaption>Median and 99th-percentile latency of one query at a time, through each algorithm's QPS front.</figcaption></figure>
${skipped.length + errors.length > 0 ? `<h2>Skipped and failed</h2><ul>${[...skipped, ...errors].join('\n')}</ul>` : ''}
<h2>All results</h2>
${table(detail, 3, detail[0].length - 1)}
<h2>Environment</h2>
${table(envRows, 99, Infinity, false)}
${SORT_SCRIPT}
</body>
</html>
`;
}
