/**
 * The fuzz suite's helpers: seeded file mutations, the time-limited loader fuzzer (and the
 * tests that run it), and the API property fuzzer. Node-only (worker threads): imported by
 * tests as `@annlab/test-kit/fuzz`.
 *
 * @module
 */
export {
  MUTATION_KINDS,
  mutate,
  offsetOfFloat32,
  offsetOfFloat64,
  withFloat32,
  withFloat64,
  withJsonField,
  withU32,
} from './mutate.js';
export type { Mutation, MutationKind } from './mutate.js';
export { fuzzLoader, formatFuzzReport } from './run.js';
export type { FuzzFailure, FuzzLoaderOptions, FuzzReport } from './run.js';
export { fuzzApi } from './api.js';
export { itFuzzesLoaders } from './suite.js';
export type { LoaderFuzzCase, LoaderFuzzOptions } from './suite.js';
export type { FuzzApiOptions } from './api.js';
export { InvariantViolation, LOAD_REFUSALS, describeError, exerciseLoaded, runTarget } from './target.js';
export type { FuzzTarget, FuzzTargets, LoadOutcome } from './target.js';
