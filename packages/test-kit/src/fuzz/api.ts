/**
 * API property fuzzing: fast-check calls an index's public methods with arbitrary arguments
 * (anything, typed arrays of the wrong kind or length, NaN, negative and huge numbers, null,
 * option objects with misspelled keys, and now and then well-formed vectors so that calls get
 * past the first check) and asserts that nothing but an `AnnlabError` is ever thrown, and
 * that a call that throws leaves the index unchanged (its `serialize()` byte-identical).
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import fc from 'fast-check';
import { describeError } from './target.js';

/** Options for {@link fuzzApi}. */
export interface FuzzApiOptions<I> {
  /** Builds a small index (called once per run: runs are independent). */
  readonly build: () => I;
  /** Public methods to call (each run calls a sequence of them). */
  readonly methods: readonly string[];
  /** The index's dimension, for the well-formed vectors mixed into the arguments. */
  readonly dim: number;
  /** fast-check seed (printed on failure). */
  readonly seed: number;
  /** fast-check runs. @defaultValue 100 */
  readonly numRuns?: number;
  /** Extra argument values worth trying for this index (its own option names, misspelled). */
  readonly extraArgs?: readonly unknown[];
}

const NUMBERS = [0, -1, 1, 2, 3, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -0, 1 << 24, (1 << 24) + 1];

/** Option objects with common misspellings and bad values of the knobs annlab indexes read. */
const OPTION_OBJECTS: readonly unknown[] = [
  {},
  { nprob: 2 },
  { nprobe: 0 },
  { nprobe: -1 },
  { nprobe: 1.5 },
  { nprobe: NaN },
  { nprobe: 2 ** 31 },
  { nprobe: '2' },
  { rerank: -1 },
  { rerank: 2 ** 20 },
  { rerank: 1 },
  { efSearch: 10 },
  { stats: {} },
  { stats: null },
  { oneByOne: 1 },
  { oneByOne: true },
  { k: 3 },
  { kernels: 'gpu' },
  { loaders: null },
  Object.create(null) as object,
];

/** Arguments: arbitrary values, typed arrays of every kind and several lengths, well-formed rows. */
function argArbitrary(dim: number, extra: readonly unknown[]): fc.Arbitrary<unknown> {
  const rows = fc
    .integer({ min: 0, max: 3 })
    .chain((n) => fc.float32Array({ minLength: n * dim, maxLength: n * dim, noNaN: true, min: -10, max: 10 }));
  const floats = fc.float32Array({ maxLength: 3 * dim + 1 });
  const typed = fc.oneof(
    fc.integer({ min: 0, max: 3 * dim + 1 }).map((n) => new Float64Array(n)),
    fc.integer({ min: 0, max: 3 * dim + 1 }).map((n) => new Int32Array(n)),
    fc.integer({ min: 0, max: 3 * dim + 1 }).map((n) => new Uint8Array(n).fill(255)),
    fc.uint8Array({ maxLength: 64 }),
    fc.constant(new Float32Array([NaN])),
    fc.constant(Float32Array.from({ length: dim }, () => 1e30)),
  );
  return fc.oneof(
    { arbitrary: fc.anything(), weight: 2 },
    { arbitrary: fc.constantFrom(...NUMBERS), weight: 3 },
    { arbitrary: fc.constantFrom(...OPTION_OBJECTS, ...extra), weight: 2 },
    { arbitrary: rows, weight: 3 },
    { arbitrary: floats, weight: 1 },
    { arbitrary: typed, weight: 1 },
    { arbitrary: fc.constantFrom(null, undefined, '', 'euclidean', [], [1, 2]), weight: 1 },
  );
}

/** Byte equality of two files. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Call the listed methods of a freshly built index with arbitrary arguments, in random
 * sequences; fail (via fast-check, with the seed and the shrunk counterexample) when a call
 * throws anything other than an `AnnlabError`, or throws and leaves `serialize()` changed.
 */
export function fuzzApi<I extends object>(options: FuzzApiOptions<I>): void {
  const { build, methods, dim, seed } = options;
  const call = fc.record({
    method: fc.constantFrom(...methods),
    args: fc.array(argArbitrary(dim, options.extraArgs ?? []), { maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.array(call, { minLength: 1, maxLength: 6 }), (calls) => {
      const index = build() as I & { serialize(): Uint8Array };
      let before = index.serialize();
      for (const { method, args } of calls) {
        const fn = (index as Record<string, unknown>)[method];
        if (typeof fn !== 'function') throw new Error(`${method} is not a method of the index`);
        try {
          (fn as (...a: unknown[]) => unknown).apply(index, args);
        } catch (e) {
          if (!(e instanceof AnnlabError)) throw new Error(`${method}(${args.map(show).join(', ')}) threw ${describeError(e)}`);
          const after = index.serialize();
          if (!sameBytes(before, after))
            throw new Error(`${method}(${args.map(show).join(', ')}) failed with ${e.code} but changed the index`);
          continue;
        }
        before = index.serialize();
      }
    }),
    { seed, numRuns: options.numRuns ?? 100 },
  );
}

/** A short rendering of an argument for failure messages. */
function show(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(v);
  }
}
