/**
 * Tuning curves for the docs: for each algorithm, one small benchmark suite whose build grid
 * varies the algorithm's main build parameter and whose search sweep varies its search
 * parameter, run through @annlab/bench's `runSuite` (the same harness, recall rule and timer
 * as `annlab bench`). Each run produces, per algorithm, an SVG (recall on x, QPS on a log y
 * axis, one line per build configuration, one point per search value — every point, not only
 * the Pareto front, so the effect of each knob is visible) and a markdown table fragment.
 *
 * The grids live here, in one place, so the figures in docs/figures/ are always what this
 * script measured: refresh them with `pnpm docs:curves`.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import {
  BuiltAnnlabIndex,
  formatBytes,
  idOverlapRecall,
  formatQps,
  formatSeconds,
  paramsLabel,
  renderSvg,
  resolveDataset,
  runSuite,
  type BenchDataset,
  type BuiltIndex,
  type ResultLine,
  type Params,
  type Suite,
  type SuiteRun,
} from '@annlab/bench';

/** One dataset the curves are measured on. */
export interface CurveDataset {
  /** Short key used in file names (`fashion-mnist`, `siftsmall`). */
  key: string;
  /** Title shown in figures and tables. */
  title: string;
  /** Dataset reference for @annlab/datasets (a path, registry name or `synthetic:...`). */
  ref: string;
  /** Keep only the first `maxBase` base vectors (subsampling, stated in the guides). */
  maxBase?: number;
  /** Keep only the first `queries` queries. */
  queries?: number;
}

/** One algorithm's tuning grid: build parameters × search sweep. */
export interface CurveGrid {
  /** Algorithm name as the harness knows it (`hnsw`, `pca+flat`, ...). */
  algorithm: string;
  /** Guide the figure belongs to (`hnsw`, `rpforest`, `ivfpq`, `pca`, `flat`). */
  guide: string;
  /** Build grid. */
  build?: SuiteRun['build'];
  /** Search sweep. */
  search?: SuiteRun['search'];
  /**
   * A second (third, ...) figure for the same algorithm, varying another knob: its stem is
   * `<guide>-<algorithm>-<variant>-<dataset>` and its title names the knob.
   */
  variant?: string;
}

/** Options of {@link runCurves}. */
export interface CurveOptions {
  /** Output directory for SVGs and markdown fragments. */
  outDir: string;
  /** Datasets to measure on. */
  datasets: CurveDataset[];
  /** Grids per dataset key (the same grid shape may differ by dataset, e.g. PQ `m` must divide dim). */
  grids: (dataset: CurveDataset, dim: number) => CurveGrid[];
  /** Neighbours per query. @defaultValue 10 */
  k?: number;
  /** Timed repetitions per point (best kept). @defaultValue 1 */
  repeats?: number;
  /** Progress lines. */
  log?: (message: string) => void;
  /**
   * Directory of the guides (docs/). Every `<!-- curves:begin STEM -->` …
   * `<!-- curves:end STEM -->` block in its *.md files is replaced with the figure and table
   * of that stem (e.g. `hnsw-hnsw-siftsmall`), so the guides never hold hand-typed numbers.
   */
  guidesDir?: string;
}

/** What {@link runCurves} wrote. */
export interface CurveOutput {
  /** Files written (absolute or relative to the working directory, as `outDir` was given). */
  files: string[];
  /** Every result line, per dataset key. */
  results: Record<string, ResultLine[]>;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** Guides whose curve blocks were refreshed. */
  updatedGuides: string[];
}

/**
 * The grids the docs use: each algorithm's main knobs at the guides' recommended settings
 * (HNSW efConstruction 200), plus one figure per further knob the guides describe
 * (efConstruction, leafSize, niter, nbits, components). About half an hour for both datasets
 * on 2 busy cores.
 */
