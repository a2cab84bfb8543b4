/**
 * The long fuzz run for the flat file format: 3,000 mutations per configuration, seeded
 * differently from the unit suite. Needs no dataset (runs anywhere) but takes a while.
 */
import { clustered } from '@annlab/test-kit';
import { itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe } from 'vitest';
import { FlatIndex } from '../src/index.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

function base(metric: 'euclidean' | 'cosine'): Uint8Array {
  const index = new FlatIndex({ dim: 8, metric, kernels: 'js' });
  index.add(clustered(40, 8, 4, 7));
  return index.serialize();
}

describe('flat loader under mutation (long)', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 3000,
    seed: 1001,
    log: 'summary',
    cases: [
      { label: 'flat, euclidean', target: 'flat', base: () => base('euclidean') },
      { label: 'flatSimd, euclidean', target: 'flatSimd', base: () => base('euclidean') },
      { label: 'flat, cosine', target: 'flat', base: () => base('cosine') },
    ],
  });
});
