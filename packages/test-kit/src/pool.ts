/**
 * A worker pool without workers, for testing parallel builds deterministically: core's
 * `TaskPool` shape, running the registered task handlers in this thread.
 *
 * @module
 */
import type { TaskPool } from '@annlab/core';

/** Task handlers by name, as a worker would have them registered. */
export type TaskHandlers = Readonly<Record<string, (payload: unknown) => unknown>>;

/**
 * Runs tasks in this thread, `threads` at a time, finishing each batch in reverse order (later
 * tasks first, as workers may), so a build that depends on completion order shows it. The
 * run numbered `failAt` (0-based) rejects with "worker died"; an unknown task name rejects.
 */
export class InProcessPool implements TaskPool {
  /** Tasks run so far. */
  calls = 0;
  private queue: Array<() => void> = [];

  /**
   * @param tasks - the handlers, by task name.
   * @param threads - tasks finished per batch.
   * @param failAt - the run that fails (−1: none).
   */
  constructor(
    private readonly tasks: TaskHandlers,
    readonly threads: number,
    private readonly failAt = -1,
  ) {}

  /** The pool's size, as `@annlab/threads` pools report it. */
  get size(): number {
    return this.threads;
  }

  run(task: string, payload: unknown): Promise<unknown> {
    const call = this.calls++;
    return new Promise((resolve, reject) => {
      this.queue.push(() => {
        const handler = this.tasks[task];
        if (call === this.failAt) reject(new Error('worker died'));
        else if (handler !== undefined) resolve(handler(payload));
        else reject(new Error(`unknown task ${task}`));
      });
      if (this.queue.length === 1) setTimeout(() => this.drain(), 0);
    });
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.threads);
      for (let i = batch.length - 1; i >= 0; i--) batch[i]();
    }
  }
}
