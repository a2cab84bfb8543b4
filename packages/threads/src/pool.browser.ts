/**
 * `createThreadPool` for browsers: workers are module Web Workers running `worker.browser.js`.
 * Sharing memory with them needs `SharedArrayBuffer`, which browsers only give cross-origin
 * isolated pages (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`); elsewhere the pool falls back to one thread
 * and says why in one line.
 *
 * @module
 */
import { checkPoolOptions } from './options.js';
import { InlinePool, type SpawnWorker, WorkerPool } from './pool.js';
import type { ThreadPool, ThreadPoolOptions } from './types.js';

/** True when this module runs from its TypeScript source (a dev server) rather than the built `.js`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

const spawnWeb: SpawnWorker = (taskModules, events) => {
  const url = FROM_SOURCE ? new URL('./worker.browser.ts', import.meta.url) : new URL('./worker.browser.js', import.meta.url);
  const worker = new Worker(url, { type: 'module' });
  worker.addEventListener('message', (e) => events.message(e.data));
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    events.error(new Error(e.message || 'the worker script failed to load or threw'));
  });
  worker.addEventListener('messageerror', () => events.error(new Error('a message from the worker could not be read')));
  worker.postMessage({ taskModules });
  return {
    post: (m) => worker.postMessage(m),
    setBusy: () => undefined,
    terminate: () => {
      worker.terminate();
      return Promise.resolve();
    },
  };
};

/** `navigator.hardwareConcurrency`, or 1 where it is unknown. */
export function defaultThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
}

/** Why workers cannot share memory here, or null when they can. */
export function sharingUnavailable(): string | null {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (typeof g.Worker !== 'function') return 'this environment has no Web Workers';
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (no SharedArrayBuffer)';
  if (typeof g.SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable';
  return null;
}

/**
 * A pool of `threads` Web Workers (default: `navigator.hardwareConcurrency`); `threads: 1`
 * starts no worker and runs tasks on the calling thread. Without `SharedArrayBuffer` or
 * cross-origin isolation the pool has one thread, and `onWarning` (default `console.warn`)
 * gets one line saying why and how to enable it.
 */
export function createThreadPool(options: ThreadPoolOptions = {}): ThreadPool {
  const o = checkPoolOptions(options, defaultThreads);
  if (o.threads === 1) return new InlinePool(o.taskModules);
  const why = sharingUnavailable();
  if (why !== null) {
    o.onWarning(
      `annlab threads: ${why}, so ${o.threads} threads fall back to 1; serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.`,
    );
    return new InlinePool(o.taskModules);
  }
  return new WorkerPool(o.threads, spawnWeb, o.taskModules);
}
