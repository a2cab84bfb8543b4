/**
 * Tokenisation matched to GloVe 6B's vocabulary, which is lower-cased and split the Stanford
 * way (words, numbers, hyphenated compounds such as `salt-water` kept whole when common).
 *
 * {@link tokenize} lower-cases and extracts runs of letters and digits joined by inner hyphens
 * or apostrophes; {@link resolveTokens} maps tokens to vocabulary rows, falling back to the
 * parts of a hyphenated or apostrophised token (`sea-green` → `sea`, `green`; `earth's` →
 * `earth`) when the whole token is not in the vocabulary. Unknown tokens are dropped.
 *
 * @module
 */

const TOKEN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Lower-cased word tokens of `text`, e.g. `"A large body of salt-water"` → `['a','large','body','of','salt-water']`. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * Append to `out` the vocabulary rows of `tokens`, in order; returns `out`.
 *
 * @param tokens - from {@link tokenize}.
 * @param lookup - word → vocabulary row.
 * @param out - rows are appended here (reused by callers that embed many texts).
 */
export function resolveTokens(tokens: readonly string[], lookup: ReadonlyMap<string, number>, out: number[] = []): number[] {
  for (const token of tokens) {
    const row = lookup.get(token);
    if (row !== undefined) {
      out.push(row);
      continue;
    }
    if (token.includes("'") || token.includes('’')) {
      // Possessives and contractions: keep the stem ("earth's" → "earth").
      const stem = lookup.get(token.split(/['’]/)[0] as string);
      if (stem !== undefined) out.push(stem);
      continue;
    }
    if (token.includes('-')) {
      for (const part of token.split('-')) {
        const partRow = lookup.get(part);
        if (partRow !== undefined) out.push(partRow);
      }
    }
  }
  return out;
}

/** Every word {@link resolveTokens} may look up for `tokens` (the tokens and their hyphen/apostrophe parts). */
export function candidateWords(tokens: readonly string[], into: Set<string>): Set<string> {
  for (const token of tokens) {
    into.add(token);
    if (token.includes("'") || token.includes('’')) into.add(token.split(/['’]/)[0] as string);
    if (token.includes('-')) for (const part of token.split('-')) into.add(part);
  }
  return into;
}
