/**
 * The one interface every benchmarked algorithm goes through, annlab's own indexes and
 * native peers alike (ann-benchmarks' `BaseANN`: fit, set_query_arguments, query,
 * batch_query, get_memory_usage). The harness owns the clock and the scoring; an adapter
 * only builds and answers.
 *
 * @module
 */
import type { Metric, SearchStats } from '@annlab/core';
import type { ThreadPool } from '@annlab/threads';
import type { Params } from '../suite.js';

/** What an adapter gets to build from. */
export interface BuildInput {
  /** Base vectors, `n × dim` row-major. */
  base: Float32Array;
  /** Number of base vectors. */
  n: number;
  /** Vector dimension. */
  dim: number;
  /** Distance to search by. */
  metric: Metric;
  /** Seed for the build's randomness. */
  seed: number;
  /**
   * Build progress, passed on to the index's `add(vectors, { onProgress })` where the
   * algorithm reports it (core's `AddOptions`); adapters that cannot report ignore it.
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Threads the build may use (`annlab bench --threads`); adapters whose index has a
   * `threads` build option pass it on, the others build on one thread and report
   * {@link BuiltIndex.buildThreads} 1. @defaultValue 1
   */
  threads?: number;
}

/**
 * A prepared searcher for one search-parameter setting over one query set. Creating it may
 * copy or convert the queries (outside the clock); `one` and `batch` are what is timed.
 */
export interface Searcher {
  /** Search query `q` alone and write its k ids to `outIds[outOff .. outOff + k)` (−1 padding). */
  one(q: number, outIds: Int32Array, outOff: number): void;
  /** Search all queries in one call (the library's batch path) into `outIds` (`nq × k`). */
  batch(outIds: Int32Array): void;
}

/** What an externally timed searcher (a subprocess) reports for one parameter setting. */
export interface ExternalMeasurement {
  /** Returned ids, `nq × k`. */
  ids: Int32Array;
  /** Per-query latencies of the best run, milliseconds. */
  latenciesMs: Float64Array;
  /** One-query-at-a-time QPS of the best run. */
  qps: number;
  /** Batch QPS of the best run. */
  batchQps: number;
}

/** A built index, ready to be searched with different parameters. */
export interface BuiltIndex {
  /**
   * A searcher for one parameter setting. When `stats` is given the searches count their
   * work into it (annlab's instrumented path); adapters that cannot count ignore it.
   */
  searcher(queries: Float32Array, nq: number, k: number, params: Params, stats?: SearchStats): Searcher;
  /**
   * Bytes the index uses, recorded as `indexBytes`, or null when unknown. annlab indexes:
   * `usedBytes()` when the index offers it (what it stores, no spare capacity), else
   * `memoryBytes()`; peers: the size of their saved index file.
   */
  memoryBytes(): number | null;
  /**
   * Bytes allocated, spare capacity included (annlab: `memoryBytes()` of an index that also
   * offers `usedBytes()`), recorded as `capacityBytes`; absent or null when it is not known
   * apart from {@link BuiltIndex.memoryBytes}.
   */
  capacityBytes?(): number | null;
  /**
   * Build seconds measured by the adapter itself (a subprocess timing its own build, without
   * start-up and transfer); when absent the harness's clock around `build` is used.
   */
  readonly buildSeconds?: number;
  /** True when `searcher(..., stats)` fills distance computations. */
  readonly countsDistances: boolean;
  /**
   * For indexes living in another process: run warm-up, timed single-query runs and the
   * batch run there, keeping the best of `repeats`. When present the harness uses it
   * instead of timing `searcher` itself.
   */
  measure?(queries: Float32Array, nq: number, k: number, params: Params, repeats: number): Promise<ExternalMeasurement>;
  /** Threads the build actually used (absent: 1). */
  readonly buildThreads?: number;
  /**
   * Batch search on `pool`'s threads (`annlab bench --batch`): untimed calls for the
   * one-query path's warm-up time (workers load the index and compile the search path), then
   * `repeats` timed calls of all queries; resolves with the best queries per second. Absent for indexes that cannot search on the pool (peers).
   */
  threadedBatchQps?(pool: ThreadPool, queries: Float32Array, nq: number, k: number, params: Params, repeats: number): Promise<number>;
  /** The index as an annlab file, when the algorithm supports it. */
  serialize?(): Uint8Array;
  /** Free native or subprocess resources. */
  dispose?(): Promise<void> | void;
}

/**
 * What a peer's binding costs per query outside the search itself, measured once per run:
 * the time of a k-NN call on a one-point index of the same dimension (for bindings that take
 * `number[]` this is mostly converting the query inside the native call).
 */
export interface BindingCost {
  /** The query type the binding takes (`number[]`, `Float32Array`). */
  queryType: string;
  /** Median microseconds per call on a one-point index; null when not measured (typed-array bindings). */
  microsPerQuery: number | null;
  /** One line for the report. */
  note: string;
}

/** An algorithm the harness can run. */
export interface AlgorithmAdapter {
  /** The name used in suites (`hnsw`, `pca+hnsw`, `hnswlib-node`, ...). */
  readonly name: string;
  /** `annlab` for this project's indexes, `native` for peers. */
  readonly kind: 'annlab' | 'native';
  /**
   * Null when the algorithm can run here; otherwise one line saying why not (package not
   * installed, Python FAISS missing) so the harness can skip it.
   */
  unavailableReason(): Promise<string | null>;
  /** Build an index over `input` with one build-parameter setting (the harness times this). */
  build(input: BuildInput, params: Params): Promise<BuiltIndex>;
  /**
   * Measure the binding's per-query cost apart from searching (see {@link BindingCost}),
   * once per run, on `queries` (`nq × dim`). Adapters of in-process annlab indexes omit it.
   */
  bindingCost?(queries: Float32Array, nq: number, dim: number, k: number): Promise<BindingCost>;
}
