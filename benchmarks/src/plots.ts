/**
 * Plots as SVG, rendered in Node with vega-lite (spec → vega) and vega's headless view
 * (`renderer: 'none'`, `view.toSVG()`); no browser or canvas needed.
 *
 * The plots ann-benchmarks users compare algorithms by:
 *
 * - recall–QPS: QPS on a log y axis, one line per algorithm through its Pareto front
 *   (ann-benchmarks' main plot), and the same per algorithm × build configuration;
 * - machine-independent views: recall vs distance computations per query, recall vs build
 *   time, recall vs index size (each through the per-algorithm front: the least cost
 *   reaching each recall);
 * - latency: p50 and p99 per-query latency vs recall, side by side;
 * - build time vs index size: one point per build configuration.
 *
 * The recall axis defaults to ann-benchmarks' readable choice, a logit-like scale: x is
 * −log10(1 − recall), so 0.9, 0.99 and 0.999 are evenly spaced ("nines"), and the axis is
 * zoomed to the recall range of the points (clipped below recall 0.5 when enough points lie
 * above it); `recallScale: 'linear'` gives the plain axis. annlab's own algorithms are drawn
 * with filled marks and solid lines, native peers with hollow marks and dashed lines; the
 * legend says which is which. Every mark carries its parameters as an SVG `<title>`, shown
 * as a tooltip in a browser; the per-build plot also labels points with their search values.
 *
 * @module
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ResultLine } from './runner.js';
import { paramsLabel } from './suite.js';

/**
 * Render a vega-lite spec to an SVG string. Each data mark's description (its `aria-label`,
 * set from the `description` channel) is copied into an SVG `<title>`, which browsers show as
 * a tooltip on the inline SVG without any script.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(
      /<path aria-label="([^"]*)" role="graphics-symbol"([^>]*?)\/>/g,
      '<path aria-label="$1" role="graphics-symbol"$2><title>$1</title></path>',
    );
  } finally {
    view.finalize();
  }
}

/** How the recall axis is drawn: `'logit'` (−log10(1 − recall), the default) or `'linear'`. */
export type RecallScale = 'logit' | 'linear';

/** Options of the recall plots. */
export interface PlotOptions {
  /** Recall axis. @defaultValue `'logit'` */
  recallScale?: RecallScale;
}

/** Vega's default categorical palette (tableau10), assigned by hand so colours agree across plots. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/**
 * The colour scale of a per-algorithm plot: each algorithm keeps the colour of its rank among
 * all the run's algorithms, so hnsw is the same colour in the QPS plot and in the distance plot,
 * which leaves the native peers out (vega would otherwise recolour by the plot's own domain).
 */
function algorithmColors(results: readonly ResultLine[], shown: readonly string[]): { domain: string[]; range: string[] } {
  const all = [...new Set(results.map((r) => r.algorithm))].sort();
  const domain = [...new Set(shown)].sort();
  return { domain, range: domain.map((a) => PALETTE[Math.max(0, all.indexOf(a)) % PALETTE.length]) };
}

/** Legend labels of the two kinds of implementation. */
const KIND_LABEL = { annlab: 'annlab (filled, solid)', native: 'native peer (hollow, dashed)' } as const;

interface CurvePoint {
  series: string;
  kind: string;
  recall: number;
  x: number;
  y: number;
  order: number;
  tip: string;
  label: string;
}

/** −log10(1 − recall), with recall 1 placed half a decade past the best resolvable recall. */
function nines(recall: number, top: number): number {
  return recall >= 1 ? top : Math.min(top, -Math.log10(1 - recall));
}

/** Where recall 1 sits on the logit axis: half a decade beyond 1 − 1/(queries·k). */
function topNines(results: readonly ResultLine[]): number {
  const qk = results.reduce((m, r) => Math.max(m, r.queries * r.k), 10);
  return Math.log10(qk) + 0.5;
}

/**
 * The points of one series through which its line runs: the least `cost` reaching each
 * recall (sorted by recall descending, keep a point when its cost is below every cost of a
 * higher-recall point). Ascending recall on return.
 */
