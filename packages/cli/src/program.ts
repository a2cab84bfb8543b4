/**
 * The `annlab` command line (commander): `bench`, `datasets list|info|fetch`, `build`,
 * `query`, `report`. Every command prints results on stdout (`--json` for machines),
 * progress on stderr, and errors as one line (the stack with `--verbose`); exit codes are
 * listed in exit.ts.
 *
 * @module
 */
import { annlabVersion, knownAlgorithms, type Params } from '@annlab/bench';
import { Command, CommanderError } from 'commander';
import { benchCommand, type BenchCommandOptions } from './commands/bench.js';
import { buildCommand } from './commands/build.js';
import { registerExplainCommand } from './commands/explain.js';
import { datasetsFetchCommand, datasetsInfoCommand, datasetsListCommand } from './commands/datasets.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { queryCommand } from './commands/query.js';
import { reportCommand } from './commands/report.js';
import { collectParam, integer, positiveInt } from './commands/shared.js';
import { registerTune } from './commands/tune.js';
import { EXIT, exitCodeFor, formatError, fromNodeError } from './exit.js';
import { processIo, type CliIo } from './io.js';

/** Build the commander program; each action stores its exit code through `setCode`. */
export function createProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('annlab')
    .description('Compare approximate-nearest-neighbour algorithms the way ann-benchmarks does.')
    .version(annlabVersion(), '-V, --version')
    .option('--verbose', 'print stack traces with errors')
    .showHelpAfterError('(run annlab --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });

  program
    .command('bench')
    .description('run a benchmark suite; writes results.jsonl, results.csv, plots (*.svg) and report.html')
    .option('-c, --config <suite>', 'suite JSON file or shipped suite name (default: the default suite on a synthetic dataset)')
    .option('-d, --dataset <ref>', "dataset reference overriding the suite's (registry name, path, synthetic:...)")
    .option('-q, --queries <n>', 'use at most n queries', positiveInt)
    .option('--max-base <n>', 'use at most n base vectors', positiveInt)
    .option('-k, --k <n>', 'neighbours per query', positiveInt)
    .option('-r, --runs <n>', 'timed repetitions per point, best kept', positiveInt)
    .option('--only <names>', 'comma-separated algorithms to run')
    .option('--threads <n>', 'threads for builds that take a threads option and for --batch (default 1)', positiveInt)
    .option('--batch', 'also time a batch search of all queries on --threads threads (ann-benchmarks --batch)')
    .option(
      '-i, --index <file>',
      'benchmark a prebuilt index file instead of building: annlab, hnswlib, Annoy or FAISS (needs --dataset, or a suite to add it to)',
    )
    .option('--search <json>', 'search grid swept over --index, e.g. \'{"efSearch":[10,20,40]}\'')
    .option('-o, --out <dir>', 'output directory (default: results/<timestamp>)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--quiet', 'no progress output')
    .addHelpText('after', `\nAlgorithms: ${knownAlgorithms().join(', ')}`)
    .action(async (opts: BenchCommandOptions) => setCode(await benchCommand(opts, io)));

  const datasets = program.command('datasets').description('list, inspect and fetch datasets');
  datasets
    .command('list')
    .description('the registry of named datasets and where each is available locally')
    .option('--cache-dir <dir>', 'dataset cache directory')
    .option('--json', 'JSON output')
    .action((opts: { json?: boolean; cacheDir?: string }) => setCode(datasetsListCommand(opts, io)));
  datasets
    .command('info <ref>')
    .description('shape, metric and ground truth of a dataset')
    .option('--cache-dir <dir>', 'dataset cache directory')
    .option('--json', 'JSON output')
    .option('--quiet', 'no progress output')
    .action(async (ref: string, opts: { json?: boolean; cacheDir?: string; quiet?: boolean }) =>
      setCode(await datasetsInfoCommand(ref, opts, io)),
    );
  datasets
    .command('fetch <name>')
    .description('download a named dataset into the cache (checksums verified)')
    .option('--cache-dir <dir>', 'dataset cache directory')
    .option('--from <dirOrUrl>', 'take the files from a local directory or mirror URL')
    .option('--force', 'fetch again even when cached')
    .option('--json', 'JSON output')
    .option('--quiet', 'no progress output')
    .action(async (name: string, opts: { json?: boolean; cacheDir?: string; from?: string; force?: boolean; quiet?: boolean }) =>
      setCode(await datasetsFetchCommand(name, opts, io)),
    );

  program
    .command('build')
    .description('build an annlab index over a dataset and save it to a file')
    .requiredOption('-d, --dataset <ref>', 'dataset reference')
    .requiredOption('-a, --algorithm <name>', 'flat, rpforest, hnsw, ivfflat, ivfpq or pca+<name>')
    .option('-p, --param <key=value>', 'build parameter (repeatable), e.g. -p M=16 -p efConstruction=200', collectParam, {} as Params)
    .requiredOption('-o, --out <file>', 'index file to write')
    .option('--max-base <n>', 'use at most n base vectors', positiveInt)
    .option('--seed <n>', 'seed', integer)
    .option('--threads <n>', 'build threads for the forest, HNSW and IVF (worker pool; default 1)', positiveInt)
    .option('--json', 'JSON output')
    .option('--quiet', 'no progress output')
    .action(async (opts: Parameters<typeof buildCommand>[0]) => setCode(await buildCommand(opts, io)));

  program
    .command('query')
    .description("search a dataset's queries with a saved index; report recall and latency")
    .requiredOption('-i, --index <file>', 'index file: annlab (`annlab build`), FAISS, hnswlib or Annoy (metric and dim from the dataset)')
    .requiredOption('-d, --dataset <ref>', 'dataset reference (the one the index was built from)')
    .option('-k, --k <n>', 'neighbours per query', positiveInt, 10)
    .option('-p, --param <key=value>', 'search parameter (repeatable), e.g. -p efSearch=64', collectParam, {} as Params)
    .option('-q, --queries <n>', 'use at most n queries', positiveInt)
    .option('--max-base <n>', 'the --max-base the index was built with', positiveInt)
    .option('--ids-out <file.ivecs>', 'write the returned ids as .ivecs')
    .option('--json', 'JSON output')
    .option('--quiet', 'no progress output')
    .action(async (opts: Parameters<typeof queryCommand>[0]) => setCode(await queryCommand(opts, io)));

  program
    .command('export')
    .description('write an annlab index file as an hnswlib, Annoy or FAISS index file')
    .requiredOption('--to <format>', 'hnswlib (hnsw), annoy (rpforest) or faiss (flat, ivfflat, ivfpq, hnsw, pca+…)')
    .requiredOption('-i, --index <file>', 'annlab index file (from `annlab build`)')
    .requiredOption('-o, --out <file>', 'file to write')
    .option(
      '-p, --param <key=value>',
      'FAISS search setting stored in the file (repeatable): nprobe, efSearch, rerank',
      collectParam,
      {} as Params,
    )
    .option('--json', 'JSON output')
    .action(async (opts: Parameters<typeof exportCommand>[0]) => setCode(await exportCommand(opts, io)));

  program
    .command('import')
    .description('read an hnswlib, Annoy or FAISS index file and write it as an annlab index file')
    .option('--from <format>', 'hnswlib, annoy or faiss (hnswlib and FAISS are detected; Annoy files have no header)')
    .requiredOption('-i, --index <file>', 'the native index file')
    .requiredOption('-o, --out <file>', 'annlab index file to write')
    .option('--metric <metric>', 'euclidean, cosine or inner-product (hnswlib and Annoy files do not record it)')
    .option('--dim <n>', 'vector dimension (Annoy files do not record it)', positiveInt)
    .option('--seed <n>', 'seed for what the imported index draws later', integer)
    .option('--labels-out <file.json>', 'write hnswlib labels that differ from the ids (labels[id])')
    .option('--json', 'JSON output')
    .action(async (opts: Parameters<typeof importCommand>[0]) => setCode(await importCommand(opts, io)));

  program
    .command('report <results.jsonl>')
    .description('re-render the plots and report.html from a results.jsonl')
    .option('-o, --out <dir>', 'output directory (default: beside the results file)')
    .option('--json', 'JSON output')
    .action(async (file: string, opts: { out?: string; json?: boolean }) => setCode(await reportCommand(file, opts, io)));

  registerTune(program, io, setCode);
  registerExplainCommand(program, io, setCode);

  return program;
}

/**
 * Run the CLI with `args` (without `node` and the script). Never exits the process; resolves
 * to the exit code.
 */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: number = EXIT.OK;
  const program = createProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const err = fromNodeError(e);
    io.err(formatError(err, args.includes('--verbose')));
    return exitCodeFor(err);
  }
}
