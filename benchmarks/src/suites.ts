/**
 * The suites shipped in `benchmarks/suites/` and loading suite files.
 *
 * @module
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnnlabError } from '@annlab/core';
import { parseSuite, type Suite } from './suite.js';

/** The directory holding the shipped suites (`benchmarks/suites`). */
export function suitesDir(): string {
  return fileURLToPath(new URL('../suites/', import.meta.url));
}

/** Names of the shipped suites (`default`, `fashion-mnist`, ...). */
export function shippedSuites(): string[] {
  const dir = suitesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/**
 * Load a suite from a file path, or a shipped suite by name (`default`, `fashion-mnist`).
 * The suite's name defaults to the file name.
 */
export function loadSuite(pathOrName: string): Suite {
  let file = pathOrName;
  if (!existsSync(file)) {
    const shipped = join(suitesDir(), `${pathOrName.replace(/\.json$/, '')}.json`);
    if (!existsSync(shipped)) {
      throw new AnnlabError(
        'NOT_FOUND',
        `no suite file "${pathOrName}"; pass a path to a suite JSON or one of: ${shippedSuites().join(', ')}.`,
      );
    }
    file = shipped;
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AnnlabError('INVALID_PARAMETER', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const suite = parseSuite(value, basename(file));
  if (suite.name === undefined) suite.name = basename(file).replace(/\.json$/, '');
  return suite;
}