export function docsGrids(dataset: CurveDataset, dim: number): CurveGrid[] {
  // PQ needs m | dim: 784 = 16·49 = 28·28, 128 = 16·8.
  const pqM = (dim % 28 === 0 ? [28, 56] : [16, 32]).filter((m) => m <= dim && dim % m === 0);
  const m0 = pqM.length > 0 ? pqM : [1];
  const components = (dataset.key === 'siftsmall' ? [16, 32, 64] : [16, 48, 96, 192]).filter((c) => c < dim);
  const leafSizes = [...new Set([16, 64, dim + 2])].filter((l) => l >= 1);
  return [
    { algorithm: 'flat', guide: 'flat' },
    {
      algorithm: 'hnsw',
      guide: 'hnsw',
      build: { M: [8, 16, 32], efConstruction: [200] },
      search: { efSearch: [10, 20, 40, 80, 160, 320] },
    },
    {
      algorithm: 'hnsw',
      guide: 'hnsw',
      variant: 'efc',
      build: { M: [16], efConstruction: [25, 50, 100, 200, 400] },
      search: { efSearch: [10, 20, 40, 80, 160] },
    },
    { algorithm: 'rpforest', guide: 'rpforest', build: { nTrees: [10, 40] }, search: { searchK: [200, 1000, 4000, 16000] } },
    {
      algorithm: 'rpforest',
      guide: 'rpforest',
      variant: 'leafsize',
      build: { nTrees: [10], leafSize: leafSizes },
      search: { searchK: [200, 1000, 4000, 16000] },
    },
    { algorithm: 'ivfflat', guide: 'ivfpq', build: { nlist: [64, 256], niter: [10] }, search: { nprobe: [1, 2, 4, 8, 16, 32] } },
    {
      algorithm: 'ivfflat',
      guide: 'ivfpq',
      variant: 'niter',
      build: { nlist: [256], niter: [1, 3, 10, 25] },
      search: { nprobe: [1, 4, 16] },
    },
    {
      algorithm: 'ivfpq',
      guide: 'ivfpq',
      build: { nlist: [64], m: m0, nbits: [8], niter: [10], pqNiter: [10], keepVectors: [true] },
      search: { nprobe: [4, 16], rerank: [0, 10] },
    },
    {
      algorithm: 'ivfpq',
      guide: 'ivfpq',
      variant: 'nbits',
      build: { nlist: [64], m: m0.slice(0, 1), nbits: [4, 6, 8], niter: [10], pqNiter: [10], keepVectors: [true] },
      search: { nprobe: [16], rerank: [0, 10] },
    },
    {
      algorithm: 'pca+flat',
      guide: 'pca',
      build: { components: components.length > 0 ? components : [Math.max(1, dim >> 1)] },
      search: { rerank: [0, 4, 16] },
    },
  ];
}

/**
 * hnswlib's check of efConstruction (its README, "ef_construction"): search for the M nearest
 * neighbours with `ef = efConstruction`; recall below 0.9 means the build could be better.
 * Recall here is id overlap against the dataset's exact neighbours, over the curve queries.
 */
export interface EfConstructionCheck {
  /** Build parameters of the HNSW index checked. */
  build: Params;
  /** Neighbours searched (the index's M). */
  k: number;
  /** ef used (= efConstruction). */
  ef: number;
  /** Recall@M at ef = efConstruction. */
  recall: number;
}

/** The fields of a result line the figures and tables use (what `curves-<dataset>.json` keeps). */
export type CurvePoint = Pick<
  ResultLine,
  'algorithm' | 'build' | 'search' | 'recall' | 'qps' | 'buildSeconds' | 'indexBytes' | 'distanceComputations'
> &
  Partial<Pick<ResultLine, 'capacityBytes' | 'latencyMs'>> & {
    /** The grid's variant (see {@link CurveGrid.variant}). */
    variant?: string;
  };

/** Keys whose value differs between the given parameter sets, in first-seen order. */
function varyingKeys(sets: readonly Params[]): string[] {
  const keys: string[] = [];
  for (const p of sets) for (const key of Object.keys(p)) if (!keys.includes(key)) keys.push(key);
  return keys.filter((key) => new Set(sets.map((p) => JSON.stringify(p[key]))).size > 1);
}

function pick(p: Params, keys: readonly string[]): Params {
  const out: Params = {};
  for (const key of keys) if (p[key] !== undefined) out[key] = p[key];
  return out;
}

/**
 * vega-lite spec: recall (x, logit scale as in the harness's report: 0.9, 0.99, 0.999 evenly
 * spaced) vs QPS (log y). One line per build configuration (labelled by the build parameters
 * that vary) and per value of every search parameter but the first; the points of a line walk
 * the first search parameter, each labelled with its value and carrying a tooltip (SVG
 * `<title>`) with all its parameters.
 */
