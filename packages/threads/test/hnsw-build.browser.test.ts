/**
 * In headless Chromium on a cross-origin isolated page: HNSW's concurrent INSERT on two module
 * Web Workers over the index's shared WebAssembly memory builds a valid graph that finds what
 * the one-thread build finds.
 */
import { HnswIndex } from '@annlab/hnsw';
import { clusteredSplit } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../src/index.browser.js';

const DIM = 12;
const { base, queries } = clusteredSplit(3000, 100, DIM, 10, 7);

describe('HnswIndex.addAsync in a browser (2 Web Workers)', () => {
  it('builds a valid graph with the one-thread results', async () => {
    const pool = createThreadPool({ threads: 2 });
    expect(pool.size).toBe(2);
    try {
      const options = { dim: DIM, M: 8, efConstruction: 80, seed: 2 };
      const serial = new HnswIndex(options);
      serial.add(base);
      const ix = new HnswIndex(options);
      let last = 0;
      await ix.addAsync(base, { pool, onProgress: (done) => (last = done) });
      expect(last).toBe(3000);
      expect(ix.checkInvariants().ok).toBe(true);
      const a = serial.search(queries, 1, { efSearch: 64 }).ids;
      const b = ix.search(queries, 1, { efSearch: 64 }).ids;
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
      expect(same).toBeGreaterThanOrEqual(97);
    } finally {
      await pool.close();
    }
  });
});
