/**
 * The checks every index's `add(vectors, { onProgress })` tests share: the calls recorded per
 * batch (non-decreasing, ending at the total) with the same bytes as an add without a callback,
 * option typos refused, and a callback that throws keeping exactly the rows inserted before it.
 * Each package keeps its own assertions on the call points and totals (its formula).
 *
 * @module
 */
import type { AddOptions } from '@annlab/core';
import { expect } from 'vitest';
import { expectCode } from './errors.js';

/** What the progress checks need of an index. */
export interface ProgressIndex {
  /** Rows (or live rows) held. */
  readonly size: number;
  /** The index's add. */
  add(vectors: Float32Array, options?: AddOptions): void;
  /** The index's bytes, compared for identity. */
  serialize(): Uint8Array;
}

/** What {@link recordProgress} returns. */
export interface RecordedProgress<I> {
  /** The index built with a recording callback. */
  readonly index: I;
  /** The `[done, total]` calls of each batch's add, in order. */
  readonly calls: [number, number][][];
}

/**
 * Add `batches` to one `make()` index with a recording callback and to another without; expect
 * the same bytes, and for each batch at least one call, `done` non-decreasing, one total, and a
 * last call at that total.
 */
export function recordProgress<I extends ProgressIndex>(make: () => I, batches: readonly Float32Array[]): RecordedProgress<I> {
  const index = make();
  const plain = make();
  const calls: [number, number][][] = [];
  for (const batch of batches) {
    const got: [number, number][] = [];
    index.add(batch, { onProgress: (done, total) => got.push([done, total]) });
    plain.add(batch);
    expect(got.length).toBeGreaterThan(0);
    for (let i = 1; i < got.length; i++) {
      expect(got[i][0]).toBeGreaterThanOrEqual(got[i - 1][0]);
      expect(got[i][1]).toBe(got[0][1]);
    }
    const last = got[got.length - 1];
    expect(last[0]).toBe(last[1]);
    calls.push(got);
  }
  expect(index.serialize()).toEqual(plain.serialize());
  return { index, calls };
}

/**
 * Expect `index.add(vectors, …)` to refuse a misspelt option (`onProgres`) and a non-function
 * `onProgress` with `INVALID_PARAMETER`, leaving `size` unchanged.
 */
export function expectAddOptionsRefused(index: ProgressIndex, vectors: Float32Array): void {
  const size = index.size;
  expectCode(() => index.add(vectors, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
  expectCode(() => index.add(vectors, { onProgress: 'x' } as never), 'INVALID_PARAMETER');
  expect(index.size).toBe(size);
}

/**
 * Add `before` to a `make()` index, then `more` with a callback that throws on its first call;
 * expect the exception, `size` to be `before`'s rows plus `kept`, `checkInvariants()` (when the
 * index has it) to pass, and the bytes of an index given `before` and the first `kept` rows of
 * `more`.
 *
 * @returns the index after the failed add, for the package's own checks.
 */
export function expectThrowingProgressKeeps<I extends ProgressIndex>(
  make: () => I,
  before: Float32Array,
  more: Float32Array,
  dim: number,
  kept: number,
): I {
  const index = make();
  index.add(before);
  const n0 = index.size;
  expect(() =>
    index.add(more, {
      onProgress: () => {
        throw new Error('stop');
      },
    }),
  ).toThrow('stop');
  expect(index.size).toBe(n0 + kept);
  const checkable = index as unknown as { checkInvariants?: () => { ok: boolean } };
  if (typeof checkable.checkInvariants === 'function') expect(checkable.checkInvariants().ok).toBe(true);
  const want = make();
  want.add(before);
  want.add(more.subarray(0, kept * dim));
  expect(index.serialize()).toEqual(want.serialize());
  return index;
}