export function tuningCurveSpec(results: readonly CurvePoint[], title: string, subtitle: string): Record<string, unknown> {
  const buildKeys = varyingKeys(results.map((r) => r.build));
  const searchKeys = results.length > 0 ? Object.keys(results[0].search) : [];
  const walk = searchKeys.slice(0, 1);
  const rest = searchKeys.slice(1);
  // Recall 1 sits half a decade past 0.9999; the axis starts at the lowest recall shown, floored to a quarter decade.
  const top = 4.5;
  const ninesOf = (recall: number): number => (recall >= 1 ? top : Math.min(top, -Math.log10(1 - recall)));
  const values = results.map((r, order) => {
    const label = [paramsLabel(pick(r.build, buildKeys)), paramsLabel(pick(r.search, rest))].filter((x) => x !== '').join(' ');
    const tip = [paramsLabel(r.build), paramsLabel(r.search), `recall ${r.recall.toFixed(4)}`, `${Math.round(r.qps)} QPS`]
      .filter((x) => x !== '')
      .join(' · ');
    return {
      series: label === '' ? r.algorithm : label,
      recall: r.recall,
      x: ninesOf(r.recall),
      qps: r.qps,
      search: paramsLabel(pick(r.search, walk)),
      tip,
      order,
    };
  });
  const xs = values.map((v) => v.x);
  const lo = xs.length === 0 ? 0 : Math.max(0, Math.floor(Math.min(...xs) * 4) / 4);
  const hi = xs.length === 0 ? top : Math.max(lo + 0.5, Math.min(top, Math.ceil(Math.max(...xs) * 4) / 4) + 0.1);
  const ticks = [0, 0.30103, 1, 1.52288, 2, 2.52288, 3, 3.52288, 4, top].filter((v) => v >= lo - 1e-9 && v <= hi + 1e-9);
  let labelExpr = `''`;
  for (let i = ticks.length - 1; i >= 0; i--) {
    const text = ticks[i] === top ? '1' : String(+(1 - 10 ** -ticks[i]).toPrecision(4));
    labelExpr = `abs(datum.value - ${ticks[i]}) < 1e-4 ? '${text}' : ${labelExpr}`;
  }
  const x = {
    field: 'x',
    type: 'quantitative',
    title: 'recall@10 (logit scale: 0.9, 0.99, 0.999 evenly spaced)',
    scale: { domain: [lo, hi], nice: false, zero: false },
    axis: { values: ticks, labelExpr },
  };
  const y = { field: 'qps', type: 'quantitative', title: 'queries per second (1 thread, log)', scale: { type: 'log' } };
  const legendTitle = [...buildKeys, ...rest].join(', ') || 'configuration';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: title,
      subtitle: subtitle.match(/.{1,100}(\s|$)|\S+/g)?.map((l) => l.trim()) ?? subtitle,
      anchor: 'start',
      subtitleFontSize: 11,
      limit: 0,
    },
    width: 520,
    height: 300,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: { filled: true, size: 30 } },
        encoding: {
          x,
          y,
          color: { field: 'series', type: 'nominal', title: legendTitle, legend: { labelLimit: 260 } },
          order: { field: 'order', type: 'quantitative' },
          description: { field: 'tip', type: 'nominal' },
        },
      },
      {
        mark: { type: 'text', dx: 4, dy: -6, align: 'left', fontSize: 8, color: '#555' },
        encoding: { x, y, text: { field: 'search' } },
      },
    ],
  };
}

