import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dominates, paretoFlags, paretoFront, type ParetoPoint } from '@annlab/bench';

const point = fc.record({
  // Few distinct values so that ties on one or both axes are common.
  recall: fc.integer({ min: 0, max: 10 }).map((v) => v / 10),
  qps: fc.integer({ min: 1, max: 12 }).map((v) => v * 100),
});

describe('paretoFront', () => {
  it('keeps exactly the non-dominated points', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points: ParetoPoint[]) => {
        const front = new Set(paretoFront(points));
        for (let i = 0; i < points.length; i++) {
          const dominated = points.some((p) => dominates(p, points[i]));
          // No point on the front is dominated; every dominated point is off it.
          expect(front.has(i)).toBe(!dominated);
        }
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('orders the front by increasing recall and decreasing QPS', () => {
    fc.assert(
      fc.property(fc.array(point, { maxLength: 40 }), (points: ParetoPoint[]) => {
        const front = paretoFront(points);
        for (let i = 1; i < front.length; i++) {
          expect(points[front[i]].recall).toBeGreaterThanOrEqual(points[front[i - 1]].recall);
          expect(points[front[i]].qps).toBeLessThanOrEqual(points[front[i - 1]].qps);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('handles a small hand-made case', () => {
    const pts = [
      { recall: 0.5, qps: 1000 },
      { recall: 0.9, qps: 500 },
      { recall: 0.8, qps: 400 }, // dominated by (0.9, 500)
      { recall: 0.99, qps: 100 },
      { recall: 0.99, qps: 50 }, // dominated by (0.99, 100)
    ];
    expect(paretoFront(pts)).toEqual([0, 1, 3]);
    expect(paretoFront([])).toEqual([]);
  });

  it('computes fronts per group', () => {
    const pts = [
      { recall: 0.5, qps: 10, g: 'a' },
      { recall: 0.4, qps: 5, g: 'a' },
      { recall: 0.4, qps: 5, g: 'b' },
    ];
    expect(paretoFlags(pts, (p) => p.g)).toEqual([true, false, true]);
  });
});
