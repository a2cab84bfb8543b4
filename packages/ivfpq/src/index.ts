/**
 * @annlab/ivfpq: k-means, IVF-Flat, product quantization and IVF-PQ with ADC and exact
 * re-ranking (Jégou, Douze, Schmid, "Product quantization for nearest neighbor search",
 * IEEE TPAMI 2011).
 *
 * @packageDocumentation
 */
export { KMeans } from './kmeans.js';
export type { KMeansInit, KMeansOptions, KMeansTrainAsyncOptions } from './kmeans.js';
export { ASSIGN_TASK, assignTask } from './internal/parallel-assign.js';
export type { AssignTaskPayload, AssignTaskResult, TaskPool } from './internal/parallel-assign.js';
export { IvfFlatIndex } from './ivf-flat-index.js';
export type { IvfFlatEncoding, IvfFlatIndexOptions, IvfFlatSearchParams } from './ivf-flat-index.js';
export { ProductQuantizer } from './product-quantizer.js';
export type { ProductQuantizerOptions, ProductQuantizerTrainAsyncOptions } from './product-quantizer.js';
export type { IvfTrainAsyncOptions } from './internal/coarse.js';
export { IvfPqIndex } from './ivf-pq-index.js';
export type { IvfPqIndexOptions, IvfPqSearchParams } from './ivf-pq-index.js';
export type { IvfExplanation } from './ivf-explanation.js';
