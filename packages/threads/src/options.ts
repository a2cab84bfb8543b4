/**
 * Checking {@link ThreadPoolOptions} and the `threads` count, shared by both implementations.
 *
 * @module
 */
import { AnnlabError, checkKnownKeys } from '@annlab/core';
import type { ThreadPoolOptions } from './types.js';

/** {@link ThreadPoolOptions} with every default applied. */
export interface CheckedPoolOptions {
  /** Threads (≥ 1). */
  threads: number;
  /** Extra task modules (absolute URLs). */
  taskModules: readonly string[];
  /** Warning sink. */
  onWarning: (message: string) => void;
}

const POOL_KEYS = ['threads', 'taskModules', 'onWarning'] as const;

/** Check a `threads` value: an integer ≥ 1, or undefined for `fallback()`. */
export function checkThreads(threads: unknown, fallback: () => number, where: string): number {
  if (threads === undefined) return fallback();
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${where}: threads must be an integer from 1 to 1024, got ${String(threads)}; omit it to use every core.`,
    );
  }
  return threads;
}

/** Check `options` of `createThreadPool`, applying the defaults. */
export function checkPoolOptions(options: ThreadPoolOptions, defaultThreads: () => number): CheckedPoolOptions {
  if (options === null || typeof options !== 'object') {
    throw new AnnlabError('INVALID_PARAMETER', 'createThreadPool options must be an object such as { threads: 4 }.');
  }
  checkKnownKeys(options as Record<string, unknown>, POOL_KEYS, 'createThreadPool options');
  const threads = checkThreads(options.threads, defaultThreads, 'createThreadPool');
  const taskModules = options.taskModules ?? [];
  if (!Array.isArray(taskModules) || taskModules.some((u) => typeof u !== 'string')) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      'createThreadPool: taskModules must be an array of module URLs (strings), e.g. [new URL("./tasks.js", import.meta.url).href].',
    );
  }
  const onWarning = options.onWarning ?? ((m: string) => console.warn(m));
  if (typeof onWarning !== 'function') {
    throw new AnnlabError('INVALID_PARAMETER', 'createThreadPool: onWarning must be a function taking one message line.');
  }
  let warned = false;
  return {
    threads,
    taskModules: [...taskModules],
    onWarning: (m) => {
      if (warned) return;
      warned = true;
      onWarning(m);
    },
  };
}
