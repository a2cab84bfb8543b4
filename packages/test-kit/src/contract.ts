/**
 * The checks every index of the Index contract answers the same way, as one parameterised
 * suite a package's tests call with its own class and small build parameters: `searchInto`
 * writes exactly where it is told and agrees with `search`; a file reloads onto the backend a
 * default build uses, zero-copy on 'js'; the same seed gives the same bytes and another seed
 * different ones; and damaged, truncated and foreign bytes are refused with typed errors.
 * {@link itRoundTripsArbitraryData} is the round trip as a property over arbitrary small data.
 *
 * Browser-safe (no Node API): the algorithm packages' unit tests also run in Chromium.
 *
 * @module
 */
import type { KernelBackend, LoadOptions, Metric, SearchParams, SearchResult, VectorStore } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floatBatch } from './arbitraries.js';
import { expectCode } from './errors.js';

/** What {@link describeIndexContract} needs of an index. */
export interface ContractIndex<P extends SearchParams = SearchParams> {
  /** Number of live vectors. */
  readonly size: number;
  /** The stored vectors. */
  readonly store: VectorStore;
  /** Append row-major vectors. */
  add(vectors: Float32Array): void;
  /** Batch search. */
  search(queries: Float32Array, k: number, params?: P): SearchResult;
  /** One query into caller-owned arrays. */
  searchInto(query: Float32Array, qOff: number, k: number, outIds: Int32Array, outDist: Float32Array, outOff: number, params?: P): void;
  /** The index file. */
  serialize(): Uint8Array;
}

/** The search parameters `I.search` takes. */
export type ParamsOf<I extends ContractIndex> = NonNullable<Parameters<I['search']>[2]>;

/** How a package's index takes part in {@link describeIndexContract}. */
export interface IndexContract<I extends ContractIndex> {
  /** The class name, for the suite's title. */
  readonly name: string;
  /** The loader (the class's static `deserialize`). */
  readonly load: (bytes: Uint8Array, options?: LoadOptions) => I;
  /** Vector dimension of `base` and `queries`. */
  readonly dim: number;
  /** Base vectors, row-major (at least 100 rows). */
  readonly base: Float32Array;
  /** Query vectors, row-major (at least 5 rows). */
  readonly queries: Float32Array;
  /** The metrics the index supports; the checks that depend on the metric run for each. */
  readonly metrics: readonly Metric[];
  /** A new, empty index with the package's small build parameters. */
  readonly make: (options: { metric?: Metric; seed?: number; kernels?: KernelBackend }) => I;
  /** Search parameters for the checks (e.g. `{ searchK: 60 }`). */
  readonly params: ParamsOf<I>;
  /** What another seed changes, for a title ("trees", "functions", "graph"). */
  readonly seeded: string;
}

