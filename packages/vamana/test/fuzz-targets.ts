/**
 * Fuzz targets of @annlab/vamana: how the loader fuzzer's worker loads a Vamana index file.
 *
 * @module
 */
import type { FuzzTargets } from '@annlab/test-kit/fuzz';
import { VamanaIndex } from '../src/index.js';

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  vamana: { load: (bytes) => VamanaIndex.deserialize(bytes, { kernels: 'js' }) },
  vamanaSimd: { load: (bytes) => VamanaIndex.deserialize(bytes, { kernels: 'auto' }) },
};
