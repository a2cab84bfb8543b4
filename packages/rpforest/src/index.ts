/**
 * @annlab/rpforest: Annoy-style random-projection forest (two-means splits, one priority queue over all trees).
 *
 * @packageDocumentation
 */
export {};
