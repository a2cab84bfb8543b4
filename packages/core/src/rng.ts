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

/** Largest value of Alea's carry: `c = ⌊2091639·s0 + c·2^−32⌋` stays below the multiplier 2091639. */
const ALEA_MAX_CARRY = 2091638;
/** 2^32: Alea's lags are multiples of 2^−32 in [0, 1), stored as integers in [0, 2^32). */
const TWO_32 = 4294967296;
const STATE_KEYS = ['seed', 'c', 's0', 's1', 's2', 'spare'] as const;

/**
 * Everything a {@link Rng} needs to continue its sequence exactly: plain numbers, so it can be
 * written as JSON (an index file stores it, so adding after a load continues the same draws).
 *
 * Alea is a lag-3 multiply-with-carry generator: `t = 2091639·s0 + c·2^−32`, then the lags
 * shift (`s0 ← s1`, `s1 ← s2`, `s2 ← t − ⌊t⌋`) and `c ← ⌊t⌋`. Each lag is a multiple of 2^−32
 * in [0, 1), so it is stored exactly as the integer `lag · 2^32`.
 */
export interface RngState {
  /** The seed the generator started from (a safe integer). */
  seed: number;
  /** Alea's carry, an integer in [0, 2091638]. */
  c: number;
  /** Alea's oldest lag times 2^32, an integer in [0, 2^32). */
  s0: number;
  /** Alea's middle lag times 2^32, an integer in [0, 2^32). */
  s1: number;
  /** Alea's newest lag times 2^32, an integer in [0, 2^32). */
  s2: number;
  /** The cached second normal draw of {@link Rng.nextGaussian}, or null when none is cached. */
  spare: number | null;
}

function badState(message: string): never {
  throw new AnnlabError('INVALID_PARAMETER', `Rng state is invalid: ${message}`);
}

function checkLag(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= TWO_32) {
    badState(`${name} must be an integer in [0, 2^32), got ${String(value)}.`);
  }
  return value;
}

/** Deterministic random numbers from a seed. */
export class Rng {
  /** The seed this generator started from. */
  readonly seed: number;
  private gen: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  private spare: number;
  private hasSpare: boolean;

  /** @param seed - any safe integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new AnnlabError('INVALID_PARAMETER', `seed must be a safe integer, got ${String(seed)}.`);
    }
    this.seed = seed;
    this.gen = seedrandom.alea(String(seed), { state: true });
    this.spare = 0;
    this.hasSpare = false;
  }

  /**
   * The generator's current state, to be restored with {@link Rng.fromState}: the restored
   * generator continues with exactly the draws this one would make next.
   */
  state(): RngState {
    const g = this.gen.state();
    return {
      seed: this.seed,
      c: g.c,
      s0: g.s0 * TWO_32,
      s1: g.s1 * TWO_32,
      s2: g.s2 * TWO_32,
      spare: this.hasSpare ? this.spare : null,
    };
  }

  /**
   * A generator continuing from a state saved by {@link Rng.state}. The state is checked
   * field by field (a plain object with exactly the fields of {@link RngState}, each in its
   * range, and not one of Alea's two fixed points, from which every draw would be the same);
   * anything else throws `INVALID_PARAMETER`, so a crafted state cannot make draws degenerate.
   */
  static fromState(state: RngState): Rng {
    if (state === null || typeof state !== 'object' || Array.isArray(state)) badState(`expected an object, got ${String(state)}.`);
    for (const key of Object.keys(state)) {
      if (!(STATE_KEYS as readonly string[]).includes(key)) badState(`unknown field '${key}' (fields: ${STATE_KEYS.join(', ')}).`);
    }
    const c = state.c;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > ALEA_MAX_CARRY) {
      badState(`c must be an integer in [0, ${ALEA_MAX_CARRY}], got ${String(c)}.`);
    }
    const s0 = checkLag('s0', state.s0);
    const s1 = checkLag('s1', state.s1);
    const s2 = checkLag('s2', state.s2);
    // The multiply-with-carry recurrence has exactly two fixed points: all lags 0 with carry 0,
    // and all lags 2^32 − 1 with the largest carry. Both would repeat one value for ever.
    if (
      (c === 0 && s0 === 0 && s1 === 0 && s2 === 0) ||
      (c === ALEA_MAX_CARRY && s0 === TWO_32 - 1 && s1 === TWO_32 - 1 && s2 === TWO_32 - 1)
    ) {
      badState('it is a fixed point of the generator (every draw would be the same).');
    }
    const spare = state.spare;
    if (spare !== null && (typeof spare !== 'number' || !Number.isFinite(spare))) {
      badState(`spare must be null or a finite number, got ${String(spare)}.`);
    }
    if (typeof state.seed !== 'number' || !Number.isSafeInteger(state.seed)) {
      badState(`seed must be a safe integer, got ${String(state.seed)}.`);
    }
    const rng = new Rng(state.seed);
    rng.gen = seedrandom.alea('', { state: { c, s0: s0 / TWO_32, s1: s1 / TWO_32, s2: s2 / TWO_32 } });
    if (spare !== null) {
      rng.spare = spare;
      rng.hasSpare = true;
    }
    return rng;
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
