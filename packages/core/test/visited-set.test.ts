import { describe, expect, it } from 'vitest';
import { VisitedSet } from '@annlab/core';

describe('VisitedSet', () => {
  it('marks ids per epoch and clears in O(1)', () => {
    const v = new VisitedSet(4);
    expect(v.visit(2)).toBe(true);
    expect(v.visit(2)).toBe(false);
    expect(v.has(2)).toBe(true);
    expect(v.has(1)).toBe(false);
    v.clear();
    expect(v.has(2)).toBe(false);
    v.add(3);
    expect(v.has(3)).toBe(true);
  });

  it('grows keeping marks, and survives epoch wrap-around', () => {
    const v = new VisitedSet(2);
    v.add(1);
    v.ensureCapacity(100);
    expect(v.tags.length).toBeGreaterThanOrEqual(100);
    expect(v.has(1)).toBe(true);
    expect(v.visit(99)).toBe(true);
    v.epoch = 0xfffffffe;
    v.add(5);
    v.clear(); // wraps: tags zeroed, epoch restarts
    expect(v.epoch).toBe(1);
    expect(v.has(5)).toBe(false);
    expect(v.has(1)).toBe(false);
  });
});
