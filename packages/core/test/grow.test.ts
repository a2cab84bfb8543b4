import { describe, expect, it } from 'vitest';
import { grownArray } from '@annlab/core';

describe('grownArray', () => {
  it('returns the array itself while it is large enough', () => {
    const a = new Int32Array(8);
    expect(grownArray(a, 8)).toBe(a);
  });

  it('copies into the same type, doubling from the minimum capacity', () => {
    const a = Float64Array.from([1, 2, 3]);
    const b = grownArray(a, 40);
    expect(b).toBeInstanceOf(Float64Array);
    expect(b.length).toBe(64); // 16 → 32 → 64
    expect(Array.from(b.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(grownArray(new Uint8Array(0), 1, 64).length).toBe(64);
    expect(grownArray(new Float32Array(100), 101).length).toBe(200);
  });
});
