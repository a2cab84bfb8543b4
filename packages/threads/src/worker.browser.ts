/**
 * The worker entry in browsers (a module Web Worker): serve the pool's runs over the worker's
 * global scope. The first message names the task modules to load.
 *
 * @module
 */
import { type RunMessage, serveTasks } from './protocol.js';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
const onStart = (event: MessageEvent): void => {
  scope.removeEventListener('message', onStart);
  const { taskModules } = event.data as { taskModules: readonly string[] };
  void serveTasks(
    {
      post: (m) => scope.postMessage(m),
      listen: (fn) => scope.addEventListener('message', (e) => fn(e.data as RunMessage)),
    },
    taskModules,
  );
};
scope.addEventListener('message', onStart);
