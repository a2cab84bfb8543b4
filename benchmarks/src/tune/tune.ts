/**
 * `tune`: the fastest parameters reaching a target recall, per algorithm (FAISS's
 * `ParameterSpace::explore` / autotune idea, faiss/AutoTune.h, carried across annlab's
 * algorithms).
 *
 * 1. The queries are split, seeded, into a tuning half and a held-out half. Every choice is
 *    made on the tuning half; the held-out half only reports (so the answer is not fitted
 *    to the queries it is judged on).
 * 2. Build configurations come from a per-algorithm space ({@link TuneSpace}), the library
 *    defaults first, then in a seeded random order, at most `maxBuilds` builds. A
 *    configuration is skipped without building when a measured one proves it cannot help:
 *    its index would exceed `maxMemoryBytes` (by a lower-bound estimate, or because a
 *    configuration no larger was already over), or a configuration no smaller never reached
 *    the target even at the most exhaustive search setting.
 * 3. Each build is made once and reused: the search parameter (efSearch, searchK, nprobe) is
 *    found by galloping + bisection ({@link smallestReaching}) on recall over the tuning
 *    half, once per value of the secondary parameters (ivfpq's rerank).
 * 4. The bisected point, a few points below it and one above it (a margin) are measured by
 *    the harness itself (`runSuite`: warm-up, timed single-query passes, batch pass, recall
 *    by ann-benchmarks' rule) on the held-out half; those lines give the Pareto front and
 *    the QPS.
 * 5. The chosen configuration is the one with the highest measured QPS among those reaching
 *    the target on both halves: the tuning half proposes (bisection), the held-out half
 *    confirms among a handful of candidates. When no candidate is confirmed, the fastest one
 *    reaching the target on the tuning half is returned with status `held-out-short`.
 *
 * Recall for the bisection uses the harness's scoring (`rowDistances`, `kthDistances`,
 * `thresholdRecall`) on the adapter's batch searcher; nothing is timed there.
 *
 * @module
 */
import { AnnlabError, Rng, isAnnlabError } from '@annlab/core';
import type { AlgorithmAdapter, BuiltIndex } from '../adapters/adapter.js';
import { createAdapter } from '../adapters/registry.js';
import type { BenchDataset } from '../dataset.js';
import { collectEnvironment, type Environment } from '../environment.js';
import { kthDistances, rowDistances, thresholdRecall } from '../recall.js';
import { markPareto, runSuite, type ResultLine } from '../runner.js';
import { expandGrid, paramsLabel, type Params, type SuiteRun } from '../suite.js';
import { nowMs } from '../timing.js';
import { smallestReaching, type SweepPoint } from './bisect.js';
import { defaultTuneSpace, noLargerThan, spaceConfigurations, type TuneSpace } from './space.js';

/** Options of {@link tune}. */
export interface TuneOptions {
  /** Algorithms to tune (`hnsw`, `rpforest`, `ivfflat`, `ivfpq`, `pca+hnsw`, ...). */
  algorithms: readonly string[];
  /** Recall@k to reach, in (0, 1]. */
  targetRecall: number;
  /** Neighbours per query. @defaultValue 10 */
  k?: number;
  /**
   * Wall-time budget for the whole call, seconds, shared equally by the algorithms (each gets
   * an equal part of what is left when it starts); no new build or evaluation starts after an
   * algorithm's share. A build or held-out timing already under way finishes, so a run can
   * overrun by about one build. @defaultValue no limit
   */
  budgetSeconds?: number;
  /** Largest index allowed, bytes (`memoryBytes()`); larger configurations are excluded. @defaultValue no limit */
  maxMemoryBytes?: number;
  /** Seed of the query split, the configuration order and every build. @defaultValue 42 */
  seed?: number;
  /** Fraction of the queries held out for reporting. @defaultValue 0.5 */
  heldOutFraction?: number;
  /** Most builds per algorithm. @defaultValue 6 */
  maxBuilds?: number;
  /** Timed repetitions per measured point (best kept). @defaultValue 2 */
  repeats?: number;
  /** Points measured per bisection (the bisected one and the nearest below it). @defaultValue 3 */
  pointsPerSweep?: number;
  /** Parameter spaces replacing the defaults, by algorithm. */
  spaces?: Readonly<Record<string, TuneSpace>>;
  /** Progress lines. */
  onProgress?: (message: string) => void;
  /** Adapter factory (tests inject their own). @defaultValue {@link createAdapter} */
  adapterFor?: (name: string) => AlgorithmAdapter;
  /** Environment recorded in the result lines (default: collected now). */
  environment?: Environment;
}

