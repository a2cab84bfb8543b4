/**
 * Seeded synthetic datasets. Uniform noise in high dimension is a poor stand-in for real
 * data: every point is almost equally far from every other, so ANN indexes behave nothing
 * like they do on SIFT or GloVe. Real vectors live near a low-dimensional structure, so the
 * default generator builds that: Gaussian clusters in a latent space of `intrinsic`
 * dimensions, mapped into `dim` dimensions by a seeded random linear map, plus a little
 * isotropic noise. This follows FAISS's `SyntheticDataset` (contrib/datasets.py: a
 * low-dimensional Gaussian times a random matrix), with clusters added and without its
 * final `sin` non-linearity; `intrinsic` is the knob that makes a dataset easy or hard.
 *
 * Queries are drawn from the same distribution (same clusters, same map) but from their own
 * random stream, so changing `n` does not change the queries. The uniform cube [0,1)^dim and
 * the uniform unit sphere are there as the hard and the textbook case.
 *
 * As a dataset reference: `synthetic:n=2000,dim=32,clusters=10,queries=100,seed=1,metric=euclidean`
 * (keys in any order; see {@link SyntheticSpec} for all of them and their defaults).
 *
 * @module
 */
import { AnnlabError, Rng, checkMetric, type Metric } from '@annlab/core';
import type { Dataset } from './dataset.js';

/** The shapes a synthetic dataset can take. */
export type SyntheticKind = 'clusters' | 'cube' | 'sphere';

/** Parameters of a synthetic dataset. */
export interface SyntheticSpec {
  /**
   * `clusters`: Gaussian clusters on a random `intrinsic`-dimensional linear subspace plus
   * noise; `cube`: uniform in [0,1)^dim; `sphere`: uniform on the unit sphere.
   * @defaultValue `'clusters'`
   */
  kind?: SyntheticKind;
  /** Number of base vectors, ≥ 1. */
  n: number;
  /** Vector dimension, ≥ 1. */
  dim: number;
  /**
   * Number of queries (from the same distribution, independent of the base).
   * @defaultValue 100
   */
  queries?: number;
  /**
   * Number of Gaussian clusters (`clusters` kind only), ≥ 1.
   * @defaultValue 10
   */
  clusters?: number;
  /**
   * Latent (intrinsic) dimension of the `clusters` kind, 1..dim. Lower is easier for every
   * ANN index (higher recall at the same work).
   * @defaultValue min(dim, 8)
   */
  intrinsic?: number;
  /**
   * Standard deviation of the isotropic noise added in the full `dim` space, relative to the
   * unit within-cluster spread of the latent points (`clusters` kind only).
   * @defaultValue 0.05
   */
  noise?: number;
  /**
   * Standard deviation of the cluster centres in latent space (`clusters` kind only); larger
   * means better separated clusters.
   * @defaultValue 3
   */
  spread?: number;
  /**
   * Seed; the same spec always gives the same vectors.
   * @defaultValue 42
   */
  seed?: number;
  /**
   * Metric recorded on the dataset (`angular` is accepted for `cosine`).
   * @defaultValue `'euclidean'`
   */
  metric?: Metric;
}

/** A spec with every default filled in. */
export type ResolvedSyntheticSpec = Required<SyntheticSpec>;

const KEYS = ['kind', 'n', 'dim', 'queries', 'clusters', 'intrinsic', 'noise', 'spread', 'seed', 'metric'] as const;
const MAX_VALUES = 2 ** 31 - 1;

function toMetric(value: unknown): Metric {
  return value === 'angular' ? 'cosine' : checkMetric(value);
}

function int(name: string, v: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `synthetic dataset: ${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}], got ${String(v)}.`,
    );
  }
  return v;
}

function num(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new AnnlabError('INVALID_PARAMETER', `synthetic dataset: ${name} must be a finite number ≥ ${min}, got ${String(v)}.`);
  }
  return v;
}

/** Fill in defaults and check every field of a spec. */
export function resolveSyntheticSpec(spec: SyntheticSpec): ResolvedSyntheticSpec {
  if (spec === null || typeof spec !== 'object')
    throw new AnnlabError('INVALID_PARAMETER', 'syntheticDataset expects a spec object or a "synthetic:n=…,dim=…" string.');
  for (const key of Object.keys(spec)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new AnnlabError('INVALID_PARAMETER', `synthetic dataset: unknown key '${key}'. Known keys: ${KEYS.join(', ')}.`);
    }
  }
  const kind = spec.kind ?? 'clusters';
  if (kind !== 'clusters' && kind !== 'cube' && kind !== 'sphere') {
    throw new AnnlabError('INVALID_PARAMETER', `synthetic dataset: kind must be 'clusters', 'cube' or 'sphere', got ${String(kind)}.`);
  }
  const dim = int('dim', spec.dim, 1, 1 << 20);
  const n = int('n', spec.n, 1, Math.floor(MAX_VALUES / dim));
  const queries = int('queries', spec.queries ?? 100, 0, Math.floor(MAX_VALUES / dim));
  return {
    kind,
    n,
    dim,
    queries,
    clusters: int('clusters', spec.clusters ?? 10, 1, 1 << 20),
    intrinsic: int('intrinsic', spec.intrinsic ?? Math.min(dim, 8), 1, dim),
    noise: num('noise', spec.noise ?? 0.05, 0),
    spread: num('spread', spec.spread ?? 3, 0),
    seed: int('seed', spec.seed ?? 42, Number.MIN_SAFE_INTEGER),
    metric: toMetric(spec.metric ?? 'euclidean'),
  };
}

