/**
 * hnswlib and Annoy round trips on Fashion-MNIST (data suite), 1,000 queries, k = 10.
 * annlab builds an index and exports it; the native library (hnswlib through /usr/bin/python3
 * and scripts/hnswlib-check.py, Annoy through the npm `annoy` binding) loads the file and
 * answers the queries at the same ef / search_k. The native library builds its own index and
 * saves it; annlab loads the file and answers the same queries. The agreement printed is the
 * fraction of (query, rank) slots holding the same id. Each library is skipped with one line
 * when it is not installed. HNSW builds use the first 20,000 base vectors (annlab's
 * single-threaded build of all 60,000 takes minutes); Annoy uses all 60,000.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnistDir, readIdxImages } from '@annlab/test-kit/datasets';
import type { Metric } from '@annlab/core';
import { HnswIndex } from '@annlab/hnsw';
import { RpForestIndex } from '@annlab/rpforest';
import { exportAnnoy, exportHnswlib, hnswlibSpace, importAnnoy, importHnswlib } from '../src/index.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../scripts/hnswlib-check.py', import.meta.url));
const hasHnswlib = spawnSync(PYTHON, ['-c', 'import hnswlib, numpy'], { stdio: 'ignore' }).status === 0;
if (!hasHnswlib)
  console.log('interop hnswlib data tests skipped: /usr/bin/python3 cannot import hnswlib (apt-get install python3-hnswlib)');
type AnnoyNative = {
  addItem(i: number, v: number[]): void;
  build(n: number): boolean;
  save(f: string): boolean;
  load(f: string): boolean;
  getNNsByVector(v: number[], n: number, searchK: number, d: boolean): number[];
};
let Annoy: (new (dim: number, metric: string) => AnnoyNative) | null = null;
try {
  Annoy = createRequire(fileURLToPath(new URL('../../../benchmarks/package.json', import.meta.url)))('annoy');
} catch {
  console.log('interop Annoy data tests skipped: the optional npm package annoy is not installed');
}

const DIM = 784;
const NQ = 1000;
const K = 10;

const base = readIdxImages(join(fashionMnistDir(), 'train-images-idx3-ubyte.gz'), 60000).data;
const queries = readIdxImages(join(fashionMnistDir(), 't10k-images-idx3-ubyte.gz'), NQ).data;
const dir = mkdtempSync(join(tmpdir(), 'annlab-interop-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function python(args: string[]): void {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hnswlib-check.py ${args[0]} failed: ${r.stderr}`);
}

describe.skipIf(!hasHnswlib)('hnswlib on Fashion-MNIST (20,000 × 784, 1,000 queries)', () => {
  const N = 20000;
  const sub = base.subarray(0, N * DIM);
  const qFile = join(dir, 'q.f32');
  writeFileSync(qFile, queries);
  const EF = 64;
  for (const metric of ['euclidean', 'cosine'] as Metric[]) {
    const space = hnswlibSpace(metric);
    it(`${metric}: hnswlib answers an annlab file like annlab`, () => {
      const ix = new HnswIndex({ dim: DIM, metric, M: 12, efConstruction: 64, seed: 1 });
      ix.add(sub);
      const file = join(dir, `annlab-${space}.bin`);
      writeFileSync(file, exportHnswlib(ix));
      const out = join(dir, `labels-${space}.i64`);
      python(['search', file, space, String(DIM), qFile, String(K), String(EF), out]);
      const native = Array.from(new BigInt64Array(readFileSync(out).buffer.slice(0)), Number);
      const ours = ix.search(queries, K, { efSearch: EF }).ids;
      const a = agreement(ours, native);
      console.log(`hnswlib ${space}: annlab-written file, agreement ${a.toFixed(4)} at ef ${EF}`);
      expect(a).toBeGreaterThanOrEqual(0.99);
    }, 600_000);
    it(`${metric}: annlab answers an hnswlib file like hnswlib`, () => {
      const bFile = join(dir, 'b.f32');
      writeFileSync(bFile, sub);
      const file = join(dir, `native-${space}.bin`);
      python(['build', bFile, space, String(DIM), '12', '64', file]);
      const out = join(dir, `labels-native-${space}.i64`);
      python(['search', file, space, String(DIM), qFile, String(K), String(EF), out]);
      const native = Array.from(new BigInt64Array(readFileSync(out).buffer.slice(0)), Number);
      const { index, labels } = importHnswlib(new Uint8Array(readFileSync(file)), { metric });
      expect(labels).toBeNull();
      const a = agreement(index.search(queries, K, { efSearch: EF }).ids, native);
      console.log(`hnswlib ${space}: hnswlib-written file, agreement ${a.toFixed(4)} at ef ${EF}`);
      expect(a).toBeGreaterThanOrEqual(0.99);
    }, 600_000);
  }
});

describe.skipIf(Annoy === null)('Annoy on Fashion-MNIST (60,000 × 784, 1,000 queries)', () => {
  const N = 60000;
  const rows = Array.from({ length: NQ }, (_, q) => Array.from(queries.subarray(q * DIM, (q + 1) * DIM)));
  const SEARCH_K = 3000;
  for (const [metric, name] of [
    ['euclidean', 'Euclidean'],
    ['cosine', 'Angular'],
  ] as [Metric, string][]) {
    it(`${metric}: Annoy answers an annlab file like annlab`, () => {
      const ix = new RpForestIndex({ dim: DIM, metric, nTrees: 10, seed: 1 });
      ix.add(base);
      const file = join(dir, `annlab-${name}.ann`);
      writeFileSync(file, exportAnnoy(ix));
      const native = new Annoy!(DIM, name);
      expect(native.load(file)).toBe(true);
      const got = rows.flatMap((v) => native.getNNsByVector(v, K, SEARCH_K, false));
      const a = agreement(ix.search(queries, K, { searchK: SEARCH_K }).ids, got);
      console.log(`annoy ${name}: annlab-written file, agreement ${a.toFixed(4)} at search_k ${SEARCH_K}`);
      expect(a).toBeGreaterThanOrEqual(0.99);
    }, 600_000);
    it(`${metric}: annlab answers an Annoy file like Annoy`, () => {
      const native = new Annoy!(DIM, name);
      for (let i = 0; i < N; i++) native.addItem(i, Array.from(base.subarray(i * DIM, (i + 1) * DIM)));
      native.build(10);
      const file = join(dir, `native-${name}.ann`);
      native.save(file);
      const got = rows.flatMap((v) => native.getNNsByVector(v, K, SEARCH_K, false));
      const ix = importAnnoy(new Uint8Array(readFileSync(file)), { metric, dim: DIM });
      const a = agreement(ix.search(queries, K, { searchK: SEARCH_K }).ids, got);
      console.log(`annoy ${name}: Annoy-written file, agreement ${a.toFixed(4)} at search_k ${SEARCH_K}`);
      expect(a).toBeGreaterThanOrEqual(0.99);
    }, 600_000);
  }
});