function costFront(members: readonly ResultLine[], cost: (r: ResultLine) => number | null): ResultLine[] {
  const sorted = members
    .filter((r) => {
      const c = cost(r);
      return c !== null && Number.isFinite(c);
    })
    .sort((a, b) => b.recall - a.recall || (cost(a) as number) - (cost(b) as number));
  const out: ResultLine[] = [];
  let best = Infinity;
  for (const r of sorted) {
    const c = cost(r) as number;
    if (c < best) {
      out.push(r);
      best = c;
    }
  }
  return out.reverse();
}

function groupBy(results: readonly ResultLine[], key: (r: ResultLine) => string): Map<string, ResultLine[]> {
  const groups = new Map<string, ResultLine[]>();
  for (const r of results) {
    const g = key(r);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [r]);
    else list.push(r);
  }
  return groups;
}

/** Tooltip text of one point: algorithm, build and search parameters, recall, QPS. */
export function pointTooltip(r: ResultLine): string {
  const parts = [buildLabel(r)];
  const s = paramsLabel(r.search);
  if (s !== '') parts.push(s);
  parts.push(`recall ${r.recall.toFixed(4)}`, `${Math.round(r.qps)} QPS`);
  if (r.distanceComputations !== null) parts.push(`${Math.round(r.distanceComputations)} dist/query`);
  return parts.join(' · ');
}

