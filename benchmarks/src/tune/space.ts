/**
 * Per-algorithm parameter spaces for `tune`: the build configurations worth trying, the one
 * search parameter that is bisected, and the facts the tuner uses to skip configurations
 * without building them (FAISS's `ParameterSpace` idea, faiss/AutoTune.h: a setting is not
 * tried when one already measured proves it cannot help).
 *
 * - `direction` names the build parameters whose growth never lowers the recall ceiling and
 *   never shrinks the index (lsh `L`, hnsw `M`/`efConstruction`, vamana `R`/`L`, nndescent `nNeighbors`/`pruneDegreeMultiplier`, rpforest `nTrees`, ivfpq `m`/`nbits`,
 *   PCA `components`). With all other keys equal, a configuration no larger than one whose
 *   exhaustive search stayed below the target cannot reach it, and one no smaller than a
 *   configuration over the memory limit cannot fit.
 * - `estimateBytes` is a lower bound on `memoryBytes()` (the stored vectors or codes), so a
 *   configuration can be refused before its build.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { isAnnlabAlgorithm } from '../adapters/annlab.js';
import type { ParamValue, Params } from '../suite.js';

/** The search parameter that is bisected (recall is taken to rise with it). */
export interface BisectedParam {
  /** Parameter name (`efSearch`, `searchK`, `nprobe`, `rerank`). */
  name: string;
  /** Smallest value tried. */
  min: number;
  /** Most exhaustive value (the recall ceiling of a build is measured here). */
  max: number;
}

/** What `tune` explores for one algorithm. */
export interface TuneSpace {
  /** Algorithm name as the harness knows it (`hnsw`, `pca+hnsw`, ...). */
  algorithm: string;
  /** Candidate values per build parameter; configurations are drawn from their product. */
  build: Record<string, ParamValue[]>;
  /** Build parameters every configuration carries (e.g. `keepVectors: true`). */
  fixedBuild: Params;
  /** The configuration tried first (the library's defaults where they are in the space). */
  first: Params;
  /** +1 for build parameters whose growth raises memory and never lowers the recall ceiling. */
  direction: Record<string, 1>;
  /** The bisected search parameter for a build (its range may depend on the build). */
  search(build: Params): BisectedParam;
  /** Other search parameters, each combination bisected separately (ivfpq's `rerank`). */
  searchExtra: Record<string, number[]>;
  /** A lower bound on the index bytes of a build over `n` vectors of `dim`. */
  estimateBytes(build: Params, n: number, dim: number): number;
}

function pow2Around(x: number): number {
  return 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, x))));
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** nlist candidates: powers of two around √n, at least 8 points per list. */
function nlistCandidates(n: number): number[] {
  const root = Math.sqrt(n);
  const cap = Math.max(1, Math.floor(n / 8));
  return unique([pow2Around(root / 2), pow2Around(root), pow2Around(root * 2), pow2Around(root * 4)].map((v) => Math.min(v, cap)));
}

/** Divisors of dim giving 2–16 dimensions per sub-quantizer (at most four, spread out). */
function pqMCandidates(dim: number): number[] {
  const out: number[] = [];
  for (let m = 1; m <= dim; m++) {
    if (dim % m !== 0) continue;
    const dsub = dim / m;
    if (dsub >= 2 && dsub <= 16) out.push(m);
  }
  if (out.length === 0) out.push(dim % 2 === 0 ? dim / 2 : dim);
  if (out.length <= 4) return out;
  return unique([out[0], out[Math.floor(out.length / 3)], out[Math.floor((2 * out.length) / 3)], out[out.length - 1]]);
}

function num(p: Params, key: string, fallback: number): number {
  const v = p[key];
  return typeof v === 'number' ? v : fallback;
}

function hnswSpace(n: number, k: number): Omit<TuneSpace, 'algorithm'> {
  return {
    build: { M: [8, 12, 16, 24, 32], efConstruction: [100, 200, 400] },
    fixedBuild: {},
    first: { M: 16, efConstruction: 200 },
    direction: { M: 1, efConstruction: 1 },
    search: () => ({ name: 'efSearch', min: k, max: Math.max(k, Math.min(n, 4096)) }),
    searchExtra: {},
    // Vectors (float32) plus level-0 links (2M ids) per node.
    estimateBytes: (b, nn, dim) => nn * (dim * 4 + 2 * num(b, 'M', 16) * 4),
  };
}