/** Register `describe('<name> contract')` with the shared checks for `c`. */
export function describeIndexContract<I extends ContractIndex>(c: IndexContract<I>): void {
  const { dim, base, queries, metrics, params } = c;
  const built = (options: { metric?: Metric; seed?: number; kernels?: KernelBackend }, rows: number = base.length / dim): I => {
    const ix = c.make(options);
    ix.add(base.subarray(0, rows * dim));
    return ix;
  };

  describe(`${c.name} contract`, () => {
    for (const metric of metrics) {
      it(`${metric}: searchInto writes one query at the given offsets, as search does`, () => {
        const ix = built({ metric });
        const q5 = queries.subarray(0, 5 * dim);
        const want = ix.search(q5, 5, params);
        const ids = new Int32Array(3 + 5 * 5).fill(7);
        const dist = new Float32Array(3 + 5 * 5).fill(7);
        for (let q = 0; q < 5; q++) ix.searchInto(q5, q * dim, 5, ids, dist, 3 + q * 5, params);
        expect(Array.from(ids.subarray(0, 3))).toEqual([7, 7, 7]);
        expect(Array.from(dist.subarray(0, 3))).toEqual([7, 7, 7]);
        expect(Array.from(ids.subarray(3))).toEqual(Array.from(want.ids));
        expect(Array.from(dist.subarray(3))).toEqual(Array.from(want.distances));
        // Without params: the index's defaults, as search uses them.
        const one = new Int32Array(5);
        ix.searchInto(q5, 0, 5, one, new Float32Array(5), 0);
        expect(Array.from(one)).toEqual(Array.from(ix.search(q5.subarray(0, dim), 5).ids));
      });
    }

    it('reloads with default options onto the backend a default build uses: same ids and distances', () => {
      for (const metric of metrics) {
        const ix = built({ metric });
        const back = c.load(ix.serialize());
        expect(back.store.kernels).toBe('auto');
        expect(back.store.backend).toBe(ix.store.backend);
        const want = ix.search(queries, 5, params);
        const got = back.search(queries, 5, params);
        expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
        expect(Array.from(got.distances)).toEqual(Array.from(want.distances));
      }
    });

    it("loads zero-copy from an aligned buffer on the 'js' backend", () => {
      const bytes = built({ kernels: 'js' }).serialize();
      const back = c.load(bytes, { kernels: 'js' });
      expect(back.store.data.buffer).toBe(bytes.buffer);
    });

    it(`same seed ⇒ identical bytes; another seed ⇒ different ${c.seeded}`, () => {
      for (const metric of metrics) {
        const a = built({ metric, seed: 5 }).serialize();
        expect(built({ metric, seed: 5 }).serialize()).toEqual(a);
        expect(built({ metric, seed: 6 }).serialize()).not.toEqual(a);
      }
    });

    it('refuses damaged, truncated and foreign bytes', () => {
      const bytes = built({}, 100).serialize();
      // One bit in the middle, and a whole byte near the end: the checksum no longer matches.
      for (const [at, mask] of [
        [bytes.length >> 1, 0x40],
        [bytes.length - 40, 0xff],
      ]) {
        const flipped = bytes.slice();
        flipped[at] ^= mask;
        expectCode(() => c.load(flipped), 'CORRUPT_DATA');
      }
      expectCode(() => c.load(bytes.subarray(0, bytes.length - 9)), 'CORRUPT_DATA');
      const flat = new FlatIndex({ dim });
      flat.add(base.subarray(0, 10 * dim));
      expectCode(() => c.load(flat.serialize()), 'WRONG_FORMAT');
      expectCode(() => c.load(new Uint8Array(64)), 'WRONG_FORMAT');
    });
  });
}

/** Options for {@link itRoundTripsArbitraryData}. */
export interface RoundTripProperty<I extends ContractIndex> {
  /** The loader (the class's static `deserialize`). */
  readonly load: (bytes: Uint8Array, options?: LoadOptions) => I;
  /** The metrics to draw from. */
  readonly metrics: readonly Metric[];
  /** A new index on the 'js' backend for `dim`, `metric` and a drawn build knob (e.g. nTrees). */
  readonly make: (dim: number, metric: Metric, knob: number) => I;
  /** Inclusive range of the build knob passed to `make`. */
  readonly knob: readonly [number, number];
  /** Search parameters for the comparison. */
  readonly params: ParamsOf<I>;
  /** fast-check seed. */
  readonly seed: number;
  /** fast-check runs. */
  readonly numRuns: number;
}

/**
 * Register the property "deserialize(serialize(ix)) searches identically and re-serializes to
 * the same bytes" over arbitrary small data (dim 1–6, up to 50 rows, 3 queries, k = 3).
 */
export function itRoundTripsArbitraryData<I extends ContractIndex>(p: RoundTripProperty<I>): void {
  it('deserialize(serialize(ix)) searches identically and re-serializes to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((dim) => fc.tuple(fc.constant(dim), floatBatch(dim, 50), floatBatch(dim, 3))),
        fc.constantFrom(...p.metrics),
        fc.integer({ min: p.knob[0], max: p.knob[1] }),
        ([dim, base, queries], metric, knob) => {
          const ix = p.make(dim, metric, knob);
          ix.add(base);
          const bytes = ix.serialize();
          const back = p.load(bytes, { kernels: 'js' });
          expect(back.serialize()).toEqual(bytes);
          expect(back.search(queries, 3, p.params)).toEqual(ix.search(queries, 3, p.params));
        },
      ),
      { seed: p.seed, numRuns: p.numRuns },
    );
  });
}
