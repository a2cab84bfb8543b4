/**
 * The seed derivations keep their exact values: seeded index files (rpforest's per-tree
 * generators, ivf-pq's training samples) depend on them, so these numbers never change.
 */
import { describe, expect, it } from 'vitest';
import { deriveSeed, mix32, offsetSeed } from '@annlab/core';

describe('seed derivations', () => {
  it('deriveSeed and mix32 give the values seeded files were written with', () => {
    expect(deriveSeed(42, 0x7ee5, 0)).toBe(3253245014);
    expect(deriveSeed(42, 0x7ee5)).toBe(3253245014);
    expect(deriveSeed(42, 0x7ee5, 3)).toBe(3857804165);
    expect(deriveSeed(-(2 ** 40) - 7, 5, 9)).toBe(1039189440);
    expect(mix32(3, 4)).toBe(1889339203);
  });

  it('offsetSeed adds the salt, or subtracts it at the top of the safe range', () => {
    expect(offsetSeed(42, 2)).toBe(44);
    expect(offsetSeed(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
});
