/**
 * @annlab/cli: the `annlab` command (bench, datasets list|info|fetch, build, query, report),
 * also usable in-process through {@link runCli}.
 *
 * @packageDocumentation
 */
export { createProgram, runCli } from './program.js';
export { processIo } from './io.js';
export type { CliIo } from './io.js';
export { EXIT, exitCodeFor, formatError } from './exit.js';
export { benchCommand } from './commands/bench.js';
export type { BenchCommandOptions } from './commands/bench.js';
export { buildCommand } from './commands/build.js';
export type { BuildCommandOptions } from './commands/build.js';
export { queryCommand } from './commands/query.js';
export type { QueryCommandOptions } from './commands/query.js';
export { reportCommand } from './commands/report.js';
export { datasetsFetchCommand, datasetsInfoCommand, datasetsListCommand } from './commands/datasets.js';
export { createProgress } from './progress.js';
export type { Progress } from './progress.js';
