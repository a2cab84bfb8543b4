/**
 * `tune` on Fashion-MNIST (60,000 × 784 base, first 1,000 t10k images as queries, Euclidean,
 * k = 10) against the exhaustive sweep of the shipped `fashion-mnist` suite, for hnsw,
 * rpforest and ivfpq.
 *
 * Three steps, each its own process so the CPU lock is held only while measuring:
 *
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/tune.ts tune hnsw
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/tune.ts tune rpforest
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/tune.ts tune ivfpq
 *   flock /tmp/annlab-cpu.lock npx tsx --conditions=source benchmarks/compare/tune.ts suite
 *   npx tsx --conditions=source benchmarks/compare/tune.ts report
 *
 * `tune <algorithm>` runs the library's `tune` (the same code as `annlab tune`) with a time
 * budget and writes `<out>/<algorithm>/` (tune.json, tune-results.jsonl, the plot) plus the
 * wall time. `suite` runs the shipped suite restricted to the same algorithms (every build ×
 * search point, 1,000 queries). `report` prints, per algorithm, the time tune took, its chosen
 * configuration and QPS, and the fastest suite point reaching the target.
 *
 * Environment knobs: TUNE_N (base size, default 60000), TUNE_Q (queries, default 1000),
 * TUNE_TARGET (0.95), TUNE_BUDGET_MIN (minutes per tune run, default 7), TUNE_MAX_BUILDS (6),
 * TUNE_OUT (default /tmp/annlab-tune-fashion-mnist), TUNE_SUITE_RESULTS (a results.jsonl of
 * `annlab bench --config fashion-mnist` to compare with instead of the `suite` step's),
 * ANNLAB_SHARED_DATASETS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatQps,
  loadSuite,
  paramsLabel,
  parseJsonLines,
  resolveDataset,
  runSuite,
  textTable,
  toJsonLines,
  tune,
  tuneTable,
  tuneUsage,
  writeTune,
  type TuneResult,
} from '@annlab/bench';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = process.env.ANNLAB_SHARED_DATASETS ?? join(here, '../../../shared/datasets');
const REF = join(DATA, 'fashion-mnist');
const N = Number(process.env.TUNE_N ?? 60000);
const Q = Number(process.env.TUNE_Q ?? 1000);
const TARGET = Number(process.env.TUNE_TARGET ?? 0.95);
const BUDGET_MIN = Number(process.env.TUNE_BUDGET_MIN ?? 7);
const MAX_BUILDS = Number(process.env.TUNE_MAX_BUILDS ?? 6);
const OUT = process.env.TUNE_OUT ?? '/tmp/annlab-tune-fashion-mnist';
const ALGORITHMS = ['hnsw', 'rpforest', 'ivfpq'];
const K = 10;

async function dataset(): Promise<Awaited<ReturnType<typeof resolveDataset>>> {
  const opts: Parameters<typeof resolveDataset>[1] = { k: K, maxQueries: Q, onProgress: (m) => console.error(m) };
  if (N < 60000) opts.maxBase = N;
  return resolveDataset(REF, opts);
}

async function runTune(algorithm: string): Promise<void> {
  const ds = await dataset();
  const t0 = performance.now();
  const result = await tune(ds, {
    algorithms: [algorithm],
    targetRecall: TARGET,
    k: K,
    budgetSeconds: BUDGET_MIN * 60,
    maxBuilds: MAX_BUILDS,
    onProgress: (m) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${m}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const a = result.algorithms[0];
  const usage = { [algorithm]: a.chosen === null ? null : tuneUsage(algorithm, a.chosen, ds.dim, ds.metric, K, REF, N < 60000 ? N : undefined) };
  const dir = join(OUT, algorithm);
  await writeTune(dir, result, usage);
  writeFileSync(join(dir, 'wall.json'), JSON.stringify({ seconds, n: ds.base.length / ds.dim, queries: ds.queries.length / ds.dim }));
  console.log(tuneTable(result));
  console.log(a.message);
  for (const n of a.notes) console.log(`note: ${n}`);
  for (const b of a.builds) console.log(`${b.status} ${paramsLabel(b.build)} ${b.buildSeconds?.toFixed(1) ?? '-'} s ${b.reason} ${b.sweeps.map((s) => `[${paramsLabel(s.fixed)} ${s.param}=${s.value} r=${s.recall.toFixed(4)} evals=${s.sweep.length}]`).join(' ')}`);
  console.log(`wall ${seconds.toFixed(1)} s`);
}

async function runSuiteStep(): Promise<void> {
  const ds = await dataset();
  const suite = loadSuite('fashion-mnist');
  suite.queries = Q;
  const run = await runSuite(suite, ds, {
    only: ALGORITHMS,
    onEvent: (e) => {
      if (e.type === 'search-done') console.error(`${e.algorithm} ${paramsLabel(e.search)}: recall ${e.result.recall.toFixed(4)} ${e.result.qps.toFixed(0)} QPS`);
      if (e.type === 'build-done') console.error(`${e.algorithm} ${paramsLabel(e.build)} built in ${e.seconds.toFixed(1)} s`);
    },
  });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'suite.jsonl'), toJsonLines(run.results));
  console.log(`suite ${run.totalSeconds.toFixed(1)} s`);
}

function report(): void {
  const suiteFile = process.env.TUNE_SUITE_RESULTS ?? join(OUT, 'suite.jsonl');
  const suite = parseJsonLines(readFileSync(suiteFile, 'utf8'));
  console.log(`suite points from ${suiteFile}`);
  const rows: string[][] = [['algorithm', 'tune wall s', 'builds', 'tune: chosen build', 'search', 'recall tune / held out', 'QPS', 'suite: best point ≥ target', 'recall', 'QPS']];
  for (const algorithm of ALGORITHMS) {
    let result: TuneResult;
    let wall: { seconds: number };
    try {
      result = JSON.parse(readFileSync(join(OUT, algorithm, 'tune.json'), 'utf8')) as TuneResult;
      wall = JSON.parse(readFileSync(join(OUT, algorithm, 'wall.json'), 'utf8')) as { seconds: number };
    } catch {
      continue;
    }
    const a = result.algorithms[0];
    const c = a.chosen ?? a.best;
    const reaching = suite.filter((r) => r.algorithm === algorithm && r.recall >= TARGET).sort((x, y) => y.qps - x.qps);
    const s = reaching[0];
    rows.push([
      algorithm,
      wall.seconds.toFixed(0),
      String(a.builds.filter((b) => b.status === 'measured').length),
      c === null ? '-' : paramsLabel(c.build),
      c === null ? '-' : paramsLabel(c.search),
      c === null ? '-' : `${c.tuneRecall.toFixed(4)} / ${c.heldOutRecall.toFixed(4)}`,
      c === null ? '-' : formatQps(c.qps),
      s === undefined ? 'none' : `${paramsLabel(s.build)} ${paramsLabel(s.search)}`,
      s === undefined ? '-' : s.recall.toFixed(4),
      s === undefined ? '-' : formatQps(s.qps),
    ]);
  }
  console.log(textTable(rows));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'tune' && arg !== undefined) await runTune(arg);
else if (mode === 'suite') await runSuiteStep();
else if (mode === 'report') report();
else {
  console.error('usage: tune.ts tune <hnsw|rpforest|ivfpq> | suite | report');
  process.exitCode = 2;
}