/** One measured configuration (build + search). */
export interface TuneChoice {
  /** Build parameters. */
  build: Params;
  /** Search parameters. */
  search: Params;
  /** Recall@k on the tuning half. */
  tuneRecall: number;
  /** Recall@k on the held-out half (the harness's measurement). */
  heldOutRecall: number;
  /** Single-query QPS on the held-out half (best run). */
  qps: number;
  /** Index bytes. */
  indexBytes: number | null;
  /** Build seconds. */
  buildSeconds: number;
}

/** One bisection over a build (one setting of the secondary search parameters). */
export interface TuneSweep {
  /** Secondary search parameters held fixed (e.g. `{ rerank: 4 }`), `{}` when none. */
  fixed: Params;
  /** The bisected parameter. */
  param: string;
  /** Smallest value found reaching the target on the tuning half, or null. */
  value: number | null;
  /** Recall at `value` (the best measured when null). */
  recall: number;
  /** Highest recall measured in this sweep. */
  ceiling: number;
  /** True when the most exhaustive value was evaluated. */
  reachedMax: boolean;
  /** Every evaluated value with its tuning recall. */
  sweep: SweepPoint[];
  /** Monotonicity and budget notes. */
  notes: string[];
}

/** What happened to one build configuration. */
export interface TunedBuild {
  /** Build parameters. */
  build: Params;
  /**
   * `measured`: built and swept; `over-memory`: built (or estimated) above the memory limit;
   * `skipped`: excluded by a configuration already measured; `failed`: the build threw.
   */
  status: 'measured' | 'over-memory' | 'skipped' | 'failed';
  /** One line on why (for skipped, over-memory and failed builds). */
  reason: string;
  /** Build seconds, when built. */
  buildSeconds: number | null;
  /** Index bytes (measured, or the lower-bound estimate for a refused build). */
  indexBytes: number | null;
  /** Bisections run on this build. */
  sweeps: TuneSweep[];
}

/** The tuning answer for one algorithm. */
export interface AlgorithmTune {
  /** Algorithm name. */
  algorithm: string;
  /**
   * `reached`: the chosen configuration meets the target on the held-out half too;
   * `held-out-short`: it met the target on the tuning half only; `not-reached`: no
   * configuration met it (see `best`); `unavailable`: the algorithm cannot run here.
   */
  status: 'reached' | 'held-out-short' | 'not-reached' | 'unavailable';
  /** One paragraph for the user (what was chosen, or why nothing was). */
  message: string;
  /**
   * The fastest measured configuration reaching the target on both the tuning and the
   * held-out half (status `reached`); else the fastest reaching it on the tuning half only
   * (status `held-out-short`); null when none reached it.
   */
  chosen: TuneChoice | null;
  /** The highest held-out recall measured (the "best reached" when nothing met the target). */
  best: TuneChoice | null;
  /** The measured points on the held-out recall/QPS Pareto front, by increasing recall. */
  pareto: TuneChoice[];
  /** Every held-out measurement as harness result lines (`pareto` flags set). */
  results: ResultLine[];
  /** Every configuration considered, in the order tried. */
  builds: TunedBuild[];
  /** Why exploring stopped: the space was exhausted, `maxBuilds`, or the budget. */
  stoppedBy: 'space' | 'max-builds' | 'budget';
  /** Notes (monotonicity, budget, memory). */
  notes: string[];
  /** Seconds spent on this algorithm. */
  seconds: number;
}

