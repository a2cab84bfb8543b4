/**
 * `annlab tune`: the fastest parameters reaching a target recall, per algorithm (the
 * library's `tune` from @annlab/bench). Prints a table, the chosen configuration's code and
 * `annlab build`/`query` lines, and writes tune.json, tune-results.jsonl and one plot per
 * algorithm (chosen point marked) into `--out`. Exit code 0 when every algorithm reached
 * the target on the held-out queries, 3 when some did not (the output says why and shows
 * the best reached).
 *
 * @module
 */
import { join } from 'node:path';
import { AnnlabError } from '@annlab/core';
import { TUNABLE_ALGORITHMS, resolveDataset, tune, tuneTable, tuneUsage, writeTune, type TuneOptions, type TuneUsage } from '@annlab/bench';
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';
import { integer, positiveInt, timestampDir } from './shared.js';

/** Options of `annlab tune`. */
export interface TuneCommandOptions {
  /** Dataset reference. */
  dataset: string;
  /** An algorithm, a comma-separated list, or `all`. */
  algorithm: string;
  /** Recall@k to reach. */
  targetRecall: number;
  /** Neighbours per query. */
  k?: number;
  /** Time budget, minutes. */
  budget?: number;
  /** Largest index, bytes. */
  maxMemory?: number;
  /** Use at most this many base vectors. */
  maxBase?: number;
  /** Use at most this many queries (split into tuning and held-out halves). */
  queries?: number;
  /** Most builds per algorithm. */
  maxBuilds?: number;
  /** Seed. */
  seed?: number;
  /** Output directory; default `results/tune-<timestamp>`. */
  out?: string;
  /** JSON on stdout. */
  json?: boolean;
  /** No progress output. */
  quiet?: boolean;
}

/** Commander parser for a number (recall, minutes). */
function finite(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
  return n;
}

