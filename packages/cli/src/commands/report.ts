/**
 * `annlab report <results.jsonl>`: re-render the plots and report.html from JSON lines.
 *
 * @module
 */
import { dirname } from 'node:path';
import { readRun, summaryTable, writeReport } from '@annlab/bench';
import { AnnlabError } from '@annlab/core';
import { EXIT } from '../exit.js';
import type { CliIo } from '../io.js';

/** Run `annlab report`; resolves to the exit code. */
export async function reportCommand(file: string, opts: { out?: string; json?: boolean }, io: CliIo): Promise<number> {
  const { results, info } = readRun(file);
  if (results.length === 0) throw new AnnlabError('INVALID_PARAMETER', `${file} holds no results.`);
  const out = opts.out ?? dirname(file);
  const meta: Parameters<typeof writeReport>[2] = { suite: info?.suite ?? results[0].suite };
  if (info !== null) {
    meta.environment = info.environment;
    meta.skipped = info.skipped;
    meta.errors = info.errors;
    meta.totalSeconds = info.totalSeconds;
    if (info.bindingCosts !== undefined) meta.bindingCosts = info.bindingCosts;
  }
  const written = await writeReport(out, results, meta);
  if (opts.json === true) io.out(`${JSON.stringify({ results: results.length, ...written })}\n`);
  else {
    io.out(`${summaryTable(results)}\n\n`);
    // As `annlab bench` prints them: peers whose binding converts each query inside the timed call.
    for (const [name, c] of Object.entries(info?.bindingCosts ?? {})) io.out(`${name}: ${c.note}\n`);
    io.out(`wrote ${written.report} and ${written.plots.length} plots\n`);
  }
  return EXIT.OK;
}
