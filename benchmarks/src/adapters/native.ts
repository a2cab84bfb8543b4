/**
 * Peers through the same adapter interface: hnswlib-node (hnswlib's own C++), annoy
 * (Spotify's C++), usearch, and the pure-TypeScript `hnsw` npm package (suite name
 * `hnsw-npm`, since `hnsw` is annlab's own). They are optional: when one is not installed
 * or does not load on this platform the harness skips it with one line.
 *
 * Fairness notes, stated once:
 * - Queries are converted to each library's input type (number[] or Float32Array) when the
 *   searcher is prepared, outside the clock. hnswlib-node and annoy still copy each
 *   `number[]` query into a native vector inside the timed call (tens of µs at d = 784):
 *   their adapters measure that once per run ({@link measureBindingCost}, a k-NN call on a
 *   one-point index) and the report shows it beside their rows. usearch and `hnsw` take
 *   `Float32Array` queries and pay no such conversion.
 * - hnswlib-node, annoy and `hnsw` have no batch call, and usearch's is broken in 2.17.1
 *   (see `UsearchSearcher.batch`); their "batch" loops one query at a time.
 * - `hnsw` draws its levels with `Math.random` (no seed), its `addPoint` is async, and it
 *   has no binary format: its index bytes are the length of its `toJSON()` text.
 * - usearch sets `expansion_search` at construction; the adapter saves the built graph once
 *   and reloads it into an index constructed with each swept value. usearch's `add` runs on
 *   all cores (its binding has no thread setting), so its build time is multi-threaded while
 *   every other build here is single-threaded.
 * - Index bytes for peers are the size of their saved index file.
 *
 * @module
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnlabError, Rng, type Metric } from '@annlab/core';
import type { Params } from '../suite.js';
import { percentile } from '../timing.js';
import type { AlgorithmAdapter, BindingCost, BuildInput, BuiltIndex, Searcher } from './adapter.js';

const require = createRequire(import.meta.url);

function tryRequire(name: string): { mod: unknown } | { reason: string } {
  try {
    return { mod: require(name) as unknown };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    return { reason: `${name} is not installed or did not load (${msg}); install it with \`pnpm add -O ${name}\` in benchmarks/` };
  }
}

function numberParam(params: Params, key: string, fallback: number): number {
  const v = params[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new AnnlabError('INVALID_PARAMETER', `parameter ${key} must be a number, got ${JSON.stringify(v)}.`);
  return v;
}

function checkKnown(params: Params, known: readonly string[], where: string): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw new AnnlabError('INVALID_PARAMETER', `${where} has no parameter "${key}"; known: ${known.join(', ')}.`);
  }
}

function tempFile(prefix: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), `annlab-${prefix}-`));
  return { dir, file: join(dir, 'index.bin') };
}

function rowsAsArrays(x: Float32Array, n: number, dim: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(x.subarray(i * dim, (i + 1) * dim)));
  return out;
}

function copyIds(src: ArrayLike<number>, k: number, outIds: Int32Array, outOff: number): void {
  const m = Math.min(k, src.length);
  for (let j = 0; j < m; j++) outIds[outOff + j] = src[j];
  for (let j = m; j < k; j++) outIds[outOff + j] = -1;
}

/**
 * Median microseconds of `call(q)` over the queries (after a warm-up of the same calls):
 * the binding's per-query cost on a one-point index, where the search itself is trivial.
 */
export function measureBindingCost(call: (q: number) => void, nq: number): number {
  const n = Math.max(1, nq);
  for (let q = 0; q < Math.min(n, 50); q++) call(q % nq);
  const us = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const t0 = process.hrtime.bigint();
    call(q % nq);
    us[q] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return percentile(us, 50);
}

const TYPED_QUERIES: BindingCost = {
  queryType: 'Float32Array',
  microsPerQuery: null,
  note: 'takes Float32Array queries: no per-query conversion inside the timed call',
};

// ---------------------------------------------------------------- hnswlib-node

interface HnswlibIndex {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  addPoint(point: number[], label: number): void;
  searchKnn(query: number[], k: number): { neighbors: number[]; distances: number[] };
  setEf(ef: number): void;
  writeIndexSync(file: string): void;
}
type HnswlibCtor = new (space: string, dim: number) => HnswlibIndex;

class HnswlibSearcher implements Searcher {
  private readonly index: HnswlibIndex;
  private readonly rows: number[][];
  private readonly k: number;
  constructor(index: HnswlibIndex, rows: number[][], k: number) {
    this.index = index;
    this.rows = rows;
    this.k = k;
  }
  one(q: number, outIds: Int32Array, outOff: number): void {
    copyIds(this.index.searchKnn(this.rows[q], this.k).neighbors, this.k, outIds, outOff);
  }
  batch(outIds: Int32Array): void {
    for (let q = 0; q < this.rows.length; q++) this.one(q, outIds, q * this.k);
  }
}