/** Subtitle lines: dataset, k, queries (wrapped, never cut). */
function title(results: readonly ResultLine[], what: string): Record<string, unknown> {
  const base = { text: what, anchor: 'start', subtitleFontSize: 11, limit: 0 };
  if (results.length === 0) return base;
  const r = results[0];
  return { ...base, subtitle: wrap(`${r.dataset} · ${r.nBase} × ${r.dim} · k=${r.k} · ${r.queries} queries`, 90) };
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Label of one build: `hnsw M=16,efConstruction=200`. */
export function buildLabel(r: ResultLine): string {
  const p = paramsLabel(r.build);
  return p.length > 0 ? `${r.algorithm} ${p}` : r.algorithm;
}

interface AxisSpec {
  field: string;
  type: 'quantitative';
  title: string;
  scale: Record<string, unknown>;
  axis?: Record<string, unknown>;
}

/**
 * The x axis for recall: on the logit scale, ticks at 0, 0.5, 0.9, 0.99, ... labelled in
 * recall, zoomed to the points' range (from recall 0.5 when at least half the points reach it).
 */
function recallAxis(points: readonly CurvePoint[], results: readonly ResultLine[], scale: RecallScale): AxisSpec {
  const k = results[0]?.k ?? 10;
  const label = `Recall@${k} (distance ≤ k-th + 1e-3)`;
  if (scale === 'linear') {
    return { field: 'x', type: 'quantitative', title: label, scale: { zero: false, nice: false, padding: 8 } };
  }
  const top = topNines(results);
  const xs = points.map((p) => p.x).sort((a, b) => a - b);
  const half = Math.log10(2);
  const above = xs.filter((x) => x >= half);
  let lo = xs.length === 0 ? 0 : above.length * 2 >= xs.length ? Math.min(...above) : xs[0];
  lo = Math.max(0, Math.floor(lo * 4) / 4);
  const hi = Math.max(lo + 0.5, xs.length === 0 ? 1 : Math.min(top, Math.ceil(xs[xs.length - 1] * 4) / 4 + 0.05));
  const ticks: number[] = [];
  for (const v of [0, half, 1, 1.5228787, 2, 2.5228787, 3, 3.5228787, 4, 5, 6])
    if (v >= lo - 1e-9 && v <= hi + 1e-9 && v < top - 1e-9) ticks.push(v);
  if (top <= hi + 1e-9) ticks.push(top);
  const labels = ticks.map((v) => (Math.abs(v - top) < 1e-9 ? '1' : String(+(1 - 10 ** -v).toPrecision(4))));
  let expr = `''`;
  for (let i = ticks.length - 1; i >= 0; i--) expr = `abs(datum.value - ${ticks[i]}) < 1e-6 ? '${labels[i]}' : ${expr}`;
  return {
    field: 'x',
    type: 'quantitative',
    title: `${label} — logit scale: 0.9, 0.99, 0.999 evenly spaced`,
    // 8 px of padding: points at recall 1 (the right edge) are drawn whole, not clipped in half.
    scale: { domain: [lo, hi], nice: false, zero: false, padding: 8 },
    axis: { values: ticks, labelExpr: expr, grid: true },
  };
}

interface CurveSpecOptions {
  title: string;
  yTitle: string;
  yLog: boolean;
  legendTitle: string;
  labels?: boolean;
  width?: number;
  height?: number;
  /** Replaces the recall axis title (narrow panels: the long one would widen the figure). */
  xTitle?: string;
}

function curveSpec(points: CurvePoint[], results: readonly ResultLine[], scale: RecallScale, o: CurveSpecOptions): Record<string, unknown> {
  const x = recallAxis(points, results, scale);
  if (o.xTitle !== undefined) x.title = o.xTitle;
  // 12 px of padding keeps the fastest point (and its label) inside the plot when it sits on a
  // nice domain edge (9,900 QPS on a log axis ending at 10,000).
  const y = {
    field: 'y',
    type: 'quantitative',
    title: o.yTitle,
    scale: o.yLog ? { type: 'log', nice: false, padding: 12 } : { zero: false, nice: false, padding: 12 },
  };
  const kinds = [...new Set(points.map((p) => p.kind))].sort();
  const color: Record<string, unknown> = {
    field: 'series',
    type: 'nominal',
    title: o.legendTitle,
    legend: { labelLimit: 360, symbolType: 'stroke' },
  };
  if (o.legendTitle === 'algorithm')
    color.scale = algorithmColors(
      results,
      points.map((p) => p.series),
    );
  const strokeDash = {
    field: 'kind',
    type: 'nominal',
    title: 'implementation',
    scale: {
      domain: [KIND_LABEL.annlab, KIND_LABEL.native],
      range: [
        [1, 0],
        [5, 3],
      ],
    },
    legend: kinds.length > 0 ? { values: kinds, symbolStrokeWidth: 2, labelLimit: 260 } : null,
  };
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: 'line', strokeWidth: 1.5, clip: true },
      encoding: { x, y, color, strokeDash, order: { field: 'order', type: 'quantitative' } },
    },
    {
      transform: [{ filter: `datum.kind === '${KIND_LABEL.annlab}'` }],
      mark: { type: 'point', filled: true, size: 40, clip: true, opacity: 1 },
      encoding: { x, y, color, description: { field: 'tip', type: 'nominal' } },
    },
    {
      transform: [{ filter: `datum.kind === '${KIND_LABEL.native}'` }],
      mark: { type: 'point', filled: false, size: 50, strokeWidth: 1.5, clip: true, fill: 'white', fillOpacity: 1 },
      encoding: { x, y, color, description: { field: 'tip', type: 'nominal' } },
    },
  ];
  if (o.labels === true) {
    // Labels in the right-most 15% of the axis end at their point instead of starting there,
    // so the ones at recall 1 are not cut off by the plot's edge.
    const domain = (x.scale.domain as [number, number] | undefined) ?? [
      Math.min(...points.map((p) => p.x)),
      Math.max(...points.map((p) => p.x)),
    ];
    const edge = domain[0] + 0.85 * (domain[1] - domain[0]);
    const text = { field: 'label', type: 'nominal' };
    layer.push(
      {
        transform: [{ filter: `datum.x < ${edge}` }],
        mark: { type: 'text', dx: 5, dy: -6, align: 'left', fontSize: 8, color: '#555', clip: true },
        encoding: { x, y, text },
      },
      {
        transform: [{ filter: `datum.x >= ${edge}` }],
        mark: { type: 'text', dx: -5, dy: -6, align: 'right', fontSize: 8, color: '#555', clip: true },
        encoding: { x, y, text },
      },
    );
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: title(results, o.title),
    width: o.width ?? 640,
    height: o.height ?? 400,
    background: 'white',
    data: { values: points },
    layer,
    resolve: { scale: { color: 'shared' } },
  };
}

function toPoints(
  results: readonly ResultLine[],
  key: (r: ResultLine) => string,
  cost: (r: ResultLine) => number | null,
  y: (r: ResultLine) => number,
  scale: RecallScale,
): CurvePoint[] {
  const top = topNines(results);
  const out: CurvePoint[] = [];
  for (const [series, members] of groupBy(results, key)) {
    costFront(members, cost).forEach((r, order) => {
      out.push({
        series,
        kind: KIND_LABEL[r.kind],
        recall: r.recall,
        x: scale === 'logit' ? nines(r.recall, top) : r.recall,
        y: y(r),
        order,
        tip: pointTooltip(r),
        label: paramsLabel(r.search),
      });
    });
  }
  return out;
}