function rpforestSpace(n: number, dim: number, k: number): Omit<TuneSpace, 'algorithm'> {
  return {
    build: { nTrees: [10, 25, 50, 100], leafSize: unique([Math.max(8, Math.round(dim / 4)), dim + 2]) },
    fixedBuild: {},
    first: { nTrees: 50, leafSize: dim + 2 },
    direction: { nTrees: 1 },
    search: (b) => ({ name: 'searchK', min: k * num(b, 'nTrees', 10), max: Math.max(k, n * num(b, 'nTrees', 10)) }),
    searchExtra: {},
    // Vectors plus every tree's leaf lists (each item once per tree).
    estimateBytes: (b, nn, d) => nn * d * 4 + nn * num(b, 'nTrees', 10) * 4,
  };
}

function vamanaSpace(n: number, k: number): Omit<TuneSpace, 'algorithm'> {
  return {
    build: { R: [16, 32, 64], L: [50, 100, 200] },
    fixedBuild: {},
    first: { R: 64, L: 100 },
    direction: { R: 1, L: 1 },
    search: () => ({ name: 'searchL', min: k, max: Math.max(k, Math.min(n, 4096)) }),
    searchExtra: {},
    // Vectors (float32) plus one adjacency block of 1 + R ids per node.
    estimateBytes: (b, nn, dim) => nn * (dim * 4 + (1 + num(b, 'R', 64)) * 4),
  };
}

function nndescentSpace(n: number, k: number): Omit<TuneSpace, 'algorithm'> {
  return {
    build: { nNeighbors: [10, 20, 30, 60], pruneDegreeMultiplier: [1, 1.5, 2] },
    fixedBuild: {},
    first: { nNeighbors: 30, pruneDegreeMultiplier: 1.5 },
    // A larger K or degree cap only adds edges to the search graph (and bytes).
    direction: { nNeighbors: 1, pruneDegreeMultiplier: 1 },
    search: () => ({ name: 'efSearch', min: k, max: Math.max(k, Math.min(n, 4096)) }),
    searchExtra: {},
    // Vectors, the k-NN graph (K ids + K float32 distances) and the search graph (1 + round(m·K) ids) per point.
    estimateBytes: (b, nn, dim) => {
      const K = num(b, 'nNeighbors', 30);
      return nn * (dim * 4 + 8 * K + 4 * (1 + Math.round(num(b, 'pruneDegreeMultiplier', 1.5) * K)));
    },
  };
}

function lshSpace(): Omit<TuneSpace, 'algorithm'> {
  return {
    build: { L: [8, 16, 32, 64], K: [8, 12, 16] },
    fixedBuild: {},
    first: { L: 16, K: 12 },
    // More tables never lower the recall ceiling at a given probes; K trades both ways.
    direction: { L: 1 },
    // Multi-probe buckets per table, from classic LSH (1) to 1,024 (past the useful range on
    // the shipped datasets: every table's best buckets hold nearly every true neighbour by then).
    search: () => ({ name: 'probes', min: 1, max: 1024 }),
    searchExtra: {},
    // Vectors plus, per table, one id and one 32-bit key per vector.
    estimateBytes: (b, nn, d) => nn * d * 4 + nn * num(b, 'L', 16) * 8,
  };
}

function ivfflatSpace(n: number): Omit<TuneSpace, 'algorithm'> {
  const nlists = nlistCandidates(n);
  return {
    build: { nlist: nlists },
    fixedBuild: {},
    first: { nlist: nlists[Math.min(1, nlists.length - 1)] },
    direction: {},
    search: (b) => ({ name: 'nprobe', min: 1, max: num(b, 'nlist', 1) }),
    searchExtra: {},
    estimateBytes: (_b, nn, d) => nn * d * 4,
  };
}

