/**
 * @annlab/vamana (in progress).
 *
 * @packageDocumentation
 */
export {};