/** Everything {@link tune} returns. */
export interface TuneResult {
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
    /** Queries in the dataset (before the split). */
    queries: number;
  };
  /** The target recall@k. */
  targetRecall: number;
  /** Neighbours per query. */
  k: number;
  /** Seed used. */
  seed: number;
  /** Queries in each half. */
  split: {
    /** Queries used for tuning. */
    tuning: number;
    /** Queries held out to check the chosen configuration. */
    heldOut: number;
  };
  /** The memory limit, bytes, or null. */
  maxMemoryBytes: number | null;
  /** The budget, seconds, or null. */
  budgetSeconds: number | null;
  /** One answer per algorithm, in the order asked. */
  algorithms: AlgorithmTune[];
  /** Wall time, seconds. */
  totalSeconds: number;
}

/** A dataset restricted to some of its queries (rows of queries and ground truth copied). */
export function selectQueries(dataset: BenchDataset, rows: Int32Array, name: string): BenchDataset {
  const dim = dataset.dim;
  const gtK = dataset.groundTruthK;
  const queries = new Float32Array(rows.length * dim);
  const gt = new Int32Array(rows.length * gtK);
  const src = dataset.groundTruth ?? new Int32Array(0);
  for (let i = 0; i < rows.length; i++) {
    queries.set(dataset.queries.subarray(rows[i] * dim, (rows[i] + 1) * dim), i * dim);
    gt.set(src.subarray(rows[i] * gtK, (rows[i] + 1) * gtK), i * gtK);
  }
  return {
    name: `${dataset.name} (${name})`,
    metric: dataset.metric,
    dim,
    base: dataset.base,
    queries,
    groundTruth: gt,
    groundTruthK: gtK,
  };
}

/**
 * A seeded split of `nq` query rows: `heldOut` = round(nq × fraction) rows (at least one),
 * the rest for tuning; both sorted.
 */
export function splitQueries(
  nq: number,
  heldOutFraction: number,
  seed: number,
): {
  /** Query rows used for tuning. */
  tuning: Int32Array;
  /** Query rows held out. */
  heldOut: Int32Array;
} {
  const perm = new Int32Array(nq);
  for (let i = 0; i < nq; i++) perm[i] = i;
  const rng = new Rng(seed);
  for (let i = nq - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const nHeld = Math.min(nq - 1, Math.max(1, Math.round(nq * heldOutFraction)));
  return { heldOut: perm.slice(0, nHeld).sort(), tuning: perm.slice(nHeld).sort() };
}

function message(e: unknown): string {
  return isAnnlabError(e) || e instanceof Error ? e.message : String(e);
}

function seededOrder<T>(items: T[], seed: number): T[] {
  // Keep the first (the defaults); shuffle the rest.
  const rest = items.slice(1);
  const rng = new Rng(seed);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = rest[i];
    rest[i] = rest[j];
    rest[j] = t;
  }
  return items.length === 0 ? [] : [items[0], ...rest];
}

/** A harness adapter that hands out one already-built index (so `runSuite` reuses it). */
function reuseAdapter(name: string, built: BuiltIndex, buildSeconds: number): AlgorithmAdapter {
  const shared: BuiltIndex = {
    searcher: (q, nq, k, p, stats) => built.searcher(q, nq, k, p, stats),
    memoryBytes: () => built.memoryBytes(),
    countsDistances: built.countsDistances,
    buildSeconds,
  };
  if (built.measure !== undefined) shared.measure = (q, nq, k, p, r) => built.measure!(q, nq, k, p, r);
  return { name, kind: 'annlab', unavailableReason: async () => null, build: async () => shared };
}

