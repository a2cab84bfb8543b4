import { describe, expect, it } from 'vitest';
import { loadDataset, WINK_GLOVE_NAME, WINK_GLOVE_QUERIES, winkGloveDataset } from '../src/index.js';

describe('wink-glove-100-angular', () => {
  const d = winkGloveDataset();

  it('holds out 10,000 seeded queries from the 341,479 GloVe words', () => {
    expect(d.name).toBe(WINK_GLOVE_NAME);
    expect(d.metric).toBe('cosine');
    expect(d.dim).toBe(100);
    expect(d.queries.length / d.dim).toBe(WINK_GLOVE_QUERIES);
    expect(d.base.length / d.dim + WINK_GLOVE_QUERIES).toBe(341_479);
  });

  it('gives the same split on every load', () => {
    const again = winkGloveDataset();
    expect(Buffer.from(again.queries.buffer).equals(Buffer.from(d.queries.buffer))).toBe(true);
    expect(Buffer.from(again.base.buffer).equals(Buffer.from(d.base.buffer))).toBe(true);
  });

  it('loads by name, cut to maxQueries, with computed ground truth', async () => {
    const cut = await loadDataset(WINK_GLOVE_NAME, { k: 10, maxQueries: 20, maxBase: 50_000 });
    expect(cut.queries.length).toBe(20 * 100);
    expect(cut.base.length).toBe(50_000 * 100);
    expect(cut.groundTruthK).toBeGreaterThanOrEqual(10);
    expect(Array.from(cut.queries.subarray(0, 100))).toEqual(Array.from(d.queries.subarray(0, 100)));
  });
});
