/**
 * The fuzz suite for RpForestIndex: seeded mutations of a serialized forest must be refused
 * with a typed error or load into a forest that passes its invariant check and searches
 * (time-limited, in a worker), and the public methods must answer arbitrary arguments with
 * nothing but AnnlabError, leaving the forest unchanged when they fail. Focused tests pin each
 * defect found (by the suite's mutating exercise or by reading the loader against the writer).
 */
import { BinaryReader, BinaryWriter } from '@annlab/core';
import { clustered, expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { RpForestIndex } from '../src/index.js';
import { API_FUZZ, DIM, baseForest, loaderCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('RpForestIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    cases: loaderCases(
      [
        ['rpforest', 0],
        ['rpforestSimd', 0],
        ['rpforest', 1],
        ['rpforest', 2],
      ],
      21,
    ),
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({ ...API_FUZZ, seed: 12, numRuns: 150 });
  });
});

/** The sections of a forest file, to edit and write back (checksum recomputed). */
interface Sections {
  p: Record<string, unknown>;
  data: Float32Array;
  deleted: Uint8Array;
  aug: Float32Array;
  normals: Float32Array;
  offsets: Float64Array;
  children: Int32Array;
  leafStart: Int32Array;
  leafSizes: Int32Array;
  leafItems: Int32Array;
  roots: Int32Array;
}

function crafted(bytes: Uint8Array, edit: (s: Sections) => void): Uint8Array {
  const r = BinaryReader.open(bytes, 'rpforest');
  r.expectVersion(1);
  const s: Sections = {
    p: r.json<Record<string, unknown>>(),
    data: r.f32array().slice(),
    deleted: r.u8array().slice(),
    aug: r.f32array().slice(),
    normals: r.f32array().slice(),
    offsets: r.f64array().slice(),
    children: r.i32array().slice(),
    leafStart: r.i32array().slice(),
    leafSizes: r.i32array().slice(),
    leafItems: r.i32array().slice(),
    roots: r.i32array().slice(),
  };
  r.finish();
  edit(s);
  const w = new BinaryWriter('rpforest', 1);
  w.json(s.p);
  for (const a of [s.data, s.deleted, s.aug, s.normals, s.offsets, s.children, s.leafStart, s.leafSizes, s.leafItems, s.roots]) w.array(a);
  return w.finish();
}

function refused(bytes: Uint8Array, pattern: RegExp): void {
  const e = expectCode(() => RpForestIndex.deserialize(bytes, { kernels: 'js' }), 'CORRUPT_DATA');
  expect(e.message).toMatch(pattern);
}

