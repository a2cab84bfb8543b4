/**
 * A seeded random number generator: every random choice in annlab comes from one of these,
 * passed explicitly (pynndescent's `rng_state`, FAISS's `seed`, Annoy's `set_seed`), so the
 * same seed and inputs always give the same index. Library code never draws from the global,
 * unseeded generator.
 *
 * Backed by seedrandom's Alea generator (Baagøe): fast, 2^116 period, and its output is the
 * same on every JavaScript engine.
 *
 * @module
 */
import seedrandom from 'seedrandom';
import { AnnlabError } from './errors.js';

/** Deterministic random numbers from a seed. */
export class Rng {
  /** The seed this generator started from. */
  readonly seed: number;
  private readonly gen: seedrandom.PRNG;
  private spare: number;
  private hasSpare: boolean;

  /** @param seed - any safe integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new AnnlabError('INVALID_PARAMETER', `seed must be a safe integer, got ${String(seed)}.`);
    }
    this.seed = seed;
    this.gen = seedrandom.alea(String(seed));
    this.spare = 0;
    this.hasSpare = false;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.gen();
  }

  /** Uniform float in [0, 1) with 53 bits of randomness. */
  nextDouble(): number {
    return this.gen.double();
  }

  /**
   * Uniform integer in [0, n). For n up to 2^20 the bias from the 32-bit source is below
   * 2^-12 per value; larger n draw 53 bits.
   */
  nextInt(n: number): number {
    return n <= 1 << 20 ? Math.floor(this.gen() * n) : Math.floor(this.gen.double() * n);
  }

  /** Standard normal draw (Marsaglia's polar method; one spare value is cached). */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.gen.double() - 1;
      v = 2 * this.gen.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Shuffle `a` in place (Fisher–Yates) and return it. */
  shuffle<
    T extends {
      /** Number of elements. */
      length: number;
      [i: number]: number;
    },
  >(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * `k` distinct integers from [0, n), in random order (partial Fisher–Yates over a
   * virtual identity array, O(k) memory via a map when k ≪ n).
   */
  sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) {
      throw new AnnlabError('INVALID_PARAMETER', `cannot sample ${k} distinct values from ${n}; need 0 ≤ k ≤ n.`);
    }
    const out = new Int32Array(k);
    if (k * 4 >= n) {
      const all = new Int32Array(n);
      for (let i = 0; i < n; i++) all[i] = i;
      for (let i = 0; i < k; i++) {
        const j = i + this.nextInt(n - i);
        const t = all[i];
        all[i] = all[j];
        all[j] = t;
        out[i] = all[i];
      }
      return out;
    }
    const swapped = new Map<number, number>();
    for (let i = 0; i < k; i++) {
      const j = i + this.nextInt(n - i);
      const vj = swapped.get(j) ?? j;
      const vi = swapped.get(i) ?? i;
      swapped.set(j, vi);
      out[i] = vj;
    }
    return out;
  }

  /** A new generator seeded from this one (for independent sub-streams, e.g. one per tree). */
  fork(): Rng {
    return new Rng(Math.floor(this.gen.double() * 2 ** 31));
  }
}
