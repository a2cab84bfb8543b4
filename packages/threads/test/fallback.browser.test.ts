/**
 * In headless Chromium on a page that is NOT cross-origin isolated (no COOP/COEP, see
 * vitest.browser.config.ts): the pool falls back to one thread, says why in one line, once,
 * and searchBatch still answers as index.search.
 */
import { FlatIndex } from '@annlab/flat';
import { clusteredSplit } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { createThreadPool, searchBatch } from '../src/index.browser.js';

const DIM = 8;
const { base, queries } = clusteredSplit(500, 100, DIM, 4, 9);

describe('createThreadPool without cross-origin isolation', () => {
  it('falls back to one thread with one warning line', async () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
    const warnings: string[] = [];
    const pool = createThreadPool({ threads: 2, onWarning: (m) => warnings.push(m) });
    expect(pool.size).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
    expect(warnings[0]).toMatch(/not cross-origin isolated.*fall back to 1.*Cross-Origin-Embedder-Policy/);
    const index = new FlatIndex({ dim: DIM });
    index.add(base);
    const got = await searchBatch(index, queries, 5, { pool });
    expect(got.ids).toEqual(index.search(queries, 5).ids);
    await pool.close();
  });
});
