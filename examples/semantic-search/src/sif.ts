/**
 * Sentence embeddings by smooth inverse frequency (SIF): Arora, Liang, Ma, "A Simple but
 * Tough-to-Beat Baseline for Sentence Embeddings", ICLR 2017.
 *
 * A sentence is embedded as the average of its word vectors, each weighted by
 * `a / (a + p(w))` so that frequent words ("the", "of", "a") count little, and then the
 * projection on the corpus's first principal component — a direction shared by all
 * sentences, mostly syntax and frequency — is removed, leaving what the sentence is about.
 *
 * Paper step → function:
 * - Algorithm 1, line 1-3 (weighted average `v_s = 1/|s| Σ a/(a+p(w)) v_w`): {@link sifAverage}
 *   (one text) and {@link sifAverages} (a corpus).
 * - line 4 (first singular vector `u` of the matrix of all `v_s`): {@link firstComponent},
 *   with `@annlab/pca`.
 * - line 5-7 (`v_s ← v_s − u uᵀ v_s`): {@link removeComponent}.
 * - The estimate of `p(w)`: {@link wordFrequencies}.
 *
 * Deviations, stated honestly:
 * - `p(w)` is estimated from the corpus being indexed (the WordNet definitions: about 1.2M
 *   tokens), not from English Wikipedia as in the paper; words never seen in it get
 *   `p = 0`, i.e. the full weight 1. With `a = 1e-3` a word making up 0.1% of the tokens
 *   gets weight ½.
 * - The word vectors are GloVe 6B 100-d (the paper's best results use GloVe 840B 300-d).
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { Pca } from '@annlab/pca';
import type { WordVectors } from '@annlab/datasets';
import { resolveTokens, tokenize } from './text.js';

/**
 * Default SIF smoothing `a` (the paper finds 1e-4 to 1e-3 works best on every task; weights
 * are `a / (a + p(w))`).
 */
export const DEFAULT_SIF_A = 1e-3;

/**
 * Token counts of a corpus by vocabulary row and their total: `p(w) = counts[w] / total`.
 *
 * @param docs - each document's vocabulary rows (from `resolveTokens`).
 * @param vocabSize - number of vocabulary rows.
 */
export function wordFrequencies(docs: readonly (readonly number[])[], vocabSize: number): { counts: Float64Array; total: number } {
  const counts = new Float64Array(vocabSize);
  let total = 0;
  for (const rows of docs) {
    for (let i = 0; i < rows.length; i++) counts[rows[i] as number]! += 1;
    total += rows.length;
  }
  return { counts, total };
}

/** SIF weight of each vocabulary row: `a / (a + counts[w] / total)`. */
export function sifWeights(counts: Float64Array, total: number, a: number = DEFAULT_SIF_A): Float32Array {
  if (!(a > 0)) throw new AnnlabError('INVALID_PARAMETER', `SIF smoothing a must be > 0 (try 1e-3), got ${String(a)}.`);
  const w = new Float32Array(counts.length);
  const inv = total > 0 ? 1 / total : 0;
  for (let i = 0; i < counts.length; i++) w[i] = a / (a + counts[i]! * inv);
  return w;
}

/**
 * Write the SIF average of the words `rows` into `out[outOff .. outOff + dim)`:
 * `1/|s| Σ weight[w] · vector[w]`; all zeros when `rows` is empty.
 */
export function sifAverage(vocab: WordVectors, weights: Float32Array, rows: readonly number[], out: Float32Array, outOff: number): void {
  const dim = vocab.dim;
  const v = vocab.vectors;
  out.fill(0, outOff, outOff + dim);
  if (rows.length === 0) return;
  for (let t = 0; t < rows.length; t++) {
    const row = rows[t] as number;
    const w = weights[row]!;
    const off = row * dim;
    for (let j = 0; j < dim; j++) out[outOff + j]! += w * v[off + j]!;
  }
  const inv = 1 / rows.length;
  for (let j = 0; j < dim; j++) out[outOff + j]! *= inv;
}

/** SIF averages of many documents: row-major `docs.length × dim`. */
export function sifAverages(vocab: WordVectors, weights: Float32Array, docs: readonly (readonly number[])[]): Float32Array {
  const out = new Float32Array(docs.length * vocab.dim);
  for (let i = 0; i < docs.length; i++) sifAverage(vocab, weights, docs[i] as number[], out, i * vocab.dim);
  return out;
}

