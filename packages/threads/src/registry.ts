/**
 * The task registry of one thread (a worker, or the calling thread of a one-thread pool):
 * task modules are imported once and their handlers looked up by name for every run.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import type { TaskHandler, TaskModule } from './types.js';

/** Handlers by task name, filled from task modules. */
export class TaskRegistry {
  private readonly handlers: Map<string, TaskHandler>;

  constructor() {
    this.handlers = new Map();
  }

  /** Register every handler of `module`; `from` names it in errors. A name seen twice is refused. */
  add(module: TaskModule, from: string): void {
    const tasks = (module as { tasks?: unknown }).tasks;
    if (tasks === null || typeof tasks !== 'object') {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `task module ${from} does not export \`tasks\` (a record of handlers by name); add \`export const tasks = { ... }\`.`,
      );
    }
    for (const [name, handler] of Object.entries(tasks as Record<string, unknown>)) {
      if (typeof handler !== 'function') {
        throw new AnnlabError('INVALID_PARAMETER', `task module ${from}: tasks.${name} is not a function.`);
      }
      if (this.handlers.has(name)) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `task module ${from}: task '${name}' is already registered; prefix task names with their package.`,
        );
      }
      this.handlers.set(name, handler as TaskHandler);
    }
  }

  /** Import the module at `url` (an absolute URL) and register its handlers. */
  async load(url: string): Promise<void> {
    const module = (await import(/* @vite-ignore */ url)) as TaskModule;
    this.add(module, url);
  }

  /** The handler of `name`; `NOT_FOUND` listing the known names otherwise. */
  get(name: string): TaskHandler {
    const handler = this.handlers.get(name);
    if (handler === undefined) {
      throw new AnnlabError(
        'NOT_FOUND',
        `no task named '${name}' (known: ${[...this.handlers.keys()].join(', ')}); pass the module that defines it in taskModules.`,
      );
    }
    return handler;
  }
}
