/**
 * The pool logic shared by the Node and browser implementations: a queue of runs handed to
 * idle workers one at a time ({@link WorkerPool}), and the one-thread pool that runs tasks on
 * the calling thread ({@link InlinePool}). The host-specific part, starting a worker, is a
 * {@link SpawnWorker} function.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { loadRegistry, type RunMessage, type WorkerMessage } from './protocol.js';
import type { TaskRegistry } from './registry.js';
import type { ThreadPool } from './types.js';

/** What a pool needs from one started worker. */
export interface WorkerHandle {
  /** Send a run to the worker (structured clone; shared buffers shared). */
  post(message: RunMessage): void;
  /** Keep the host process alive for this worker (`true` while it runs a task) or not. */
  setBusy(busy: boolean): void;
  /** Stop the worker; resolves once it has exited. */
  terminate(): Promise<void>;
}

/** How a worker reports back to its pool. */
export interface WorkerEvents {
  /** A message from the worker. */
  message(message: WorkerMessage): void;
  /** The worker failed outside a task (an uncaught error, a failed start). */
  error(error: unknown): void;
  /** The worker exited (with an exit code where the host reports one). */
  exit(code: number | null): void;
}

/** Start one worker that loads `taskModules` and reports through `events`. */
export type SpawnWorker = (taskModules: readonly string[], events: WorkerEvents) => WorkerHandle;

interface Job {
  id: number;
  task: string;
  payload: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  handle: WorkerHandle;
  ready: boolean;
  job: Job | null;
  exited: boolean;
}

function closedError(): AnnlabError {
  return new AnnlabError('UNSUPPORTED_OPERATION', 'this thread pool is closed; create a new one with createThreadPool().');
}

/** A pool of `size` workers, each running one task at a time; see {@link ThreadPool}. */
export class WorkerPool implements ThreadPool {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly queue: Job[];
  private nextId: number;
  private failure: AnnlabError | null;
  private isClosed: boolean;
  private closing: Promise<void> | null;

