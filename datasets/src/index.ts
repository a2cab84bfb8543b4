/**
 * @annlab/datasets: Dataset readers and writers (fvecs/ivecs/bvecs, IDX, ann-benchmarks HDF5, npy), named datasets with checksummed fetch, synthetic data, cached ground truth.
 *
 * @packageDocumentation
 */
export {};