const inverseQps = (r: ResultLine): number => 1 / Math.max(r.qps, 1e-12);

/** The vega-lite spec of a recall (x) vs QPS (y, log) plot through each series' Pareto front. */
export function recallQpsSpec(results: readonly ResultLine[], perBuild: boolean, options: PlotOptions = {}): TopLevelSpec {
  const scale = options.recallScale ?? 'logit';
  const points = toPoints(results, perBuild ? buildLabel : (r) => r.algorithm, inverseQps, (r) => r.qps, scale);
  return curveSpec(points, results, scale, {
    title: perBuild
      ? 'Recall vs QPS per build (points labelled with their search parameters)'
      : 'Recall vs QPS (Pareto front per algorithm)',
    yTitle: 'Queries per second (1 thread, log scale)',
    yLog: true,
    legendTitle: perBuild ? 'algorithm / build' : 'algorithm',
    labels: perBuild,
  }) as unknown as TopLevelSpec;
}

/** Recall (x) vs distance computations per query (y, log): the machine-independent cost (annlab indexes only). */
export function recallDistancesSpec(results: readonly ResultLine[], options: PlotOptions = {}): TopLevelSpec {
  const scale = options.recallScale ?? 'logit';
  const counted = results.filter((r) => r.distanceComputations !== null);
  const points = toPoints(
    counted,
    (r) => r.algorithm,
    (r) => r.distanceComputations,
    (r) => Math.max(r.distanceComputations ?? 1, 1),
    scale,
  );
  return curveSpec(points, results, scale, {
    title: 'Recall vs distance computations per query (fewest per recall; annlab indexes, which count them)',
    yTitle: 'Distance computations per query (log scale)',
    yLog: true,
    legendTitle: 'algorithm',
  }) as unknown as TopLevelSpec;
}

/** Recall (x) vs build seconds (y, log): the cheapest build reaching each recall. */
export function recallBuildTimeSpec(results: readonly ResultLine[], options: PlotOptions = {}): TopLevelSpec {
  const scale = options.recallScale ?? 'logit';
  const points = toPoints(
    results,
    (r) => r.algorithm,
    (r) => r.buildSeconds,
    (r) => Math.max(r.buildSeconds, 1e-4),
    scale,
  );
  return curveSpec(points, results, scale, {
    title: 'Recall vs build time (fastest build reaching each recall)',
    yTitle: 'Build seconds (log scale)',
    yLog: true,
    legendTitle: 'algorithm',
  }) as unknown as TopLevelSpec;
}

/** Recall (x) vs index size (y, log): the smallest index reaching each recall. */
export function recallIndexSizeSpec(results: readonly ResultLine[], options: PlotOptions = {}): TopLevelSpec {
  const scale = options.recallScale ?? 'logit';
  const sized = results.filter((r) => r.indexBytes !== null);
  const points = toPoints(
    sized,
    (r) => r.algorithm,
    (r) => r.indexBytes,
    (r) => Math.max((r.indexBytes ?? 0) / 1048576, 1e-4),
    scale,
  );
  return curveSpec(points, results, scale, {
    title: 'Recall vs index size (smallest index reaching each recall; bytes used, not capacity)',
    yTitle: 'Index MB (log scale)',
    yLog: true,
    legendTitle: 'algorithm',
  }) as unknown as TopLevelSpec;
}