/** hnswlib-node: build `M`, `efConstruction`; search `efSearch`. */
export class HnswlibAdapter implements AlgorithmAdapter {
  readonly name = 'hnswlib-node';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    const r = tryRequire('hnswlib-node');
    return 'reason' in r ? r.reason : null;
  }

  /** Median µs of `searchKnn(number[], k)` on a one-point index: the query's conversion inside the native call. */
  async bindingCost(queries: Float32Array, nq: number, dim: number, k: number): Promise<BindingCost> {
    const r = tryRequire('hnswlib-node');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const Ctor = (r.mod as { HierarchicalNSW: HnswlibCtor }).HierarchicalNSW;
    const index = new Ctor('l2', dim);
    index.initIndex(1, 16, 200, 1);
    index.addPoint(Array.from(queries.subarray(0, dim)), 0);
    const rows = rowsAsArrays(queries, nq, dim);
    const us = measureBindingCost((q) => index.searchKnn(rows[q], Math.min(k, 1)), nq);
    return {
      queryType: 'number[]',
      microsPerQuery: us,
      note: `number[] queries are copied into a native vector inside the timed call: ${us.toFixed(1)} µs per query on a one-point index (d = ${dim}), included in its QPS`,
    };
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    checkKnown(params, ['M', 'efConstruction'], 'hnswlib-node');
    const r = tryRequire('hnswlib-node');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const Ctor = (r.mod as { HierarchicalNSW: HnswlibCtor }).HierarchicalNSW;
    const space = input.metric === 'euclidean' ? 'l2' : input.metric === 'cosine' ? 'cosine' : 'ip';
    const index = new Ctor(space, input.dim);
    index.initIndex(input.n, numberParam(params, 'M', 16), numberParam(params, 'efConstruction', 200), input.seed);
    const dim = input.dim;
    for (let i = 0; i < input.n; i++) index.addPoint(Array.from(input.base.subarray(i * dim, (i + 1) * dim)), i);
    let bytes: number | null = null;
    return {
      countsDistances: false,
      searcher(queries: Float32Array, nq: number, k: number, sp: Params): Searcher {
        checkKnown(sp, ['efSearch'], 'hnswlib-node search');
        index.setEf(Math.max(k, numberParam(sp, 'efSearch', 10)));
        return new HnswlibSearcher(index, rowsAsArrays(queries, nq, dim), k);
      },
      memoryBytes(): number | null {
        if (bytes === null) {
          const t = tempFile('hnswlib');
          try {
            index.writeIndexSync(t.file);
            bytes = statSync(t.file).size;
          } finally {
            rmSync(t.dir, { recursive: true, force: true });
          }
        }
        return bytes;
      },
    };
  }
}

// ---------------------------------------------------------------- annoy

interface AnnoyIndex {
  addItem(i: number, v: number[]): void;
  build(nTrees: number): boolean;
  getNNsByVector(v: number[], n: number, searchK: number, includeDistances: boolean): number[];
  save(file: string): boolean;
  unload(): void;
}
type AnnoyCtor = new (dim: number, metric: string) => AnnoyIndex;

class AnnoySearcher implements Searcher {
  private readonly index: AnnoyIndex;
  private readonly rows: number[][];
  private readonly k: number;
  private readonly searchK: number;
  constructor(index: AnnoyIndex, rows: number[][], k: number, searchK: number) {
    this.index = index;
    this.rows = rows;
    this.k = k;
    this.searchK = searchK;
  }
  one(q: number, outIds: Int32Array, outOff: number): void {
    copyIds(this.index.getNNsByVector(this.rows[q], this.k, this.searchK, false), this.k, outIds, outOff);
  }
  batch(outIds: Int32Array): void {
    for (let q = 0; q < this.rows.length; q++) this.one(q, outIds, q * this.k);
  }
}