/** Commander parser for bytes: an integer, optionally with k, M or G (powers of 1024), e.g. `512M`. */
export function bytesArg(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(value);
  if (m === null) throw new InvalidArgumentError(`expected bytes such as 200000000 or 512M, got "${value}".`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.floor(Number(m[1]) * scale);
  if (n < 1) throw new InvalidArgumentError(`expected a positive number of bytes, got "${value}".`);
  return n;
}

/** Run `annlab tune`; resolves to the exit code. */
export async function tuneCommand(opts: TuneCommandOptions, io: CliIo): Promise<number> {
  const algorithms =
    opts.algorithm === 'all'
      ? [...TUNABLE_ALGORITHMS]
      : opts.algorithm
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
  const t = opts.targetRecall;
  if (!(t > 0 && t <= 1)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `--target-recall ${t} cannot be reached: recall@k lies in [0, 1]; pass a value in (0, 1], e.g. 0.95.`,
    );
  }
  const k = opts.k ?? 10;
  const out = opts.out ?? join('results', `tune-${timestampDir()}`);
  const progress = createProgress(io, 0, opts.quiet === true);
  try {
    progress.message(`loading dataset ${opts.dataset}`);
    const resolveOpts: Parameters<typeof resolveDataset>[1] = { k, onProgress: (m) => progress.message(m) };
    if (opts.maxBase !== undefined) resolveOpts.maxBase = opts.maxBase;
    if (opts.queries !== undefined) resolveOpts.maxQueries = opts.queries;
    const dataset = await resolveDataset(opts.dataset, resolveOpts);
    const tuneOpts: TuneOptions = { algorithms, targetRecall: t, k, onProgress: (m) => progress.message(m) };
    if (opts.budget !== undefined) tuneOpts.budgetSeconds = opts.budget * 60;
    if (opts.maxMemory !== undefined) tuneOpts.maxMemoryBytes = opts.maxMemory;
    if (opts.maxBuilds !== undefined) tuneOpts.maxBuilds = opts.maxBuilds;
    if (opts.seed !== undefined) tuneOpts.seed = opts.seed;
    const result = await tune(dataset, tuneOpts);
    progress.stop();
    const usage: Record<string, TuneUsage | null> = {};
    for (const a of result.algorithms) {
      usage[a.algorithm] =
        a.chosen === null ? null : tuneUsage(a.algorithm, a.chosen, dataset.dim, dataset.metric, k, opts.dataset, opts.maxBase);
    }
    const files = await writeTune(out, result, usage);
    const ok = result.algorithms.every((a) => a.status === 'reached');
    if (opts.json === true) {
      io.out(
        `${JSON.stringify({
          ok,
          out,
          files,
          dataset: result.dataset,
          targetRecall: result.targetRecall,
          k: result.k,
          split: result.split,
          totalSeconds: result.totalSeconds,
          algorithms: result.algorithms.map((a) => ({
            algorithm: a.algorithm,
            status: a.status,
            message: a.message,
            chosen: a.chosen,
            best: a.best,
            pareto: a.pareto,
            usage: usage[a.algorithm],
            stoppedBy: a.stoppedBy,
            builds: a.builds.map((b) => ({
              build: b.build,
              status: b.status,
              reason: b.reason,
              indexBytes: b.indexBytes,
              buildSeconds: b.buildSeconds,
            })),
            notes: a.notes,
            seconds: a.seconds,
          })),
        })}\n`,
      );
    } else {
      const d = result.dataset;
      io.out(
        `\ntune: ${d.name} (${d.nBase} × ${d.dim}, ${d.metric}); target recall@${k} ${t}; ${result.split.tuning} tuning + ${result.split.heldOut} held-out queries\n\n`,
      );
      io.out(`${tuneTable(result)}\n\n`);
      for (const a of result.algorithms) {
        io.out(`${a.status === 'reached' ? '✓' : '✗'} ${a.message}\n`);
        const u = usage[a.algorithm];
        if (u !== null && u !== undefined) io.out(`\n${u.code.replace(/^(?=.)/gm, '    ')}\n\n    $ ${u.cli}\n`);
        for (const n of a.notes) io.out(`  note: ${n}\n`);
        const skipped = a.builds.filter((b) => b.status !== 'measured');
        for (const b of skipped)
          io.out(
            `  ${b.status}: ${Object.entries(b.build)
              .map(([key, v]) => `${key}=${String(v)}`)
              .join(',')}: ${b.reason}\n`,
          );
        io.out('\n');
      }
      io.out(`total ${result.totalSeconds.toFixed(1)} s; results in ${out}/ (tune.json, tune-results.jsonl, tune-*.svg)\n`);
    }
    return ok ? EXIT.OK : EXIT.PARTIAL;
  } finally {
    progress.stop();
  }
}

/** Add `annlab tune` to the program; the action stores its exit code through `setCode`. */
export function registerTune(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('tune')
    .description('find, per algorithm, the fastest parameters reaching a target recall (held-out check, Pareto plot, code to reproduce)')
    .requiredOption('-d, --dataset <ref>', 'dataset reference (registry name, path, synthetic:...)')
    .requiredOption('-a, --algorithm <name>', `algorithm, comma-separated list, or all (${TUNABLE_ALGORITHMS.join(', ')})`)
    .requiredOption('-t, --target-recall <r>', 'recall@k to reach, in (0, 1]', finite)
    .option('-k, --k <n>', 'neighbours per query', positiveInt, 10)
    .option('--budget <minutes>', 'wall-time budget; no new build or evaluation starts after it', finite)
    .option('--max-memory <bytes>', 'largest index allowed (e.g. 200000000 or 512M); larger configurations are excluded', bytesArg)
    .option('--max-base <n>', 'use at most n base vectors', positiveInt)
    .option('-q, --queries <n>', 'use at most n queries (half tune, half held out)', positiveInt)
    .option('--max-builds <n>', 'most builds per algorithm (default 6)', positiveInt)
    .option('--seed <n>', 'seed of the split, the search order and the builds', integer)
    .option('-o, --out <dir>', 'output directory (default: results/tune-<timestamp>)')
    .option('--json', 'print JSON on stdout')
    .option('--quiet', 'no progress output')
    .action(async (opts: TuneCommandOptions) => setCode(await tuneCommand(opts, io)));
}