function checkOptions(options: TuneOptions, nq: number, dataset: BenchDataset, k: number): void {
  const t = options.targetRecall;
  if (!Number.isFinite(t) || t <= 0 || t > 1) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `target recall ${t} cannot be reached: recall@k lies in [0, 1]; pass a value in (0, 1], e.g. 0.95.`,
    );
  }
  if (options.algorithms.length === 0) throw new AnnlabError('INVALID_PARAMETER', 'no algorithm to tune; name one (e.g. hnsw) or all.');
  if (nq < 2)
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `tune needs at least 2 queries to split into a tuning and a held-out half; ${dataset.name} has ${nq}.`,
    );
  if (dataset.groundTruth === undefined || dataset.groundTruthK < k) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `dataset ${dataset.name} has ${dataset.groundTruthK} ground-truth columns, fewer than k = ${k}; resolve it with resolveDataset(..., { k }).`,
    );
  }
  const f = options.heldOutFraction ?? 0.5;
  if (!(f > 0 && f < 1)) throw new AnnlabError('INVALID_PARAMETER', `heldOutFraction must lie in (0, 1), got ${f}.`);
  if (options.budgetSeconds !== undefined && !(options.budgetSeconds >= 0))
    throw new AnnlabError('INVALID_PARAMETER', `budget must be ≥ 0 seconds, got ${options.budgetSeconds}.`);
  if (options.maxMemoryBytes !== undefined && !(options.maxMemoryBytes > 0))
    throw new AnnlabError('INVALID_PARAMETER', `max memory must be a positive number of bytes, got ${options.maxMemoryBytes}.`);
}

function choiceOf(line: ResultLine, tuneRecall: number): TuneChoice {
  return {
    build: line.build,
    search: line.search,
    tuneRecall,
    heldOutRecall: line.recall,
    qps: line.qps,
    indexBytes: line.indexBytes,
    buildSeconds: line.buildSeconds,
  };
}

function fmt(r: number): string {
  return r.toFixed(4);
}

// ---------------------------------------------------------------- point key

/** One point (a build setting × a search setting) as a map key; made only by {@link pointKey}. */
type PointKey = string & { readonly pointKeyBrand: true };

/**
 * The key of the point `build` × `search`. The tuning recalls found by bisection are stored
 * under it and looked up under it for the held-out result lines, whose `search` has the same
 * keys in the same order (`{ ...fixed, [bisected]: value }`, expanded by the harness).
 */
function pointKey(build: Params, search: Params): PointKey {
  return `${paramsLabel(build)}|${paramsLabel(search)}` as PointKey;
}

/** The search setting of a sweep: the secondary parameters held fixed plus the bisected one. */
function searchAt(fixed: Params, param: string, value: number): Params {
  return { ...fixed, [param]: value };
}

// ---------------------------------------------------------------- shared state

/** What tuning each algorithm shares: the data, the query split, the scoring and the limits. */
interface TuneContext {
  dataset: BenchDataset;
  heldOut: BenchDataset;
  nBase: number;
  dim: number;
  k: number;
  seed: number;
  target: number;
  maxBuilds: number;
  repeats: number;
  perSweep: number;
  maxMemory: number;
  environment: Environment;
  say: (message: string) => void;
  /** Recall@k of a built index on the tuning half (batch searcher, harness scoring, untimed). */
  recallOn: (built: BuiltIndex, params: Params) => number;
}

// ---------------------------------------------------------------- 2. pruning rules

/**
 * The pruning rules of step 2, over the configurations seen so far for one algorithm: a
 * configuration is not built when its lower-bound size is over the memory limit, when one no
 * larger was over it, or when one no smaller stayed below the target at its most exhaustive
 * search.
 */
class PruningRules {
  private readonly space: TuneSpace;
  private readonly maxMemory: number;
  private readonly nBase: number;
  private readonly dim: number;
  /** Configurations over the memory limit (estimated or measured). */
  private readonly overMemory: Params[];
  /** Configurations whose most exhaustive search stayed below the target. */
  private readonly belowTarget: Params[];

  constructor(space: TuneSpace, maxMemory: number, nBase: number, dim: number) {
    this.space = space;
    this.maxMemory = maxMemory;
    this.nBase = nBase;
    this.dim = dim;
    this.overMemory = [];
    this.belowTarget = [];
  }

