/**
 * Seeds derived from an index's seed, so that independent random choices of one build (one
 * generator per tree, a training sample) each get their own reproducible stream. Every
 * derivation lives here; the functions are pure integer arithmetic, identical on every engine,
 * and seeded files depend on their exact values, so they never change.
 *
 * @module
 */

/** 32-bit mix of two integers (the murmur3 finaliser over `a ^ golden ratio`, then `^ b`). */
export function mix32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 32-bit seed hashed from `seed` (any safe integer: its high and low 32 bits both count)
 * and two salts (32-bit integers), for many streams from one seed (one per tree, per node).
 */
export function deriveSeed(seed: number, salt: number, salt2: number = 0): number {
  const hi = Math.floor(seed / 4294967296) | 0;
  return mix32(mix32(mix32(seed | 0, hi), salt), salt2);
}

/**
 * A second seed offset from `seed` by `salt` (kept a safe integer: `seed + salt`, or
 * `seed - salt` near the top of the range), for a stream distinct from the one `seed` starts.
 */
export function offsetSeed(seed: number, salt: number): number {
  return seed <= Number.MAX_SAFE_INTEGER - salt ? seed + salt : seed - salt;
}