/**
 * Remove from each of the `n` rows of `x` its projection on the unit vector `u`
 * (`x_i ← x_i − (uᵀx_i) u`), in place.
 */
export function removeComponent(x: Float32Array, n: number, dim: number, u: Float32Array): void {
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    let p = 0;
    for (let j = 0; j < dim; j++) p += u[j]! * x[off + j]!;
    for (let j = 0; j < dim; j++) x[off + j]! -= p * u[j]!;
  }
}

/**
 * The first principal component of the `n × dim` rows of `x` in the paper's sense: the first
 * right singular vector of the (uncentred) matrix, i.e. the top eigenvector of `xᵀx`.
 * Unit length, sign fixed so that its largest-magnitude component is positive.
 *
 * The paper computes it with scikit-learn's TruncatedSVD, which does not subtract the mean.
 * {@link Pca} does (it is a PCA), so it is trained on the rows together with their negations,
 * `[x; −x]`: that set has mean zero and covariance `xᵀx / (2n − 1)`, whose top eigenvector
 * is exactly the first right singular vector of `x`. The exact solver is used (dim is 100).
 */
export function firstComponent(x: Float32Array, n: number, dim: number): Float32Array {
  if (n === 0) throw new AnnlabError('EMPTY_INDEX', 'The first principal component needs at least one sentence vector.');
  const both = new Float32Array(2 * n * dim);
  both.set(x.subarray(0, n * dim));
  for (let i = 0; i < n * dim; i++) both[n * dim + i] = -x[i]!;
  const pca = new Pca({ dim, components: 1, solver: 'exact' });
  pca.train(both);
  return canonicalSign(Float32Array.from(pca.componentMatrix.subarray(0, dim)));
}

/** Flip `u` so that its largest-magnitude component is positive (a stable sign for an eigenvector). */
export function canonicalSign(u: Float32Array): Float32Array {
  let best = 0;
  for (let j = 1; j < u.length; j++) if (Math.abs(u[j]!) > Math.abs(u[best]!)) best = j;
  if (u[best]! < 0) for (let j = 0; j < u.length; j++) u[j] = -u[j]!;
  return u;
}

/** Turns text into SIF sentence vectors with a fixed vocabulary, weights and common component. */
export class SifEmbedder {
  /** Vector dimension. */
  readonly dim: number;
  /** The word vectors. */
  readonly vocab: WordVectors;
  /** SIF weight per vocabulary row. */
  readonly weights: Float32Array;
  /** The common component removed from every sentence vector (unit length, length `dim`). */
  readonly component: Float32Array;
  private readonly rows: number[];

  /**
   * @param vocab - word vectors.
   * @param weights - SIF weight per vocabulary row ({@link sifWeights}).
   * @param component - the unit common component ({@link firstComponent}).
   */
  constructor(vocab: WordVectors, weights: Float32Array, component: Float32Array) {
    if (weights.length !== vocab.words.length || component.length !== vocab.dim) {
      throw new AnnlabError('INVALID_PARAMETER', 'SifEmbedder: weights need one entry per word and component one per dimension.');
    }
    this.dim = vocab.dim;
    this.vocab = vocab;
    this.weights = weights;
    this.component = component;
    this.rows = [];
  }

  /** Vocabulary rows of the known words of `text`. */
  wordRows(text: string): number[] {
    return resolveTokens(tokenize(text), this.vocab.lookup);
  }

  /**
   * The SIF embedding of `text` (weighted average, common component removed), written into
   * `out` at `outOff` (a new array by default). Returns the number of known words used; 0
   * means the vector is all zeros.
   */
  embedInto(text: string, out: Float32Array, outOff: number = 0): number {
    const rows = this.rows;
    rows.length = 0;
    resolveTokens(tokenize(text), this.vocab.lookup, rows);
    sifAverage(this.vocab, this.weights, rows, out, outOff);
    removeComponent(out.subarray(outOff, outOff + this.dim), 1, this.dim, this.component);
    return rows.length;
  }

  /** The SIF embedding of `text` as a new vector. */
  embed(text: string): Float32Array {
    const out = new Float32Array(this.dim);
    this.embedInto(text, out, 0);
    return out;
  }
}
