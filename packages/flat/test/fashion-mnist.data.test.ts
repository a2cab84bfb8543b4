import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { l2SquaredRef } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

const root = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const dir = `${root}/fashion-mnist`;

/** IDX images (gzip): 16-byte big-endian header, then uint8 pixels → float32 rows. */
function readIdxImages(path: string, limit: number): Float32Array {
  const b = gunzipSync(readFileSync(path));
  const n = Math.min(limit, b.readUInt32BE(4));
  const dim = b.readUInt32BE(8) * b.readUInt32BE(12);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = b[16 + i];
  return out;
}

describe('FlatIndex on Fashion-MNIST (data suite)', () => {
  it('finds the exact 10 nearest neighbours (recall@10 = 1) against an independent brute force', () => {
    expect(existsSync(dir), `Fashion-MNIST not found at ${dir}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const dim = 784;
    const base = readIdxImages(`${dir}/train-images-idx3-ubyte.gz`, 60000);
    const queries = readIdxImages(`${dir}/t10k-images-idx3-ubyte.gz`, 100);
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
