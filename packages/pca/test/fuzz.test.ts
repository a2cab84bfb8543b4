/**
 * The fuzz suite for Pca and PreTransformIndex (flat inner index): seeded mutations of each
 * file must be refused with a typed error or load into something that works (time-limited,
 * in a worker), and the public methods must answer arbitrary arguments with nothing but
 * AnnlabError, leaving the object unchanged when they refuse. Focused tests pin each
 * defect the suite found.
 */
import { FlatIndex } from '@annlab/flat';
import { expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders, offsetOfFloat32, offsetOfFloat64, withFloat32, withFloat64, withJsonField } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { Pca, PreTransformIndex } from '../src/index.js';
import { DIM, fuzzCases, pca, preTransform } from './fuzz-bases.js';

const LOADERS = { loaders: { [FlatIndex.TAG]: FlatIndex } };

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('pca loaders under mutation', () => {
  itFuzzesLoaders({ moduleUrl: TARGETS, count: 200, seed: 3, cases: fuzzCases() });
});

describe('pca public methods under arbitrary arguments', () => {
  it('Pca', () => {
    fuzzApi({
      build: () => pca(),
      methods: ['train', 'apply', 'reconstruct', 'costEstimate', 'outputScale'],
      dim: DIM,
      seed: 31,
      numRuns: 100,
    });
  });
  it('PreTransformIndex', () => {
    fuzzApi({
      build: () => preTransform(),
      methods: ['add', 'train', 'search'],
      dim: DIM,
      seed: 32,
      numRuns: 60,
      extraArgs: [{ rerank: 2 }, { rerank: 2, oneByOne: true }, { nprobe: 2 }],
    });
  });
});

describe('pca loaders, crafted files (checksum intact)', () => {
  it('Pca refuses a transform train() could not have produced, naming the field', () => {
    const p = pca();
    const bytes = p.serialize();
    const cases: [number, number, RegExp][] = [
      [p.componentMatrix[2], 1e30, /componentMatrix/],
      [p.componentMatrix[DIM + 1], 0.5 + p.componentMatrix[DIM + 1], /componentMatrix/],
      [p.mean[1], 1e20, /mean\[1\]/],
      [p.eigenvalues[2], p.eigenvalues[0] * 2, /eigenvalues\[2\]/],
      [p.eigenvalues[3], -1, /eigenvalues\[3\]/],
    ];
    for (const [old, value, field] of cases) {
      const at = offsetOfFloat64(bytes, old);
      expect(at).toBeGreaterThan(0);
      const err = expectCode(() => Pca.deserialize(withFloat64(bytes, at, value)), 'CORRUPT_DATA');
      expect(err.message).toMatch(field);
    }
    expectCode(() => Pca.deserialize(withJsonField(bytes, 'nSamples', 1)), 'CORRUPT_DATA');
    expectCode(() => Pca.deserialize(withJsonField(bytes, 'totalVariance', -1)), 'CORRUPT_DATA');
    expectCode(() => Pca.deserialize(withJsonField(bytes, 'trained', 'yes')), 'CORRUPT_DATA');
  });

  it('PreTransformIndex refuses kept vectors outside the range add() accepts', () => {
    const index = preTransform();
    const bytes = index.serialize();
    const at = offsetOfFloat32(bytes, index.store.data[11]);
    expectCode(() => PreTransformIndex.deserialize(withFloat32(bytes, at, 1e30), LOADERS), 'CORRUPT_DATA');
  });
});

describe('PreTransformIndex over its own storage (self-join)', () => {
  it("search(store.view()) on 'simd' equals 'js'; add(store.view()) appends a copy", () => {
    const js = preTransform('euclidean', true, 'js', 3000);
    const simd = preTransform('euclidean', true, 'simd', 3000);
    for (const rerank of [0, 2]) {
      const a = js.search(js.store.view().subarray(0, 200 * DIM), 5, { rerank });
      const b = simd.search(simd.store.view().subarray(0, 200 * DIM), 5, { rerank });
      expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    }
    const before = simd.store.view().slice();
    simd.add(simd.store.view());
    expect(simd.size).toBe(6000);
    expect(simd.store.view().subarray(3000 * DIM)).toEqual(before);
  });
});
