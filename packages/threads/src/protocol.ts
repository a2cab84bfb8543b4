/**
 * The messages between a pool and its workers, and the loop every worker runs
 * ({@link serveTasks}), independent of the worker API (`worker_threads` or Web Workers).
 *
 * ```
 * worker → pool   { kind: 'ready' }                          task modules loaded
 *                 { kind: 'start-failed', message }          a task module failed to load
 * pool → worker   { kind: 'run', id, task, payload }
 * worker → pool   { kind: 'done', id, result }
 *                 { kind: 'failed', id, code, message, stack }
 * ```
 *
 * @module
 */
import { isAnnlabError } from '@annlab/core';
import { TaskRegistry } from './registry.js';
import { tasks as builtinTasks } from './tasks.js';

/** A message from the pool to a worker. */
export interface RunMessage {
  /** Always `'run'`. */
  kind: 'run';
  /** The run's number, echoed in the answer. */
  id: number;
  /** Task name. */
  task: string;
  /** The task's payload. */
  payload: unknown;
}

/** A message from a worker to its pool. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'start-failed'; message: string }
  | { kind: 'done'; id: number; result: unknown }
  | { kind: 'failed'; id: number; code: string | null; message: string; stack: string };

/** The two operations a worker loop needs from its host API. */
export interface WorkerPort {
  /** Send a message to the pool. */
  post(message: WorkerMessage): void;
  /** Receive the pool's messages. */
  listen(onMessage: (message: RunMessage) => void): void;
}

/** A registry holding annlab's own tasks, then those of `taskModules`. */
export async function loadRegistry(taskModules: readonly string[]): Promise<TaskRegistry> {
  const registry = new TaskRegistry();
  registry.add({ tasks: builtinTasks }, '@annlab/threads/tasks');
  for (const url of taskModules) await registry.load(url);
  return registry;
}

/**
 * The worker's whole life: load the task modules, say `ready`, then answer each `run` with
 * `done` or `failed`. Runs arrive one at a time (the pool gives a worker one run at a time).
 */
export async function serveTasks(port: WorkerPort, taskModules: readonly string[]): Promise<void> {
  let registry: TaskRegistry;
  try {
    registry = await loadRegistry(taskModules);
  } catch (e) {
    port.post({ kind: 'start-failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.listen((message) => {
    void runOne(port, registry, message);
  });
  port.post({ kind: 'ready' });
}

async function runOne(port: WorkerPort, registry: TaskRegistry, message: RunMessage): Promise<void> {
  try {
    const result = await registry.get(message.task)(message.payload);
    port.post({ kind: 'done', id: message.id, result });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.post({ kind: 'failed', id: message.id, code: isAnnlabError(err) ? err.code : null, message: err.message, stack: err.stack ?? '' });
  }
}