  constructor(size: number, spawn: SpawnWorker, taskModules: readonly string[]) {
    this.size = size;
    this.slots = [];
    this.queue = [];
    this.nextId = 1;
    this.failure = null;
    this.isClosed = false;
    this.closing = null;
    for (let i = 0; i < size; i++) {
      const slot: Slot = { handle: null as unknown as WorkerHandle, ready: false, job: null, exited: false };
      slot.handle = spawn(taskModules, {
        message: (m) => this.onMessage(slot, i, m),
        error: (e) => this.fail(`worker ${i} failed: ${describe(e)}`, e),
        exit: (code) => {
          slot.exited = true;
          if (!this.isClosed) this.fail(`worker ${i} exited unexpectedly (code ${code ?? 'unknown'})`, undefined);
        },
      });
      slot.handle.setBusy(false);
      this.slots.push(slot);
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }

  run<R = unknown>(task: string, payload?: unknown): Promise<R> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.isClosed) return Promise.reject(closedError());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, payload, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.isClosed = true;
    const err = this.failure ?? closedError();
    for (const job of this.queue.splice(0)) job.reject(err);
    const running: Job[] = [];
    for (const slot of this.slots) {
      if (slot.job !== null) {
        running.push(slot.job);
        slot.job = null;
      }
    }
    this.closing = Promise.all(this.slots.map((s) => (s.exited ? Promise.resolve() : s.handle.terminate()))).then(() => undefined);
    // A running task's run rejects only once its worker has stopped, so a caller that restores
    // shared data on rejection (HNSW's parallel insert) never races a task still writing it.
    const lost =
      this.failure ?? new AnnlabError('WORKER_FAILED', 'the thread pool was closed while a task was running; its result is lost.');
    void this.closing.then(() => {
      for (const job of running) job.reject(lost);
    });
    return this.closing;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (!slot.ready || slot.job !== null) continue;
      const job = this.queue.shift() as Job;
      slot.job = job;
      try {
        slot.handle.post({ kind: 'run', id: job.id, task: job.task, payload: job.payload });
      } catch (e) {
        // The payload cannot be cloned (a function, a class instance with private state...).
        slot.job = null;
        job.reject(
          new AnnlabError(
            'INVALID_PARAMETER',
            `task '${job.task}': its payload cannot be sent to a worker (${describe(e)}); pass typed arrays and plain records only.`,
            {
              cause: e,
            },
          ),
        );
      }
    }
    this.holdProcess();
  }

  /**
   * Keep the host process alive for a worker while it runs a task, or while runs wait for
   * workers still starting; an idle pool does not hold the process open.
   */
  private holdProcess(): void {
    const waiting = this.queue.length > 0;
    for (const slot of this.slots) slot.handle.setBusy(slot.job !== null || (waiting && !slot.ready));
  }

  private onMessage(slot: Slot, i: number, m: WorkerMessage): void {
    switch (m.kind) {
      case 'ready':
        slot.ready = true;
        this.dispatch();
        return;
      case 'start-failed':
        this.fail(`worker ${i} could not load its task modules: ${m.message}`, undefined);
        return;
      case 'done': {
        const job = slot.job;
        slot.job = null;
        if (job !== null && job.id === m.id) job.resolve(m.result);
        this.dispatch();
        return;
      }
      case 'failed': {
        const job = slot.job;
        slot.job = null;
        if (m.code === 'NOT_FOUND' && job !== null) {
          // A name the workers do not know: the caller's mistake, the workers are fine.
          job.reject(new AnnlabError('NOT_FOUND', m.message));
          this.dispatch();
          return;
        }
        const cause = Object.assign(new Error(m.message), { stack: m.stack });
        if (job !== null) this.queue.unshift(job); // rejected by fail() below with the rest
        this.fail(`task '${job?.task ?? '?'}' threw in worker ${i}: ${m.code !== null ? `[${m.code}] ` : ''}${m.message}`, cause);
        return;
      }
    }
  }

  /** Close the pool after a failure: every pending and later run rejects with WORKER_FAILED. */
  private fail(message: string, cause: unknown): void {
    if (this.failure !== null || this.isClosed) return;
    this.failure = new AnnlabError(
      'WORKER_FAILED',
      `${message.replace(/\.$/, '')}. The operation was abandoned and the thread pool closed (no worker is left running); create a new pool to continue.`,
      { cause },
    );
    void this.close();
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The one-thread pool: no worker; tasks run on the calling thread, one after another, with
 * the same payload semantics (a structured clone, shared buffers shared) and the same
 * failure rule (a throwing task closes the pool with `WORKER_FAILED`).
 */
export class InlinePool implements ThreadPool {
  readonly size: number;
  private readonly registry: Promise<TaskRegistry>;
  private tail: Promise<unknown>;
  private failure: AnnlabError | null;
  private isClosed: boolean;

  constructor(taskModules: readonly string[]) {
    this.size = 1;
    this.registry = loadRegistry(taskModules);
    // An unloadable module is reported by the first run, not as an unhandled rejection.
    this.registry.catch(() => undefined);
    this.tail = Promise.resolve();
    this.failure = null;
    this.isClosed = false;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  run<R = unknown>(task: string, payload?: unknown): Promise<R> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.isClosed) return Promise.reject(closedError());
    const result = this.tail.then(async () => {
      if (this.failure !== null) throw this.failure;
      if (this.isClosed) throw closedError();
      const registry = await this.registry;
      const handler = registry.get(task); // NOT_FOUND as is: the pool stays usable
      let copy: unknown;
      try {
        copy = structuredClone(payload);
      } catch (e) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `task '${task}': its payload cannot be sent to a worker (${describe(e)}); pass typed arrays and plain records only.`,
          {
            cause: e,
          },
        );
      }
      try {
        return (await handler(copy)) as R;
      } catch (e) {
        this.failure = new AnnlabError(
          'WORKER_FAILED',
          `task '${task}' threw: ${describe(e)}. The operation was abandoned and the thread pool closed; create a new pool to continue.`,
          { cause: e },
        );
        this.isClosed = true;
        throw this.failure;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    this.isClosed = true;
    return Promise.resolve();
  }
}
