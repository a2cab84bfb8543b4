/**
 * The WebAssembly level-0 layer search (`assembly/traverse.ts`, `src/internal/wasm-traversal.ts`)
 * against the JS reference loops of `search-layer.ts`: the embedded bytes are current, and on
 * the same SIMD store both give identical builds (serialized bytes) and identical search
 * results (ids and distances, bit for bit: the wasm loop uses core's kernel arithmetic), for
 * every metric, with duplicates, across capacity doublings and through the 4 GiB fallback.
 */
import { describe, expect, it } from 'vitest';
import { Rng, simdSupported, type Metric } from '@annlab/core';
import { HnswIndex, HnswSearchStats } from '@annlab/hnsw';
import type { HnswState } from '../src/hnsw-state.js';
import { TRAVERSE_SHARED_WASM_BASE64, TRAVERSE_SOURCE_SHA256, TRAVERSE_WASM_BASE64 } from '../src/internal/traverse-wasm.generated.js';
import { compileKernels, compileSharedKernels, sourceHash } from '../scripts/build-wasm.mjs';

const DIM = 20;
const METRICS: Metric[] = ['euclidean', 'cosine', 'inner-product'];

/** The internal state of an index (tests only). */
function stateOf(index: HnswIndex): HnswState {
  return (index as unknown as { s: HnswState }).s;
}

/** Gaussian clusters with a block of exact duplicates and a few all-zero rows. */
function data(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(n * DIM);
  const centres = new Float32Array(8 * DIM);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian() * 3;
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(8);
    for (let j = 0; j < DIM; j++) x[i * DIM + j] = centres[c * DIM + j] + rng.nextGaussian();
  }
  for (let i = 100; i < 140; i++) x.copyWithin(i * DIM, 99 * DIM, 100 * DIM); // 41 copies of row 99
  for (let i = 200; i < 203; i++) x.fill(0, i * DIM, (i + 1) * DIM);
  return x;
}

/** An index built on `'simd'`, with the wasm traversal (`wasm`) or the JS loops over the same store. */
function build(metric: Metric, x: Float32Array, wasm: boolean, capacity = 16): HnswIndex {
  const index = new HnswIndex({ dim: DIM, metric, M: 6, efConstruction: 40, seed: 7, capacity, kernels: 'simd' });
  if (!wasm) stateOf(index).traversal = null;
  index.add(x.subarray(0, (x.length / DIM / 2) * DIM));
  index.add(x.subarray((x.length / DIM / 2) * DIM));
  return index;
}

