/**
 * The long fuzz run for the ivfpq file formats: 3,000 mutations per configuration, seeded
 * differently from the unit suite. Needs no dataset (runs anywhere) but takes a while.
 */
import { itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe } from 'vitest';
import { fuzzCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('ivfpq loaders under mutation (long)', () => {
  itFuzzesLoaders({ moduleUrl: TARGETS, count: 3000, seed: 1002, log: 'summary', cases: fuzzCases() });
});
