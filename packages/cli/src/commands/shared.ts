/**
 * Helpers shared by the commands: option parsers and `key=value` parameters.
 *
 * @module
 */
import type { Params, ParamValue } from '@annlab/bench';
import { InvalidArgumentError } from 'commander';

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
