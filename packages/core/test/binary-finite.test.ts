import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, VectorStore } from '@annlab/core';
import { expectCode } from '@annlab/test-kit';

/** A file whose only section is `values` (the checksum is computed over it: intact). */
function fileWith(values: Float32Array | Float64Array): Uint8Array {
  return new BinaryWriter('t', 1).array(values).finish();
}

describe('float sections behind an intact checksum', () => {
  it('refuses NaN and ±Infinity in float32 and float64 sections with CORRUPT_DATA', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const f32 = BinaryReader.open(fileWith(new Float32Array([1, bad, 2])), 't');
      expect(expectCode(() => f32.f32array(), 'CORRUPT_DATA').message).toMatch(/element 1/);
      const f64 = BinaryReader.open(fileWith(new Float64Array([bad])), 't');
      expectCode(() => f64.f64array(), 'CORRUPT_DATA');
    }
    expect(Array.from(BinaryReader.open(fileWith(new Float32Array([1, -2])), 't').f32array())).toEqual([1, -2]);
  });

  it('refuses stored vectors outside the range add() accepts', () => {
    for (const kernels of ['js', 'simd'] as const) {
      expectCode(() => VectorStore.adopt(2, new Float32Array([1, 1, 1e19, 0]), false, kernels), 'CORRUPT_DATA');
      expectCode(() => VectorStore.adopt(2, new Float32Array([1e-25, 1e-25]), false, kernels), 'CORRUPT_DATA');
      expect(VectorStore.adopt(2, new Float32Array([1, 1, 0, 0]), false, kernels).size).toBe(2);
    }
  });
});
