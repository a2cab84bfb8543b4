/**
 * @annlab/nndescent (in progress).
 *
 * @packageDocumentation
 */
export {};
