/**
 * The worker entry in Node (`worker_threads`): serve the pool's runs over `parentPort`, with
 * the task modules named in `workerData.taskModules`.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type RunMessage, serveTasks } from './protocol.js';

const port = parentPort;
if (port !== null) {
  const { taskModules } = workerData as { taskModules: readonly string[] };
  void serveTasks(
    {
      post: (m) => port.postMessage(m),
      listen: (fn) => port.on('message', (m: RunMessage) => fn(m)),
    },
    taskModules,
  );
}
