/**
 * The harness loop, ann-benchmarks style: for each algorithm × build configuration, build
 * once (timed, with the index's bytes and the process's resident-memory growth), then sweep
 * the search parameters. Each sweep point gets
 *
 * 1. the same warm-up for every algorithm, then `repeats` timed passes of one query at a time
 *    on this thread, keeping the fastest (QPS = queries / summed query time; latency
 *    percentiles from that pass) — {@link timeQueries}, shared with `annlab query`;
 * 2. `repeats` timed batch calls (the library's own batch path), keeping the fastest;
 * 3. after the timing, an instrumented pass (annlab indexes) counting distance computations
 *    per query (never before it: it would be an extra warm-up peers do not get);
 * 4. recall@k by ann-benchmarks' threshold rule and by id overlap, on the returned ids.
 *
 * With `threads` > 1 ({@link RunOptions.threads}, `annlab bench --threads N`), builds that
 * run on a worker pool (the forest's trees, HNSW's inserts, IVF's k-means) or whose index has a `threads`
 * option get N threads (the others build on one thread; each line records `buildThreads`), and with `batch` (`--batch`, ann-benchmarks' batch mode) each sweep point
 * also times a batch search on N threads (`@annlab/threads`' `searchBatch`) beside the
 * one-query single-thread QPS: `threadedBatchQps`. Peak resident memory is sampled after each
 * build and each sweep point from `process.resourceUsage().maxRSS`: it is the process's peak
 * so far (worker threads included), so it never decreases across a run; a run's first build
 * gives the cleanest figure.
 *
 * Index bytes are what the index uses ({@link BuiltIndex.memoryBytes}: an annlab index's
 * `usedBytes()` where it has one), with the allocation kept apart as `capacityBytes`. Peers
 * whose binding takes `number[]` queries get their per-query conversion cost measured once
 * per run ({@link BenchmarkRun.bindingCosts}) and shown beside their rows.
 *
 * A run that names a prebuilt index file (`SuiteRun.index`) loads it instead of building:
 * the load is timed as `buildSeconds`, the same sweep, timing and scoring follow, and every
 * result line records the file and its format ({@link ResultLine.loaded}). The loader is
 * {@link RunOptions.loadIndex} (annlab files by default; the CLI adds hnswlib, Annoy, FAISS).
 *
 * @module
 */
import { AnnlabError, SearchStats, isAnnlabError } from '@annlab/core';
import type { AlgorithmAdapter, BindingCost, BuiltIndex } from './adapters/adapter.js';
import { BuiltAnnlabIndex } from './adapters/annlab.js';
import { createAdapter } from './adapters/registry.js';
import { createThreadPool } from '@annlab/threads';
import type { BenchDataset } from './dataset.js';
import { collectEnvironment, type Environment } from './environment.js';
import { annlabAlgorithmOf, loadAnnlabIndexFile, type IndexFileLoader } from './index-file.js';
import { paretoFlags } from './pareto.js';
import { idOverlapRecall, kthDistances, rowDistances, thresholdRecall } from './recall.js';
import { FILE_ALGORITHM, expandGrid, type Params, type Suite, type SuiteRun } from './suite.js';
import { WARMUP_QUERIES, nowMs, summarizeLatency, timeQueries, type Latency } from './timing.js';

