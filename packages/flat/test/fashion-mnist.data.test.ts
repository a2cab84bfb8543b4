import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { l2SquaredRef } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { fashionMnistDir, loadFashionMnist } from '@annlab/test-kit/datasets';

const dir = fashionMnistDir();

describe('FlatIndex on Fashion-MNIST (data suite)', () => {
  it('finds the exact 10 nearest neighbours (recall@10 = 1) against an independent brute force', () => {
    expect(existsSync(dir), `Fashion-MNIST not found at ${dir}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const dim = 784;
    const slice = loadFashionMnist(60000, 100);
    const base = slice.base.data;
    const queries = slice.queries.data;
    expect(base.length).toBe(60000 * dim);
    const index = new FlatIndex({ dim });
    index.add(base);
    const batch = index.search(queries, 10);
    const single = index.search(queries.subarray(0, 20 * dim), 10, { oneByOne: true });
    let hits = 0;
    for (let q = 0; q < 100; q++) {
      // Independent brute force: the plain reference loop and a full sort.
      const d = new Float64Array(60000);
      for (let i = 0; i < 60000; i++) d[i] = l2SquaredRef(queries, q * dim, base, i * dim, dim);
      const order = Array.from({ length: 60000 }, (_, i) => i).sort((a, b) => d[a] - d[b] || a - b);
      const kth = Math.sqrt(d[order[9]]);
      for (let j = 0; j < 10; j++) {
        // ann-benchmarks' rule: a returned id counts when its distance ≤ the true 10th + 1e-3.
        if (Math.sqrt(d[batch.ids[q * 10 + j]]) <= kth + 1e-3) hits++;
        if (q < 20) expect(single.ids[q * 10 + j]).toBe(batch.ids[q * 10 + j]);
      }
      expect(Array.from(batch.ids.subarray(q * 10, q * 10 + 10))).toEqual(order.slice(0, 10));
    }
    expect(hits / 1000).toBe(1);
  });
});
