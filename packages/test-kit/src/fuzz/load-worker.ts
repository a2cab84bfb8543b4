/**
 * The loader fuzzer's worker: imports the fuzz-target module named in `workerData`, then
 * answers each `{ index, bytes }` message with one {@link LoadOutcome}. Run by
 * {@link fuzzLoader} in a `worker_threads` Worker, so a load that never returns can be
 * stopped by terminating the thread.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTarget, type FuzzTargets } from './target.js';

interface Data {
  readonly moduleUrl: string;
  readonly name: string;
}

const { moduleUrl, name } = workerData as Data;
const mod = (await import(moduleUrl)) as { targets?: FuzzTargets };
const target = mod.targets?.[name];
if (target === undefined) throw new Error(`fuzz target '${name}' is not exported (as targets.${name}) by ${moduleUrl}`);
const port = parentPort;
if (port === null) throw new Error('load-worker must run in a worker thread');
port.on('message', (msg: { index: number; bytes: Uint8Array }) => {
  port.postMessage({ index: msg.index, outcome: runTarget(target, msg.bytes) });
});
port.postMessage({ ready: true });
