import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaxHeap, MinHeap } from '@annlab/core';

const SEED = 99;
// Small integer distances make ties common, so the (distance, id) order is exercised.
const items = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 0, maxLength: 200 });

function sortedPairs(ds: number[]): [number, number][] {
  return ds.map((d, id): [number, number] => [d, id]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('MaxHeap', () => {
  it('offer keeps exactly the k smallest (distance, id) pairs and drains them ascending', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 50 }), (ds, k) => {
        const heap = new MaxHeap(2); // deliberately small: it must grow
        for (let i = 0; i < ds.length; i++) heap.offer(ds[i], i, k);
        const want = sortedPairs(ds).slice(0, k);
        const ids = new Int32Array(heap.size);
        const dist = new Float64Array(heap.size);
        expect(heap.drainAscending(ids, dist, 0)).toBe(want.length);
        expect(Array.from(ids)).toEqual(want.map((p) => p[1]));
        expect(Array.from(dist)).toEqual(want.map((p) => p[0]));
        expect(heap.size).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('pop returns the farthest first; peek on empty is +Infinity / -1', () => {
    const heap = new MaxHeap(4);
    expect(heap.peekDistance()).toBe(Infinity);
    expect(heap.peekId()).toBe(-1);
    expect(heap.pop()).toBe(-1);
    heap.push(1, 5);
    heap.push(3, 2);
    heap.push(3, 1);
    heap.push(0, 9);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([2, 1, 5, 9]);
  });
});

describe('MinHeap', () => {
  it('pops in ascending (distance, id) order', () => {
    fc.assert(
      fc.property(items, (ds) => {
        const heap = new MinHeap(1);
        for (let i = 0; i < ds.length; i++) heap.push(ds[i], i);
        const got: number[] = [];
        while (heap.size > 0) got.push(heap.pop());
        expect(got).toEqual(sortedPairs(ds).map((p) => p[1]));
        expect(heap.pop()).toBe(-1);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
