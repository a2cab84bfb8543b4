/**
 * @annlab/datasets: dataset readers and writers (TEXMEX fvecs/ivecs/bvecs, IDX, ann-benchmarks
 * HDF5, npy), named datasets with checksummed fetch, seeded synthetic data, and exact ground
 * truth computed with `@annlab/flat` and cached.
 *
 * Start with {@link loadDataset}: any dataset reference in, one {@link Dataset} out.
 *
 * @packageDocumentation
 */
export { loadDataset, localDatasetPath } from './dataset.js';
export type { Dataset, LoadOptions } from './dataset.js';

export { loadDirectory, readVectorFile } from './directory.js';
export type { DirectoryContents, DirectoryReadOptions } from './directory.js';

export { readBvecs, readFvecs, readIvecs, writeBvecs, writeFvecs, writeIvecs } from './vecs.js';
export type { Matrix, VecsKind, VecsReadOptions } from './vecs.js';

export { decodeIdx, encodeIdxUint8, readIdx, readIdxMatrix, writeIdxUint8 } from './idx.js';
export type { IdxArray, IdxReadOptions } from './idx.js';

export { decodeNpy, encodeNpy, readNpy, writeNpy } from './npy.js';
export type { NpyArray, NpyDtype, NpyReadOptions } from './npy.js';

export { annBenchmarksMetricName, metricFromName, readHdf5Dataset, writeHdf5Dataset } from './hdf5.js';
export type { Hdf5Contents, Hdf5ReadOptions, Hdf5WriteInput } from './hdf5.js';

export { REGISTRY, registryEntry } from './registry.js';
export type { RegistryEntry, RegistryFile, RegistryFormat } from './registry.js';

export { cachedPath, downloadFile, fetchDataset, isFetched, resolveCacheDir, userCacheDir } from './fetch.js';
export type { DownloadOptions, DownloadResult, FetchOptions, ProgressCallback } from './fetch.js';

export { parseSyntheticRef, resolveSyntheticSpec, syntheticDataset, syntheticRef } from './synthetic.js';
export type { ResolvedSyntheticSpec, SyntheticKind, SyntheticSpec } from './synthetic.js';

export { cachedGroundTruth, computeGroundTruth, datasetKey } from './ground-truth.js';
export type { GroundTruth, GroundTruthCacheOptions } from './ground-truth.js';

export {
  WINK_GLOVE_NAME,
  WINK_GLOVE_QUERIES,
  WINK_GLOVE_SEED,
  gloveFilePath,
  loadGlove,
  makeWordVectors,
  winkGloveDataset,
} from './wink-glove.js';
export type { WordVectors } from './wink-glove.js';
