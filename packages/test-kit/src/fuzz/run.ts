/**
 * The time-limited loader fuzzer: feeds seeded mutations of a well-formed file (see
 * `mutate.ts`) to a loader running in a `worker_threads` Worker, one at a time, and
 * terminates the worker when one load exceeds the time limit (the load hung: a count the
 * loader looped on without bounding it), recording which mutation did it and carrying on
 * with a fresh worker.
 *
 * The worker runs the TypeScript sources directly: it registers tsx's ESM loader, then
 * imports `load-worker.ts` with the `source` export condition, as the test runner does.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mutate, type MutationKind } from './mutate.js';
import type { LoadOutcome } from './target.js';

/** Options for {@link fuzzLoader}. */
export interface FuzzLoaderOptions {
  /** A well-formed file to mutate (an index's `serialize()`). */
  readonly base: Uint8Array;
  /** URL of the module exporting `targets` (e.g. `new URL('./fuzz-targets.ts', import.meta.url).href`). */
  readonly moduleUrl: string;
  /** Which of its targets loads `base`'s format. */
  readonly name: string;
  /** Run seed; mutation i of the run is `mutate(base, seed, i)`. */
  readonly seed: number;
  /** Number of mutations. */
  readonly count: number;
  /**
   * Time limit of one load (and its exercise), in ms.
   * @defaultValue 2000
   */
  readonly timeoutMs?: number;
  /** Mutation families to draw from (default: all). */
  readonly kinds?: readonly MutationKind[];
}

/** One mutation whose outcome was not allowed. */
export interface FuzzFailure {
  /** Mutation index in the run (reproduce with `mutate(base, seed, index)`). */
  readonly index: number;
  /** What the mutation did. */
  readonly description: string;
  /** What went wrong: the error thrown, the broken invariant, or the hang. */
  readonly error: string;
}

/** The result of a {@link fuzzLoader} run. */
export interface FuzzReport {
  /** The target's name. */
  readonly name: string;
  /** The run seed. */
  readonly seed: number;
  /** Mutations tried. */
  readonly count: number;
  /** Mutated files that loaded and passed the exercise. */
  readonly loaded: number;
  /** Typed refusals, by error code. */
  readonly refused: Readonly<Record<string, number>>;
  /** Everything else. */
  readonly failures: readonly FuzzFailure[];
  /** Wall time of the run, ms (worker start-up included). */
  readonly ms: number;
}

/** Worker start-up limit (tsx compiles the sources on first import). */
const STARTUP_MS = 60_000;

/** The URL of tsx's ESM register API (resolved from this package). */
function tsxApiUrl(): string {
  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  // `require` resolves the CommonJS build; the worker imports the ES module beside it.
  return pathToFileURL(resolved.replace(/\.cjs$/, '.mjs')).href;
}

/** Start a worker for `moduleUrl`/`name` and wait for it to be ready. */
async function startWorker(moduleUrl: string, name: string): Promise<Worker> {
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const code =
    `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((e) => { setTimeout(() => { throw e; }); });`;
  const worker = new Worker(code, {
    eval: true,
    execArgv: ['--conditions=source'],
    workerData: { moduleUrl, name },
    // A loader that allocates what a crafted count asks for dies here, not in the test runner.
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
    stdout: false,
    stderr: false,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fuzz worker for '${name}' did not start within ${STARTUP_MS} ms`)), STARTUP_MS);
    worker.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return worker;
}

/** Send one file; resolve with its outcome, or with a failure on timeout or a crashed worker. */
function loadOne(worker: Worker, index: number, bytes: Uint8Array, timeoutMs: number): Promise<LoadOutcome | 'hang' | { crashed: string }> {
  return new Promise((resolve) => {
    const done = (v: LoadOutcome | 'hang' | { crashed: string }): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(v);
    };
    const onMessage = (msg: { index: number; outcome: LoadOutcome }): void => {
      if (msg.index === index) done(msg.outcome);
    };
    const onError = (e: Error): void => done({ crashed: `${e.name}: ${e.message}` });
    const onExit = (code: number): void => done({ crashed: `worker exited with code ${code}` });
    const timer = setTimeout(() => done('hang'), timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ index, bytes }, [bytes.buffer as ArrayBuffer]);
  });
}

/**
 * Load `count` seeded mutations of `base` with the named target, each in a worker under a
 * time limit. Allowed outcomes: a typed refusal (`CORRUPT_DATA`, `WRONG_FORMAT`,
 * `UNSUPPORTED_VERSION`), or an index that passes the target's exercise. Every other outcome
 * is listed in {@link FuzzReport.failures}.
 */
export async function fuzzLoader(options: FuzzLoaderOptions): Promise<FuzzReport> {
  const { base, moduleUrl, name, seed, count, kinds } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const t0 = performance.now();
  const refused: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let loaded = 0;
  let worker = await startWorker(moduleUrl, name);
  try {
    for (let i = 0; i < count; i++) {
      const m = mutate(base, seed, i, kinds);
      const outcome = await loadOne(worker, i, m.bytes, timeoutMs);
      if (outcome === 'hang' || 'crashed' in outcome) {
        const error = outcome === 'hang' ? `no answer within ${timeoutMs} ms (hung)` : `worker crashed: ${outcome.crashed}`;
        failures.push({ index: i, description: m.description, error });
        await worker.terminate();
        worker = await startWorker(moduleUrl, name);
      } else if (outcome.kind === 'loaded') {
        loaded++;
      } else if (outcome.kind === 'refused') {
        refused[outcome.code] = (refused[outcome.code] ?? 0) + 1;
      } else {
        failures.push({ index: i, description: m.description, error: outcome.error });
      }
    }
  } finally {
    await worker.terminate();
  }
  return { name, seed, count, loaded, refused, failures, ms: performance.now() - t0 };
}

/** A readable summary of a report: counts, then each failure with its seed and mutation. */
export function formatFuzzReport(report: FuzzReport): string {
  const refusals = Object.entries(report.refused)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const lines = [
    `${report.name}: ${report.count} mutations (seed ${report.seed}) in ${Math.round(report.ms)} ms: ` +
      `${report.loaded} loaded, refused ${refusals || 'none'}, ${report.failures.length} failed`,
  ];
  for (const f of report.failures.slice(0, 20)) lines.push(`  seed ${report.seed} #${f.index} [${f.description}]: ${f.error}`);
  if (report.failures.length > 20) lines.push(`  … and ${report.failures.length - 20} more`);
  return lines.join('\n');
}
