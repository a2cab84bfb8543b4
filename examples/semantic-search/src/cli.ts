/**
 * Command line of the example:
 *
 * ```
 * pnpm --filter @annlab/example-semantic-search start "a large body of salt water"
 * pnpm --filter @annlab/example-semantic-search start --words thursday
 * ```
 *
 * Options: `-k N` answers (default 5), `--ef N` HNSW efSearch (default 64), `--cache DIR`
 * (default `examples/semantic-search/.cache`), `--rebuild` to ignore the cache, `--every N`
 * to index only every N-th synset (quick experiments).
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { isAnnlabError } from '@annlab/core';
import { SemanticSearch, type BuildOptions } from './semantic-search.js';

const USAGE = `usage: start [options] "<free-text query>"      top glosses for a description
       start [options] --words <word> [<word>…]   nearest words (GloVe, cosine)
options: -k <n> (5)  --ef <efSearch> (64)  --cache <dir>  --rebuild  --every <n> (1)`;

interface Args {
  words: boolean;
  k: number;
  ef: number;
  cache: string;
  rebuild: boolean;
  every: number;
  rest: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    words: false,
    k: 5,
    ef: 64,
    cache: fileURLToPath(new URL('../.cache', import.meta.url)),
    rebuild: false,
    every: 1,
    rest: [],
  };
  const intArg = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer, got ${String(v)}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') continue;
    else if (a === '--words' || a === '-w') args.words = true;
    else if (a === '-k') args.k = intArg('-k', argv[++i]);
    else if (a === '--ef') args.ef = intArg('--ef', argv[++i]);
    else if (a === '--every') args.every = intArg('--every', argv[++i]);
    else if (a === '--cache') args.cache = argv[++i] ?? args.cache;
    else if (a === '--rebuild') args.rebuild = true;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.rest.push(a);
  }
  if (args.rest.length === 0) throw new Error(USAGE);
  return args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const options: BuildOptions = { every: args.every, onProgress: (m) => console.log(`[index] ${m}`) };
  const t0 = performance.now();
  const search = args.rebuild ? SemanticSearch.rebuild(args.cache, options) : SemanticSearch.open(args.cache, options);
  console.log(
    `[index] ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${search.synsets.length} glosses, ` +
      `${search.settings.indexKind} index (cosine), ${search.embedder.vocab.words.length} word vectors\n`,
  );

  if (args.words) {
    for (const word of args.rest) {
      search.nearestWords(word, args.k); // warm-up (the first call also builds the word index)
      const t = performance.now();
      const hits = search.nearestWords(word, args.k);
      const ms = performance.now() - t;
      console.log(`nearest words to "${word}" (${ms.toFixed(1)} ms, exact over ${search.settings.wordVocabulary} frequent words):`);
      for (const h of hits) console.log(`  ${h.distance.toFixed(3)}  ${h.word}`);
    }
    return;
  }
  const query = args.rest.join(' ');
  if (search.embedder.wordRows(query).length === 0) {
    console.log(`none of the words of "${query}" has a GloVe vector; try plain English words.`);
    return;
  }
  // Latency: the median of 5 runs after a warm-up run (the first call compiles the hot paths,
  // and right after a build a garbage collection may land in any single run).
  let hits = search.search(query, args.k, { efSearch: args.ef });
  const runs = new Float64Array(5);
  for (let r = 0; r < runs.length; r++) {
    const t = performance.now();
    hits = search.search(query, args.k, { efSearch: args.ef });
    runs[r] = performance.now() - t;
  }
  const ms = runs.sort()[2]!;
  console.log(`"${query}"  (${ms.toFixed(2)} ms: embed + ${search.settings.indexKind} search, efSearch=${args.ef}, median of 5)`);
  hits.forEach((h, i) => {
    console.log(`${String(i + 1).padStart(3)}. ${h.distance.toFixed(3)}  [${h.synset.words.join(', ')}] ${h.synset.definition}`);
  });
}

try {
  main();
} catch (e) {
  console.error(isAnnlabError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));
  process.exit(1);
}
