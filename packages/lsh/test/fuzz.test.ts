/**
 * The fuzz suite for LshIndex: seeded mutations of a serialized index must be refused with a
 * typed error or load into an index that passes its invariant check and searches
 * (time-limited, in a worker), and the public methods must answer arbitrary arguments with
 * nothing but AnnlabError, leaving the index unchanged when they fail.
 */
import { formatFuzzReport, fuzzApi, fuzzLoader } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
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
  it.each([
    ['lsh', 'euclidean'],
    ['lshSimd', 'euclidean'],
    ['lsh', 'cosine'],
  ] as const)('refuses or loads every mutated file (%s, %s, 200 mutations)', async (name, metric) => {
    const bytes = base(metric).serialize();
    const report = await fuzzLoader({ base: bytes, moduleUrl: TARGETS, name, seed: metric === 'cosine' ? 33 : 31, count: 200 });
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({
      build: () => base('euclidean', 30),
      methods: ['add', 'search', 'explain', 'reconstruct', 'hashFunctions', 'checkInvariants', 'memoryBytes'],
      dim: DIM,
      seed: 12,
      numRuns: 150,
      extraArgs: [{ probes: 0 }, { probes: 2 ** 40 }, { probes: 1.5 }, { probe: 3 }, { maxCandidates: -1 }, { maxCandidates: 1 }, { probes: 64 }],
    });
  });
});