/** One measured sweep point: one JSON line of results.jsonl. */
export interface ResultLine {
  /** Always `'result'`. */
  type: 'result';
  /** Suite name. */
  suite: string;
  /** Dataset name. */
  dataset: string;
  /** Algorithm name as in the suite (its `label` when the suite gives one). */
  algorithm: string;
  /** The adapter that ran it (the suite's `algorithm`). */
  implementation: string;
  /** `annlab` or `native`. */
  kind: 'annlab' | 'native';
  /** Build parameters. */
  build: Params;
  /** Search parameters. */
  search: Params;
  /** Neighbours per query. */
  k: number;
  /** Number of queries. */
  queries: number;
  /** Number of base vectors. */
  nBase: number;
  /** Vector dimension. */
  dim: number;
  /** Metric. */
  metric: string;
  /** Threshold recall@k (ann-benchmarks' rule), in [0, 1]. */
  recall: number;
  /** Plain id-overlap recall@k, in [0, 1]. */
  recallIdOverlap: number;
  /** Queries per second, one query at a time on one thread (best run). */
  qps: number;
  /** Queries per second of one batched call (best run). */
  batchQps: number;
  /** Per-query latency percentiles of the best one-at-a-time run, milliseconds. */
  latencyMs: Latency;
  /** Seconds to build this configuration (construct + add, including training). */
  buildSeconds: number;
  /** Bytes the index uses (annlab: `usedBytes()` where offered, else `memoryBytes()`; peers: saved file size), null when unknown. */
  indexBytes: number | null;
  /** Bytes allocated including spare capacity, when the index reports it apart from `indexBytes`; else null. */
  capacityBytes: number | null;
  /** Growth of the process's resident set during the build, bytes (noisy; 0 when it shrank). */
  rssGrowthBytes: number;
  /**
   * The process's peak resident set after the build, bytes (`resourceUsage().maxRSS`): the
   * peak so far in this process, not this build's alone (it never decreases within a run).
   */
  peakRssBuildBytes: number;
  /** The process's peak resident set after this point's searches, bytes (peak so far, as above). */
  peakRssBytes: number;
  /** Threads of the run (`--threads`; 1 by default). */
  threads: number;
  /** Threads the build used: `threads` for indexes with a `threads` build option, else 1. */
  buildThreads: number;
  /**
   * Queries per second of a batch search on `threads` threads (`--batch`: `searchBatch` of
   * `@annlab/threads`, best of `repeats` after an untimed call); null without `--batch`, and
   * for peers, which have no threaded batch path here.
   */
  threadedBatchQps: number | null;
  /** Distance computations per query (annlab's instrumented path), null for peers. */
  distanceComputations: number | null;
  /** Graph hops or tree nodes per query where counted, else null. */
  hops: number | null;
  /** Timed repetitions (best kept). */
  repeats: number;
  /** True when this point is on its algorithm's recall/QPS Pareto front. */
  pareto: boolean;
  /**
   * Present when the index was loaded from a file instead of built (`SuiteRun.index`): then
   * `buildSeconds` is the load time and `build` holds `{ file, format }`.
   */
  loaded?: {
    /** The index file, as the suite named it. */
    file: string;
    /** Its format: `annlab`, `hnswlib`, `annoy` or `faiss`. */
    format: string;
  };
  /** Where it ran. */
  environment: Environment;
}

/** An algorithm that was not run, and why. */
export interface SkippedAlgorithm {
  /** Algorithm name. */
  algorithm: string;
  /** One line for the user. */
  reason: string;
}

/** A build or search that failed. */
export interface RunError {
  /** Algorithm name. */
  algorithm: string;
  /** Build parameters. */
  build: Params;
  /** Search parameters, when the failure was in a search. */
  search?: Params;
  /** The error message. */
  message: string;
}

/** Everything a run produced. */
export interface BenchmarkRun {
  /** Suite name. */
  suite: string;
  /** Dataset summary. */
  dataset: {
    /** Dataset name. */
    name: string;
    /** Metric searched by. */
    metric: string;
    /** Vector dimension. */
    dim: number;
    /** Base vectors indexed. */
    nBase: number;
    /** Queries run. */
    queries: number;
    /** Neighbours per query. */
    k: number;
  };
  /** Where it ran. */
  environment: Environment;
  /** One line per sweep point. */
  results: ResultLine[];
  /** Algorithms not run. */
  skipped: SkippedAlgorithm[];
  /** Failed builds and searches. */
  errors: RunError[];
  /** Wall time of the whole run, seconds. */
  totalSeconds: number;
  /** Per-query binding costs of the peers that were run, by algorithm name (see {@link BindingCost}). */
  bindingCosts: Record<string, BindingCost>;
}

