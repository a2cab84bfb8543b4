/**
 * The fuzz suite for IVF-Flat, IVF-PQ and the product quantizer: seeded mutations of each
 * file format must be refused with a typed error or load into something that works
 * (time-limited, in a worker), and the public methods must answer arbitrary arguments with
 * nothing but AnnlabError, leaving the index unchanged when they refuse. Focused tests pin
 * each defect the suite found.
 */
import { BinaryWriter, type VectorStore } from '@annlab/core';
import { expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders, offsetOfFloat32, withFloat32, withJsonField } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { IvfFlatIndex, IvfPqIndex, ProductQuantizer } from '../src/index.js';
import { DIM, data, fuzzCases, ivfFlat, ivfPq, pq } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('ivfpq loaders under mutation', () => {
  itFuzzesLoaders({ moduleUrl: TARGETS, count: 200, seed: 2, cases: fuzzCases() });
});

describe('ivfpq public methods under arbitrary arguments', () => {
  const misspelled = [{ nprobe: 2, rerank: 2 }, { nlist: 4 }, { nProbe: 2 }, { rerank: 0.5 }];
  it('IvfFlatIndex', () => {
    fuzzApi({
      build: () => ivfFlat(),
      methods: ['add', 'train', 'search', 'explain', 'listSizes'],
      dim: DIM,
      seed: 21,
      numRuns: 60,
      extraArgs: misspelled,
    });
  });
  it('IvfPqIndex', () => {
    fuzzApi({
      build: () => ivfPq(),
      methods: ['add', 'train', 'search', 'explain', 'reconstruct', 'listSizes'],
      dim: DIM,
      seed: 22,
      numRuns: 60,
      extraArgs: misspelled,
    });
  });
  it('ProductQuantizer', () => {
    fuzzApi({ build: () => pq(), methods: ['train', 'encode', 'decode'], dim: DIM, seed: 23, numRuns: 100 });
  });
});

/** An IVF-Flat file written field by field, with `ids`/`vectors` in place of the index's own. */
function ivfFlatFile(index: IvfFlatIndex, ids: Int32Array, vectors: Float32Array, offsets: Int32Array = index.listOffsets): Uint8Array {
  const w = new BinaryWriter(IvfFlatIndex.TAG, IvfFlatIndex.FORMAT_VERSION);
  w.json({
    dim: index.dim,
    metric: index.metric,
    seed: index.seed,
    nlist: index.nlist,
    niter: index.niter,
    init: index.init,
    maxPointsPerCentroid: index.maxPointsPerCentroid,
    trained: index.isTrained,
    encoding: index.encoding,
  });
  w.array(index.centroids.view());
  w.array(offsets);
  w.array(ids);
  w.array(vectors);
  return w.finish();
}

