import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METRICS } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { RpForestIndex } from '@annlab/rpforest';
import { floatBatch as batch, itRoundTripsArbitraryData } from '@annlab/test-kit';

const SEED = 20261123;

type Op = { kind: 'add'; rows: Float32Array } | { kind: 'delete'; pick: number } | { kind: 'trees'; count: number };

function ops(dim: number): fc.Arbitrary<Op[]> {
  return fc.array(
    fc.oneof(
      { weight: 3, arbitrary: batch(dim, 30).map((rows): Op => ({ kind: 'add', rows })) },
      { weight: 2, arbitrary: fc.nat(1000).map((pick): Op => ({ kind: 'delete', pick })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((count): Op => ({ kind: 'trees', count })) },
    ),
    { minLength: 1, maxLength: 12 },
  );
}

describe('RpForestIndex properties', () => {
  it('every live id sits in exactly one leaf of every tree after any sequence of adds, deletes and addTrees', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(...METRICS),
        fc.integer({ min: 1, max: 5 }).chain((dim) => fc.tuple(fc.constant(dim), ops(dim))),
        (leafSize, nTrees, metric, [dim, sequence]) => {
          const ix = new RpForestIndex({ dim, metric, nTrees, leafSize, seed: 3 });
          const live: number[] = [];
          for (const op of sequence) {
            if (op.kind === 'add') {
              const first = ix.idCount;
              ix.add(op.rows);
              for (let i = 0; i < op.rows.length / dim; i++) live.push(first + i);
            } else if (op.kind === 'delete') {
              if (live.length === 0) continue;
              const [id] = live.splice(op.pick % live.length, 1);
              ix.delete(id);
            } else {
              ix.addTrees(op.count);
            }
            expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
            expect(ix.size).toBe(live.length);
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('exhaustive searchK (≥ nTrees × n) equals flat search, ties by id included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((dim) => fc.tuple(fc.constant(dim), batch(dim, 60), batch(dim, 3))),
        fc.constantFrom(...METRICS),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        ([dim, base, queries], metric, leafSize, nTrees, k) => {
          if (queries.length === 0) return;
          const ix = new RpForestIndex({ dim, metric, nTrees, leafSize, kernels: 'js' });
          ix.add(base);
          const flat = new FlatIndex({ dim, metric, kernels: 'js' });
          flat.add(base);
          const n = base.length / dim;
          const got = ix.search(queries, k, { searchK: Math.max(1, nTrees * n) });
          const want = flat.search(queries, k, { oneByOne: true });
          expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
          expect(Array.from(got.distances)).toEqual(Array.from(want.distances));
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  });

  itRoundTripsArbitraryData<RpForestIndex>({
    load: (bytes, options) => RpForestIndex.deserialize(bytes, options),
    metrics: METRICS,
    make: (dim, metric, nTrees) => new RpForestIndex({ dim, metric, nTrees, leafSize: 4, kernels: 'js' }),
    knob: [1, 3],
    params: { searchK: 10 },
    seed: SEED,
    numRuns: 40,
  });
});