  /** The record of `build` refused without building it, or null when it has to be built. */
  refuse(build: Params): TunedBuild | null {
    const estimate = this.space.estimateBytes(build, this.nBase, this.dim);
    if (estimate > this.maxMemory) {
      this.overMemory.push(build);
      return {
        build,
        status: 'over-memory',
        reason: `needs at least ${estimate} bytes (estimate), over the limit of ${this.maxMemory}`,
        buildSeconds: null,
        indexBytes: estimate,
        sweeps: [],
      };
    }
    const heavier = this.overMemory.find((o) => noLargerThan(o, build, this.space.direction));
    if (heavier !== undefined) {
      return {
        build,
        status: 'skipped',
        reason: `no smaller than ${paramsLabel(heavier)}, which is over the memory limit`,
        buildSeconds: null,
        indexBytes: null,
        sweeps: [],
      };
    }
    const weaker = this.belowTarget.find((f) => noLargerThan(build, f, this.space.direction));
    if (weaker !== undefined) {
      return {
        build,
        status: 'skipped',
        reason: `no larger than ${paramsLabel(weaker)}, which stays below the target at its most exhaustive search`,
        buildSeconds: null,
        indexBytes: null,
        sweeps: [],
      };
    }
    return null;
  }

  /** Record a built configuration found over the memory limit. */
  markOverMemory(build: Params): void {
    this.overMemory.push(build);
  }

  /** Record a configuration whose every sweep stayed below the target at its most exhaustive value. */
  markBelowTarget(build: Params): void {
    this.belowTarget.push(build);
  }
}

// ---------------------------------------------------------------- 3-4. build sweep

/**
 * Step 3 on one build: bisect the search parameter on the tuning half, once per setting of
 * the secondary parameters, recording every evaluated point's tuning recall in `tuneRecall`.
 * Returns the sweeps and, per sweep, the points to time on the held-out half (step 4): the
 * bisected value, the nearest evaluated values below it, and one margin value 25 % above it.
 */
async function sweepBuild(
  ctx: TuneContext,
  space: TuneSpace,
  build: Params,
  built: BuiltIndex,
  tuneRecall: Map<PointKey, number>,
  overBudget: () => boolean,
): Promise<{ sweeps: TuneSweep[]; runs: SuiteRun[] }> {
  const algorithm = space.algorithm;
  const primary = space.search(build);
  const sweeps: TuneSweep[] = [];
  const runs: SuiteRun[] = [];
  for (const fixed of expandGrid(space.searchExtra)) {
    const r = await smallestReaching(
      primary.name,
      (v) => ctx.recallOn(built, searchAt(fixed, primary.name, v)),
      primary.min,
      primary.max,
      ctx.target,
      overBudget,
    );
    sweeps.push({
      fixed,
      param: primary.name,
      value: r.value,
      recall: r.recall,
      ceiling: r.ceiling,
      reachedMax: r.reachedMax,
      sweep: r.sweep,
      notes: r.notes,
    });
    for (const p of r.sweep) tuneRecall.set(pointKey(build, searchAt(fixed, primary.name, p.value)), p.recall);
    // Measure the bisected value and the nearest values below it (or the best reached).
    const anchor =
      r.value ?? r.sweep.reduce((best, p) => (p.recall > best.recall ? p : best), r.sweep[0] ?? { value: primary.min, recall: 0 }).value;
    const values = r.sweep
      .filter((p) => p.value <= anchor)
      .slice(-ctx.perSweep)
      .map((p) => p.value);
    // One value 25 % above the bisected one, as a margin in case the held-out queries need it.
    if (r.value !== null && r.value < primary.max) {
      const above = Math.min(primary.max, Math.max(r.value + 1, Math.ceil(r.value * 1.25)));
      const key = pointKey(build, searchAt(fixed, primary.name, above));
      if (!tuneRecall.has(key)) tuneRecall.set(key, ctx.recallOn(built, searchAt(fixed, primary.name, above)));
      values.push(above);
    }
    if (r.sweep.length > 0) runs.push({ algorithm, build, search: { ...fixed, [primary.name]: values } });
    ctx.say(
      `${algorithm} ${paramsLabel(build)}${paramsLabel(fixed) === '' ? '' : ` ${paramsLabel(fixed)}`}: ${r.value === null ? `below target (best ${fmt(r.ceiling)})` : `${primary.name}=${r.value} reaches ${fmt(r.recall)}`}`,
    );
  }
  return { sweeps, runs };
}

