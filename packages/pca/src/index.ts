/**
 * @annlab/pca: PCA (exact eigensolver and randomized SVD) and a PCA pre-transform around any annlab index.
 *
 * @packageDocumentation
 */
export { Pca } from './pca.js';
export type { PcaOptions, PcaSolver, PcaTrainAsyncOptions } from './pca.js';
export { PCA_PASS_TASK, pcaPassTask } from './internal/parallel-pass.js';
export type { PcaPassPayload } from './internal/parallel-pass.js';
export type { RowPassKind } from './internal/row-pass.js';
export { PreTransformIndex } from './pretransform-index.js';
export type {
  InnerIndexFactory,
  InnerIndexLoaders,
  InnerIndexOptions,
  PreTransformAddAsyncOptions,
  PreTransformIndexOptions,
  PreTransformLoadOptions,
  PreTransformSearchParams,
  PreTransformTrainAsyncOptions,
} from './pretransform-index.js';
