/**
 * `annlab explain --index <file>`: one query against a loaded, high-dimensional index, told
 * in text from the index's own `explain()` trace (never a second implementation): HNSW's
 * levels with their entry nodes, path lengths and distance computations; a forest's leaves
 * and candidates; IVF's probed cells and their list sizes; LSH's probed buckets; Vamana's
 * and NN-Descent's expansions. Then the index's `checkInvariants()` report, where it has
 * one. Indexes without a trace (flat, PCA pipelines) report their search statistics.
 *
 * Trace ids are the index's own ids; result ids are the dataset's (an hnswlib file's labels
 * are mapped, as `annlab query` does).
 *
 * @module
 */
import { SearchStats, type AnnIndex, type InvariantReport, type SearchParams } from '@annlab/core';
import { PCA_CLASSES, annlabAlgorithmOf } from '@annlab/bench';
import { HnswIndex, IvfFlatIndex, IvfPqIndex, LshIndex, NnDescentIndex, RpForestIndex, VamanaIndex } from './indexes.js';

/** Ids listed in full before a list is cut short. */
const LIST_LIMIT = 20;

/** The invariant report of an index, as printed. */
export interface InvariantSummary {
  /** Which index was checked (`hnsw`, or the inner index of a PCA pipeline). */
  checked: string;
  /** True when no violation was found. */
  ok: boolean;
  /** The violations. */
  errors: string[];
  /** The report's other scalar fields (HNSW: nodes, edges, unreachable). */
  details: Record<string, number | string | boolean>;
}

/** One query explained against a loaded index (see the module comment). */
export interface IndexExplanation {
  /** The suite name of the index's algorithm (`hnsw`, `pca+ivfpq`, ...), or `index` when unknown. */
  algorithm: string;
  /** Neighbours asked for. */
  k: number;
  /** Search parameters used. */
  search: Record<string, unknown>;
  /** The k result ids (dataset ids; −1 padding). */
  ids: number[];
  /** Their reported distances. */
  distances: number[];
  /** Distance computations and hops of the same search, counted by the index's instrumented path. */
  stats: {
    /** Query-to-vector distance computations. */
    distanceComputations: number;
    /** Graph hops or tree nodes, where the index counts them. */
    hops: number;
  };
  /** The trace in words, one line each; empty when the index has no `explain()`. */
  trace: string[];
  /** The index's explanation as plain JSON (typed arrays as arrays), or null when it has none. */
  explanation: Record<string, unknown> | null;
  /** The invariant report, or null when the index has no `checkInvariants()`. */
  invariants: InvariantSummary | null;
}

/** `a → b → c`, cut after {@link LIST_LIMIT} entries with the number left out. */
function idList(ids: ArrayLike<number>, sep: string = ' → '): string {
  const n = ids.length;
  const shown: string[] = [];
  for (let i = 0; i < Math.min(n, LIST_LIMIT); i++) shown.push(String(ids[i]));
  return shown.join(sep) + (n > LIST_LIMIT ? `${sep}… (+${n - LIST_LIMIT} more)` : '');
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4)) : String(x);
}

