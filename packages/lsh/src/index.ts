/**
 * @annlab/lsh (in progress).
 *
 * @packageDocumentation
 */
export {};
