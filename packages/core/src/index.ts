/**
 * @annlab/core: the Index contract, metrics and distance kernels, vector storage, heaps,
 * the visited set, the seeded Rng, typed errors and the binary file format that every annlab
 * algorithm package builds on.
 *
 * @packageDocumentation
 */
export { AnnlabError, isAnnlabError, throwInconsistentFile } from './errors.js';
export type { AnnlabErrorCode } from './errors.js';

export { METRICS, SearchStats } from './types.js';
export type {
  AnnIndex,
  Deletable,
  Explainable,
  Explanation,
  IndexClass,
  IndexOptions,
  InvariantCheckable,
  InvariantReport,
  KernelBackend,
  LoadOptions,
  AddOptions,
  MemoryReport,
  Metric,
  Reconstructible,
  SearchParams,
  SearchResult,
  TrainableIndex,
} from './types.js';

export {
  asCorruptData,
  checkBeamWidth,
  checkDim,
  checkId,
  checkIndexOptions,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkNumber,
  checkOptions,
  checkSearchParams,
  checkSeed,
  checkVectors,
  firstNonFinite,
  MAX_ABS_COMPONENT,
  MIN_ROW_SCALE,
  type CheckedIndexOptions,
} from './validate.js';

export {
  dot,
  dotRef,
  internalDistanceRef,
  l2Squared,
  l2SquaredRef,
  metricPolicy,
  norm,
  normalizeInPlace,
  reportedDistance,
} from './metrics.js';
export type { KernelKind, MetricPolicy } from './metrics.js';

export {
  dotIds,
  dotRange,
  dotTile,
  l2SquaredIds,
  l2SquaredRange,
  l2SquaredTile,
} from './kernels.js';

export { PROGRESS_EVERY, beginAdd, checkAddOptions, reportProgress } from './progress.js';
export type { AddCall, ProgressCallback } from './progress.js';

export { VectorStore } from './vector-store.js';
export type { VectorStoreOptions } from './vector-store.js';
export { DistanceComputer, distanceTileInto } from './distance-computer.js';
export { Refiner } from './refine.js';
export { ScalarQuantizer } from './scalar-quantizer.js';
export type { ScalarQuantizerBits, ScalarQuantizerOptions } from './scalar-quantizer.js';
export { SqCodes, SqCodesWasm, SqDistanceComputer, sqCodeDot, sqDistancesToIds, sqDistancesToRange } from './sq-distance-computer.js';
export type { SqCodesOptions } from './sq-distance-computer.js';

export { INITIAL_SCRATCH, WASM_MAX_BYTES, WasmRegion, WasmRows, copySkippingZeroPages, stableInput } from './wasm/wasm-rows.js';
export {
  DualWasmModule,
  checkKernelBackend,
  decodeBase64,
  isSharedMemory,
  kernelBytes,
  resolveKernelBackend,
  simdSupported,
} from './wasm/wasm-kernels.js';
export type { KernelExports } from './wasm/wasm-kernels.js';
export { KERNELS_COMPILER_VERSION, KERNELS_SOURCE_SHA256, KERNELS_WASM_LENGTH } from './wasm/kernels-wasm.generated.js';
export { sqKernelBytes } from './wasm/sq-kernels.js';
export type { SqIdsKernel, SqKernelExports, SqRangeKernel } from './wasm/sq-kernels.js';
export { SQ_KERNELS_COMPILER_VERSION, SQ_KERNELS_SOURCE_SHA256 } from './wasm/sq-kernels-wasm.generated.js';

export { MaxHeap, MinHeap } from './heap.js';
export { VisitedSet } from './visited-set.js';
export { grownArray } from './grow.js';
export type { GrowableArray } from './grow.js';
export { GraphSearchContext, drainGraphResults, graphSearch, graphSearchInto, graphSearchRecorded } from './graph-search.js';
export type { GraphSearchCounter } from './graph-search.js';
export { Rng } from './rng.js';
export type { RngState } from './rng.js';
export { deriveSeed, mix32, offsetSeed } from './seeds.js';
export { partitionBySide } from './partition.js';

export { crc32, crc32Ref } from './crc32.js';
export { BinaryReader, BinaryWriter, CONTAINER_VERSION, MAGIC } from './binary.js';
export type { FileHeader } from './binary.js';

export { createSearchResult, drainToRow, padRow } from './result.js';

export { checkTaskPool, sharedArray, splitPoolOptions } from './task-pool.js';
export type { SplitPoolOptions, TaskPool } from './task-pool.js';
