import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HnswIndex, bitsetFromIds } from '@annlab/hnsw';

const DIM = 4;
const SEED = 20261123;

type Op =
  | { kind: 'add'; rows: number[][] }
  | { kind: 'delete'; pick: number }
  | { kind: 'update'; pick: number; row: number[] }
  | { kind: 'compact' };

const coord = fc.integer({ min: -4, max: 4 }); // small integer grid: many exact duplicates and ties
const row = fc.array(coord, { minLength: DIM, maxLength: DIM });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), rows: fc.array(row, { minLength: 1, maxLength: 12 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), row }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
);

describe('HnswIndex properties', () => {
  it('add/delete/update/compact sequences keep invariants; searches never return deleted or filtered ids', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 2, max: 6 }),
        fc.array(row, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 5 }),
        (ops, M, queryRows, k, modulus) => {
          const ix = new HnswIndex({ dim: DIM, M, efConstruction: 16, capacity: 2 });
          const live = new Set<number>();
          for (const o of ops) {
            if (o.kind === 'add') {
              const first = ix.idCount;
              ix.add(Float32Array.from(o.rows.flat()));
              for (let i = 0; i < o.rows.length; i++) live.add(first + i);
            } else if (o.kind === 'delete' || o.kind === 'update') {
              if (live.size === 0) continue;
              const id = [...live][o.pick % live.size];
              if (o.kind === 'delete') {
                ix.delete(id);
                live.delete(id);
              } else {
                ix.update(id, Float32Array.from(o.row));
              }
            } else {
              ix.compact();
            }
            const inv = ix.checkInvariants();
            expect(inv.errors).toEqual([]);
            expect(ix.size).toBe(live.size);
          }
          const queries = Float32Array.from(queryRows.flat());
          const nq = queryRows.length;
          // Plain, predicate-filtered and bitset-filtered searches.
          const allowedIds = [...live].filter((id) => id % modulus === 0);
          const filters = [undefined, (id: number) => id % modulus === 0, bitsetFromIds(allowedIds, ix.idCount)];
          for (const filter of filters) {
            const r = ix.search(queries, k, { efSearch: 4, filter });
            const pool = filter === undefined ? live.size : allowedIds.length;
            for (let q = 0; q < nq; q++) {
              let found = 0;
              for (let i = 0; i < k; i++) {
                const id = r.ids[q * k + i];
                if (id < 0) continue;
                found++;
                expect(live.has(id)).toBe(true);
                if (filter !== undefined) expect(id % modulus).toBe(0);
              }
              // k results whenever at least k live ids pass.
              expect(found).toBe(Math.min(k, pool));
            }
          }
        },
      ),
      { seed: SEED, numRuns: 60, endOnFailure: true },
    );
  });

  it('efSearch >= n returns the exact answer when the graph is connected', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), row, fc.integer({ min: 2, max: 8 }), (rows, q, M) => {
        const ix = new HnswIndex({ dim: DIM, M, efConstruction: 8 });
        ix.add(Float32Array.from(rows.flat()));
        fc.pre(ix.checkInvariants().unreachable === 0);
        const k = Math.min(5, rows.length);
        const r = ix.search(Float32Array.from(q), k, { efSearch: rows.length });
        const exact = rows
          .map((x, id) => ({ id, d: Math.sqrt(x.reduce((s, v, j) => s + (v - q[j]) ** 2, 0)) }))
          .sort((a, b) => a.d - b.d || a.id - b.id);
        for (let i = 0; i < k; i++) expect(r.distances[i]).toBeCloseTo(exact[i].d, 5);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
