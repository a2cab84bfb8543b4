/**
 * The machine a benchmark ran on, recorded with every result line so numbers from different
 * machines or commits are never mixed up silently.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Where and with what a benchmark ran. */
export interface Environment {
  /** `process.version`, e.g. `v20.11.1`. */
  node: string;
  /** V8 version. */
  v8: string;
  /** CPU model string of the first core. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory in bytes. */
  totalMemoryBytes: number;
  /** `process.platform`-`process.arch`. */
  platform: string;
  /** Current git commit, `'unknown'` outside a git checkout; suffixed `-dirty` with local changes. */
  gitCommit: string;
  /** Version of the annlab packages (@annlab/bench's package.json). */
  annlabVersion: string;
  /** ISO time the run started. */
  startedAt: string;
}

function gitCommit(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    let dirty = false;
    try {
      dirty =
        execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
          .toString()
          .trim().length > 0;
    } catch {
      dirty = false;
    }
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

/** The annlab version from this package's package.json. */
export function annlabVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Collect the environment now. @param cwd - directory for `git` (default: this package's). */
export function collectEnvironment(cwd: string = new URL('.', import.meta.url).pathname): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus.length > 0 ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: `${process.platform}-${process.arch}`,
    gitCommit: gitCommit(cwd),
    annlabVersion: annlabVersion(),
    startedAt: new Date().toISOString(),
  };
}
