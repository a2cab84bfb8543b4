/**
 * @annlab/cli: The annlab command: bench, datasets, build, query, report, tune, explain.
 *
 * @packageDocumentation
 */
export {};
