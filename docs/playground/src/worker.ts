/**
 * The build worker: builds one index off the page's thread (so the page stays responsive
 * while a 20,000-point graph is built) and sends back its serialized bytes and the build
 * time; the page loads them with the class's own `deserialize`.
 *
 * @module
 */
import { algorithmByName, type Params } from './algorithms.ts';

/** A build request from the page. */
export interface BuildRequest {
  /** Request number (the page ignores stale answers). */
  readonly id: number;
  /** Algorithm name. */
  readonly algorithm: string;
  /** Vector dimension. */
  readonly dim: number;
  /** Seed of the index. */
  readonly seed: number;
  /** Build knobs. */
  readonly params: Params;
  /** Base vectors, n × dim. */
  readonly base: Float32Array;
}

/** The worker's answer. */
export type BuildReply =
  | { readonly id: number; readonly bytes: Uint8Array; readonly buildMs: number }
  | { readonly id: number; readonly error: string };

self.onmessage = (event: MessageEvent<BuildRequest>): void => {
  const { id, algorithm, dim, seed, params, base } = event.data;
  try {
    const t0 = performance.now();
    const index = algorithmByName(algorithm).build(base, dim, seed, params);
    const buildMs = performance.now() - t0;
    const bytes = index.serialize();
    const reply: BuildReply = { id, bytes, buildMs };
    (self as unknown as Worker).postMessage(reply, [bytes.buffer]);
  } catch (err) {
    const reply: BuildReply = { id, error: err instanceof Error ? err.message : String(err) };
    (self as unknown as Worker).postMessage(reply);
  }
};