describe('ivfpq loaders, crafted files (checksum intact)', () => {
  it('IVF-PQ refuses codebook values outside the stored range, naming the field', () => {
    const index = ivfPq();
    const bytes = index.serialize();
    const at = offsetOfFloat32(bytes, index.pq.centroids[3]);
    const err = expectCode(() => IvfPqIndex.deserialize(withFloat32(bytes, at, 1e30), { kernels: 'js' }), 'CORRUPT_DATA');
    expect(err.message).toMatch(/pqCentroids\[3\]/);
  });

  it('IVF-Flat and IVF-PQ refuse kept vectors outside the range add() accepts', () => {
    const flat = ivfFlat();
    const fb = flat.serialize();
    expectCode(() => IvfFlatIndex.deserialize(withFloat32(fb, offsetOfFloat32(fb, flat.listVectors.data[9]), -3e38)), 'CORRUPT_DATA');
    const pqi = ivfPq();
    const pb = pqi.serialize();
    const vectors = pqi.vectors?.data as Float32Array;
    expectCode(() => IvfPqIndex.deserialize(withFloat32(pb, offsetOfFloat32(pb, vectors[17]), 1e30)), 'CORRUPT_DATA');
  });

  it('refuses list offsets and ids that contradict each other, naming the field', () => {
    const index = ivfFlat();
    const { listIds: ids, listOffsets: offsets } = index;
    const vectors = index.listVectors.view();
    let l = 0;
    while (offsets[l + 1] - offsets[l] < 2) l++;
    const s = offsets[l];
    // Two ids of one list swapped (rows swapped with them): out of the order add() keeps.
    const swapped = ids.slice();
    [swapped[s], swapped[s + 1]] = [swapped[s + 1], swapped[s]];
    const rows = vectors.slice();
    rows.set(vectors.subarray((s + 1) * DIM, (s + 2) * DIM), s * DIM);
    rows.set(vectors.subarray(s * DIM, (s + 1) * DIM), (s + 1) * DIM);
    expect(expectCode(() => IvfFlatIndex.deserialize(ivfFlatFile(index, swapped, rows)), 'CORRUPT_DATA').message).toMatch(
      /listIds\[\d+\].*increase/,
    );
    const dup = ids.slice();
    dup[s + 1] = dup[s];
    expect(expectCode(() => IvfFlatIndex.deserialize(ivfFlatFile(index, dup, vectors)), 'CORRUPT_DATA').message).toMatch(/twice/);
    const dec = offsets.slice();
    dec[l + 1] = dec[l] - 1;
    expect(expectCode(() => IvfFlatIndex.deserialize(ivfFlatFile(index, ids, vectors, dec)), 'CORRUPT_DATA').message).toMatch(
      /listOffsets\[\d+\]/,
    );
  });

  it('the product quantizer refuses a parameter record that is not an object', () => {
    for (const record of [null, 7, [1, 2]]) {
      const w = new BinaryWriter(ProductQuantizer.TAG, ProductQuantizer.FORMAT_VERSION);
      w.json(record);
      w.array(new Float32Array(16 * DIM));
      expectCode(() => ProductQuantizer.deserialize(w.finish()), 'CORRUPT_DATA');
    }
  });

  it('the product quantizer bounds dim by its codebook section before allocating', () => {
    const bytes = pq().serialize();
    const err = expectCode(() => ProductQuantizer.deserialize(withJsonField(bytes, 'dim', 2 ** 20)), 'CORRUPT_DATA');
    expect(err.message).toMatch(/centroids holds/);
  });

  it('ProductQuantizer.decode refuses codes that are not below ksub', () => {
    const q = pq();
    expectCode(() => q.decode(new Uint8Array([0, 1, 16, 2])), 'INVALID_PARAMETER');
  });
});

describe('ivfpq over its own storage (self-join)', () => {
  it("IVF-Flat and IVF-PQ search(own rows) on 'simd' equal 'js', and add(own rows) works", () => {
    for (const make of [
      (kernels: 'js' | 'simd') => new IvfFlatIndex({ dim: DIM, nlist: 4, niter: 2, kernels }),
      (kernels: 'js' | 'simd') => new IvfPqIndex({ dim: DIM, nlist: 4, m: 4, nbits: 4, niter: 2, pqNiter: 2, keepVectors: true, kernels }),
    ]) {
      const results: Int32Array[] = [];
      for (const kernels of ['js', 'simd'] as const) {
        const index = make(kernels);
        // Enough rows that appending them again grows a store's WebAssembly memory.
        index.add(data(3000));
        const own = index instanceof IvfFlatIndex ? index.listVectors.view() : (index.vectors as VectorStore).view();
        results.push(index.search(own.subarray(0, 200 * DIM), 5, { nprobe: 4 }).ids);
        index.add(index instanceof IvfFlatIndex ? index.listVectors.view() : (index.vectors as VectorStore).view());
        expect(index.size).toBe(6000);
      }
      expect(Array.from(results[1])).toEqual(Array.from(results[0]));
    }
  });
});
