/**
 * @annlab/pca: PCA (exact eigensolver and randomized SVD) and a PCA pre-transform around any annlab index.
 *
 * @packageDocumentation
 */
export { Pca } from './pca.js';
export type { PcaOptions, PcaSolver } from './pca.js';
export { PreTransformIndex } from './pretransform-index.js';
export type {
  InnerIndexFactory,
  InnerIndexLoaders,
  InnerIndexOptions,
  PreTransformIndexOptions,
  PreTransformLoadOptions,
  PreTransformSearchParams,
} from './pretransform-index.js';