/**
 * Step 4: time `runs` on the held-out half with the harness itself (warm-up, timed
 * single-query passes, batch pass, recall by ann-benchmarks' rule), reusing `built`.
 * Appends the result lines to `results` and one note per failed search to `notes`.
 */
async function timeHeldOut(
  ctx: TuneContext,
  algorithm: string,
  build: Params,
  built: BuiltIndex,
  buildSeconds: number,
  runs: SuiteRun[],
  results: ResultLine[],
  notes: string[],
): Promise<void> {
  ctx.say(
    `${algorithm} ${paramsLabel(build)}: timing ${runs.reduce((s, r) => s + expandGrid(r.search).length, 0)} points on the held-out queries`,
  );
  const run = await runSuite(
    { name: 'tune', dataset: ctx.dataset.name, k: ctx.k, repeats: ctx.repeats, seed: ctx.seed, runs },
    ctx.heldOut,
    { environment: ctx.environment, repeats: ctx.repeats, adapterFor: () => reuseAdapter(algorithm, built, buildSeconds) },
  );
  results.push(...run.results);
  for (const e of run.errors) notes.push(`search ${paramsLabel(e.search ?? {})} on ${paramsLabel(e.build)} failed: ${e.message}`);
}

// ---------------------------------------------------------------- 5. choice

/**
 * Step 5: from the held-out result lines (their `pareto` flags set), the fastest
 * configuration reaching the target on both halves (else on the tuning half only), the best
 * reached, the Pareto front, and the message for the user.
 */
function choose(
  space: TuneSpace,
  target: number,
  results: ResultLine[],
  tuneRecall: ReadonlyMap<PointKey, number>,
  builds: readonly TunedBuild[],
  stoppedBy: AlgorithmTune['stoppedBy'],
): Pick<AlgorithmTune, 'status' | 'message' | 'chosen' | 'best' | 'pareto'> {
  const algorithm = space.algorithm;
  const choices = results.map((line) => choiceOf(line, tuneRecall.get(pointKey(line.build, line.search)) ?? Number.NaN));
  let chosen: TuneChoice | null = null;
  let tuningOnly: TuneChoice | null = null;
  let best: TuneChoice | null = null;
  for (const c of choices) {
    if (c.tuneRecall >= target && c.heldOutRecall >= target && (chosen === null || c.qps > chosen.qps)) chosen = c;
    if (c.tuneRecall >= target && (tuningOnly === null || c.qps > tuningOnly.qps)) tuningOnly = c;
    if (best === null || c.heldOutRecall > best.heldOutRecall || (c.heldOutRecall === best.heldOutRecall && c.qps > best.qps)) best = c;
  }
  const pareto = choices.filter((_, i) => results[i].pareto).sort((a, b) => a.heldOutRecall - b.heldOutRecall);
  chosen ??= tuningOnly;
  if (chosen !== null) {
    const status = chosen.heldOutRecall >= target ? 'reached' : 'held-out-short';
    let text = `${algorithm} ${paramsLabel(chosen.build)} with ${paramsLabel(chosen.search)}: recall ${fmt(chosen.tuneRecall)} on the tuning queries, ${fmt(chosen.heldOutRecall)} held out, ${chosen.qps.toFixed(0)} QPS.`;
    if (status === 'held-out-short')
      text += ` It falls short of ${target} on the held-out queries; take a larger ${space.search(chosen.build).name} for margin.`;
    return { status, message: text, chosen, best, pareto };
  }
  const nMemory = builds.filter((b) => b.status === 'over-memory').length;
  const limits: string[] = [];
  if (stoppedBy === 'budget') limits.push('the time budget ran out');
  if (nMemory > 0) limits.push(`${nMemory} configuration${nMemory === 1 ? ' was' : 's were'} over the memory limit`);
  const why = limits.length > 0 ? ` (${limits.join('; ')})` : '';
  const text =
    best === null
      ? `${algorithm}: nothing was measured${why}; raise the budget or the memory limit.`
      : `${algorithm} did not reach recall ${target}${why}; best reached: ${paramsLabel(best.build)} with ${paramsLabel(best.search)}, recall ${fmt(best.heldOutRecall)} held out at ${best.qps.toFixed(0)} QPS.`;
  return { status: 'not-reached', message: text, chosen: null, best, pareto };
}

