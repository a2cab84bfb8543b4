/**
 * The fuzz suite for LshIndex: seeded mutations of a serialized index must be refused with a
 * typed error or load into an index that passes its invariant check and searches
 * (time-limited, in a worker), and the public methods must answer arbitrary arguments with
 * nothing but AnnlabError, leaving the index unchanged when they fail.
 */
import { fuzzApi, itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe, it } from 'vitest';
import type { Metric } from '@annlab/core';
import { LshIndex } from '@annlab/lsh';
import { clustered } from '@annlab/test-kit';

const DIM = 6;
const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

function base(metric: Metric, n: number = 60): LshIndex {
  const ix = new LshIndex({ dim: DIM, metric, L: 3, K: 4, seed: 7, kernels: 'js' });
  ix.add(clustered(n, DIM, 4, 5, { spread: 0.3 }));
  return ix;
}

describe('LshIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    cases: [
      { label: 'lsh, euclidean', target: 'lsh', base: () => base('euclidean').serialize(), seed: 31 },
      { label: 'lshSimd, euclidean', target: 'lshSimd', base: () => base('euclidean').serialize(), seed: 31 },
      { label: 'lsh, cosine', target: 'lsh', base: () => base('cosine').serialize(), seed: 33 },
    ],
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({
      build: () => base('euclidean', 30),
      methods: ['add', 'search', 'explain', 'reconstruct', 'hashFunctions', 'checkInvariants', 'memoryBytes'],
      dim: DIM,
      seed: 12,
      numRuns: 150,
      extraArgs: [
        { probes: 0 },
        { probes: 2 ** 40 },
        { probes: 1.5 },
        { probe: 3 },
        { maxCandidates: -1 },
        { maxCandidates: 1 },
        { probes: 64 },
      ],
    });
  });
});
