/**
 * What the algorithm packages need from a worker pool, so they can build in parallel without
 * depending on a thread runtime: an object that runs a named task with a payload on some
 * worker and resolves with its result. `@annlab/threads`' `createThreadPool` returns one (Node
 * `worker_threads` or Web Workers); a pool of one thread may run the task in the calling
 * thread. Payload arrays are shared with the workers when they view a `SharedArrayBuffer`
 * ({@link sharedArray}), copied otherwise.
 *
 * @module
 */
import { AnnlabError } from './errors.js';
import type { AddOptions } from './types.js';
import { checkKnownKeys } from './validate.js';

/** A worker pool as the algorithm packages use it (the shape of `@annlab/threads`' pool). */
export interface TaskPool {
  /**
   * Run the task handler registered as `task` with `payload` (typed arrays in it are views
   * of `SharedArrayBuffer`s, shared with the worker, or copies), resolving with what it
   * returns and rejecting when it throws or its worker dies.
   */
  run(task: string, payload: unknown): Promise<unknown>;
  /**
   * Threads that run tasks at once, when the pool knows (`@annlab/threads`' pools do): an
   * algorithm that splits work into one task per thread (HNSW's parallel insert) starts this
   * many. Left out, such an algorithm assumes 1.
   */
  readonly size?: number;
}

/**
 * `pool` as a {@link TaskPool}, or a typed `INVALID_PARAMETER` naming `what` when it has no
 * `run` method.
 */
export function checkTaskPool(pool: unknown, what: string): TaskPool {
  if (pool === null || typeof pool !== 'object' || typeof (pool as { run?: unknown }).run !== 'function') {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what}: pool must be a worker pool with run(task, payload), such as createThreadPool({ threads }) from @annlab/threads.`,
    );
  }
  return pool as TaskPool;
}

/**
 * A zeroed array of `length` values in a `SharedArrayBuffer` when the runtime has one (so a
 * pool's workers read it without a copy), else in a plain `ArrayBuffer`.
 */
export function sharedArray<T extends Float32Array | Int32Array | Float64Array | Uint8Array>(
  ctor: { new (buffer: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  const bytes = length * ctor.BYTES_PER_ELEMENT;
  return new ctor(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** What {@link splitPoolOptions} returns. */
export interface SplitPoolOptions {
  /** The checked pool, or undefined when none was given (the call runs synchronously). */
  pool: TaskPool | undefined;
  /** The options for the synchronous twin: `{ onProgress }` when given, else `{}`; non-objects as passed. */
  rest: AddOptions | undefined;
}

/**
 * The options of an async build call (`addAsync`, `trainAsync`) split into its checked `pool`
 * and the options of its synchronous twin (`{ onProgress }` when given, else `{}`). Keys
 * other than `known` are refused with `INVALID_PARAMETER`; anything but a plain object comes
 * back as `rest` unchanged, for the synchronous twin to refuse.
 */
export function splitPoolOptions(options: unknown, known: readonly string[], what: string): SplitPoolOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return { pool: undefined, rest: options as undefined };
  checkKnownKeys(options, known, what);
  const o = options as { onProgress?: AddOptions['onProgress']; pool?: unknown };
  const pool = o.pool === undefined ? undefined : checkTaskPool(o.pool, what);
  return { pool, rest: o.onProgress === undefined ? {} : { onProgress: o.onProgress } };
}