// ---------------------------------------------------------------- one algorithm

/** Tune one algorithm within `deadline` (ms on the {@link nowMs} clock): steps 2 to 5. */
async function tuneAlgorithm(ctx: TuneContext, space: TuneSpace, adapter: AlgorithmAdapter, deadline: number): Promise<AlgorithmTune> {
  const t0 = nowMs();
  const overBudget = (): boolean => nowMs() >= deadline;
  const algorithm = space.algorithm;
  const builds: TunedBuild[] = [];
  const results: ResultLine[] = [];
  const tuneRecall = new Map<PointKey, number>();
  const notes: string[] = [];
  let stoppedBy: AlgorithmTune['stoppedBy'] = 'space';
  const unavailable = await adapter.unavailableReason();
  if (unavailable !== null) {
    return {
      algorithm,
      status: 'unavailable',
      message: `${algorithm} cannot run here: ${unavailable}`,
      chosen: null,
      best: null,
      pareto: [],
      results,
      builds,
      stoppedBy,
      notes,
      seconds: 0,
    };
  }
  const configs = seededOrder(spaceConfigurations(space), ctx.seed);
  const rules = new PruningRules(space, ctx.maxMemory, ctx.nBase, ctx.dim);
  let builtCount = 0;
  let lastBuildSeconds = 0;
  for (const build of configs) {
    if (builtCount >= ctx.maxBuilds) {
      stoppedBy = 'max-builds';
      break;
    }
    const remaining = (deadline - nowMs()) / 1000;
    if (remaining <= 0 || (builtCount > 0 && lastBuildSeconds > remaining)) {
      stoppedBy = 'budget';
      notes.push(
        `the time budget ran out after ${builtCount} build${builtCount === 1 ? '' : 's'} (${configs.length - builds.length} configurations not tried).`,
      );
      break;
    }
    const refused = rules.refuse(build);
    if (refused !== null) {
      builds.push(refused);
      continue;
    }
    ctx.say(`${algorithm}: building ${paramsLabel(build)}`);
    let built: BuiltIndex;
    const b0 = nowMs();
    try {
      built = await adapter.build(
        { base: ctx.dataset.base, n: ctx.nBase, dim: ctx.dim, metric: ctx.dataset.metric, seed: ctx.seed },
        build,
      );
    } catch (e) {
      builds.push({ build, status: 'failed', reason: message(e), buildSeconds: null, indexBytes: null, sweeps: [] });
      continue;
    }
    builtCount++;
    const buildSeconds = built.buildSeconds ?? (nowMs() - b0) / 1000;
    lastBuildSeconds = buildSeconds;
    const indexBytes = built.memoryBytes();
    try {
      if (indexBytes !== null && indexBytes > ctx.maxMemory) {
        rules.markOverMemory(build);
        builds.push({
          build,
          status: 'over-memory',
          reason: `${indexBytes} bytes, over the limit of ${ctx.maxMemory}`,
          buildSeconds,
          indexBytes,
          sweeps: [],
        });
        continue;
      }
      const { sweeps, runs } = await sweepBuild(ctx, space, build, built, tuneRecall, overBudget);
      builds.push({ build, status: 'measured', reason: '', buildSeconds, indexBytes, sweeps });
      if (sweeps.length > 0 && sweeps.every((s) => s.value === null && s.reachedMax)) rules.markBelowTarget(build);
      if (runs.length > 0) await timeHeldOut(ctx, algorithm, build, built, buildSeconds, runs, results, notes);
    } finally {
      await built.dispose?.();
    }
    if (overBudget()) {
      stoppedBy = 'budget';
      notes.push(`the time budget ran out after ${builtCount} build${builtCount === 1 ? '' : 's'}.`);
      break;
    }
  }
  markPareto(results);
  for (const b of builds) for (const s of b.sweeps) notes.push(...s.notes);
  const answer = choose(space, ctx.target, results, tuneRecall, builds, stoppedBy);
  return { algorithm, ...answer, results, builds, stoppedBy, notes, seconds: (nowMs() - t0) / 1000 };
}

