/**
 * The long fuzz run for the flat file format: 3,000 mutations per configuration, seeded
 * differently from the unit suite. Needs no dataset (runs anywhere) but takes a while.
 */
import { clustered } from '@annlab/test-kit';
import { formatFuzzReport, fuzzLoader } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from '../src/index.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

function base(metric: 'euclidean' | 'cosine'): Uint8Array {
  const index = new FlatIndex({ dim: 8, metric, kernels: 'js' });
  index.add(clustered(40, 8, 4, 7));
  return index.serialize();
}

describe('flat loader under mutation (long)', () => {
  it.each([
    ['flat', 'euclidean'],
    ['flatSimd', 'euclidean'],
    ['flat', 'cosine'],
  ] as const)('%s, %s: 3000 mutations refused or loaded', async (name, metric) => {
    const report = await fuzzLoader({ base: base(metric), moduleUrl: TARGETS, name, seed: 1001, count: 3000 });
    console.log(formatFuzzReport(report).split('\n')[0]);
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });
});
