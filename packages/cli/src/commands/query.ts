/**
 * `annlab query`: load a saved index, search a dataset's queries one at a time, report
 * recall@k (ann-benchmarks' rule and id overlap) and latency; optionally write the returned
 * ids as .ivecs so other tools can check them.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { AnnlabError } from '@annlab/core';
import { writeIvecs } from '@annlab/datasets';
import {
  BuiltAnnlabIndex,
  idOverlapRecall,
  kthDistances,
  paramsLabel,
  resolveDataset,
  rowDistances,
  summarizeLatency,
  thresholdRecall,
  timeQueries,
  type Params,
} from '@annlab/bench';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { detectIndexFormat, loadIndexFile, type LoadedIndexFile } from './index-file.js';
import { ensureWritableFileDir } from './shared.js';

/** Timed passes over the queries, fastest kept: the harness's default `repeats`. */
const QUERY_REPEATS = 2;

/** Options of `annlab query`. */
export interface QueryCommandOptions {
  /**
   * Index file: written by `annlab build` (or any annlab `serialize()`), or a FAISS, hnswlib
   * or Annoy index file (read through `@annlab/interop`, with the dataset's metric and dim).
   */
  index: string;
  /** Dataset reference (its queries are searched). */
  dataset: string;
  /** Neighbours per query. */
  k: number;
  /** Search parameters. */
  param: Params;
  /** Use at most this many queries. */
  queries?: number;
  /** Use at most this many base vectors (must match the indexed ones). */
  maxBase?: number;
  /** Write the returned ids here as .ivecs. */
  idsOut?: string;
  /** JSON output. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** Run `annlab query`; resolves to the exit code. */
export async function queryCommand(opts: QueryCommandOptions, io: CliIo): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(opts.index);
  } catch (e) {
    throw fromNodeError(e, 'reading the index file given with --index');
  }
  if (opts.idsOut !== undefined) ensureWritableFileDir(opts.idsOut, '--ids-out');
  // Files with a header load before the dataset (a bad file fails fast); hnswlib and Annoy
  // files need the dataset's metric (and Annoy its dimension) first.
  const early = detectIndexFormat(bytes);
  let loaded: LoadedIndexFile | null = early === 'annlab' || early === 'faiss' ? await loadIndexFile(bytes) : null;
  const progress = createProgress(io, 0, opts.quiet === true);
  const resolveOpts: Parameters<typeof resolveDataset>[1] = {
    k: opts.k,
    onProgress: (m) => progress.message(m),
    onWarning: (m) => io.err(`${m}\n`),
  };
  if (opts.queries !== undefined) resolveOpts.maxQueries = opts.queries;
  if (opts.maxBase !== undefined) resolveOpts.maxBase = opts.maxBase;
  const ds = await resolveDataset(opts.dataset, resolveOpts);
  progress.stop();
  if (loaded === null) loaded = await loadIndexFile(bytes, { metric: ds.metric, dim: ds.dim });
  const { index, labels } = loaded;
  if (ds.dim !== index.dim) {
    throw new AnnlabError(
      'DIMENSION_MISMATCH',
      `the index has dim ${index.dim} but dataset ${ds.name} has dim ${ds.dim}; query it with the dataset it was built from.`,
    );
  }
  const nBase = ds.base.length / ds.dim;
  if (index.size !== nBase) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `the index holds ${index.size} vectors but dataset ${ds.name} has ${nBase} base vectors; pass the same --max-base used for \`annlab build\`.`,
    );
  }
  const nq = ds.queries.length / ds.dim;
  const k = opts.k;
  const searcher = new BuiltAnnlabIndex(index).searcher(ds.queries, nq, k, opts.param);
  const ids = new Int32Array(nq * k);
  const scratch = new Int32Array(nq * k);
  // The harness's own measurement (warm-up, timed passes, fastest kept), so QPS here and in
  // `annlab bench` are the same figure for the same index and parameters.
  const timing = timeQueries((q, pass) => searcher.one(q, pass === 0 ? ids : scratch, q * k), nq, { repeats: QUERY_REPEATS });
  // hnswlib files with their own labels: report the labels (the dataset's ids).
  if (labels !== null) for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) ids[i] = labels[ids[i]];
  const gt = ds.groundTruth as Int32Array;
  const kth = kthDistances(gt, ds.groundTruthK, nq, k, ds.queries, ds.base, ds.dim, ds.metric);
  const recall = thresholdRecall(ids, rowDistances(ids, nq, k, ds.queries, ds.base, ds.dim, ds.metric), nq, k, kth).mean;
  const recallIdOverlap = idOverlapRecall(ids, nq, k, gt, ds.groundTruthK).mean;
  if (opts.idsOut !== undefined) writeIvecs(opts.idsOut, ids, k);
  const latency = summarizeLatency(timing.latenciesMs);
  const qps = timing.qps;
  const info = {
    index: opts.index,
    dataset: ds.name,
    queries: nq,
    k,
    search: opts.param,
    recall,
    recallIdOverlap,
    qps,
    latencyMs: latency,
    idsOut: opts.idsOut ?? null,
  };
  if (opts.json === true) io.out(`${JSON.stringify(info)}\n`);
  else {
    io.out(
      `${ds.name}: ${nq} queries, k=${k}${Object.keys(opts.param).length > 0 ? `, ${paramsLabel(opts.param)}` : ''}\n` +
        `recall@${k} ${recall.toFixed(4)} (id overlap ${recallIdOverlap.toFixed(4)})\n` +
        `${Math.round(qps)} QPS; latency p50 ${latency.p50.toFixed(3)} ms, p95 ${latency.p95.toFixed(3)} ms, p99 ${latency.p99.toFixed(3)} ms\n` +
        (opts.idsOut !== undefined ? `wrote ids to ${opts.idsOut}\n` : ''),
    );
  }
  return EXIT.OK;
}
