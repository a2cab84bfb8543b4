/**
 * Plots as SVG, rendered in Node with vega-lite (spec → vega) and vega's headless view
 * (`renderer: 'none'`, `view.toSVG()`); no browser or canvas needed.
 *
 * - recall–QPS: recall@k on x, QPS on a log y axis, one line per algorithm through its
 *   Pareto front (ann-benchmarks' main plot);
 * - recall–QPS per build: the same with one line per algorithm × build configuration;
 * - build time vs index bytes: one point per build configuration.
 *
 * @module
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { paretoFront } from './pareto.js';
import type { ResultLine } from './runner.js';
import { paramsLabel } from './suite.js';

/** Render a vega-lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

interface PlotPoint {
  series: string;
  algorithm: string;
  recall: number;
  qps: number;
  order: number;
}

function frontPoints(results: readonly ResultLine[], key: (r: ResultLine) => string): PlotPoint[] {
  const groups = new Map<string, ResultLine[]>();
  for (const r of results) {
    const g = key(r);
    const list = groups.get(g);
    if (list === undefined) groups.set(g, [r]);
    else list.push(r);
  }
  const out: PlotPoint[] = [];
  for (const [series, members] of groups) {
    const front = paretoFront(members);
    front.forEach((i, order) => out.push({ series, algorithm: members[i].algorithm, recall: members[i].recall, qps: members[i].qps, order }));
  }
  return out;
}

function title(results: readonly ResultLine[], what: string): { text: string; subtitle?: string; limit: number; subtitleFontSize: number; anchor: 'start' } {
  if (results.length === 0) return { text: what, limit: 640, subtitleFontSize: 11, anchor: 'start' };
  const r = results[0];
  // `limit` truncates with an ellipsis, so a long synthetic reference cannot widen the plot.
  return { text: what, subtitle: `${r.dataset} · k=${r.k} · ${r.queries} queries`, limit: 640, subtitleFontSize: 11, anchor: 'start' };
}

/** Label of one build: `hnsw M=16,efConstruction=200`. */
export function buildLabel(r: ResultLine): string {
  const p = paramsLabel(r.build);
  return p.length > 0 ? `${r.algorithm} ${p}` : r.algorithm;
}

/** The vega-lite spec of a recall (x) vs QPS (y, log) plot through each series' Pareto front. */
export function recallQpsSpec(results: readonly ResultLine[], perBuild: boolean): TopLevelSpec {
  const values = frontPoints(results, perBuild ? buildLabel : (r) => r.algorithm);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: title(results, perBuild ? 'Recall vs QPS per build' : 'Recall vs QPS (Pareto front per algorithm)'),
    width: 640,
    height: 400,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: `Recall@k (distance ≤ k-th + 1e-3)`, scale: { zero: false } },
      y: { field: 'qps', type: 'quantitative', title: 'Queries per second (1 thread, log scale)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: perBuild ? 'algorithm / build' : 'algorithm', legend: { labelLimit: 360 } },
      order: { field: 'order', type: 'quantitative' },
    },
  } as TopLevelSpec;
}

/** The vega-lite spec of build seconds (x, log) vs index megabytes (y, log), one point per build. */
export function buildMemorySpec(results: readonly ResultLine[]): TopLevelSpec {
  const seen = new Set<string>();
  const values: { algorithm: string; build: string; buildSeconds: number; indexMB: number }[] = [];
  for (const r of results) {
    const label = buildLabel(r);
    if (seen.has(label) || r.indexBytes === null) continue;
    seen.add(label);
    values.push({ algorithm: r.algorithm, build: label, buildSeconds: Math.max(r.buildSeconds, 1e-4), indexMB: Math.max(r.indexBytes / 1048576, 1e-4) });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: title(results, 'Build time vs index size'),
    width: 640,
    height: 400,
    data: { values },
    mark: { type: 'point', filled: true, size: 80 },
    encoding: {
      x: { field: 'buildSeconds', type: 'quantitative', title: 'Build seconds (log scale)', scale: { type: 'log' } },
      y: { field: 'indexMB', type: 'quantitative', title: 'Index MB (log scale)', scale: { type: 'log' } },
      color: { field: 'algorithm', type: 'nominal', title: 'algorithm' },
      shape: { field: 'algorithm', type: 'nominal', title: 'algorithm' },
    },
  } as TopLevelSpec;
}

/** The rendered plots, by file name. */
export interface Plots {
  /** `recall-qps.svg`: Pareto front per algorithm. */
  'recall-qps.svg': string;
  /** `recall-qps-builds.svg`: one line per algorithm × build. */
  'recall-qps-builds.svg': string;
  /** `build-memory.svg`: build seconds vs index bytes. */
  'build-memory.svg': string;
}

/** Render every plot of a run. */
export async function renderPlots(results: readonly ResultLine[]): Promise<Plots> {
  return {
    'recall-qps.svg': await renderSvg(recallQpsSpec(results, false)),
    'recall-qps-builds.svg': await renderSvg(recallQpsSpec(results, true)),
    'build-memory.svg': await renderSvg(buildMemorySpec(results)),
  };
}