/** An explanation as plain JSON: typed arrays become arrays, the result its ids and distances. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = plain(v);
    return out;
  }
  return value;
}

function hasInvariants(index: object): index is { checkInvariants(): InvariantReport } {
  return typeof (index as { checkInvariants?: unknown }).checkInvariants === 'function';
}

function summarizeInvariants(index: AnnIndex, checked: string): InvariantSummary | null {
  if (!hasInvariants(index)) return null;
  const report = index.checkInvariants();
  const details: Record<string, number | string | boolean> = {};
  for (const [key, v] of Object.entries(report)) {
    if (key === 'ok' || key === 'errors') continue;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') details[key] = v;
  }
  return { checked, ok: report.ok, errors: [...report.errors], details };
}

/** The trace lines and plain explanation of `index`'s own `explain()`, or null when it has none. */
function traceOf(index: AnnIndex, query: Float32Array, k: number, params: SearchParams): { lines: string[]; explanation: object } | null {
  if (index instanceof HnswIndex) {
    const ex = index.explain(query, k, params);
    const lines = [
      `strategy ${ex.strategy}; entry point ${index.entryPoint}, top level ${index.maxLevel}; M=${index.M}, level-0 degree ≤ ${index.Mmax0}`,
    ];
    let total = 0;
    for (const layer of ex.layers) {
      total += layer.distanceComputations;
      const what = layer.level > 0 ? 'greedy path' : 'beam search expanded';
      lines.push(
        `level ${layer.level}: entry ${layer.entry}, ${what} ${layer.path.length} node${layer.path.length === 1 ? '' : 's'} (${idList(layer.path)}), ${layer.distanceComputations} distance computations`,
      );
    }
    lines.push(`distance computations over all levels: ${total}`);
    return { lines, explanation: ex };
  }
  if (index instanceof RpForestIndex) {
    const ex = index.explain(query, k, params);
    const treesUsed = ex.leavesByTree.filter((l) => l.length > 0).length;
    const lines = [`${ex.visits.length} leaves visited in ${treesUsed} of ${index.nTrees} trees (leaf size ≤ ${index.leafSize})`];
    for (let t = 0; t < Math.min(ex.leavesByTree.length, LIST_LIMIT); t++) {
      const leaves = ex.leavesByTree[t];
      if (leaves.length > 0) lines.push(`tree ${t}: leaves ${idList(leaves, ', ')}`);
    }
    if (ex.leavesByTree.length > LIST_LIMIT) lines.push(`… (${ex.leavesByTree.length - LIST_LIMIT} more trees)`);
    const first = ex.visits.slice(0, 5).map((v) => `tree ${v.tree} leaf ${v.leaf} (priority ${fmt(v.priority)}, ${v.items.length} items)`);
    if (first.length > 0) lines.push(`first leaves popped: ${first.join('; ')}`);
    lines.push(`candidates ${ex.candidates}, ${ex.uniqueCandidates} distinct (= distance computations)`);
    return { lines, explanation: ex };
  }
  if (index instanceof IvfFlatIndex || index instanceof IvfPqIndex) {
    const ex = index instanceof IvfPqIndex ? index.explain(query, k, params) : index.explain(query, k, params);
    let scanned = 0;
    for (let i = 0; i < ex.listSizes.length; i++) scanned += ex.listSizes[i];
    const what = index instanceof IvfPqIndex ? 'codes' : 'vectors';
    const lines = [`probed ${ex.probes.length} of ${index.nlist} cells, nearest centroid first; ${scanned} ${what} scanned`];
    for (let i = 0; i < Math.min(ex.probes.length, LIST_LIMIT); i++) {
      lines.push(`cell ${ex.probes[i]}: centroid distance ${fmt(ex.probeDistances[i])}, list size ${ex.listSizes[i]}`);
    }
    if (ex.probes.length > LIST_LIMIT) lines.push(`… (${ex.probes.length - LIST_LIMIT} more cells)`);
    lines.push(
      `distance computations ${ex.distanceComputations} (${index.nlist} centroids + the scanned lists${index instanceof IvfPqIndex ? ' + re-ranked candidates' : ''})`,
    );
    return { lines, explanation: ex };
  }
  if (index instanceof LshIndex) {
    const ex = index.explain(query, k, params);
    const lines = [`${ex.family} hashing, ${index.L} tables × ${index.K} hashes; ${ex.probes.length} buckets probed`];
    for (const p of ex.probes.slice(0, LIST_LIMIT)) {
      lines.push(
        `table ${p.table} rank ${p.rank}: bucket of ${p.bucketSize}, ${p.newCandidates} new candidate${p.newCandidates === 1 ? '' : 's'} (score ${fmt(p.score)})`,
      );
    }
    if (ex.probes.length > LIST_LIMIT) lines.push(`… (${ex.probes.length - LIST_LIMIT} more buckets)`);
    lines.push(`candidates ${ex.candidates}, ${ex.uniqueCandidates} distinct (= distance computations)`);
    return { lines, explanation: ex };
  }
  if (index instanceof VamanaIndex) {
    const ex = index.explain(query, k, params);
    return {
      lines: [
        `start node (medoid) ${ex.entry}, list size L = ${ex.searchL}; R=${index.R}, alpha=${index.alpha}`,
        `expanded ${ex.expanded.length} nodes: ${idList(ex.expanded)}`,
        `distance computations ${ex.distanceComputations}`,
      ],
      explanation: ex,
    };
  }
  if (index instanceof NnDescentIndex) {
    const ex = index.explain(query, k, params);
    return {
      lines: [
        ex.leaf >= 0
          ? `search tree leaf ${ex.leaf}: ${ex.entries.length} entry points (${idList(ex.entries, ', ')})`
          : `${ex.entries.length} fixed entry points`,
        `beam width ${ex.efSearch}; expanded ${ex.expanded.length} points: ${idList(ex.expanded)}`,
        `distance computations ${ex.distanceComputations}`,
      ],
      explanation: ex,
    };
  }
  return null;
}

