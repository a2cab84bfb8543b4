/**
 * Progress for long commands: a cli-progress bar on a terminal, plain lines otherwise
 * (logs, CI, pipes), nothing with `--quiet`.
 *
 * @module
 */
import { paramsLabel, type RunEvent } from '@annlab/bench';
import cliProgress from 'cli-progress';
import type { CliIo } from './io.js';

/** Receives harness events and free-form messages. */
export interface Progress {
  /** A harness event. */
  event(e: RunEvent): void;
  /** A message such as "loading dataset". */
  message(text: string): void;
  /** Finish (removes the bar). */
  stop(): void;
}

function label(algorithm: string, build: Record<string, unknown>): string {
  const p = paramsLabel(build as never);
  return p.length > 0 ? `${algorithm} ${p}` : algorithm;
}

/** Plain lines on stderr. */
class LineProgress implements Progress {
  private readonly io: CliIo;
  constructor(io: CliIo) {
    this.io = io;
  }
  event(e: RunEvent): void {
    switch (e.type) {
      case 'skip':
        this.io.err(`skip ${e.algorithm}: ${e.reason}\n`);
        break;
      case 'build-start':
        this.io.err(`build ${label(e.algorithm, e.build)} (${e.buildIndex + 1}/${e.buildTotal})\n`);
        break;
      case 'build-done':
        this.io.err(`  built in ${e.seconds.toFixed(2)} s${e.indexBytes === null ? '' : `, ${(e.indexBytes / 1048576).toFixed(1)} MB`}\n`);
        break;
      case 'search-done':
        this.io.err(`  ${paramsLabel(e.search) || 'search'}: recall ${e.result.recall.toFixed(3)}, ${Math.round(e.result.qps)} QPS\n`);
        break;
      case 'error':
        this.io.err(`  error in ${label(e.algorithm, e.build)}${e.search ? ` ${paramsLabel(e.search)}` : ''}: ${e.message}\n`);
        break;
    }
  }
  message(text: string): void {
    this.io.err(`${text}\n`);
  }
  stop(): void {}
}

/** A cli-progress bar over all sweep points. */
class BarProgress implements Progress {
  private readonly bar: cliProgress.SingleBar;
  private readonly io: CliIo;
  private done = 0;
  private started = false;
  private readonly total: number;
  constructor(io: CliIo, total: number) {
    this.io = io;
    this.total = total;
    this.bar = new cliProgress.SingleBar(
      { format: ' {bar} {value}/{total} points | {stage}', stream: io.progressStream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
  }
  private ensure(stage: string): void {
    if (!this.started) {
      this.bar.start(this.total, 0, { stage });
      this.started = true;
    } else this.bar.update(this.done, { stage });
  }
  event(e: RunEvent): void {
    switch (e.type) {
      case 'skip':
        this.bar.stop();
        this.io.err(`skip ${e.algorithm}: ${e.reason}\n`);
        this.started = false;
        break;
      case 'build-start':
        this.ensure(`building ${label(e.algorithm, e.build)}`);
        break;
      case 'build-done':
        this.ensure(`searching ${label(e.algorithm, e.build)} (built in ${e.seconds.toFixed(1)} s)`);
        break;
      case 'search-done':
        this.done++;
        this.ensure(`${label(e.algorithm, e.build)} ${paramsLabel(e.search)}: recall ${e.result.recall.toFixed(3)}`);
        break;
      case 'error':
        this.done++;
        this.ensure(`error in ${e.algorithm}: ${e.message}`);
        break;
    }
  }
  message(text: string): void {
    if (this.started) this.bar.update(this.done, { stage: text });
    else this.io.err(`${text}\n`);
  }
  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

/** Silent. */
class NoProgress implements Progress {
  event(): void {}
  message(): void {}
  stop(): void {}
}

/**
 * The right progress display: a bar when stderr is a terminal, else lines; none when quiet.
 * @param total - number of sweep points (for the bar).
 */
export function createProgress(io: CliIo, total: number, quiet: boolean): Progress {
  if (quiet) return new NoProgress();
  if (io.isTTY && io.progressStream !== undefined) return new BarProgress(io, total);
  return new LineProgress(io);
}
