/**
 * VectorStore's used-bytes figure: rows stored × dim × 4, independent of the doubling
 * allocation that `memoryBytes()` reports.
 */
import { describe, expect, it } from 'vitest';
import { VectorStore } from '../src/vector-store.js';

describe('VectorStore.usedBytes', () => {
  it('counts stored rows, not capacity', () => {
    for (const kernels of ['js', 'simd'] as const) {
      const store = new VectorStore(3, { kernels });
      expect(store.usedBytes()).toBe(0);
      store.append(new Float32Array(17 * 3).fill(1));
      expect(store.usedBytes()).toBe(17 * 3 * 4);
      expect(store.memoryBytes()).toBeGreaterThanOrEqual(store.usedBytes());
      expect(store.capacity).toBeGreaterThan(17);
      store.truncate(5);
      expect(store.usedBytes()).toBe(5 * 3 * 4);
    }
  });
});