/** Markdown table of results: build, search, recall, QPS, build time, index size. */
export function curveTable(results: readonly CurvePoint[]): string {
  const lines = [
    '| build | search | recall@10 | QPS (1 thread) | build time | index size | distances / query |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const b = paramsLabel(r.build) || '–';
    const s = paramsLabel(r.search) || '–';
    const dc = r.distanceComputations === null ? '–' : String(Math.round(r.distanceComputations));
    const bytes = r.indexBytes === null ? '–' : formatBytes(r.indexBytes);
    lines.push(`| ${b} | ${s} | ${r.recall.toFixed(3)} | ${formatQps(r.qps)} | ${formatSeconds(r.buildSeconds)} | ${bytes} | ${dc} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** File stem of one figure: `<guide>-<algorithm>-<dataset key>`. */
export function figureStem(guide: string, algorithm: string, key: string, variant?: string): string {
  return `${guide}-${algorithm.replace(/[^a-z0-9]+/gi, '-')}${variant === undefined ? '' : `-${variant}`}-${key}`;
}

/** Write one algorithm's SVG and markdown table; returns the fragment for the guides. */
async function writeFigure(
  outDir: string,
  stem: string,
  title: string,
  description: string,
  k: number,
  rs: readonly CurvePoint[],
  checks: readonly EfConstructionCheck[] = [],
): Promise<{ svgFile: string; mdFile: string; table: string; alt: string }> {
  const svgFile = join(outDir, `${stem}.svg`);
  const mdFile = join(outDir, `${stem}.md`);
  const subtitle = `${description} · k=${k} · docs/scripts/curves.ts`;
  writeFileSync(svgFile, await renderSvg(tuningCurveSpec(rs, title, subtitle) as never));
  const table = `_${description}, k = ${k}_\n\n${curveTable(rs)}${efConstructionTable(checks)}`;
  writeFileSync(mdFile, `<!-- generated by docs/scripts/curves.ts (pnpm docs:curves); do not edit -->\n\n${table}`);
  return { svgFile, mdFile, table, alt: `${title}: recall@${k} against single-thread QPS` };
}

/**
 * Re-render every figure and table (and the guides' curve blocks) from the measurements
 * saved in `curves-<key>.json`, without measuring again: for changes to how curves are
 * drawn. `pnpm docs:curves --replot`.
 */
export async function replotCurves(options: { outDir: string; datasets: CurveDataset[]; guidesDir?: string }): Promise<string[]> {
  const fragments = new Map<string, { svgFile: string; table: string; alt?: string }>();
  const files: string[] = [];
  for (const spec of options.datasets) {
    const saved = JSON.parse(readFileSync(join(options.outDir, `curves-${spec.key}.json`), 'utf8')) as {
      dataset: string;
      k?: number;
      results: (CurvePoint & { guide?: string })[];
      efConstructionChecks?: EfConstructionCheck[];
    };
    const k = saved.k ?? 10;
    const byStem = new Map<string, { guide: string; algorithm: string; rs: CurvePoint[] }>();
    for (const r of saved.results) {
      const guide = r.guide ?? guideOf(r.algorithm);
      const stem = figureStem(guide, r.algorithm, spec.key, r.variant);
      const entry = byStem.get(stem) ?? { guide, algorithm: r.algorithm, rs: [] };
      entry.rs.push(r);
      byStem.set(stem, entry);
    }
    for (const [stem, e] of byStem) {
      const variant = e.rs[0].variant;
      const checks =
        e.algorithm === 'hnsw'
          ? (saved.efConstructionChecks ?? []).filter((c) => e.rs.some((r) => JSON.stringify(r.build) === JSON.stringify(c.build)))
          : [];
      const f = await writeFigure(options.outDir, stem, figureTitle(e.algorithm, variant, spec.title), saved.dataset, k, e.rs, checks);
      files.push(f.svgFile, f.mdFile);
      fragments.set(stem, f);
    }
  }
  if (options.guidesDir !== undefined) files.push(...spliceGuides(options.guidesDir, fragments));
  return files;
}

/** Markdown table of hnswlib's efConstruction check, or '' when there is none. */
export function efConstructionTable(checks: readonly EfConstructionCheck[]): string {
  if (checks.length === 0) return '';
  const lines = [
    '',
    "_hnswlib's efConstruction check: recall of the M nearest neighbours at ef = efConstruction (below 0.9 leaves room for a better graph)_",
    '',
    '| build | recall@M at ef = efConstruction | ≥ 0.9 |',
    '|---|---:|:---:|',
  ];
  for (const c of checks) lines.push(`| ${paramsLabel(c.build)} | ${c.recall.toFixed(3)} | ${c.recall >= 0.9 ? 'yes' : 'no'} |`);
  return `${lines.join('\n')}\n`;
}

/** Figure title: the algorithm, the knob a variant varies, the dataset. */
function figureTitle(algorithm: string, variant: string | undefined, dataset: string): string {
  const knob: Record<string, string> = { efc: 'efConstruction', leafsize: 'leafSize', niter: 'k-means niter', nbits: 'nbits' };
  return variant === undefined ? `${algorithm} on ${dataset}` : `${algorithm} on ${dataset}: varying ${knob[variant] ?? variant}`;
}

/** The guide an algorithm's curves belong to, from the docs' grids. */
function guideOf(algorithm: string): string {
  const g = docsGrids({ key: '', title: '', ref: '' }, 784).find((x) => x.algorithm === algorithm);
  return g?.guide ?? algorithm;
}

function describe(ds: BenchDataset, nq: number): string {
  const n = ds.base.length / ds.dim;
  return `${ds.name}: ${n} base × ${ds.dim}, ${nq} queries, ${ds.metric}`;
}

/**
 * Run every grid on every dataset and write `<guide>-<algorithm>-<dataset>.svg` and `.md`
 * into `outDir`, plus `curves-<dataset>.json` (the raw result lines) and `curves-meta.md`.
 */
export async function runCurves(options: CurveOptions): Promise<CurveOutput> {
  const t0 = performance.now();
  const k = options.k ?? 10;
  const log = options.log ?? (() => {});
  mkdirSync(options.outDir, { recursive: true });
  const files: string[] = [];
  const results: Record<string, ResultLine[]> = {};
  const meta: string[] = [];
  const fragments = new Map<string, { svgFile: string; table: string; alt?: string }>();
  for (const spec of options.datasets) {
    // 32 ground-truth columns at least: hnswlib's efConstruction check searches for the M (≤ 32) nearest.
    const dsOpts: Parameters<typeof resolveDataset>[1] = { k: Math.max(k, 32) };
    if (spec.maxBase !== undefined) dsOpts.maxBase = spec.maxBase;
    if (spec.queries !== undefined) dsOpts.maxQueries = spec.queries;
    log(`loading ${spec.ref}`);
    const ds = await resolveDataset(spec.ref, dsOpts);
    const nq = ds.queries.length / ds.dim;
    const all: ResultLine[] = [];
    const tags = new Map<ResultLine, { guide: string; variant?: string }>();
    const checks: EfConstructionCheck[] = [];
    for (const grid of options.grids(spec, ds.dim)) {
      const run: SuiteRun = { algorithm: grid.algorithm };
      if (grid.build !== undefined) run.build = grid.build;
      if (grid.search !== undefined) run.search = grid.search;
      const suite: Suite = { name: `docs-curves-${spec.key}`, dataset: spec.ref, k, repeats: options.repeats ?? 1, runs: [run] };
      const ts = performance.now();
      const gridChecks: EfConstructionCheck[] = [];
      const out = await runSuite(suite, ds, {
        repeats: options.repeats ?? 1,
        onBuilt: (built, info) => {
          if (grid.algorithm !== 'hnsw') return;
          const c = efConstructionCheck(built, info.build, ds, nq);
          if (c !== null && !checks.some((x) => JSON.stringify(x.build) === JSON.stringify(c.build))) checks.push(c);
          if (c !== null) gridChecks.push(c);
        },
        onEvent: (e) => {
          if (e.type === 'build-done') log(`  ${spec.key} ${e.algorithm} ${paramsLabel(e.build)} built in ${e.seconds.toFixed(1)} s`);
        },
      });
      for (const err of out.errors) log(`  error: ${err.algorithm} ${paramsLabel(err.build)}: ${err.message}`);
      for (const s of out.skipped) log(`  skipped: ${s.algorithm}: ${s.reason}`);
      const rs = out.results;
      all.push(...rs);
      for (const r of rs) tags.set(r, grid.variant === undefined ? { guide: grid.guide } : { guide: grid.guide, variant: grid.variant });
      log(
        `  ${spec.key} ${grid.algorithm}${grid.variant === undefined ? '' : ` (${grid.variant})`}: ${rs.length} points in ${((performance.now() - ts) / 1000).toFixed(1)} s`,
      );
      const stem = figureStem(grid.guide, grid.algorithm, spec.key, grid.variant);
      const f = await writeFigure(
        options.outDir,
        stem,
        figureTitle(grid.algorithm, grid.variant, spec.title),
        describe(ds, nq),
        k,
        rs.map((r) => slim(r, grid.variant)),
        gridChecks,
      );
      files.push(f.svgFile, f.mdFile);
      fragments.set(stem, f);
    }
    results[spec.key] = all;
    const jsonFile = join(options.outDir, `curves-${spec.key}.json`);
    writeFileSync(
      jsonFile,
      `${JSON.stringify(
        {
          dataset: describe(ds, nq),
          k,
          environment: all[0]?.environment ?? null,
          efConstructionChecks: checks,
          results: all.map((r) => ({ guide: tags.get(r)?.guide, ...slim(r, tags.get(r)?.variant) })),
        },
        null,
        1,
      )}\n`,
    );
    files.push(jsonFile);
    meta.push(
      `- ${spec.title}: ${describe(ds, nq)}${spec.maxBase !== undefined ? ` (first ${spec.maxBase} base vectors; ground truth recomputed on them)` : ''}`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const env = Object.values(results)[0]?.[0]?.environment;
  const metaFile = join(options.outDir, 'curves-meta.md');
  writeFileSync(
    metaFile,
    `<!-- generated by docs/scripts/curves.ts (pnpm docs:curves); do not edit -->\n\n${meta.join('\n')}\n- whole run: ${seconds.toFixed(0)} s` +
      (env !== undefined ? `; ${envLine(env)}` : '') +
      '\n',
  );
  files.push(metaFile);
  const updatedGuides = options.guidesDir !== undefined ? spliceGuides(options.guidesDir, fragments) : [];
  return { files, results, seconds, updatedGuides };
}

const BLOCK = /<!-- curves:begin ([\w.-]+) -->[\s\S]*?<!-- curves:end \1 -->/g;

/**
 * Replace every curves block in the guides of `guidesDir` whose stem has a fragment. Returns
 * the guides changed. Blocks whose stem was not measured in this run are left as they are.
 */
export function spliceGuides(
  guidesDir: string,
  fragments: ReadonlyMap<string, { svgFile: string; table: string; alt?: string }>,
): string[] {
  const changed: string[] = [];
  if (!existsSync(guidesDir)) return changed;
  for (const name of readdirSync(guidesDir)) {
    if (!name.endsWith('.md')) continue;
    const file = join(guidesDir, name);
    const text = readFileSync(file, 'utf8');
    const next = text.replace(BLOCK, (whole: string, stem: string) => {
      const f = fragments.get(stem);
      if (f === undefined) return whole;
      const rel = relative(guidesDir, f.svgFile).split('\\').join('/');
      return `<!-- curves:begin ${stem} -->\n<!-- generated by docs/scripts/curves.ts (pnpm docs:curves); do not edit by hand -->\n\n![${f.alt ?? basename(f.svgFile, '.svg')}](${rel})\n\n${f.table}\n<!-- curves:end ${stem} -->`;
    });
    if (next !== text) {
      writeFileSync(file, next);
      changed.push(file);
    }
  }
  return changed;
}

function envLine(env: unknown): string {
  const e = env as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['node', 'cpu', 'cores', 'annlabVersion', 'gitCommit'])
    if (e[key] !== undefined) parts.push(`${key}: ${String(e[key])}`);
  return parts.join(', ');
}

function slim(r: ResultLine, variant?: string): CurvePoint {
  const p: CurvePoint = {
    algorithm: r.algorithm,
    build: r.build,
    search: r.search,
    recall: r.recall,
    qps: r.qps,
    buildSeconds: r.buildSeconds,
    indexBytes: r.indexBytes,
    capacityBytes: r.capacityBytes,
    distanceComputations: r.distanceComputations,
    latencyMs: r.latencyMs,
  };
  if (variant !== undefined) p.variant = variant;
  return p;
}

/**
 * hnswlib's efConstruction check on a freshly built HNSW index: recall@M at ef =
 * efConstruction against the dataset's exact neighbours (null when the dataset has fewer
 * than M ground-truth columns or the index is not annlab's).
 */
function efConstructionCheck(built: BuiltIndex, build: Params, ds: BenchDataset, nq: number): EfConstructionCheck | null {
  const M = Number(build.M ?? 16);
  const ef = Number(build.efConstruction ?? 200);
  if (!(built instanceof BuiltAnnlabIndex) || ds.groundTruth === undefined || ds.groundTruthK < M) return null;
  const s = built.searcher(ds.queries, nq, M, { efSearch: ef });
  const ids = new Int32Array(nq * M);
  for (let q = 0; q < nq; q++) s.one(q, ids, q * M);
  return { build, k: M, ef, recall: idOverlapRecall(ids, nq, M, ds.groundTruth, ds.groundTruthK).mean };
}
