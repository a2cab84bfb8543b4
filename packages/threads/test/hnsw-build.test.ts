/**
 * HNSW's concurrent INSERT on real worker threads (`HnswIndex.addAsync`, hnswlib's
 * `add_items(num_threads)`): with 2 and 3 threads the graph is valid and as good as the
 * one-thread build (recall against the exact index); a pool closed mid-build rejects with
 * `WORKER_FAILED`, leaves the index as it was and no worker running.
 */
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { clusteredSplit, expectRejectedCode } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../src/index.js';
import { expectThreadsBackTo, osThreads } from './helpers.js';

const DIM = 16;
const K = 10;

/** Mean recall@K of `got` against `truth` (both `nq × K`). */
function recall(got: Int32Array, truth: Int32Array, nq: number): number {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const want = new Set(truth.subarray(q * K, (q + 1) * K));
    for (let j = 0; j < K; j++) if (want.has(got[q * K + j])) hits++;
  }
  return hits / (nq * K);
}

describe('HnswIndex.addAsync on worker threads', () => {
  it('2 and 3 threads build a valid graph with the recall of one thread', async () => {
    const before = osThreads();
    const { base, queries } = clusteredSplit(6000, 200, DIM, 30, 11, { spread: 0.5 });
    const nq = queries.length / DIM;
    for (const metric of ['euclidean', 'cosine'] as const) {
      const flat = new FlatIndex({ dim: DIM, metric });
      flat.add(base);
      const truth = flat.search(queries, K).ids;
      const options = { dim: DIM, metric, M: 8, efConstruction: 60, seed: 3 };
      const serial = new HnswIndex(options);
      serial.add(base);
      const r1 = recall(serial.search(queries, K, { efSearch: 40 }).ids, truth, nq);
      for (const threads of [2, 3]) {
        const pool = createThreadPool({ threads });
        try {
          const ix = new HnswIndex(options);
          // Two calls: into an empty graph, then into a non-empty one.
          await ix.addAsync(base.subarray(0, 1000 * DIM), { pool });
          await ix.addAsync(base.subarray(1000 * DIM), { pool });
          expect(ix.size).toBe(6000);
          const report = ix.checkInvariants();
          expect(report.ok, report.errors.join('; ')).toBe(true);
          expect(report.unreachable).toBeLessThanOrEqual(6);
          const r = recall(ix.search(queries, K, { efSearch: 40 }).ids, truth, nq);
          expect(r, `${metric}, ${threads} threads`).toBeGreaterThanOrEqual(Math.min(0.95, r1 - 0.02));
          // The built index saves, loads and searches like any other.
          const again = HnswIndex.deserialize(ix.serialize());
          expect(again.search(queries, K, { efSearch: 40 }).ids).toEqual(ix.search(queries, K, { efSearch: 40 }).ids);
        } finally {
          await pool.close();
        }
      }
    }
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('a pool closed mid-build rejects with WORKER_FAILED and leaves the index as it was', async () => {
    const before = osThreads();
    const { base } = clusteredSplit(30000, 1, DIM, 30, 12, { spread: 0.5 });
    const ix = new HnswIndex({ dim: DIM, M: 12, efConstruction: 200, seed: 3 });
    ix.add(base.subarray(0, 500 * DIM));
    const bytes = ix.serialize();
    const pool = createThreadPool({ threads: 2 });
    let closed: Promise<void> | null = null;
    const onProgress = () => {
      closed ??= pool.close();
    };
    await expectRejectedCode(ix.addAsync(base.subarray(500 * DIM), { pool, onProgress }), 'WORKER_FAILED');
    await closed;
    expect(closed).not.toBeNull();
    expect(ix.serialize()).toEqual(bytes);
    expect(ix.idCount).toBe(500);
    // The index stays usable: the same rows added on one thread.
    ix.add(base.subarray(500 * DIM, 1000 * DIM));
    expect(ix.checkInvariants().ok).toBe(true);
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });
});
