/**
 * The long fuzz run for RpForestIndex (the data suite): 3,000 seeded mutations per metric
 * layout and backend, and a longer API property run. Same allowed outcomes as
 * `fuzz.test.ts`.
 */
import { fuzzApi, itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe, it } from 'vitest';
import { API_FUZZ, loaderCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const COUNT = 3000;

describe('RpForestIndex fuzz, long run', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: COUNT,
    log: 'full',
    cases: loaderCases(
      [
        ['rpforest', 0],
        ['rpforestSimd', 0],
        ['rpforest', 1],
        ['rpforest', 2],
        ['rpforestSimd', 2],
      ],
      200,
    ),
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing (1,000 runs)', () => {
    fuzzApi({ ...API_FUZZ, seed: 112, numRuns: 1000 });
  });
});
