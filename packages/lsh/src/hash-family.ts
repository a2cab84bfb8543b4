/**
 * The locality-sensitive hash families: one table's bucket is the concatenation of K hash
 * values, and two vectors share it with a probability that falls with their distance.
 *
 * - **SimHash** (random hyperplanes; M. Charikar, "Similarity estimation techniques from
 *   rounding algorithms", STOC 2002): h(v) = [a·v > 0] with a ~ N(0, I). Two vectors at angle
 *   θ agree on one bit with probability 1 − θ/π. Used for `cosine`; the normals are stored
 *   unit-length (the sign does not change), so |a·q| is the query's distance to the plane.
 * - **E2LSH** (p-stable projections; M. Datar, N. Immorlica, P. Indyk, V. Mirrokni,
 *   "Locality-sensitive hashing scheme based on p-stable distributions", SoCG 2004):
 *   h(v) = ⌊(a·v + b) / w⌋ with a ~ N(0, I) (2-stable) and b ~ U[0, w). The projection of
 *   a difference u is ‖u‖·N(0, 1), so the collision probability depends on ‖u‖ / w only
 *   (their eq. for p(c)). Used for `euclidean`.
 *
 * Paper steps → code:
 * - draw the L·K functions (a, and b for E2LSH) → {@link drawFamily};
 * - g_j(v) = (h_{j,1}(v), …, h_{j,K}(v)), the bucket of table j → {@link slotCodesInto}
 *   (K integers per table), then {@link bucketKey} (a 32-bit hash of the K integers, so
 *   buckets can be looked up in sorted arrays; E2LSH's "second-level hash" of the K-vector);
 * - hashing the data set → {@link hashRowsInto} (blocks of rows × all projections through
 *   core's tile kernel, SIMD where available);
 * - the data-derived default width → {@link estimateWidth}.
 *
 * Two different K-vectors may map to the same 32-bit key (probability 2^−32 per pair): their
 * buckets then merge, which only adds candidates (every candidate is re-ranked exactly).
 *
 * @module
 */
import { type Rng, VectorStore, distanceTileInto, l2Squared, type KernelBackend } from '@annlab/core';
import type { LshFamilyKind } from './options.js';

/** The L·K hash functions of an index. */
export class HashFamily {
  /** SimHash (cosine) or E2LSH (euclidean). */
  readonly kind: LshFamilyKind;
  /** Tables. */
  readonly L: number;
  /** Hash functions per table. */
  readonly K: number;
  /** Components per projection (the vector dimension). */
  readonly dim: number;
  /** E2LSH bucket width (0 for SimHash). */
  readonly w: number;
  /**
   * The projection vectors a, `L·K` rows of `dim` (row `t·K + i` is function i of table t):
   * Gaussian for E2LSH, unit-length Gaussian directions for SimHash. In a `VectorStore` so
   * the projections run on the index's distance backend.
   */
  readonly projections: VectorStore;
  /** E2LSH offsets b in [0, w), length `L·K` (empty for SimHash). */
  readonly offsets: Float64Array;

  constructor(kind: LshFamilyKind, L: number, K: number, dim: number, w: number, projections: VectorStore, offsets: Float64Array) {
    this.kind = kind;
    this.L = L;
    this.K = K;
    this.dim = dim;
    this.w = w;
    this.projections = projections;
    this.offsets = offsets;
  }

  /** Bytes used: the L·K projections (4·dim each) and, for E2LSH, their offsets (8 each). */
  usedBytes(): number {
    return this.projections.usedBytes() + this.offsets.byteLength;
  }

  /** Bytes held (projections and offsets). */
  memoryBytes(): number {
    return this.projections.memoryBytes() + this.offsets.byteLength;
  }
}

/**
 * Draw the L·K functions with `rng`: for each, `dim` standard normal components (then scaled
 * to unit length for SimHash) and, for E2LSH, an offset b = w·U[0, 1).
 */
export function drawFamily(
  rng: Rng,
  kind: LshFamilyKind,
  L: number,
  K: number,
  dim: number,
  w: number,
  kernels: KernelBackend | undefined,
): HashFamily {
  const count = L * K;
  const a = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const base = r * dim;
    let norm2 = 0;
    for (let j = 0; j < dim; j++) {
      const g = rng.nextGaussian();
      a[base + j] = g;
      norm2 += g * g;
    }
    if (kind === 'simhash') {
      const inv = norm2 > 0 ? 1 / Math.sqrt(norm2) : 0;
      for (let j = 0; j < dim; j++) a[base + j] *= inv;
    }
  }
  const offsets = new Float64Array(kind === 'e2lsh' ? count : 0);
  for (let r = 0; r < offsets.length; r++) offsets[r] = w * rng.nextDouble();
  const store = new VectorStore(dim, { kernels });
  store.append(a);
  return new HashFamily(kind, L, K, dim, w, store, offsets);
}

/**
 * 32-bit key of a bucket: MurmurHash3's mixing over the K integers `codes[off … off + K)`
 * (Appleby's public-domain x86_32 rounds and finaliser), as an unsigned integer.
 */
