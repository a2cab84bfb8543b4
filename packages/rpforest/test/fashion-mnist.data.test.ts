import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RpForestIndex, RpForestSearchStats } from '@annlab/rpforest';
import { recallAgainstFlat } from '@annlab/test-kit';

const DATASETS = process.env.ANNLAB_SHARED_DATASETS ?? fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
const N = 10000;
const Q = 200;

/** Read the first `maxRows` images of a gzipped IDX file as float32 rows. */
function readIdx(path: string, maxRows: number): { rows: number; dim: number; data: Float32Array } {
  const buf = gunzipSync(readFileSync(path));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const rows = Math.min(maxRows, view.getUint32(4));
  const dim = view.getUint32(8) * view.getUint32(12);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows * dim; i++) data[i] = buf[16 + i];
  return { rows, dim, data };
}

describe('RpForestIndex on a Fashion-MNIST slice (10,000 base, 200 queries, k = 10)', () => {
  const base = readIdx(join(DATASETS, 'fashion-mnist/train-images-idx3-ubyte.gz'), N);
  const queries = readIdx(join(DATASETS, 'fashion-mnist/t10k-images-idx3-ubyte.gz'), Q);
  const dim = base.dim;
  const ix = new RpForestIndex({ dim, nTrees: 20 });
  ix.add(base.data);

  it('builds a valid forest with Annoy-sized leaves', () => {
    expect(base.rows).toBe(N);
    expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
    const info = ix.forestInfo();
    expect(info.trees).toBe(20);
    expect(ix.leafSize).toBe(786);
    expect(info.meanLeafSize).toBeGreaterThan(200);
  });

  it('recall rises with searchK and reaches the floors (observed 0.985 at 1,000; 0.9965 at 5,000)', () => {
    const r1 = recallAgainstFlat(base.data, queries.data, dim, 10, ix.search(queries.data, 10, { searchK: 1000 }).ids);
    const r5 = recallAgainstFlat(base.data, queries.data, dim, 10, ix.search(queries.data, 10, { searchK: 5000 }).ids);
    expect(r1).toBeGreaterThan(0.97);
    expect(r5).toBeGreaterThan(0.99);
    expect(r5).toBeGreaterThanOrEqual(r1);
  });

  it('examines a small part of the data per query', () => {
    const stats = new RpForestSearchStats();
    ix.search(queries.data, 10, { searchK: 1000, stats });
    expect(stats.distanceComputations / stats.queries).toBeLessThan(0.15 * N);
  });

  it('keeps recall when a fifth of the data is added after the build (observed 0.978 at 1,000)', () => {
    const grown = new RpForestIndex({ dim, nTrees: 20 });
    grown.add(base.data.subarray(0, 8000 * dim));
    grown.add(base.data.subarray(8000 * dim));
    expect(grown.checkInvariants()).toEqual({ ok: true, errors: [] });
    const r = recallAgainstFlat(base.data, queries.data, dim, 10, grown.search(queries.data, 10, { searchK: 1000 }).ids);
    expect(r).toBeGreaterThan(0.96);
  });

  it('survives a save/load round trip', () => {
    const back = RpForestIndex.deserialize(ix.serialize(), { kernels: ix.store.kernels });
    const q = queries.data.subarray(0, 20 * dim);
    expect(back.search(q, 10, { searchK: 2000 })).toEqual(ix.search(q, 10, { searchK: 2000 }));
  });
});
