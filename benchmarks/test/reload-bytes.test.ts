import { describe, expect, it } from 'vitest';
import type { AnnIndex, Metric } from '@annlab/core';
import { clustered } from '@annlab/test-kit';
import { ANNLAB_CLASSES, type AnnlabAlgorithm } from '../src/index.js';

/** Small build options per family (the rest default). */
const BUILD: Record<AnnlabAlgorithm, Record<string, unknown>> = {
  flat: {},
  rpforest: { nTrees: 4 },
  hnsw: { M: 8, efConstruction: 32 },
  ivfflat: { nlist: 8 },
  ivfpq: { nlist: 8, m: 4, keepVectors: true },
  lsh: {},
  vamana: { R: 16, L: 32 },
  nndescent: { nNeighbors: 8 },
};

const METRICS: Metric[] = ['euclidean', 'cosine', 'inner-product'];

describe('every index re-serializes a reloaded file to the same bytes', () => {
  for (const [name, Cls] of Object.entries(ANNLAB_CLASSES) as [AnnlabAlgorithm, (typeof ANNLAB_CLASSES)[AnnlabAlgorithm]][]) {
    for (const metric of METRICS) {
      it(`${name}, ${metric}`, () => {
        let index: AnnIndex;
        try {
          index = new (Cls as unknown as new (o: object) => AnnIndex)({ dim: 16, metric, seed: 3, ...BUILD[name] });
        } catch (e) {
          // A family that does not support this metric says so with a typed error (LSH: inner product).
          expect((e as { code?: string }).code).toBe('INVALID_PARAMETER');
          return;
        }
        index.add(clustered(400, 16, 8, 11, { spread: 0.3 }));
        const bytes = index.serialize();
        const again = Cls.deserialize(bytes).serialize();
        expect(again.length).toBe(bytes.length);
        expect(Buffer.compare(Buffer.from(again), Buffer.from(bytes))).toBe(0);
      });
    }
  }
});