describe('RpForestIndex loader, crafted files (checksum valid)', () => {
  const bytes = baseForest('euclidean').serialize();
  const ipBytes = baseForest('inner-product').serialize();

  it('the unedited file loads (the editor itself changes nothing)', () => {
    expect(RpForestIndex.deserialize(crafted(bytes, () => {})).serialize()).toEqual(bytes);
    expect(RpForestIndex.deserialize(crafted(ipBytes, () => {})).serialize()).toEqual(ipBytes);
  });

  it('refuses augmented components and maxNorm out of range', () => {
    refused(
      crafted(ipBytes, (s) => {
        s.aug[4] = -1;
      }),
      /augmented component/,
    );
    refused(
      crafted(ipBytes, (s) => {
        s.aug[4] = (s.p.maxNorm as number) * 2;
      }),
      /augmented component/,
    );
    refused(
      crafted(ipBytes, (s) => {
        s.p.maxNorm = 1e300;
      }),
      /maxNorm/,
    );
    refused(
      crafted(bytes, (s) => {
        s.p.maxNorm = 1;
      }),
      /maxNorm/,
    );
  });

  it('refuses a forest that claims not to be built but stores vectors', () => {
    const unbuilt = crafted(bytes, (s) => {
      s.p.built = false;
      s.normals = new Float32Array(0);
      s.offsets = new Float64Array(0);
      s.children = new Int32Array(0);
      s.leafStart = new Int32Array(0);
      s.leafSizes = new Int32Array(0);
      s.leafItems = new Int32Array(0);
      s.roots = new Int32Array(0);
    });
    refused(unbuilt, /built is false but 60 vectors/);
  });

  it('refuses leaves that share item slots (a delete in one tree would rewrite another)', () => {
    // Three single-leaf trees over the same 8 ids: one copy of the ids, every leaf on it.
    const small = new RpForestIndex({ dim: DIM, nTrees: 3, leafSize: 20, seed: 1 });
    small.add(clustered(8, DIM, 2, 4));
    const shared = crafted(small.serialize(), (s) => {
      expect(Array.from(s.leafSizes)).toEqual([8, 8, 8]);
      s.leafStart = new Int32Array(3);
      s.leafItems = s.leafItems.slice(0, 8);
    });
    refused(shared, /leafItems holds 8 ids, but the leaves hold 24/);
  });

  it('deletes an id whose leaf the (damaged but finite) planes no longer lead to', () => {
    const index = baseForest('euclidean');
    const damaged = crafted(index.serialize(), (s) => {
      for (let i = 0; i < s.normals.length; i++) s.normals[i] = -s.normals[i];
      for (let i = 0; i < s.offsets.length; i++) s.offsets[i] = -s.offsets[i];
    });
    const loaded = RpForestIndex.deserialize(damaged, { kernels: 'js' });
    expect(loaded.checkInvariants().ok).toBe(true);
    loaded.delete([0, 1, 5, 20]);
    expect(loaded.checkInvariants()).toEqual({ ok: true, errors: [] });
    expect(loaded.size).toBe(index.size - 4);
  });

  it('checks a file of many empty trees over many deleted ids in time linear in its size', () => {
    // 4,096 single-leaf trees, all empty, over 200,000 deleted ids: the invariant check used
    // to walk every id once per tree (8·10^8 steps).
    const n = 200_000;
    const file = crafted(bytes, (s) => {
      s.p.nTrees = 4096;
      s.p.live = 0;
      s.data = new Float32Array(n * DIM).fill(1);
      s.deleted = new Uint8Array(n).fill(1);
      s.normals = new Float32Array(0);
      s.offsets = new Float64Array(0);
      s.children = new Int32Array(0);
      s.leafStart = new Int32Array(4096);
      s.leafSizes = new Int32Array(4096);
      s.leafItems = new Int32Array(0);
      s.roots = Int32Array.from({ length: 4096 }, (_, t) => ~t);
    });
    const t0 = performance.now();
    const loaded = RpForestIndex.deserialize(file, { kernels: 'js' });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(loaded.size).toBe(0);
  });
});

describe('RpForestIndex tree count', () => {
  it('accepts 4,096 trees and refuses more, also through addTrees', () => {
    expect(() => new RpForestIndex({ dim: DIM, nTrees: 4096 })).not.toThrow();
    expectCode(() => new RpForestIndex({ dim: DIM, nTrees: 4097 }), 'INVALID_PARAMETER');
    const full = new RpForestIndex({ dim: DIM, nTrees: 4096 });
    const e = expectCode(() => full.addTrees(1), 'INVALID_PARAMETER');
    expect(e.message).toMatch(/already holds 4096 trees/);
    expectCode(() => new RpForestIndex({ dim: DIM, nTrees: 4000 }).addTrees(97), 'INVALID_PARAMETER');
  });
});

describe('RpForestIndex over its own storage (self-join)', () => {
  it("search(store.view()) of 200 rows on 'simd' equals 'js'", () => {
    const js = baseForest('euclidean', 'js', 200);
    const simd = baseForest('euclidean', 'simd', 200);
    expect(simd.store.backend).toBe('simd');
    const a = js.search(js.store.view(), 5, { searchK: 400 });
    const b = simd.search(simd.store.view(), 5, { searchK: 400 });
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    expect(simd.explain(simd.store.view().subarray(0, DIM), 5).result.ids).toEqual(
      js.explain(js.store.view().subarray(0, DIM), 5).result.ids,
    );
  });

  it('add(store.view()) appends a copy of every row', () => {
    for (const kernels of ['js', 'simd'] as const) {
      // Enough rows that appending them grows the store's WebAssembly memory.
      const index = baseForest('euclidean', kernels, 3000);
      const before = index.store.view().slice();
      index.add(index.store.view());
      expect(index.idCount).toBe((2 * before.length) / DIM);
      expect(index.store.view().subarray(before.length)).toEqual(before);
      expect(index.checkInvariants().ok).toBe(true);
    }
  });
});
