/**
 * The fuzz suite for VamanaIndex: seeded mutations of a serialized index must be refused with
 * a typed error or load into an index that searches (time-limited, in a worker), and the
 * public methods must answer arbitrary arguments with nothing but AnnlabError.
 */
import { clustered, expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders, withJsonField } from '@annlab/test-kit/fuzz';
import { describe, it } from 'vitest';
import { VamanaIndex } from '../src/index.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const DIM = 8;

function built(metric: 'euclidean' | 'cosine' = 'euclidean'): VamanaIndex {
  const index = new VamanaIndex({ dim: DIM, metric, R: 6, L: 12, kernels: 'js' });
  index.add(clustered(40, DIM, 4, 7));
  return index;
}

describe('VamanaIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    seed: 1,
    cases: [
      { label: 'vamana, euclidean', target: 'vamana', base: () => built('euclidean').serialize() },
      { label: 'vamanaSimd, euclidean', target: 'vamanaSimd', base: () => built('euclidean').serialize() },
      { label: 'vamana, cosine', target: 'vamana', base: () => built('cosine').serialize() },
    ],
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({
      build: () => built(),
      methods: ['add', 'search', 'explain', 'reconstruct', 'neighbors', 'memoryBytes'],
      dim: DIM,
      seed: 11,
      numRuns: 150,
      extraArgs: [{ searchL: 0 }, { searchL: 2.5 }, { searchL: 8 }, { searhL: 8 }, { R: 4 }],
    });
  });

  it('refuses parameters that do not match the data', () => {
    const bytes = built().serialize();
    expectCode(() => VamanaIndex.deserialize(withJsonField(bytes, 'dim', 3)), 'CORRUPT_DATA');
    expectCode(() => VamanaIndex.deserialize(withJsonField(bytes, 'R', '6')), 'CORRUPT_DATA');
    expectCode(() => VamanaIndex.deserialize(withJsonField(bytes, 'medoid', 40)), 'CORRUPT_DATA');
  });
});
