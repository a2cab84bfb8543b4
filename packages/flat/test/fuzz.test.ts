/**
 * The fuzz suite for FlatIndex: seeded mutations of a serialized index must be refused with a
 * typed error or load into an index that searches (time-limited, in a worker), and the
 * public methods must answer arbitrary arguments with nothing but AnnlabError. Focused tests
 * pin the defects the suite found.
 */
import { clustered, expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders, offsetOfFloat32, withFloat32, withJsonField } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/index.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const DIM = 8;

function built(metric: 'euclidean' | 'cosine' = 'euclidean', kernels: 'js' | 'simd' = 'js', n = 40): FlatIndex {
  const index = new FlatIndex({ dim: DIM, metric, kernels });
  index.add(clustered(n, DIM, 4, 7));
  return index;
}

describe('FlatIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    seed: 1,
    cases: [
      { label: 'flat, euclidean', target: 'flat', base: () => built('euclidean').serialize() },
      { label: 'flatSimd, euclidean', target: 'flatSimd', base: () => built('euclidean').serialize() },
      { label: 'flat, cosine', target: 'flat', base: () => built('cosine').serialize() },
    ],
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({ build: () => built(), methods: ['add', 'search', 'reconstruct', 'memoryBytes'], dim: DIM, seed: 11, numRuns: 150 });
  });
});

describe('FlatIndex loader, crafted files', () => {
  it('refuses stored values outside the range add() accepts, checksum recomputed', () => {
    const index = built();
    const bytes = index.serialize();
    const at = offsetOfFloat32(bytes, index.store.data[5]);
    expect(at).toBeGreaterThan(0);
    for (const v of [1e30, -1e20, 3e38])
      expectCode(() => FlatIndex.deserialize(withFloat32(bytes, at, v), { kernels: 'js' }), 'CORRUPT_DATA');
  });

  it('refuses parameters that do not match the data', () => {
    const bytes = built().serialize();
    expectCode(() => FlatIndex.deserialize(withJsonField(bytes, 'dim', 3)), 'CORRUPT_DATA');
    expectCode(() => FlatIndex.deserialize(withJsonField(bytes, 'dim', '8')), 'CORRUPT_DATA');
  });
});

describe('FlatIndex over its own storage (self-join)', () => {
  it("search(store.view()) on 'simd' equals 'js' for 200 rows", () => {
    const js = built('euclidean', 'js', 200);
    const simd = built('euclidean', 'simd', 200);
    const a = js.search(js.store.view(), 5);
    const b = simd.search(simd.store.view(), 5);
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    const c = simd.search(simd.store.view(), 5, { oneByOne: true });
    expect(Array.from(c.ids)).toEqual(Array.from(a.ids));
  });

  it('add(store.view()) appends a copy of every row', () => {
    for (const kernels of ['js', 'simd'] as const) {
      // Enough rows that appending them grows the store's WebAssembly memory.
      const index = built('euclidean', kernels, 5000);
      const before = index.store.view().slice();
      index.add(index.store.view());
      expect(index.size).toBe(10_000);
      expect(index.store.view().subarray(5000 * DIM)).toEqual(before);
    }
  });
});
