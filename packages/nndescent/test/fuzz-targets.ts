/**
 * Fuzz targets of @annlab/nndescent: how the loader fuzzer's worker loads an NN-Descent file.
 *
 * @module
 */
import type { FuzzTargets } from '@annlab/test-kit/fuzz';
import { NnDescentIndex } from '../src/index.js';

/** Loaders by name, one per kernel backend. */
export const targets: FuzzTargets = {
  nndescent: { load: (bytes) => NnDescentIndex.deserialize(bytes, { kernels: 'js' }) },
  nndescentSimd: { load: (bytes) => NnDescentIndex.deserialize(bytes, { kernels: 'auto' }) },
};
