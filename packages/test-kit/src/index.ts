/**
 * @annlab/test-kit: the helpers every package's tests share (private to the workspace).
 *
 * @packageDocumentation
 */
export { clustered, clusteredSplit } from './data.js';
export type { ClusteredOptions } from './data.js';
export { expectCode, expectRejectedCode } from './errors.js';
export { InProcessPool } from './pool.js';
export type { TaskHandlers } from './pool.js';
export { recallAgainstFlat } from './recall.js';
export { describeIndexContract, itRoundTripsArbitraryData } from './contract.js';
export type { ContractIndex, IndexContract, ParamsOf, RoundTripProperty } from './contract.js';
export { cornerCaseData, floatBatch } from './arbitraries.js';
export type { CornerCaseOptions } from './arbitraries.js';
export { expectAddOptionsRefused, expectThrowingProgressKeeps, recordProgress } from './progress.js';
export type { ProgressIndex, RecordedProgress } from './progress.js';
