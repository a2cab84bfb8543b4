/**
 * The thread-pool contract, the same in Node (`worker_threads`) and in browsers (Web
 * Workers): a pool of `size` threads that run named tasks, plain functions over typed arrays,
 * registered by task modules that every worker imports once at start-up.
 *
 * Payloads travel by structured clone: `SharedArrayBuffer`s (and typed arrays over them) are
 * shared, not copied, so a task reads its input and writes its output in place; everything
 * else (small parameter records, ordinary typed arrays) is copied. No closure is ever shipped:
 * a task is found by name in the worker.
 *
 * @module
 */

/**
 * A task: a plain function of its (structured-cloned) payload. It runs in a worker, or on the
 * calling thread when the pool has one thread. Its return value (or the value its promise
 * resolves to) is cloned back to the caller; return small records and write bulk results into
 * shared arrays of the payload instead.
 */
export type TaskHandler = (payload: unknown) => unknown;

/**
 * What a task module exports: `tasks`, its handlers by name. Names are global to the pool, so
 * prefix them with the package (`'rpforest.buildTrees'`); a name registered twice is refused.
 */
export interface TaskModule {
  /** Handlers by task name. */
  readonly tasks: Readonly<Record<string, TaskHandler>>;
}

/** Options of `createThreadPool`. */
export interface ThreadPoolOptions {
  /**
   * Threads to run tasks on. `1` starts no worker: tasks run on the calling thread (today's
   * single-threaded path, no start-up cost and no extra memory). More threads run that many
   * tasks at once; each worker costs its start-up (tens of milliseconds, plus compiling the
   * task modules) and its own heap, plus whatever a task loads into it (an index replica).
   * @defaultValue every available core: `os.availableParallelism()` in Node,
   * `navigator.hardwareConcurrency` in browsers
   */
  threads?: number;
  /**
   * Extra task modules (absolute URLs, e.g. `new URL('./tasks.js', import.meta.url).href`,
   * each exporting {@link TaskModule.tasks}) that every worker imports at start-up, after
   * annlab's own (`@annlab/threads/tasks`: batch search).
   * @defaultValue none
   */
  taskModules?: readonly string[];
  /**
   * Called with one line when the pool cannot use workers and falls back to one thread (no
   * `SharedArrayBuffer`, or a page that is not cross-origin isolated); called at most once per
   * pool.
   * @defaultValue `console.warn`
   */
  onWarning?: (message: string) => void;
}

/**
 * A pool of threads running named tasks. Create one with `createThreadPool`, reuse it for many
 * operations (workers start once, and keep what tasks cache, such as index replicas), and
 * `close()` it when done.
 *
 * Failure is all-or-nothing: when a task throws, or a worker dies (crash, out of memory,
 * terminated), the pool closes itself: every worker is terminated and every pending and later
 * `run` rejects with `AnnlabError('WORKER_FAILED')`. Create a new pool to continue.
 */
export interface ThreadPool {
  /** Threads that run tasks (1: the calling thread, no worker). */
  readonly size: number;
  /** True after `close()`, or after a failure closed the pool. */
  readonly closed: boolean;
  /**
   * Run task `task` on the next free thread with `payload` (structured clone:
   * `SharedArrayBuffer`s shared, the rest copied) and resolve with its result. Runs beyond
   * `size` queue in call order. Rejects with `AnnlabError('WORKER_FAILED')` if the task throws
   * or its worker dies, `AnnlabError('NOT_FOUND')` for an unknown task name,
   * `AnnlabError('UNSUPPORTED_OPERATION')` after `close()`.
   */
  run<R = unknown>(task: string, payload?: unknown): Promise<R>;
  /**
   * Terminate every worker and reject every queued run. Idempotent; resolves once the
   * workers have exited, so the process can exit promptly afterwards.
   */
  close(): Promise<void>;
}