/** Progress events, for terminals and logs. */
export type RunEvent =
  | {
      /** An algorithm is not run. */
      type: 'skip';
      /** Its name. */
      algorithm: string;
      /** Why (not installed, unknown, ...). */
      reason: string;
    }
  | {
      /** A build starts. */
      type: 'build-start';
      /** Algorithm name. */
      algorithm: string;
      /** Build parameters. */
      build: Params;
      /** 0-based number of this build among the algorithm's builds. */
      buildIndex: number;
      /** Builds of this algorithm. */
      buildTotal: number;
    }
  | {
      /** Build progress reported by the index (only for indexes that report it). */
      type: 'build-progress';
      /** Algorithm name. */
      algorithm: string;
      /** Build parameters. */
      build: Params;
      /** Work done so far (vectors added, as the index counts it). */
      done: number;
      /** Total work of the build. */
      total: number;
    }
  | {
      /** A build finished. */
      type: 'build-done';
      /** Algorithm name. */
      algorithm: string;
      /** Build parameters. */
      build: Params;
      /** Build wall time, seconds. */
      seconds: number;
      /** Bytes the index uses, or null when unknown. */
      indexBytes: number | null;
      /** Bytes allocated (spare capacity included), when reported apart; else null. */
      capacityBytes: number | null;
    }
  | {
      /** One sweep point was measured. */
      type: 'search-done';
      /** Algorithm name. */
      algorithm: string;
      /** Build parameters. */
      build: Params;
      /** Search parameters of the point. */
      search: Params;
      /** Points done so far for this build. */
      done: number;
      /** Points in this build's sweep. */
      total: number;
      /** The measured line. */
      result: ResultLine;
    }
  | {
      /** A build or search failed. */
      type: 'error';
      /** Algorithm name. */
      algorithm: string;
      /** Build parameters. */
      build: Params;
      /** Search parameters, when a search failed. */
      search?: Params;
      /** The error message. */
      message: string;
    };

/** Options for {@link runSuite}. */
export interface RunOptions {
  /** Override the suite's `repeats`. */
  repeats?: number;
  /** Queries answered (untimed) before the timed passes, at least; the warm-up then continues for up to a second of searching (never beyond one pass over the queries). @defaultValue 20 */
  warmupQueries?: number;
  /** Run only these algorithms (names as in the suite). */
  only?: string[];
  /** Progress callback. */
  onEvent?: (event: RunEvent) => void;
  /** Environment to record (default: collected now). */
  environment?: Environment;
  /** Adapter factory (tests inject their own). @defaultValue {@link createAdapter} */
  adapterFor?: (name: string) => AlgorithmAdapter;
  /**
   * Called once per build, after the build is timed and before its sweep, with the built
   * index (e.g. to run an extra check such as hnswlib's efConstruction test); not timed.
   */
  onBuilt?: (built: BuiltIndex, info: { algorithm: string; build: Params }) => Promise<void> | void;
  /**
   * Threads for builds that accept a `threads` option and for the `batch` measurement.
   * @defaultValue 1
   */
  threads?: number;
  /**
   * Also time a batch search on `threads` threads at every sweep point (annlab indexes),
   * recorded as `threadedBatchQps`. @defaultValue false
   */
  batch?: boolean;
  /**
   * Loads the index file of a run that names one (`SuiteRun.index`), with the dataset's metric
   * and dimension. @defaultValue {@link loadAnnlabIndexFile} (annlab files only)
   */
  loadIndex?: IndexFileLoader;
}

/** A run's index, built or loaded, ready for its sweep. */
interface PreparedIndex {
  built: BuiltIndex;
  buildSeconds: number;
  /** Name in results: the run's label, or for a loaded file `<algorithm> (<format> file)`. */
  name: string;
  /** The adapter or loaded algorithm behind it. */
  implementation: string;
  kind: 'annlab' | 'native';
  /** Build parameters recorded (for a loaded file: `{ file, format }`). */
  build: Params;
  /** Dataset ids of the index's ids (hnswlib labels), or null. */
  labels: Float64Array | null;
  /** Search settings the file carries, under the sweep's own. */
  fileParams: Params;
  loaded: { file: string; format: string } | undefined;
}

/**
 * Load and check the index file of `run` (see `SuiteRun.index`), timing the load. Throws an
 * `AnnlabError` when the file does not load, holds another algorithm than the run names, or
 * does not match the dataset's dimension and size.
 */