/** p50 and p99 per-query latency (y, log) vs recall, side by side, through each algorithm's QPS front. */
export function recallLatencySpec(results: readonly ResultLine[], options: PlotOptions = {}): TopLevelSpec {
  const scale = options.recallScale ?? 'logit';
  const panel = (p: 'p50' | 'p99'): Record<string, unknown> => {
    const points = toPoints(
      results,
      (r) => r.algorithm,
      inverseQps,
      (r) => Math.max(r.latencyMs[p], 1e-4),
      scale,
    );
    const spec = curveSpec(points, results, scale, {
      title: `${p} latency vs recall`,
      yTitle: `${p} latency, ms (log scale)`,
      yLog: true,
      legendTitle: 'algorithm',
      width: 330,
      height: 300,
      xTitle: `Recall@${results[0]?.k ?? 10} (${scale === 'logit' ? 'logit scale' : 'linear'})`,
    });
    delete spec.$schema;
    delete spec.background;
    // The dataset subtitle is the figure's, once: repeated on each panel it doubled the width.
    spec.title = { text: `${p} latency vs recall`, anchor: 'start', fontSize: 12 };
    return spec;
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: title(results, 'Per-query latency percentiles vs recall (one query at a time, 1 thread)'),
    background: 'white',
    hconcat: [panel('p50'), panel('p99')],
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** The vega-lite spec of build seconds (x, log) vs index megabytes (y, log), one point per build. */
export function buildMemorySpec(results: readonly ResultLine[]): TopLevelSpec {
  const seen = new Set<string>();
  const values: { algorithm: string; build: string; buildSeconds: number; indexMB: number; kind: string; tip: string }[] = [];
  for (const r of results) {
    const label = buildLabel(r);
    if (seen.has(label) || r.indexBytes === null) continue;
    seen.add(label);
    const mb = r.indexBytes / 1048576;
    const cap = r.capacityBytes === null || r.capacityBytes === undefined ? '' : ` (capacity ${(r.capacityBytes / 1048576).toFixed(1)} MB)`;
    values.push({
      algorithm: r.algorithm,
      build: label,
      buildSeconds: Math.max(r.buildSeconds, 1e-4),
      indexMB: Math.max(mb, 1e-4),
      kind: KIND_LABEL[r.kind],
      tip: `${label} · built in ${r.buildSeconds.toFixed(2)} s · ${mb.toFixed(1)} MB used${cap}`,
    });
  }
  // 8 px of padding keeps a point on a domain edge (the slowest build) whole.
  const x = { field: 'buildSeconds', type: 'quantitative', title: 'Build seconds (log scale)', scale: { type: 'log', padding: 8 } };
  const y = { field: 'indexMB', type: 'quantitative', title: 'Index MB used (log scale)', scale: { type: 'log', padding: 8 } };
  const color = {
    field: 'algorithm',
    type: 'nominal',
    title: 'algorithm',
    scale: algorithmColors(
      results,
      values.map((v) => v.algorithm),
    ),
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: title(results, 'Build time vs index size (bytes used, not allocated capacity)'),
    width: 640,
    height: 400,
    background: 'white',
    data: { values },
    layer: [
      {
        transform: [{ filter: `datum.kind === '${KIND_LABEL.annlab}'` }],
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x,
          y,
          color,
          shape: { field: 'algorithm', type: 'nominal', title: 'algorithm' },
          description: { field: 'tip', type: 'nominal' },
        },
      },
      {
        transform: [{ filter: `datum.kind === '${KIND_LABEL.native}'` }],
        mark: { type: 'point', filled: false, size: 80, strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          color,
          shape: { field: 'algorithm', type: 'nominal', title: 'algorithm' },
          description: { field: 'tip', type: 'nominal' },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** The rendered plots, by file name. */
export interface Plots {
  /** `recall-qps.svg`: Pareto front per algorithm. */
  'recall-qps.svg': string;
  /** `recall-qps-builds.svg`: one line per algorithm × build. */
  'recall-qps-builds.svg': string;
  /** `recall-distances.svg`: distance computations per query vs recall. */
  'recall-distances.svg': string;
  /** `recall-build-time.svg`: build seconds vs recall. */
  'recall-build-time.svg': string;
  /** `recall-index-size.svg`: index bytes vs recall. */
  'recall-index-size.svg': string;
  /** `recall-latency.svg`: p50 and p99 latency vs recall. */
  'recall-latency.svg': string;
  /** `build-memory.svg`: build seconds vs index bytes. */
  'build-memory.svg': string;
}

/** Render every plot of a run. */
export async function renderPlots(results: readonly ResultLine[], options: PlotOptions = {}): Promise<Plots> {
  return {
    'recall-qps.svg': await renderSvg(recallQpsSpec(results, false, options)),
    'recall-qps-builds.svg': await renderSvg(recallQpsSpec(results, true, options)),
    'recall-distances.svg': await renderSvg(recallDistancesSpec(results, options)),
    'recall-build-time.svg': await renderSvg(recallBuildTimeSpec(results, options)),
    'recall-index-size.svg': await renderSvg(recallIndexSizeSpec(results, options)),
    'recall-latency.svg': await renderSvg(recallLatencySpec(results, options)),
    'build-memory.svg': await renderSvg(buildMemorySpec(results)),
  };
}
