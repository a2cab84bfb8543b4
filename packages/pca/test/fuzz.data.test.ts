/**
 * The long fuzz run for the pca file formats: 3,000 mutations per configuration, seeded
 * differently from the unit suite. Needs no dataset (runs anywhere) but takes a while.
 */
import { formatFuzzReport, fuzzLoader } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { fuzzCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('pca loaders under mutation (long)', () => {
  it.each(fuzzCases())('%s: 3000 mutations refused or loaded', async (_label, name, base) => {
    const report = await fuzzLoader({ base, moduleUrl: TARGETS, name, seed: 1003, count: 3000 });
    console.log(formatFuzzReport(report).split('\n')[0]);
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });
});
