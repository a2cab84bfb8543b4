/**
 * The long fuzz run for HnswIndex (the data suite): 3,000 seeded mutations per base file and
 * backend, and a longer API property run. Same allowed outcomes as `fuzz.test.ts`.
 */
import { fuzzApi, itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe, it } from 'vitest';
import { API_FUZZ, loaderCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const COUNT = 3000;

describe('HnswIndex fuzz, long run', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: COUNT,
    log: 'full',
    cases: loaderCases(
      [
        ['hnsw', 0],
        ['hnswSimd', 0],
        ['hnsw', 1],
        ['hnswSimd', 1],
      ],
      100,
    ),
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing (1,000 runs)', () => {
    fuzzApi({ ...API_FUZZ, seed: 111, numRuns: 1000 });
  });
});
