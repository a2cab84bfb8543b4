/**
 * `annlab build`: build one annlab index over a dataset's base vectors and save it. The
 * destination is checked before the dataset is loaded; no ground truth is computed.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { AnnlabError } from '@annlab/core';
import { createAdapter, formatBytes, nowMs, paramsLabel, type Params } from '@annlab/bench';
import { loadDataset } from '@annlab/datasets';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { ensureWritableFileDir } from './shared.js';

/** Options of `annlab build`. */
export interface BuildCommandOptions {
  /** Dataset reference. */
  dataset: string;
  /** Algorithm (`hnsw`, `rpforest`, `ivfflat`, `ivfpq`, `flat`, `pca+<name>`). */
  algorithm: string;
  /** Build parameters. */
  param: Params;
  /** Output file. */
  out: string;
  /** Use at most this many base vectors. */
  maxBase?: number;
  /** Seed. */
  seed?: number;
  /**
   * Build threads: the forest, HNSW and the IVF indexes build on a worker pool of this many
   * threads (the others on one); default 1.
   */
  threads?: number;
  /** JSON output. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** Run `annlab build`; resolves to the exit code. */
export async function buildCommand(opts: BuildCommandOptions, io: CliIo): Promise<number> {
  const adapter = createAdapter(opts.algorithm);
  if (adapter.kind !== 'annlab') {
    throw new AnnlabError(
      'UNSUPPORTED_OPERATION',
      `${opts.algorithm} is a native peer; \`annlab build\` saves annlab indexes only (flat, rpforest, hnsw, ivfflat, ivfpq, pca+<name>).`,
    );
  }
  const reason = await adapter.unavailableReason();
  if (reason !== null) throw new AnnlabError('NOT_FOUND', reason);
  // Refuse an unwritable destination now, not after the build.
  ensureWritableFileDir(opts.out, '--out');
  const progress = createProgress(io, 0, opts.quiet === true);
  // Only the base vectors are needed: no ground truth is computed (or cached) for a build.
  const loadOpts: Parameters<typeof loadDataset>[1] = { onProgress: (m) => progress.message(m), onWarning: (m) => io.err(`${m}\n`) };
  if (opts.maxBase !== undefined) loadOpts.maxBase = opts.maxBase;
  const ds = await loadDataset(opts.dataset, loadOpts);
  const n = ds.base.length / ds.dim;
  progress.message(`building ${opts.algorithm} ${paramsLabel(opts.param)} over ${n} vectors`);
  progress.event({ type: 'build-start', algorithm: opts.algorithm, build: opts.param, buildIndex: 0, buildTotal: 1 });
  const t0 = nowMs();
  const onProgress = (done: number, total: number): void =>
    progress.event({ type: 'build-progress', algorithm: opts.algorithm, build: opts.param, done, total });
  const threads = opts.threads ?? 1;
  const built = await adapter.build(
    { base: ds.base, n, dim: ds.dim, metric: ds.metric, seed: opts.seed ?? 42, onProgress, threads },
    opts.param,
  );
  const seconds = (nowMs() - t0) / 1000;
  progress.stop();
  if (built.serialize === undefined) throw new AnnlabError('UNSUPPORTED_OPERATION', `${opts.algorithm} cannot be saved.`);
  const bytes = built.serialize();
  try {
    writeFileSync(opts.out, bytes);
  } catch (e) {
    throw fromNodeError(e, `writing the index to ${opts.out}`);
  }
  // indexBytes: what the index uses (the harness's figure); capacityBytes: its allocation,
  // when the index reports the two apart; fileBytes: what was written.
  const capacityBytes = built.capacityBytes?.() ?? null;
  const info = {
    algorithm: opts.algorithm,
    build: opts.param,
    dataset: ds.name,
    n,
    dim: ds.dim,
    metric: ds.metric,
    buildSeconds: seconds,
    buildThreads: built.buildThreads ?? 1,
    indexBytes: built.memoryBytes(),
    capacityBytes,
    fileBytes: bytes.length,
    out: opts.out,
  };
  const capacity = capacityBytes === null ? '' : `, ${formatBytes(capacityBytes)} allocated`;
  io.out(
    opts.json === true
      ? `${JSON.stringify(info)}\n`
      : `built ${opts.algorithm} ${paramsLabel(opts.param)} over ${n} × ${ds.dim} (${ds.metric}) in ${seconds.toFixed(2)} s` +
          `${info.buildThreads > 1 ? ` on ${info.buildThreads} threads` : ''}; ` +
          `in memory ${formatBytes(info.indexBytes)} used${capacity}; wrote ${opts.out}: file ${formatBytes(bytes.length)}\n`,
  );
  return EXIT.OK;
}
