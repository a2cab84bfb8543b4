/**
 * The fuzz suite for NnDescentIndex: seeded mutations of a serialized index must be refused
 * with a typed error or load into an index that searches (time-limited, in a worker), and the
 * public methods must answer arbitrary arguments with nothing but AnnlabError.
 */
import { clustered, expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders, withJsonField } from '@annlab/test-kit/fuzz';
import { describe, it } from 'vitest';
import { NnDescentIndex } from '../src/index.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;
const DIM = 8;

function built(metric: 'euclidean' | 'cosine' = 'euclidean'): NnDescentIndex {
  const index = new NnDescentIndex({ dim: DIM, metric, nNeighbors: 6, leafSize: 8, kernels: 'js' });
  index.add(clustered(40, DIM, 4, 7));
  return index;
}

describe('NnDescentIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    seed: 1,
    cases: [
      { label: 'nndescent, euclidean', target: 'nndescent', base: () => built('euclidean').serialize() },
      { label: 'nndescentSimd, euclidean', target: 'nndescentSimd', base: () => built('euclidean').serialize() },
      { label: 'nndescent, cosine', target: 'nndescent', base: () => built('cosine').serialize() },
    ],
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({
      build: () => built(),
      methods: ['add', 'search', 'explain', 'reconstruct', 'neighbors', 'knnGraph', 'memoryBytes'],
      dim: DIM,
      seed: 11,
      numRuns: 150,
      extraArgs: [{ efSearch: 0 }, { efSearch: 2.5 }, { efSearch: 8 }, { efSerch: 8 }, { nNeighbors: 4 }],
    });
  });

  it('refuses parameters that do not match the data', () => {
    const bytes = built().serialize();
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'dim', 3)), 'CORRUPT_DATA');
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'nNeighbors', 7)), 'CORRUPT_DATA');
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'nNeighbors', '6')), 'CORRUPT_DATA');
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'pruneDegreeMultiplier', 2)), 'CORRUPT_DATA');
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'root', 99)), 'CORRUPT_DATA');
    expectCode(() => NnDescentIndex.deserialize(withJsonField(bytes, 'info', { points: 40 })), 'CORRUPT_DATA');
  });
});