function ivfpqSpace(n: number, dim: number): Omit<TuneSpace, 'algorithm'> {
  const nlists = nlistCandidates(n);
  const ms = pqMCandidates(dim);
  // 2^nbits centroids per sub-quantizer need at least as many training vectors.
  const nbits = n >= 256 * 4 ? [8] : [Math.max(1, Math.min(8, Math.floor(Math.log2(n / 4))))];
  return {
    build: { nlist: nlists, m: ms, nbits },
    // pqNiter 10 (FAISS's default is 25) as in the shipped suites: PQ training costs
    // 2^nbits · n · dim per iteration whatever m is, and 10 iterations lose little recall.
    fixedBuild: { keepVectors: true, pqNiter: 10 },
    // First m: about 8 dimensions per sub-quantizer (the ADC scan costs m lookups per code).
    first: {
      nlist: nlists[Math.min(1, nlists.length - 1)],
      m: ms.reduce((a, b) => (Math.abs(dim / b - 8) < Math.abs(dim / a - 8) ? b : a)),
      nbits: nbits[0],
    },
    direction: { m: 1, nbits: 1 },
    search: (b) => ({ name: 'nprobe', min: 1, max: num(b, 'nlist', 1) }),
    searchExtra: { rerank: [0, 4, 16] },
    // Codes, plus the kept vectors used by rerank.
    estimateBytes: (b, nn, d) => Math.ceil((nn * num(b, 'm', 1) * num(b, 'nbits', 8)) / 8) + nn * d * 4,
  };
}

/**
 * The default space of `algorithm` for `n` base vectors of `dim` dimensions and `k`
 * neighbours. `pca+<name>` adds `components` (dim/8, dim/4, dim/2) to the inner space and
 * searches with `rerank: 4` over kept vectors.
 *
 * @throws AnnlabError `NOT_FOUND` for algorithms `tune` has no space for (flat, native peers).
 */
export function defaultTuneSpace(algorithm: string, n: number, dim: number, k: number): TuneSpace {
  switch (algorithm) {
    case 'hnsw':
      return { algorithm, ...hnswSpace(n, k) };
    case 'rpforest':
      return { algorithm, ...rpforestSpace(n, dim, k) };
    case 'ivfflat':
      return { algorithm, ...ivfflatSpace(n) };
    case 'ivfpq':
      return { algorithm, ...ivfpqSpace(n, dim) };
    case 'lsh':
      return { algorithm, ...lshSpace() };
    case 'vamana':
      return { algorithm, ...vamanaSpace(n, k) };
    case 'nndescent':
      return { algorithm, ...nndescentSpace(n, k) };
    default:
      break;
  }
  if (algorithm.startsWith('pca+') && algorithm !== 'pca+flat' && algorithm !== 'pca+ivfpq' && isAnnlabAlgorithm(algorithm.slice(4))) {
    const components = unique([
      Math.max(2, Math.round(dim / 8)),
      Math.max(2, Math.round(dim / 4)),
      Math.max(2, Math.round(dim / 2)),
    ]).filter((c) => c < dim);
    const inner = defaultTuneSpace(algorithm.slice(4), n, components[0] ?? dim, k);
    const first: Params = { components: components[Math.floor(components.length / 2)] ?? dim, ...inner.first };
    return {
      algorithm,
      build: { components, ...inner.build },
      fixedBuild: { ...inner.fixedBuild, keepVectors: true },
      first,
      direction: { components: 1, ...inner.direction },
      search: inner.search,
      searchExtra: { ...inner.searchExtra, rerank: [4] },
      estimateBytes: (b, nn, d) => inner.estimateBytes(b, nn, num(b, 'components', d)) + nn * d * 4,
    };
  }
  throw new AnnlabError('NOT_FOUND', `tune has no parameter space for "${algorithm}"; tunable: ${TUNABLE_ALGORITHMS.join(', ')}.`);
}

/** Algorithms `--algorithm all` tunes. */
export const TUNABLE_ALGORITHMS: readonly string[] = ['hnsw', 'rpforest', 'ivfflat', 'ivfpq', 'pca+hnsw', 'vamana', 'lsh', 'nndescent'];

/** Every configuration of a space (its build product plus the fixed keys), `first` first. */
export function spaceConfigurations(space: TuneSpace): Params[] {
  let out: Params[] = [{}];
  for (const [key, values] of Object.entries(space.build)) {
    const next: Params[] = [];
    for (const partial of out) for (const v of values) next.push({ ...partial, [key]: v });
    out = next;
  }
  const firstKey = JSON.stringify({ ...space.first });
  const rest = out.filter((p) => JSON.stringify(p) !== firstKey);
  return [{ ...space.first, ...space.fixedBuild }, ...rest.map((p) => ({ ...p, ...space.fixedBuild }))];
}

/**
 * True when `a` is no larger than `b` in every `direction` key and equal in every other key
 * (so `a`'s recall ceiling cannot exceed `b`'s, and `b`'s memory is at least `a`'s).
 */
export function noLargerThan(a: Params, b: Params, direction: Record<string, 1>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (key in direction && typeof x === 'number' && typeof y === 'number') {
      if (x > y) return false;
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}
