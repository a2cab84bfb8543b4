/**
 * In headless Chromium on a cross-origin isolated page (the vitest browser server sends
 * COOP/COEP, see vitest.browser.config.ts): two module Web Workers run a parallel batch
 * search whose results equal one thread's.
 */
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex } from '@annlab/ivfpq';
import { clusteredSplit } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { createThreadPool, searchBatch } from '../src/index.browser.js';

const DIM = 12;
const { base, queries } = clusteredSplit(1200, 200, DIM, 8, 5);

describe('searchBatch in a browser (2 Web Workers)', () => {
  it('runs on a cross-origin isolated page', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe('function');
  });

  it('gives the results of one thread for flat, HNSW and IVF-Flat', async () => {
    const warnings: string[] = [];
    const pool = createThreadPool({ threads: 2, onWarning: (m) => warnings.push(m) });
    expect(pool.size).toBe(2);
    try {
      const indexes = [
        new FlatIndex({ dim: DIM }),
        new HnswIndex({ dim: DIM, M: 8, seed: 2 }),
        new IvfFlatIndex({ dim: DIM, nlist: 8, seed: 2 }),
      ];
      for (const index of indexes) {
        index.add(base);
        const expected = index.search(queries, 10);
        const got = await searchBatch(index, queries, 10, { pool });
        expect(got.ids).toEqual(expected.ids);
        expect(got.distances).toEqual(expected.distances);
      }
    } finally {
      await pool.close();
    }
    expect(warnings).toEqual([]);
  });
});
