/**
 * Helpers shared by the commands: option parsers, `key=value` parameters, and the check that
 * an output location can be written before any long work starts.
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Params, ParamValue } from '@annlab/bench';
import { InvalidArgumentError } from 'commander';
import { fromNodeError } from '../exit.js';

/** Commander parser for a positive integer option. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}".`);
  return n;
}

/** Commander parser for an integer option (any sign). */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}".`);
  return n;
}

/** Parse one `key=value` value: numbers and booleans become numbers and booleans. */
export function parseValue(raw: string): ParamValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

/** Commander collector for repeated `-p key=value` options. */
export function collectParam(value: string, previous: Params): Params {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value (e.g. -p M=16), got "${value}".`);
  return { ...previous, [value.slice(0, eq)]: parseValue(value.slice(eq + 1)) };
}

/** A directory name for this moment: `2024-05-01T12-30-00-000Z`. */
export function timestampDir(date: Date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Make sure `dir` exists and a file can be created in it, before a long run whose results
 * would otherwise be lost at the end. Throws `AnnlabError` (`IO`, or `NOT_FOUND`) naming the
 * directory and the option to change.
 */
export function ensureWritableDir(dir: string, option: string): void {
  const probe = join(dir, `.annlab-write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    const err = fromNodeError(e, `checking that ${option} ${dir} can be written`);
    if (err instanceof Error && err !== e) err.message = `${err.message} Pass ${option} a writable location.`;
    throw err;
  }
}

/** {@link ensureWritableDir} for the directory that will hold `file`. */
export function ensureWritableFileDir(file: string, option: string): void {
  ensureWritableDir(dirname(file), option);
}