async function loadRunIndex(
  run: SuiteRun,
  file: string,
  loader: IndexFileLoader,
  dataset: BenchDataset,
  nBase: number,
  seed: number,
): Promise<PreparedIndex> {
  const t0 = nowMs();
  const loaded = await loader(file, { metric: dataset.metric, dim: dataset.dim, seed });
  const buildSeconds = (nowMs() - t0) / 1000;
  const index = loaded.index;
  const algorithm = annlabAlgorithmOf(index) ?? FILE_ALGORITHM;
  if (run.algorithm !== FILE_ALGORITHM && run.algorithm !== algorithm) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${file} holds a ${algorithm} index (${loaded.format} file), not ${run.algorithm}; name it "algorithm": "${algorithm}" or "${FILE_ALGORITHM}".`,
    );
  }
  if (index.metric !== dataset.metric) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${file} holds a ${index.metric} index but dataset ${dataset.name} is searched by ${dataset.metric}; its recall would mean nothing.`,
    );
  }
  if (index.dim !== dataset.dim) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `${file} holds an index of dim ${index.dim} but dataset ${dataset.name} has dim ${dataset.dim}; load it with the dataset it was built from.`,
    );
  }
  if (index.size !== nBase) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${file} holds ${index.size} vectors but dataset ${dataset.name} has ${nBase} base vectors; use the same maxBase (--max-base) the index was built with.`,
    );
  }
  return {
    built: new BuiltAnnlabIndex(index),
    buildSeconds,
    name: run.label ?? `${algorithm} (${loaded.format} file)`,
    implementation: algorithm,
    kind: 'annlab',
    build: { file, format: loaded.format },
    labels: loaded.labels,
    fileParams: loaded.params,
    loaded: { file, format: loaded.format },
  };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') g();
}

function rss(): number {
  return process.memoryUsage().rss;
}

/** The process's peak resident set so far, bytes (`maxRSS` is in kilobytes). */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function message(e: unknown): string {
  return isAnnlabError(e) || e instanceof Error ? e.message : String(e);
}

interface PointMeasure {
  ids: Int32Array;
  latenciesMs: Float64Array;
  qps: number;
  batchQps: number;
  threadedBatchQps: number | null;
  distanceComputations: number | null;
  hops: number | null;
}

async function measurePoint(
  built: BuiltIndex,
  queries: Float32Array,
  nq: number,
  k: number,
  params: Params,
  repeats: number,
  warmup: number,
): Promise<PointMeasure> {
  if (built.measure !== undefined) {
    const m = await built.measure(queries, nq, k, params, repeats);
    return { ...m, threadedBatchQps: null, distanceComputations: null, hops: null };
  }
  const scratch = new Int32Array(nq * k);
  const ids = new Int32Array(nq * k);
  const s = built.searcher(queries, nq, k, params);
  const timing = timeQueries((q, pass) => s.one(q, pass === 0 ? ids : scratch, q * k), nq, { warmupQueries: warmup, repeats });
  let bestBatch = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = nowMs();
    s.batch(scratch);
    bestBatch = Math.min(bestBatch, nowMs() - t0);
  }
  // Counting pass after the timing, so it is not an extra warm-up only annlab indexes get.
  let distanceComputations: number | null = null;
  let hops: number | null = null;
  if (built.countsDistances) {
    const stats = new SearchStats();
    const c = built.searcher(queries, nq, k, params, stats);
    for (let q = 0; q < nq; q++) c.one(q, scratch, q * k);
    distanceComputations = stats.distanceComputations / nq;
    hops = stats.hops > 0 ? stats.hops / nq : null;
  }
  return {
    ids,
    latenciesMs: timing.latenciesMs,
    qps: timing.qps,
    batchQps: nq / (Math.max(bestBatch, 1e-9) / 1000),
    threadedBatchQps: null,
    distanceComputations,
    hops,
  };
}

function bytesOf(read: (() => number | null) | undefined): number | null {
  if (read === undefined) return null;
  try {
    const v = read();
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** Run a suite on a resolved dataset. Failures of one build or search are recorded, never thrown. */
export async function runSuite(suite: Suite, dataset: BenchDataset, options: RunOptions = {}): Promise<BenchmarkRun> {
  const started = nowMs();
  const environment = options.environment ?? collectEnvironment();
  const emit = options.onEvent ?? (() => {});
  const adapterFor = options.adapterFor ?? createAdapter;
  const k = suite.k ?? 10;
  const repeats = options.repeats ?? suite.repeats ?? 2;
  const warmup = options.warmupQueries ?? WARMUP_QUERIES;
  const seed = suite.seed ?? 42;
  const dim = dataset.dim;
  const nBase = dataset.base.length / dim;
  let queries = dataset.queries;
  let nq = queries.length / dim;
  if (suite.queries !== undefined && suite.queries < nq) {
    nq = suite.queries;
    queries = queries.subarray(0, nq * dim);
  }
  if (dataset.groundTruth === undefined || dataset.groundTruthK < k) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `dataset ${dataset.name} has ${dataset.groundTruthK} ground-truth columns, fewer than k = ${k}; resolve it with resolveDataset(..., { k }).`,
    );
  }
  const gt = dataset.groundTruth;
  const gtK = dataset.groundTruthK;
  const kth = kthDistances(gt, gtK, nq, k, queries, dataset.base, dim, dataset.metric);
  const suiteName = suite.name ?? 'suite';
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new AnnlabError('INVALID_PARAMETER', `threads must be an integer ≥ 1, got ${String(threads)}.`);
  }
  // One pool for the whole run (workers start once); only --batch with several threads needs it.
  const pool = options.batch === true && threads > 1 ? createThreadPool({ threads }) : null;

  const results: ResultLine[] = [];
  const skipped: SkippedAlgorithm[] = [];
  const errors: RunError[] = [];
  const bindingCosts: Record<string, BindingCost> = {};
  const runs =
    options.only === undefined
      ? suite.runs
      : suite.runs.filter((r) => options.only?.includes(r.label ?? r.algorithm) === true || options.only?.includes(r.algorithm) === true);

  /** Record one built or loaded index (timings known), then sweep `run`'s search grid over it and free it. */
  const sweep = async (run: SuiteRun, p: PreparedIndex, rssGrowthBytes: number, peakRssBuildBytes: number): Promise<void> => {
    const { built, buildSeconds, name, build } = p;
    const searches = expandGrid(run.search);
    const indexBytes = bytesOf(() => built.memoryBytes());
    const capacityBytes = bytesOf(built.capacityBytes?.bind(built));
    emit({ type: 'build-done', algorithm: name, build, seconds: buildSeconds, indexBytes, capacityBytes });
    if (options.onBuilt !== undefined) {
      try {
        await options.onBuilt(built, { algorithm: name, build });
      } catch (e) {
        errors.push({ algorithm: name, build, message: message(e) });
        emit({ type: 'error', algorithm: name, build, message: message(e) });
      }
    }
    const hasFileParams = Object.keys(p.fileParams).length > 0;
    for (let s = 0; s < searches.length; s++) {
      // A file's own search settings (FAISS nprobe) apply unless the sweep sets them.
      const search = hasFileParams ? { ...p.fileParams, ...searches[s] } : searches[s];
      let m: PointMeasure;
      try {
        m = await measurePoint(built, queries, nq, k, search, repeats, warmup);
        if (options.batch === true) {
          // threads === 1: the batch is the library's own single-thread batch call.
          m.threadedBatchQps =
            threads === 1
              ? m.batchQps
              : pool !== null && built.threadedBatchQps !== undefined
                ? await built.threadedBatchQps(pool, queries, nq, k, search, repeats)
                : null;
        }
      } catch (e) {
        errors.push({ algorithm: name, build, search, message: message(e) });
        emit({ type: 'error', algorithm: name, build, search, message: message(e) });
        continue;
      }
      // hnswlib files carry their own labels: score the dataset ids they stand for.
      const labels = p.labels;
      if (labels !== null) for (let i = 0; i < m.ids.length; i++) if (m.ids[i] >= 0) m.ids[i] = labels[m.ids[i]];
      const dists = rowDistances(m.ids, nq, k, queries, dataset.base, dim, dataset.metric);
      const line: ResultLine = {
        type: 'result',
        suite: suiteName,
        dataset: dataset.name,
        algorithm: name,
        implementation: p.implementation,
        kind: p.kind,
        build,
        search,
        k,
        queries: nq,
        nBase,
        dim,
        metric: dataset.metric,
        recall: thresholdRecall(m.ids, dists, nq, k, kth).mean,
        recallIdOverlap: idOverlapRecall(m.ids, nq, k, gt, gtK).mean,
        qps: m.qps,
        batchQps: m.batchQps,
        latencyMs: summarizeLatency(m.latenciesMs),
        buildSeconds,
        indexBytes,
        capacityBytes,
        rssGrowthBytes,
        peakRssBuildBytes,
        peakRssBytes: peakRss(),
        threads,
        buildThreads: built.buildThreads ?? 1,
        threadedBatchQps: m.threadedBatchQps,
        distanceComputations: m.distanceComputations,
        hops: m.hops,
        repeats,
        pareto: false,
        // Only loaded runs carry `loaded`; built runs' lines keep their shape.
        ...(p.loaded === undefined ? {} : { loaded: p.loaded }),
        environment,
      };
      results.push(line);
      emit({ type: 'search-done', algorithm: name, build, search, done: s + 1, total: searches.length, result: line });
    }
    try {
      await built.dispose?.();
    } catch {
      // Nothing useful to do about a failed cleanup.
    }
  };

  for (const run of runs) {
    if (run.index !== undefined) {
      const file = run.index;
      const pending = run.label ?? run.algorithm;
      const build: Params = { file };
      emit({ type: 'build-start', algorithm: pending, build, buildIndex: 0, buildTotal: 1 });
      gc();
      const rssBefore = rss();
      let prepared: PreparedIndex;
      try {
        prepared = await loadRunIndex(run, file, options.loadIndex ?? loadAnnlabIndexFile, dataset, nBase, seed);
      } catch (e) {
        errors.push({ algorithm: pending, build, message: message(e) });
        emit({ type: 'error', algorithm: pending, build, message: message(e) });
        continue;
      }
      await sweep(run, prepared, Math.max(0, rss() - rssBefore), peakRss());
      continue;
    }
    const name = run.label ?? run.algorithm;
    let adapter: AlgorithmAdapter;
    try {
      adapter = adapterFor(run.algorithm);
    } catch (e) {
      skipped.push({ algorithm: name, reason: message(e) });
      emit({ type: 'skip', algorithm: name, reason: message(e) });
      continue;
    }
    const reason = await adapter.unavailableReason();
    if (reason !== null) {
      skipped.push({ algorithm: name, reason });
      emit({ type: 'skip', algorithm: name, reason });
      continue;
    }
    if (adapter.bindingCost !== undefined && bindingCosts[name] === undefined) {
      try {
        bindingCosts[name] = await adapter.bindingCost(queries, nq, dim, k);
      } catch {
        // A binding that cannot run the probe still runs the suite; the report says nothing.
      }
    }
    const builds = expandGrid(run.build);
    for (let b = 0; b < builds.length; b++) {
      const build = builds[b];
      emit({ type: 'build-start', algorithm: name, build, buildIndex: b, buildTotal: builds.length });
      gc();
      const rssBefore = rss();
      let built: BuiltIndex;
      let buildSeconds: number;
      try {
        const t0 = nowMs();
        const onProgress = (done: number, total: number): void => emit({ type: 'build-progress', algorithm: name, build, done, total });
        built = await adapter.build({ base: dataset.base, n: nBase, dim, metric: dataset.metric, seed, onProgress, threads }, build);
        buildSeconds = built.buildSeconds ?? (nowMs() - t0) / 1000;
      } catch (e) {
        errors.push({ algorithm: name, build, message: message(e) });
        emit({ type: 'error', algorithm: name, build, message: message(e) });
        continue;
      }
      const rssGrowthBytes = Math.max(0, rss() - rssBefore);
      const peakRssBuildBytes = peakRss();
      await sweep(
        run,
        {
          built,
          buildSeconds,
          name,
          implementation: run.algorithm,
          kind: adapter.kind,
          build,
          labels: null,
          fileParams: {},
          loaded: undefined,
        },
        rssGrowthBytes,
        peakRssBuildBytes,
      );
    }
  }
  await pool?.close();
  markPareto(results);
  return {
    suite: suiteName,
    dataset: { name: dataset.name, metric: dataset.metric, dim, nBase, queries: nq, k },
    environment,
    results,
    skipped,
    errors,
    totalSeconds: (nowMs() - started) / 1000,
    bindingCosts,
  };
}

/** Set each line's `pareto` flag: on the recall/QPS front of its algorithm (across its builds). */
export function markPareto(results: ResultLine[]): void {
  const flags = paretoFlags(results, (r) => r.algorithm);
  for (let i = 0; i < results.length; i++) results[i].pareto = flags[i];
}
