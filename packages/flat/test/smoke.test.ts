import { describe, expect, it } from 'vitest';
import { FlatIndex } from '@annlab/flat';

describe('FlatIndex smoke', () => {
  it('finds the exact neighbour', () => {
    const ix = new FlatIndex({ dim: 2 });
    ix.add(new Float32Array([0, 0, 1, 0, 5, 5]));
    const r = ix.search(new Float32Array([0.9, 0]), 2);
    expect(Array.from(r.ids)).toEqual([1, 0]);
  });
});