export function bucketKey(codes: Int32Array, off: number, K: number): number {
  let h = 0x9747b28c;
  for (let i = 0; i < K; i++) {
    let k = Math.imul(codes[off + i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= K;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The K hash values of table `t` from the projections of one vector.
 *
 * @param negProj - `−(a_r · v)` for every function r (`L·K` values, the form core's dot
 *   kernels return with bias 0), starting at `projOff`.
 * @param codes - receives the K integers at `codesOff`: bits (0/1) for SimHash, slot numbers
 *   ⌊(a·v + b)/w⌋ for E2LSH.
 * @param gaps - when not null, receives per function the query's distance (in projection
 *   units) to the lower boundary of its slot: |a·v| for SimHash (the distance to the plane),
 *   `(a·v + b) − slot·w` in [0, w) for E2LSH (Lv et al.'s x_i(−1)); used by multi-probe.
 */
export function slotCodesInto(
  family: HashFamily,
  t: number,
  negProj: Float64Array,
  projOff: number,
  codes: Int32Array,
  codesOff: number,
  gaps: Float64Array | null,
  gapsOff: number,
): void {
  const K = family.K;
  const base = t * K;
  if (family.kind === 'simhash') {
    for (let i = 0; i < K; i++) {
      const p = -negProj[projOff + base + i];
      codes[codesOff + i] = p > 0 ? 1 : 0;
      if (gaps !== null) gaps[gapsOff + i] = p < 0 ? -p : p;
    }
    return;
  }
  const w = family.w;
  const offsets = family.offsets;
  for (let i = 0; i < K; i++) {
    const f = offsets[base + i] - negProj[projOff + base + i];
    const slot = Math.floor(f / w);
    codes[codesOff + i] = slot | 0;
    if (gaps !== null) {
      const g = f - slot * w;
      gaps[gapsOff + i] = g < 0 ? 0 : g > w ? w : g;
    }
  }
}

/** Rows hashed per tile: their projections stay in cache while the keys are formed. */
const HASH_BLOCK = 64;

/**
 * Hash rows `[first, first + count)` of `vectors` (row-major, `dim` per row, already
 * normalised for cosine) into every table: key of row `first + r` in table t goes to
 * `keys[t·stride + first + r]`.
 */
export function hashRowsInto(
  family: HashFamily,
  vectors: VectorStore,
  first: number,
  count: number,
  keys: Uint32Array,
  stride: number,
): void {
  const L = family.L;
  const K = family.K;
  const LK = L * K;
  const tile = new Float64Array(HASH_BLOCK * LK);
  const codes = new Int32Array(K);
  for (let r0 = 0; r0 < count; r0 += HASH_BLOCK) {
    const nb = Math.min(HASH_BLOCK, count - r0);
    // Re-read vectors.data per block: the projection store's tile call may grow its own memory only.
    distanceTileInto(family.projections, 'dot', 0, vectors.data, first + r0, nb, 0, LK, tile);
    for (let q = 0; q < nb; q++) {
      const id = first + r0 + q;
      for (let t = 0; t < L; t++) {
        slotCodesInto(family, t, tile, q * LK, codes, 0, null, 0);
        keys[t * stride + id] = bucketKey(codes, 0, K);
      }
    }
  }
}

/** Sampled points whose nearest-neighbour distance is averaged. */
const WIDTH_QUERIES = 64;
/** Sample the nearest neighbours are searched in. */
const WIDTH_SAMPLE = 4096;
/** w = WIDTH_FACTOR × the estimated near-neighbour distance (Datar et al.'s w ≈ 4 for R = 1). */
export const WIDTH_FACTOR = 4;

/**
 * The default E2LSH width for rows `[0, n)` of `vectors`: {@link WIDTH_FACTOR} × the mean
 * distance from up to 64 sampled rows to their nearest distinct row among up to 4,096 sampled
 * rows (seeded by `rng`; the reference L2 kernel, so the width is the same on every backend).
 * With fewer than two distinct rows it is 1 (every bucket choice is then equally good).
 */
export function estimateWidth(rng: Rng, vectors: VectorStore, n: number): number {
  const dim = vectors.dim;
  const sample = rng.sample(n, Math.min(n, WIDTH_SAMPLE));
  const queries = Math.min(sample.length, WIDTH_QUERIES);
  const data = vectors.data;
  let sum = 0;
  let counted = 0;
  for (let qi = 0; qi < queries; qi++) {
    const qOff = sample[qi] * dim;
    let best = Infinity;
    for (let s = 0; s < sample.length; s++) {
      if (s === qi) continue;
      const d = l2Squared(data, qOff, data, sample[s] * dim, dim);
      if (d > 0 && d < best) best = d;
    }
    if (best < Infinity) {
      sum += Math.sqrt(best);
      counted++;
    }
  }
  const r = counted > 0 ? sum / counted : 0;
  return r > 0 && Number.isFinite(r) ? WIDTH_FACTOR * r : 1;
}
