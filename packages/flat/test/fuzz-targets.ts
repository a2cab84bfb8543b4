/**
 * Fuzz targets of @annlab/flat: how the loader fuzzer's worker loads a flat index file.
 *
 * @module
 */
import type { FuzzTargets } from '@annlab/test-kit/fuzz';
import { FlatIndex } from '../src/index.js';

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  flat: { load: (bytes) => FlatIndex.deserialize(bytes, { kernels: 'js' }) },
  flatSimd: { load: (bytes) => FlatIndex.deserialize(bytes, { kernels: 'auto' }) },
};
