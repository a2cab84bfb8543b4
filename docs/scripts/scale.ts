/**
 * `pnpm docs:scale`: how build time, memory and speed grow with the number of vectors — the
 * cost growth a user plans with. Runs the same algorithms, with the same parameters, on the
 * same seeded 128-d clustered data at several sizes (default 100k, 300k and 1M vectors; the
 * 1,000 queries do not depend on n, see @annlab/datasets' synthetic generator), through
 * @annlab/bench's `runSuite` (the harness `annlab bench` uses), and writes
 * docs/figures/scale.svg, docs/figures/scale.json and the table between the
 * `<!-- scale:begin -->` / `<!-- scale:end -->` markers of docs/scale.md.
 *
 * Run it alone (it times builds and queries; the 1M step takes tens of minutes):
 *
 *     flock /tmp/annlab-cpu.lock pnpm docs:scale
 *
 * Options: `--sizes 100000,300000` (the n values), `--threads N` (build threads for the
 * algorithms that take a `threads` option), `--out <dir>` (default docs/figures; the guide is
 * only rewritten when `--out` is not given).
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatBytes,
  formatQps,
  formatSeconds,
  paramsLabel,
  renderSvg,
  resolveDataset,
  runSuite,
  summarize,
  type ResultLine,
  type Suite,
  type SuiteRun,
} from '@annlab/bench';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== '--');
function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const sizes = (option('--sizes') ?? '100000,300000,1000000').split(',').map(Number);
const threads = Number(option('--threads') ?? '1');
const outOption = option('--out');
const outDir = outOption ?? resolve(here, '../figures');
for (const n of sizes) {
  if (!Number.isInteger(n) || n < 1000) {
    process.stderr.write(`docs:scale: --sizes takes integers ≥ 1000, got ${n}\n`);
    process.exit(2);
  }
}

/** The seeded data at size n: 128-d Gaussian clusters (100 of them) on a 16-d latent space, 1,000 queries. */
function dataRef(n: number): string {
  return `synthetic:n=${n},dim=128,clusters=100,intrinsic=16,queries=1000,seed=1,metric=euclidean`;
}

/**
 * The same runs at every size: parameters a user would start from, and hnswlib beside HNSW
 * (its own Python binding, which builds on `--threads` threads as annlab's HNSW does).
 */
const RUNS: SuiteRun[] = [
  { algorithm: 'hnsw', build: { M: 16, efConstruction: 100 }, search: { efSearch: [10, 20, 40, 80, 160, 320] } },
  { algorithm: 'hnswlib', build: { M: 16, efConstruction: 100 }, search: { efSearch: [10, 20, 40, 80, 160, 320] } },
  { algorithm: 'ivfflat', build: { nlist: 1024, niter: 10 }, search: { nprobe: [4, 8, 16, 32, 64] } },
  { algorithm: 'rpforest', build: { nTrees: 20 }, search: { searchK: [2000, 8000, 32000] } },
];

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};
const t0 = performance.now();
const all: ResultLine[] = [];
for (const n of sizes) {
  const ref = dataRef(n);
  log(`docs:scale: n = ${n}: loading ${ref} (ground truth from the flat index, cached)`);
  const ds = await resolveDataset(ref, { k: 10, onProgress: (m) => log(`  ${m}`) });
  const suite: Suite = { name: `scale-${n}`, dataset: ref, k: 10, repeats: 3, runs: RUNS };
  const out = await runSuite(suite, ds, {
    repeats: 3,
    threads,
    onEvent: (e) => {
      if (e.type === 'build-done') log(`  ${e.algorithm} ${paramsLabel(e.build)} built in ${e.seconds.toFixed(1)} s`);
    },
  });
  for (const err of out.errors) log(`  error: ${err.algorithm}: ${err.message}`);
  for (const s of out.skipped) log(`  skipped: ${s.algorithm}: ${s.reason}`);
  all.push(...out.results);
}

/** One row per (algorithm, n): build seconds, index bytes, peak RSS during the build, QPS at 0.9 / 0.95. */
interface ScaleRow {
  algorithm: string;
  n: number;
  buildSeconds: number;
  indexBytes: number | null;
  peakRssBuildBytes: number | null;
  qps90: number | null;
  qps95: number | null;
}
const rows: ScaleRow[] = [];
for (const n of sizes) {
  for (const s of summarize(all.filter((r) => r.nBase === n))) {
    const ref = s.reference as ResultLine & { peakRssBuildBytes?: number };
    rows.push({
      algorithm: s.algorithm,
      n,
      buildSeconds: ref.buildSeconds,
      indexBytes: ref.indexBytes,
      peakRssBuildBytes: ref.peakRssBuildBytes ?? null,
      qps90: s.qpsAt[0] ?? null,
      qps95: s.qpsAt[1] ?? null,
    });
  }
}

const table = [
  '| algorithm | n | build s | index | peak RSS (build) | QPS @ 0.90 | QPS @ 0.95 |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.algorithm} | ${r.n.toLocaleString('en-US')} | ${formatSeconds(r.buildSeconds)} | ${formatBytes(r.indexBytes)} | ${formatBytes(r.peakRssBuildBytes)} | ${formatQps(r.qps90)} | ${formatQps(r.qps95)} |`,
  ),
].join('\n');

/** Three panels against n (log–log): build time, index bytes, QPS at recall 0.9. */
const long = rows.flatMap((r) => [
  { algorithm: r.algorithm, n: r.n, measure: 'build seconds', value: r.buildSeconds },
  ...(r.indexBytes === null ? [] : [{ algorithm: r.algorithm, n: r.n, measure: 'index MB', value: r.indexBytes / 1e6 }]),
  ...(r.qps90 === null ? [] : [{ algorithm: r.algorithm, n: r.n, measure: 'QPS at recall 0.9', value: r.qps90 }]),
]);
const svg = await renderSvg({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: { text: 'Cost against the number of vectors (128-d clustered, k = 10)', subtitle: 'one thread, one query at a time' },
  data: { values: long },
  facet: { column: { field: 'measure', type: 'nominal', title: null, sort: ['build seconds', 'index MB', 'QPS at recall 0.9'] } },
  spec: {
    width: 220,
    height: 200,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'n', type: 'quantitative', scale: { type: 'log' }, title: 'vectors (n)' },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: null },
      color: { field: 'algorithm', type: 'nominal' },
    },
  },
  resolve: { scale: { y: 'independent' } },
} as Parameters<typeof renderSvg>[0]);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'scale.svg'), svg);
const seconds = (performance.now() - t0) / 1000;
writeFileSync(
  join(outDir, 'scale.json'),
  `${JSON.stringify({ sizes, threads, runs: RUNS, environment: all[0]?.environment ?? null, seconds, rows }, null, 1)}\n`,
);
if (outOption === undefined) {
  const guide = resolve(here, '../scale.md');
  const text = readFileSync(guide, 'utf8');
  const block = `<!-- scale:begin -->\n<!-- generated by docs/scripts/scale.ts (pnpm docs:scale); do not edit by hand -->\n\n![build time, index size and QPS at recall 0.9 against n](figures/scale.svg)\n\n${table}\n\nMeasured in ${seconds.toFixed(0)} s; sizes ${sizes.join(', ')}; build threads ${threads}.\n<!-- scale:end -->`;
  writeFileSync(guide, text.replace(/<!-- scale:begin -->[\s\S]*?<!-- scale:end -->/, block));
}
log(`docs:scale: wrote scale.svg and scale.json to ${outDir} in ${seconds.toFixed(0)} s`);
process.stdout.write(`${table}\n`);