/**
 * Explain one query against `index`: its own trace where it has one, the search statistics,
 * and its invariant report. `labels` maps the index's ids to dataset ids (hnswlib files).
 * Not a hot path: it allocates freely.
 */
export function explainIndexQuery(
  index: AnnIndex<SearchParams>,
  query: Float32Array,
  k: number,
  params: SearchParams,
  labels: Float64Array | null,
): IndexExplanation {
  const algorithm = annlabAlgorithmOf(index) ?? 'index';
  const stats = new SearchStats();
  const result = index.search(query, k, { ...params, stats });
  const trace = traceOf(index, query, k, params);
  const lines = trace?.lines ?? [];
  if (trace === null) {
    if (index instanceof PCA_CLASSES.PreTransformIndex) {
      const inner = annlabAlgorithmOf(index.inner) ?? 'index';
      lines.push(
        `PCA pre-transform: ${index.dim} dimensions → ${index.components} components, then a ${inner} index${index.keepVectors ? ' (original vectors kept for the `rerank` search parameter)' : ''}; no explain() trace`,
      );
    } else if (algorithm === 'flat') {
      lines.push(`exact scan of all ${index.size} vectors; no explain() trace`);
    } else {
      lines.push('this index has no explain() trace');
    }
  }
  const ids: number[] = [];
  const distances: number[] = [];
  for (let j = 0; j < k; j++) {
    const id = result.ids[j];
    ids.push(id >= 0 && labels !== null ? labels[id] : id);
    distances.push(result.distances[j]);
  }
  const invariants =
    index instanceof PCA_CLASSES.PreTransformIndex
      ? summarizeInvariants(index.inner, `inner ${annlabAlgorithmOf(index.inner) ?? 'index'}`)
      : summarizeInvariants(index, algorithm);
  const search: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(params)) if (key !== 'stats') search[key] = v;
  return {
    algorithm,
    k,
    search,
    ids,
    distances,
    stats: { distanceComputations: stats.distanceComputations, hops: stats.hops },
    trace: lines,
    explanation: trace === null ? null : (plain(trace.explanation) as Record<string, unknown>),
    invariants,
  };
}

/** The explanation as text, under `heading` (the file, its format, the dataset and query). */
export function formatIndexExplanation(e: IndexExplanation, heading: string, extra: readonly string[] = []): string {
  const out = [heading];
  for (const line of e.trace) out.push(`  ${line}`);
  out.push(
    `  search stats: ${e.stats.distanceComputations} distance computations${e.stats.hops > 0 ? `, ${e.stats.hops} hop${e.stats.hops === 1 ? '' : 's'}` : ''}`,
  );
  const shown: string[] = [];
  for (let j = 0; j < e.ids.length; j++) shown.push(e.ids[j] < 0 ? '-' : `${e.ids[j]} (${fmt(e.distances[j])})`);
  out.push(`  result (id, distance): ${shown.join(', ')}`);
  for (const line of extra) out.push(`  ${line}`);
  if (e.invariants === null) out.push('  invariants: this index has no checkInvariants()');
  else {
    const d = Object.entries(e.invariants.details).map(([key, v]) => `${key} ${String(v)}`);
    out.push(
      `  invariants (${e.invariants.checked}): ${e.invariants.ok ? 'ok' : `${e.invariants.errors.length} violation${e.invariants.errors.length === 1 ? '' : 's'}`}${d.length > 0 ? `; ${d.join(', ')}` : ''}`,
    );
    for (const err of e.invariants.errors) out.push(`    ${err}`);
  }
  return `${out.join('\n')}\n`;
}