describe('WebAssembly level-0 layer search', () => {
  it('the embedded bytes were compiled from the current assembly/traverse.ts and the loops it imports', () => {
    const fix = 'run `pnpm --filter @annlab/hnsw build:wasm` to regenerate src/internal/traverse-wasm.generated.ts';
    expect(sourceHash(), `source changed since the bytes were generated: ${fix}`).toBe(TRAVERSE_SOURCE_SHA256);
  });

  it('the embedded bytes equal a fresh compile, byte for byte', async () => {
    const fresh = await compileKernels();
    expect(Buffer.from(fresh).toString('base64')).toBe(TRAVERSE_WASM_BASE64);
    const shared = await compileSharedKernels();
    expect(Buffer.from(shared).toString('base64')).toBe(TRAVERSE_SHARED_WASM_BASE64);
  });

  it("is used on 'simd' and 'auto' (where supported), never on 'js'", () => {
    expect(stateOf(new HnswIndex({ dim: 4, kernels: 'js' })).traversal).toBeNull();
    expect(stateOf(new HnswIndex({ dim: 4 })).traversal !== null).toBe(simdSupported());
  });

  describe.runIf(simdSupported()).each(METRICS)('%s', (metric) => {
    const x = data(1500, 3);
    const queries = data(60, 11);
    const a = build(metric, x, true);
    const b = build(metric, x, false);

    it('a seeded build gives the same bytes with the wasm and the JS layer search', () => {
      expect(stateOf(a).traversal).not.toBeNull();
      expect(stateOf(a).graph.region).not.toBeNull();
      expect(stateOf(b).traversal).toBeNull();
      expect(a.serialize()).toEqual(b.serialize());
      expect(a.checkInvariants().ok).toBe(true);
    });

    it('searches give identical ids and distances (bit for bit)', () => {
      // efSearch 2000 passes C's initial room (1024): the grow-and-retry path.
      for (const efSearch of [1, 10, 64, 300, 2000]) {
        const ra = a.search(queries, 10, { efSearch });
        const rb = b.search(queries, 10, { efSearch });
        expect(ra.ids).toEqual(rb.ids);
        expect(ra.distances).toEqual(rb.distances);
      }
      // Stored rows as queries: exact hits and the duplicate block (distance ties).
      const rows = x.slice(90 * DIM, 210 * DIM);
      const ra = a.search(rows, 15, { efSearch: 50 });
      expect(ra.ids).toEqual(b.search(rows, 15, { efSearch: 50 }).ids);
      expect(ra.distances).toEqual(b.search(rows, 15, { efSearch: 50 }).distances);
    });

    it('the checked path (stats) returns the same results and counts the same work', () => {
      const sa = new HnswSearchStats();
      const sb = new HnswSearchStats();
      const ra = a.search(queries, 10, { efSearch: 32, stats: sa });
      const rb = b.search(queries, 10, { efSearch: 32, stats: sb });
      expect(ra.ids).toEqual(rb.ids);
      expect(sa.distanceComputations).toBe(sb.distanceComputations);
      expect(sa.hops).toBe(sb.hops);
      const plain = a.search(queries, 10, { efSearch: 32 });
      expect(plain.ids).toEqual(ra.ids);
      expect(plain.distances).toEqual(ra.distances);
    });

    it("'js' kernels find the same neighbours (distances equal up to float rounding)", () => {
      const js = HnswIndex.deserialize(a.serialize(), { kernels: 'js' });
      expect(stateOf(js).traversal).toBeNull();
      const ra = a.search(queries, 10, { efSearch: 64 });
      const rj = js.search(queries, 10, { efSearch: 64 });
      // The SIMD kernels sum in f32 lanes, the JS ones in float64: distances differ in the last
      // bits, which can swap near-ties; compare the sets and the distances with a tolerance.
      let same = 0;
      for (let q = 0; q < 60; q++) {
        const s = new Set(Array.from(rj.ids.subarray(q * 10, q * 10 + 10)));
        for (let i = 0; i < 10; i++) if (s.has(ra.ids[q * 10 + i])) same++;
        for (let i = 0; i < 10; i++) {
          expect(Math.abs(ra.distances[q * 10 + i] - rj.distances[q * 10 + i])).toBeLessThan(
            1e-3 * (1 + Math.abs(rj.distances[q * 10 + i])),
          );
        }
      }
      expect(same).toBeGreaterThanOrEqual(598);
    });
  });

  it.runIf(simdSupported())('keeps the links in the store memory across capacity doublings', () => {
    const x = data(3000, 5);
    const index = grown(x, true, false);
    const s = stateOf(index);
    expect(s.traversal).not.toBeNull();
    expect(s.graph.links0.buffer).toBe(s.store.wasm?.memory.buffer);
    expect(index.serialize()).toEqual(grown(x, false, false).serialize());
  });

  it.runIf(simdSupported())('falls back to the JS loops when the store leaves WebAssembly memory (4 GiB cap)', () => {
    const x = data(3000, 5);
    const index = grown(x, true, true);
    const s = stateOf(index);
    expect(s.store.backend).toBe('js');
    expect(s.traversal).toBeNull();
    expect(s.graph.region).toBeNull();
    expect(index.checkInvariants().ok).toBe(true);
    // The same build through the JS loops all along, falling back at the same point.
    expect(index.serialize()).toEqual(grown(x, false, true).serialize());
    const q = data(20, 9);
    expect(index.search(q, 5).ids).toEqual(grown(x, false, true).search(q, 5).ids);
  });
});

/**
 * 3000 rows added 250 at a time from capacity 1 on `'simd'`, with the wasm traversal or the JS
 * loops; with `cap`, the store's memory is capped where it is after 500 rows (lowering
 * `maxWasmBytes` as the 4 GiB limit would), so the next growth moves it to the scalar backend.
 */
function grown(x: Float32Array, wasm: boolean, cap: boolean): HnswIndex {
  const index = new HnswIndex({ dim: DIM, M: 6, efConstruction: 30, seed: 2, capacity: 1, kernels: 'simd' });
  const s = stateOf(index);
  if (!wasm) s.traversal = null;
  for (let i = 0; i < 3000; i += 250) {
    index.add(x.subarray(i * DIM, (i + 250) * DIM));
    const rows = s.store.wasm;
    if (cap && i === 250 && rows !== null) (rows as unknown as { maxBytes: number }).maxBytes = rows.byteLength;
  }
  return index;
}