// ---------------------------------------------------------------- entry point

/**
 * Tune `options.algorithms` on `dataset` (with ground truth of at least k columns): for each,
 * the fastest measured configuration whose recall@k on the tuning half of the queries
 * reaches `targetRecall`, its recall on the held-out half, the Pareto front, and an honest
 * account when the target was not reached within the budget or memory limit.
 *
 * @throws AnnlabError `INVALID_PARAMETER` for a target outside (0, 1], fewer than 2 queries or
 * missing ground truth; `NOT_FOUND` for an algorithm without a tuning space.
 */
export async function tune(dataset: BenchDataset, options: TuneOptions): Promise<TuneResult> {
  const started = nowMs();
  const k = options.k ?? 10;
  const dim = dataset.dim;
  const nBase = dataset.base.length / dim;
  const nq = dataset.queries.length / dim;
  checkOptions(options, nq, dataset, k);
  const seed = options.seed ?? 42;
  const end = options.budgetSeconds === undefined ? Infinity : started + options.budgetSeconds * 1000;
  const adapterFor = options.adapterFor ?? createAdapter;
  const spaces = options.algorithms.map((a) => options.spaces?.[a] ?? defaultTuneSpace(a, nBase, dim, k));

  const split = splitQueries(nq, options.heldOutFraction ?? 0.5, seed);
  const tuning = selectQueries(dataset, split.tuning, 'tuning');
  const heldOut = selectQueries(dataset, split.heldOut, 'held-out');
  const nt = split.tuning.length;
  const kth = kthDistances(tuning.groundTruth!, tuning.groundTruthK, nt, k, tuning.queries, dataset.base, dim, dataset.metric);
  const ids = new Int32Array(nt * k);
  const ctx: TuneContext = {
    dataset,
    heldOut,
    nBase,
    dim,
    k,
    seed,
    target: options.targetRecall,
    maxBuilds: options.maxBuilds ?? 6,
    repeats: options.repeats ?? 2,
    perSweep: Math.max(1, options.pointsPerSweep ?? 3),
    maxMemory: options.maxMemoryBytes ?? Infinity,
    environment: options.environment ?? collectEnvironment(),
    say: options.onProgress ?? (() => {}),
    recallOn: (built, params) => {
      built.searcher(tuning.queries, nt, k, params).batch(ids);
      const d = rowDistances(ids, nt, k, tuning.queries, dataset.base, dim, dataset.metric);
      return thresholdRecall(ids, d, nt, k, kth).mean;
    },
  };

  const answers: AlgorithmTune[] = [];
  for (let s = 0; s < spaces.length; s++) {
    // Each algorithm gets an equal share of what is left when it starts.
    const t0 = nowMs();
    const deadline = end === Infinity ? Infinity : t0 + Math.max(0, end - t0) / (spaces.length - s);
    answers.push(await tuneAlgorithm(ctx, spaces[s], adapterFor(spaces[s].algorithm), deadline));
  }
  return {
    dataset: { name: dataset.name, metric: dataset.metric, dim, nBase, queries: nq },
    targetRecall: ctx.target,
    k,
    seed,
    split: { tuning: split.tuning.length, heldOut: split.heldOut.length },
    maxMemoryBytes: options.maxMemoryBytes ?? null,
    budgetSeconds: options.budgetSeconds ?? null,
    algorithms: answers,
    totalSeconds: (nowMs() - started) / 1000,
  };
}
