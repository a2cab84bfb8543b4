/**
 * What `tune` shows: a text table per run, the recall/QPS plot of each algorithm with the
 * chosen point marked (the harness's `recallQpsSpec` with one more layer, rendered by its
 * `renderSvg`), the exact code and `annlab` command lines that build and query the chosen
 * index, and the files `annlab tune --out` writes.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { ANNLAB_ALGORITHMS, PCA_BUILD_KEYS, isAnnlabAlgorithm } from '../adapters/annlab.js';
import { recallQpsSpec, renderSvg } from '../plots.js';
import type { Params, ParamValue } from '../suite.js';
import { formatBytes, formatQps, formatSeconds, textTable, toJsonLines } from '../summary.js';
import type { AlgorithmTune, TuneChoice, TuneResult } from './tune.js';

/** How to reproduce a chosen configuration. */
export interface TuneUsage {
  /** TypeScript that builds the index and searches with the chosen parameters. */
  code: string;
  /** `annlab build ... && annlab query ...` for the same configuration. */
  cli: string;
}

function literal(v: ParamValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function objectLiteral(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}: ${literal(v)}`)
    .join(', ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The code and CLI lines for `choice` of `algorithm` on a dataset of `dim` and `metric`.
 *
 * @param datasetRef - the dataset reference for the CLI line.
 * @param maxBase - the `--max-base` used, if any.
 */
export function tuneUsage(
  algorithm: string,
  choice: TuneChoice,
  dim: number,
  metric: string,
  k: number,
  datasetRef: string,
  maxBase?: number,
): TuneUsage {
  const pca = algorithm.startsWith('pca+');
  const innerName = pca ? algorithm.slice(4) : algorithm;
  const entry = isAnnlabAlgorithm(innerName) ? ANNLAB_ALGORITHMS[innerName] : undefined;
  const cls = entry?.className ?? 'Index';
  const pkg = entry?.pkg ?? '@annlab/core';
  let code: string;
  if (pca) {
    const outer: Params = {};
    const inner: Params = {};
    for (const [key, v] of Object.entries(choice.build)) (PCA_BUILD_KEYS.includes(key) ? outer : inner)[key] = v;
    code = [
      `import { PreTransformIndex } from '@annlab/pca';`,
      `import { ${cls} } from '${pkg}';`,
      ``,
      `const index = new PreTransformIndex({ dim: ${dim}, metric: '${metric}', ${objectLiteral(outer)}, inner: (o) => new ${cls}({ ...o, ${objectLiteral(inner)} }) });`,
    ].join('\n');
  } else {
    const build = objectLiteral(choice.build);
    code = [
      `import { ${cls} } from '${pkg}';`,
      ``,
      `const index = new ${cls}({ dim: ${dim}, metric: '${metric}'${build === '' ? '' : `, ${build}`} });`,
    ].join('\n');
  }
  code += `\nindex.add(base); // Float32Array, n × ${dim}\nconst { ids, distances } = index.search(queries, ${k}, { ${objectLiteral(choice.search)} });`;
  const file = `${algorithm.replace(/[^\w.-]/g, '_')}.annlab`;
  const maxBaseArg = maxBase === undefined ? '' : ` --max-base ${maxBase}`;
  const buildArgs = Object.entries(choice.build)
    .map(([key, v]) => ` -p ${key}=${String(v)}`)
    .join('');
  const searchArgs = Object.entries(choice.search)
    .map(([key, v]) => ` -p ${key}=${String(v)}`)
    .join('');
  const ref = shellQuote(datasetRef);
  const cli = `annlab build -d ${ref} -a ${algorithm}${buildArgs}${maxBaseArg} -o ${file} && annlab query -i ${file} -d ${ref} -k ${k}${searchArgs}${maxBaseArg}`;
  return { code, cli };
}

/**
 * The vega-lite spec of one algorithm's held-out recall/QPS measurements: the harness's
 * recall–QPS plot (Pareto front) plus the chosen configuration as a red diamond and the
 * target as a vertical rule.
 */
export function tunePlotSpec(answer: AlgorithmTune, target: number): TopLevelSpec {
  const base = recallQpsSpec(answer.results, false) as unknown as Record<string, unknown>;
  const { $schema, title, width, height, ...layer } = base;
  const layers: unknown[] = [
    layer,
    {
      data: { values: [{ target }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { x: { field: 'target', type: 'quantitative' } },
    },
  ];
  if (answer.chosen !== null) {
    const c = answer.chosen;
    layers.push({
      data: { values: [{ recall: c.heldOutRecall, qps: c.qps, label: 'chosen' }] },
      mark: { type: 'point', shape: 'diamond', size: 220, filled: true, color: '#d62728' },
      encoding: {
        x: { field: 'recall', type: 'quantitative' },
        y: { field: 'qps', type: 'quantitative', scale: { type: 'log' } },
        tooltip: { field: 'label', type: 'nominal' },
      },
    });
  }
  return {
    $schema,
    title: { ...(title as object), text: `${answer.algorithm}: recall vs QPS (held-out queries), chosen point marked` },
    width,
    height,
    layer: layers,
  } as unknown as TopLevelSpec;
}

/** One row per algorithm: chosen (or best reached) configuration, recalls, QPS, bytes. */
export function tuneTable(result: TuneResult): string {
  const rows: string[][] = [['algorithm', 'status', 'build', 'search', 'recall (tune)', 'recall (held out)', 'QPS', 'index', 'build time']];
  for (const a of result.algorithms) {
    const c = a.chosen ?? a.best;
    rows.push([
      a.algorithm,
      a.status,
      c === null
        ? '-'
        : Object.entries(c.build)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
      c === null
        ? '-'
        : Object.entries(c.search)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
      c === null || Number.isNaN(c.tuneRecall) ? '-' : c.tuneRecall.toFixed(4),
      c === null ? '-' : c.heldOutRecall.toFixed(4),
      c === null ? '-' : formatQps(c.qps),
      c === null ? '-' : formatBytes(c.indexBytes),
      c === null ? '-' : formatSeconds(c.buildSeconds),
    ]);
  }
  return textTable(rows);
}

/** Files written by {@link writeTune}. */
export interface TuneFiles {
  /** `tune.json`: the whole result. */
  json: string;
  /** `tune-results.jsonl`: every held-out measurement as harness result lines. */
  results: string;
  /** One `tune-<algorithm>.svg` per algorithm with measurements. */
  plots: string[];
}

/** Safe file stem for an algorithm name (`pca+hnsw` → `pca_hnsw`). */
function stem(algorithm: string): string {
  return algorithm.replace(/[^\w.-]/g, '_');
}

/** Write `tune.json`, `tune-results.jsonl` and a plot per algorithm into `dir`. */
export async function writeTune(
  dir: string,
  result: TuneResult,
  usage: Readonly<Record<string, TuneUsage | null>> = {},
): Promise<TuneFiles> {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'tune.json');
  writeFileSync(
    json,
    `${JSON.stringify({ ...result, usage, algorithms: result.algorithms.map((a) => ({ ...a, results: undefined })) }, null, 2)}\n`,
  );
  const results = join(dir, 'tune-results.jsonl');
  writeFileSync(results, toJsonLines(result.algorithms.flatMap((a) => a.results)));
  const plots: string[] = [];
  for (const a of result.algorithms) {
    if (a.results.length === 0) continue;
    const file = join(dir, `tune-${stem(a.algorithm)}.svg`);
    writeFileSync(file, await renderSvg(tunePlotSpec(a, result.targetRecall)));
    plots.push(file);
  }
  return { json, results, plots };
}