/** annoy (Spotify, via the `annoy` npm binding): build `nTrees`; search `searchK` (−1 = Annoy's default n·nTrees). Euclidean and cosine only. */
export class AnnoyAdapter implements AlgorithmAdapter {
  readonly name = 'annoy';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    const r = tryRequire('annoy');
    return 'reason' in r ? r.reason : null;
  }

  /** Median µs of `getNNsByVector(number[], ...)` on a one-point index: the query's conversion inside the native call. */
  async bindingCost(queries: Float32Array, nq: number, dim: number, _k: number): Promise<BindingCost> {
    const r = tryRequire('annoy');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const index = new (r.mod as AnnoyCtor)(dim, 'Euclidean');
    index.addItem(0, Array.from(queries.subarray(0, dim)));
    index.build(1);
    const rows = rowsAsArrays(queries, nq, dim);
    const us = measureBindingCost((q) => index.getNNsByVector(rows[q], 1, -1, false), nq);
    index.unload();
    return {
      queryType: 'number[]',
      microsPerQuery: us,
      note: `number[] queries are copied into a native vector inside the timed call: ${us.toFixed(1)} µs per query on a one-point index (d = ${dim}), included in its QPS`,
    };
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    checkKnown(params, ['nTrees'], 'annoy');
    if (input.metric === 'inner-product')
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'the annoy binding supports euclidean and cosine (Angular) only.');
    const r = tryRequire('annoy');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const Ctor = r.mod as AnnoyCtor;
    const index = new Ctor(input.dim, metricName(input.metric));
    const dim = input.dim;
    for (let i = 0; i < input.n; i++) index.addItem(i, Array.from(input.base.subarray(i * dim, (i + 1) * dim)));
    index.build(numberParam(params, 'nTrees', 10));
    let bytes: number | null = null;
    return {
      countsDistances: false,
      searcher(queries: Float32Array, nq: number, k: number, sp: Params): Searcher {
        checkKnown(sp, ['searchK'], 'annoy search');
        return new AnnoySearcher(index, rowsAsArrays(queries, nq, dim), k, numberParam(sp, 'searchK', -1));
      },
      memoryBytes(): number | null {
        if (bytes === null) {
          const t = tempFile('annoy');
          try {
            index.save(t.file);
            bytes = statSync(t.file).size;
          } finally {
            rmSync(t.dir, { recursive: true, force: true });
          }
        }
        return bytes;
      },
      dispose(): void {
        // Saving mmaps the file into the index; nothing else to free explicitly.
      },
    };
  }
}

function metricName(metric: Metric): string {
  return metric === 'cosine' ? 'Angular' : 'Euclidean';
}

// ---------------------------------------------------------------- usearch

interface UsearchIndex {
  add(keys: BigUint64Array, vectors: Float32Array): void;
  search(vectors: Float32Array, k: number): { keys: BigUint64Array };
  save(path: string): void;
  load(path: string): void;
}
interface UsearchConfig {
  dimensions: number;
  metric: string;
  quantization: string;
  connectivity: number;
  expansion_add: number;
  expansion_search: number;
  multi: boolean;
}
type UsearchCtor = new (config: UsearchConfig) => UsearchIndex;

class UsearchSearcher implements Searcher {
  private readonly index: UsearchIndex;
  private readonly views: Float32Array[];
  private readonly k: number;
  constructor(index: UsearchIndex, queries: Float32Array, nq: number, dim: number, k: number) {
    this.index = index;
    this.k = k;
    this.views = [];
    for (let q = 0; q < nq; q++) this.views.push(queries.slice(q * dim, (q + 1) * dim));
  }
  one(q: number, outIds: Int32Array, outOff: number): void {
    const keys = this.index.search(this.views[q], this.k).keys;
    const m = Math.min(this.k, keys.length);
    for (let j = 0; j < m; j++) outIds[outOff + j] = Number(keys[j]);
    for (let j = m; j < this.k; j++) outIds[outOff + j] = -1;
  }
  batch(outIds: Int32Array): void {
    // Not usearch's batched call: in usearch 2.17.1 its binding writes query i's results at
    // offset i * dim instead of i * k, overflowing the output when dim > k.
    for (let q = 0; q < this.views.length; q++) this.one(q, outIds, q * this.k);
  }
}

