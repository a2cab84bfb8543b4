/**
 * `annlab explain <algorithm> [--out dir]`: draw how an index works on seeded 2-D data and
 * write the picture as SVG: HNSW's layers with a query's greedy path and final beam, a
 * random-projection forest's splits with the leaves a query visits, IVF's Voronoi cells with
 * the probed cells, IVF-PQ's codebooks, flat search and PCA. `all` draws every one. The
 * pictures come from the indexes' own `explain()` output and public accessors.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnnlabError } from '@annlab/core';
import type { Command } from 'commander';
import { EXPLAINERS, explainPictures } from '../explain/index.js';
import { EXIT } from '../exit.js';
import type { CliIo } from '../io.js';
import { positiveInt, integer } from './shared.js';

/** Options of `annlab explain`. */
export interface ExplainCommandOptions {
  /** Output directory. @defaultValue `.` */
  out?: string;
  /** Points to index (each picture has its own default). */
  points?: number;
  /** Seed of the data and the index. @defaultValue 42 */
  seed?: number;
  /** Print a JSON summary on stdout. */
  json?: boolean;
}

/** Run `annlab explain`: write `<out>/<picture>.svg` for `algorithm` (or `all`); resolves to an exit code. */
export async function explainCommand(algorithm: string, opts: ExplainCommandOptions, io: CliIo): Promise<number> {
  const out = opts.out ?? '.';
  const options: { points?: number; seed?: number } = {};
  if (opts.points !== undefined) options.points = opts.points;
  if (opts.seed !== undefined) options.seed = opts.seed;
  const pictures = await explainPictures(algorithm, options);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new AnnlabError('IO', `cannot create ${out}: ${(e as Error).message}`, { cause: e });
  }
  const written: { algorithm: string; file: string; summary: string }[] = [];
  for (const p of pictures) {
    const file = join(out, p.file);
    try {
      writeFileSync(file, p.svg);
    } catch (e) {
      throw new AnnlabError('IO', `cannot write ${file}: ${(e as Error).message}`, { cause: e });
    }
    written.push({ algorithm: p.name, file, summary: p.summary });
  }
  if (opts.json === true) io.out(JSON.stringify({ files: written }, null, 2) + '\n');
  else for (const w of written) io.out(`${w.file}  (${w.algorithm}: ${w.summary})\n`);
  return EXIT.OK;
}

/** Add the `explain` command to the program. */
export function registerExplainCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('explain <algorithm>')
    .description(`draw how an index works on 2-D data as SVG (${Object.keys(EXPLAINERS).join(', ')} or all)`)
    .option('-o, --out <dir>', 'output directory', '.')
    .option('--points <n>', 'number of 2-D points', positiveInt)
    .option('--seed <n>', 'seed of the data and the index', integer)
    .option('--json', 'JSON output')
    .action(async (algorithm: string, opts: ExplainCommandOptions) => setCode(await explainCommand(algorithm, opts, io)));
}
