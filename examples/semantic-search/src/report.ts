/**
 * Measures the example's index against exact search: recall@10 of the gloss index (HNSW,
 * cosine) against a {@link FlatIndex} over the same sentence vectors, on the 1,000 WordNet
 * glosses held out of the index (unseen sentences), and the latency of one query at a time
 * for each (index search only, and end to end: embed the text + search).
 *
 * Recall follows ann-benchmarks: a returned id counts when its distance is at most the true
 * 10th distance + 1e-3.
 *
 * ```
 * pnpm --filter @annlab/example-semantic-search report [--ef 16,32,64,128] [--cache DIR]
 * ```
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { FlatIndex } from '@annlab/flat';
import { SemanticSearch } from './semantic-search.js';

const K = 10;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Latency summary in milliseconds. */
interface Latency {
  mean: number;
  p50: number;
  p95: number;
}

function summarize(ms: Float64Array): Latency {
  const sorted = Float64Array.from(ms).sort();
  let sum = 0;
  for (let i = 0; i < ms.length; i++) sum += ms[i]!;
  return { mean: sum / ms.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

/** Time `run(i)` for every query i, one at a time, after one warm-up pass over the first 100. */
function timeEach(n: number, run: (i: number) => void): Float64Array {
  for (let i = 0; i < Math.min(n, 100); i++) run(i);
  const ms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    run(i);
    ms[i] = performance.now() - t;
  }
  return ms;
}

function main(): void {
  let cache = fileURLToPath(new URL('../.cache', import.meta.url));
  let efs = [16, 32, 64, 128, 256];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cache') cache = argv[++i] ?? cache;
    else if (argv[i] === '--ef') efs = (argv[++i] ?? '').split(',').map(Number);
  }
  const search = SemanticSearch.open(cache, { onProgress: (m) => console.log(`[index] ${m}`) });
  const dim = search.embedder.dim;
  const texts = search.heldOut.map((s) => s.definition);
  const nq = texts.length;
  const queries = search.embedAll(texts);

  const t0 = performance.now();
  const flat = new FlatIndex({ dim, metric: 'cosine' });
  flat.add(search.embedAll(search.synsets.map((s) => s.definition)));
  console.log(`[flat] ${flat.size} sentence vectors embedded and added in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const truth = flat.search(queries, K);

  const lines: string[] = [];
  lines.push(
    `${nq} held-out WordNet glosses as queries, ${search.synsets.length} glosses indexed, k=${K}, one query at a time (Node ${process.version})`,
  );
  lines.push('');
  lines.push('| index | recall@10 | search mean ms | search p95 ms | embed+search mean ms | embed+search p95 ms |');
  lines.push('|---|---|---|---|---|---|');

  const q1 = new Float32Array(dim);
  const row = (i: number): Float32Array => queries.subarray(i * dim, (i + 1) * dim);
  const flatSearch = summarize(timeEach(nq, (i) => void flat.search(row(i), K)));
  const flatEnd = summarize(
    timeEach(nq, (i) => {
      search.embedder.embedInto(texts[i] as string, q1, 0);
      flat.search(q1, K);
    }),
  );
  const fmt = (x: number): string => x.toFixed(3);
  lines.push(`| flat (exact) | 1.000 | ${fmt(flatSearch.mean)} | ${fmt(flatSearch.p95)} | ${fmt(flatEnd.mean)} | ${fmt(flatEnd.p95)} |`);

  for (const ef of efs) {
    const got = search.searchVectors(queries, K, { efSearch: ef });
    let hit = 0;
    for (let i = 0; i < nq; i++) {
      const kth = truth.distances[i * K + K - 1]!;
      for (let j = 0; j < K; j++) if (got.distances[i * K + j]! <= kth + 1e-3) hit++;
    }
    const recall = hit / (nq * K);
    const s = summarize(timeEach(nq, (i) => void search.searchVectors(row(i), K, { efSearch: ef })));
    const e = summarize(
      timeEach(nq, (i) => {
        search.embedder.embedInto(texts[i] as string, q1, 0);
        search.searchVectors(q1, K, { efSearch: ef });
      }),
    );
    lines.push(
      `| ${search.settings.indexKind} M=${search.settings.M} efC=${search.settings.efConstruction} efSearch=${ef} | ${recall.toFixed(3)} | ${fmt(s.mean)} | ${fmt(s.p95)} | ${fmt(e.mean)} | ${fmt(e.p95)} |`,
    );
  }
  console.log(`\n${lines.join('\n')}`);
}

main();
