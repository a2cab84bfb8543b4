/**
 * The loader fuzz run as each package's tests register it: one test per base file, each
 * feeding `count` seeded mutations to {@link fuzzLoader} and expecting no failure (every
 * mutated file refused with a typed error, or loaded into something that works). The unit
 * suite calls it with a short run, the data suite with a long one under other seeds.
 *
 * @module
 */
import { expect, it } from 'vitest';
import { formatFuzzReport, fuzzLoader } from './run.js';

/** One base file of a loader fuzz run. */
export interface LoaderFuzzCase {
  /** Names the case in the test title (e.g. `'flat, euclidean'`). */
  readonly label: string;
  /** The target in the module at {@link LoaderFuzzOptions.moduleUrl} that loads this format. */
  readonly target: string;
  /** The well-formed file to mutate, or a function that builds it when the test runs. */
  readonly base: Uint8Array | (() => Uint8Array);
  /** Run seed for this case; defaults to {@link LoaderFuzzOptions.seed}. */
  readonly seed?: number;
}

/** Options for {@link itFuzzesLoaders}. */
export interface LoaderFuzzOptions {
  /** URL of the module exporting `targets` (e.g. `new URL('./fuzz-targets.ts', import.meta.url).href`). */
  readonly moduleUrl: string;
  /** The base files, one test each. */
  readonly cases: readonly LoaderFuzzCase[];
  /** Mutations per case. */
  readonly count: number;
  /** Run seed of the cases that give none. */
  readonly seed?: number;
  /**
   * What to print once a case has run: nothing, the report's first line, or the whole report.
   * @defaultValue 'none'
   */
  readonly log?: 'none' | 'summary' | 'full';
}

/**
 * Register, inside the enclosing `describe`, one test per case titled
 * "`label`: `count` mutations refused or loaded".
 */
export function itFuzzesLoaders(options: LoaderFuzzOptions): void {
  const { moduleUrl, count, log = 'none' } = options;
  const rows = options.cases.map((c) => [c.label, c] as const);
  it.each(rows)(`%s: ${count} mutations refused or loaded`, async (_label, c) => {
    const seed = c.seed ?? options.seed;
    if (seed === undefined) throw new Error(`fuzz case ${c.label} has no seed`);
    const base = typeof c.base === 'function' ? c.base() : c.base;
    const report = await fuzzLoader({ base, moduleUrl, name: c.target, seed, count });
    if (log === 'summary') console.log(formatFuzzReport(report).split('\n')[0]);
    else if (log === 'full') console.log(formatFuzzReport(report));
    expect(report.failures, formatFuzzReport(report)).toEqual([]);
  });
}
