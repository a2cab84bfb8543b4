/**
 * `createThreadPool` for Node: workers are `worker_threads` running `worker.node.js`. From the
 * TypeScript sources (vitest, `tsx --conditions=source`), the worker first registers tsx and
 * resolves workspace packages through their `source` condition, so it runs the same code.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InlinePool, type SpawnWorker, WorkerPool } from './pool.js';
import { checkPoolOptions } from './options.js';
import type { ThreadPool, ThreadPoolOptions } from './types.js';

/** True when this module runs from its TypeScript source rather than the built `.js`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The URL of tsx's ESM register API, resolved from this package (source runs only). */
function tsxApiUrl(): string {
  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  // `require` resolves the CommonJS build; the worker imports the ES module beside it.
  return pathToFileURL(resolved.replace(/\.cjs$/, '.mjs')).href;
}

const spawnNode: SpawnWorker = (taskModules, events) => {
  let worker: Worker;
  if (FROM_SOURCE) {
    const entry = new URL('./worker.node.ts', import.meta.url).href;
    const code =
      `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
      '.catch((e) => { setTimeout(() => { throw e; }); });';
    worker = new Worker(code, { eval: true, execArgv: ['--conditions=source'], workerData: { taskModules } });
  } else {
    worker = new Worker(new URL('./worker.node.js', import.meta.url), { workerData: { taskModules } });
  }
  worker.on('message', events.message);
  worker.on('error', events.error);
  worker.on('exit', events.exit);
  return {
    post: (m) => worker.postMessage(m),
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => worker.terminate().then(() => undefined),
  };
};

/** Every available core (`os.availableParallelism()`). */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A pool of `threads` worker threads (default: every available core); `threads: 1` starts no
 * worker and runs tasks on the calling thread. Workers start at once, in the background; runs
 * wait for them. An idle pool does not keep the process alive, but `close()` it when done.
 */
export function createThreadPool(options: ThreadPoolOptions = {}): ThreadPool {
  const o = checkPoolOptions(options, defaultThreads);
  if (o.threads === 1) return new InlinePool(o.taskModules);
  return new WorkerPool(o.threads, spawnNode, o.taskModules);
}