/** usearch: build `M` (connectivity), `efConstruction` (expansion_add); search `efSearch` (expansion_search). */
export class UsearchAdapter implements AlgorithmAdapter {
  readonly name = 'usearch';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    const r = tryRequire('usearch');
    return 'reason' in r ? r.reason : null;
  }

  /** usearch takes typed arrays: nothing to measure, said once in the report. */
  async bindingCost(): Promise<BindingCost> {
    return TYPED_QUERIES;
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    checkKnown(params, ['M', 'efConstruction'], 'usearch');
    const r = tryRequire('usearch');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const Ctor = (r.mod as { Index: UsearchCtor }).Index;
    const config: UsearchConfig = {
      dimensions: input.dim,
      metric: input.metric === 'euclidean' ? 'l2sq' : input.metric === 'cosine' ? 'cos' : 'ip',
      quantization: 'f32',
      connectivity: numberParam(params, 'M', 16),
      expansion_add: numberParam(params, 'efConstruction', 128),
      expansion_search: 64,
      multi: false,
    };
    const index = new Ctor(config);
    const keys = new BigUint64Array(input.n);
    for (let i = 0; i < input.n; i++) keys[i] = BigInt(i);
    index.add(keys, input.base.slice(0, input.n * input.dim));
    const t = tempFile('usearch');
    index.save(t.file);
    const bytes = statSync(t.file).size;
    // One loaded copy at a time: the graph is as large as the data.
    let current: { ef: number; index: UsearchIndex } | null = null;
    return {
      countsDistances: false,
      searcher(queries: Float32Array, nq: number, k: number, sp: Params): Searcher {
        checkKnown(sp, ['efSearch'], 'usearch search');
        const ef = numberParam(sp, 'efSearch', 64);
        if (current === null || current.ef !== ef) {
          current = null;
          const ix = new Ctor({ ...config, expansion_search: ef });
          ix.load(t.file);
          current = { ef, index: ix };
        }
        return new UsearchSearcher(current.index, queries, nq, input.dim, k);
      },
      memoryBytes(): number {
        return bytes;
      },
      dispose(): void {
        current = null;
        rmSync(t.dir, { recursive: true, force: true });
      },
    };
  }
}

// ---------------------------------------------------------------- hnsw (npm, pure TypeScript)

interface HnswNpmIndex {
  addPoint(id: number, vector: Float32Array): Promise<void>;
  searchKNN(query: Float32Array, k: number, options?: { efSearch?: number }): { id: number; score: number }[];
  toJSON(): unknown;
}
type HnswNpmCtor = new (M: number, efConstruction: number, d: number, metric: string) => HnswNpmIndex;

class HnswNpmSearcher implements Searcher {
  private readonly index: HnswNpmIndex;
  private readonly views: Float32Array[];
  private readonly k: number;
  private readonly options: { efSearch: number };
  constructor(index: HnswNpmIndex, queries: Float32Array, nq: number, dim: number, k: number, efSearch: number) {
    this.index = index;
    this.k = k;
    this.options = { efSearch };
    this.views = [];
    for (let q = 0; q < nq; q++) this.views.push(queries.slice(q * dim, (q + 1) * dim));
  }
  one(q: number, outIds: Int32Array, outOff: number): void {
    const found = this.index.searchKNN(this.views[q], this.k, this.options);
    const m = Math.min(this.k, found.length);
    for (let j = 0; j < m; j++) outIds[outOff + j] = found[j].id;
    for (let j = m; j < this.k; j++) outIds[outOff + j] = -1;
  }
  batch(outIds: Int32Array): void {
    for (let q = 0; q < this.views.length; q++) this.one(q, outIds, q * this.k);
  }
}

/** The `hnsw` npm package (pure TypeScript, suite name `hnsw-npm`): build `M`, `efConstruction`; search `efSearch`. Euclidean and cosine only. */
export class HnswNpmAdapter implements AlgorithmAdapter {
  readonly name = 'hnsw-npm';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    const r = tryRequire('hnsw');
    return 'reason' in r ? r.reason : null;
  }

  /** The `hnsw` package takes typed arrays: nothing to measure, said once in the report. */
  async bindingCost(): Promise<BindingCost> {
    return TYPED_QUERIES;
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    checkKnown(params, ['M', 'efConstruction'], 'hnsw-npm');
    if (input.metric === 'inner-product')
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'the hnsw package supports euclidean and cosine only.');
    const r = tryRequire('hnsw');
    if ('reason' in r) throw new AnnlabError('NOT_FOUND', r.reason);
    const Ctor = (r.mod as { HNSW: HnswNpmCtor }).HNSW;
    const index = new Ctor(numberParam(params, 'M', 16), numberParam(params, 'efConstruction', 200), input.dim, input.metric);
    const dim = input.dim;
    // The package draws node levels with Math.random: a seeded stand-in for the build makes
    // the peer's graph, and so its recall, the same on every run (restored afterwards).
    const rng = new Rng(input.seed);
    const unseeded = Math.random;
    Math.random = () => rng.nextDouble();
    try {
      for (let i = 0; i < input.n; i++) await index.addPoint(i, input.base.subarray(i * dim, (i + 1) * dim));
    } finally {
      Math.random = unseeded;
    }
    let bytes: number | null = null;
    return {
      countsDistances: false,
      searcher(queries: Float32Array, nq: number, k: number, sp: Params): Searcher {
        checkKnown(sp, ['efSearch'], 'hnsw-npm search');
        return new HnswNpmSearcher(index, queries, nq, dim, k, Math.max(k, numberParam(sp, 'efSearch', 10)));
      },
      memoryBytes(): number {
        bytes ??= JSON.stringify(index.toJSON()).length;
        return bytes;
      },
    };
  }
}
