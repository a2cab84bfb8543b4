/**
 * Progress for long commands: a cli-progress bar on a terminal, plain lines otherwise
 * (logs, CI, pipes), nothing with `--quiet`.
 *
 * Builds report progress through the index's `add(vectors, { onProgress })` (core's
 * `AddOptions`), arriving here as `build-progress` events: the bar then shows the build's
 * share done and an ETA. Indexes that do not report yet leave the build indeterminate: the
 * display says when the build started, and the build-done line gives its time. (A build runs
 * synchronously, so no timer can tick during it; only the index's callback can.)
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

/** `1m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Share done, elapsed time and ETA of a build from its progress callback: `45% (27000/60000),
 * 12s elapsed, ETA 15s`.
 */
export function buildProgressText(done: number, total: number, elapsedSeconds: number): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const eta = frac > 0 ? (elapsedSeconds * (1 - frac)) / frac : NaN;
  return `${Math.floor(frac * 100)}% (${done}/${total}), ${formatDuration(elapsedSeconds)} elapsed, ETA ${frac > 0 ? formatDuration(eta) : '?'}`;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Plain lines on stderr. */
class LineProgress implements Progress {
  private readonly io: CliIo;
  private buildStart = 0;
  private lastLine = 0;
  constructor(io: CliIo) {
    this.io = io;
  }
  event(e: RunEvent): void {
    switch (e.type) {
      case 'skip':
        this.io.err(`skip ${e.algorithm}: ${e.reason}\n`);
        break;
      case 'build-start':
        this.buildStart = Date.now();
        this.lastLine = this.buildStart;
        this.io.err(`build ${label(e.algorithm, e.build)} (${e.buildIndex + 1}/${e.buildTotal}), started ${clock()}\n`);
        break;
      case 'build-progress': {
        // At most one line every 5 s (logs stay short), and the last one.
        const now = Date.now();
        if (now - this.lastLine >= 5000 || e.done >= e.total) {
          this.lastLine = now;
          this.io.err(`  ${buildProgressText(e.done, e.total, (now - this.buildStart) / 1000)}\n`);
        }
        break;
      }
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
  private buildStart = 0;
  private building = '';
  constructor(io: CliIo, total: number) {
    this.io = io;
    this.total = total;
    this.bar = new cliProgress.SingleBar(
      {
        format: total > 0 ? ' {bar} {value}/{total} points | {stage}' : ' {bar} | {stage}',
        stream: io.progressStream,
        hideCursor: true,
        clearOnComplete: true,
      },
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
        this.buildStart = Date.now();
        this.building = label(e.algorithm, e.build);
        // Indeterminate until the index reports progress (if it ever does).
        this.ensure(`building ${this.building} (started ${clock()})`);
        break;
      case 'build-progress': {
        const text = `building ${this.building}: ${buildProgressText(e.done, e.total, (Date.now() - this.buildStart) / 1000)}`;
        if (this.total === 0) {
          // A build alone (annlab build): the bar itself follows the build.
          if (!this.started) {
            this.bar.start(e.total, e.done, { stage: text });
            this.started = true;
          } else {
            this.bar.setTotal(e.total);
            this.bar.update(e.done, { stage: text });
          }
        } else this.ensure(text);
        break;
      }
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
