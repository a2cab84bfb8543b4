/**
 * @annlab/pca: PCA (exact eigensolver and randomized SVD) and a PCA pre-transform around any annlab index.
 *
 * @packageDocumentation
 */
export {};