/**
 * Parse a `synthetic:key=value,…` reference. Numbers are decimal; `metric` and `kind` are
 * words (`angular` means `cosine`).
 */
export function parseSyntheticRef(ref: string): SyntheticSpec {
  if (!ref.startsWith('synthetic:')) {
    throw new AnnlabError('INVALID_PARAMETER', `a synthetic reference starts with 'synthetic:', got ${JSON.stringify(ref)}.`);
  }
  const out: Record<string, unknown> = {};
  for (const part of ref.slice('synthetic:'.length).split(',')) {
    const item = part.trim();
    if (item.length === 0) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `${ref}: '${item}' is not key=value. Example: synthetic:n=2000,dim=32,clusters=10,queries=100,seed=1,metric=euclidean`,
      );
    }
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new AnnlabError('INVALID_PARAMETER', `${ref}: unknown key '${key}'. Known keys: ${KEYS.join(', ')}.`);
    }
    if (key in out) throw new AnnlabError('INVALID_PARAMETER', `${ref}: key '${key}' is given twice.`);
    if (key === 'metric' || key === 'kind') {
      out[key] = value;
    } else {
      const v = Number(value);
      if (value.length === 0 || !Number.isFinite(v))
        throw new AnnlabError('INVALID_PARAMETER', `${ref}: ${key} must be a number, got '${value}'.`);
      out[key] = v;
    }
  }
  if (out.n === undefined || out.dim === undefined) {
    throw new AnnlabError('INVALID_PARAMETER', `${ref}: n and dim are required, e.g. synthetic:n=2000,dim=32.`);
  }
  return out as unknown as SyntheticSpec;
}

/** The canonical reference string of a spec (every key, fixed order); equal specs give equal strings. */
export function syntheticRef(spec: SyntheticSpec): string {
  const s = resolveSyntheticSpec(spec);
  const common = `n=${s.n},dim=${s.dim},queries=${s.queries},seed=${s.seed},metric=${s.metric}`;
  if (s.kind !== 'clusters') return `synthetic:kind=${s.kind},${common}`;
  return `synthetic:kind=clusters,${common},clusters=${s.clusters},intrinsic=${s.intrinsic},noise=${s.noise},spread=${s.spread}`;
}

/** The latent model of the `clusters` kind: centres and the linear map. */
interface ClusterModel {
  /** Cluster centres, length clusters × intrinsic, row-major. */
  centers: Float64Array;
  /** The map, length intrinsic × dim, row-major (latent component, output component). */
  map: Float64Array;
}

function clusterModel(s: ResolvedSyntheticSpec, rng: Rng): ClusterModel {
  const { clusters, intrinsic, dim, spread } = s;
  const centers = new Float64Array(clusters * intrinsic);
  for (let i = 0; i < centers.length; i++) centers[i] = spread * rng.nextGaussian();
  // Entries N(0, 1/intrinsic): the map roughly preserves lengths on average.
  const map = new Float64Array(intrinsic * dim);
  const scale = 1 / Math.sqrt(intrinsic);
  for (let i = 0; i < map.length; i++) map[i] = scale * rng.nextGaussian();
  return { centers, map };
}

function sampleInto(s: ResolvedSyntheticSpec, model: ClusterModel | undefined, rng: Rng, count: number): Float32Array {
  const dim = s.dim;
  const out = new Float32Array(count * dim);
  if (s.kind === 'cube') {
    for (let i = 0; i < out.length; i++) out[i] = rng.nextFloat();
    return out;
  }
  if (s.kind === 'sphere') {
    for (let r = 0; r < count; r++) {
      const off = r * dim;
      let sq = 0;
      do {
        sq = 0;
        for (let j = 0; j < dim; j++) {
          const g = rng.nextGaussian();
          out[off + j] = g;
          sq += g * g;
        }
      } while (sq === 0);
      const inv = 1 / Math.sqrt(sq);
      for (let j = 0; j < dim; j++) out[off + j] *= inv;
    }
    return out;
  }
  const { centers, map } = model as ClusterModel;
  const { intrinsic, clusters, noise } = s;
  const z = new Float64Array(intrinsic);
  const row = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    const c = rng.nextInt(clusters);
    for (let t = 0; t < intrinsic; t++) z[t] = centers[c * intrinsic + t] + rng.nextGaussian();
    row.fill(0);
    for (let t = 0; t < intrinsic; t++) {
      const zt = z[t];
      const m = t * dim;
      for (let j = 0; j < dim; j++) row[j] += zt * map[m + j];
    }
    const off = r * dim;
    for (let j = 0; j < dim; j++) out[off + j] = row[j] + noise * rng.nextGaussian();
  }
  return out;
}

/**
 * Generate a synthetic dataset from a spec or a `synthetic:…` reference. Deterministic:
 * the same spec gives bit-identical vectors on every run and platform. No ground truth is
 * attached (`groundTruthK` 0); `loadDataset(ref, { k })` computes and caches it.
 */
export function syntheticDataset(spec: string | SyntheticSpec): Dataset {
  const s = resolveSyntheticSpec(typeof spec === 'string' ? parseSyntheticRef(spec) : spec);
  const rng = new Rng(s.seed);
  const model = s.kind === 'clusters' ? clusterModel(s, rng) : undefined;
  // Independent streams: the queries do not move when n changes.
  const baseRng = rng.fork();
  const queryRng = rng.fork();
  return {
    name: syntheticRef(s),
    metric: s.metric,
    dim: s.dim,
    base: sampleInto(s, model, baseRng, s.n),
    queries: sampleInto(s, model, queryRng, s.queries),
    groundTruthK: 0,
  };
}
