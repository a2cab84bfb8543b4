/**
 * Allow-lists for filtered HNSW search: a bitset over ids (bit `id & 7` of byte `id >> 3`)
 * or a predicate on the id. Bitsets are the fast form: the search can count how many ids
 * pass (to decide between a graph search and a brute-force scan over the allowed ids) and
 * test one id with a shift and a mask.
 *
 * @module
 */

/**
 * Which ids a filtered search may return: a bitset (`Uint8Array`, bit `id & 7` of byte
 * `id >> 3` set = allowed; ids past the end of the array are not allowed) or a predicate
 * called with an internal id.
 */
export type HnswFilter = Uint8Array | ((id: number) => boolean);

/** A zeroed bitset able to hold ids in [0, size). */
export function createBitset(size: number): Uint8Array {
  return new Uint8Array((Math.max(0, size) + 7) >> 3);
}

/** Set bit `id` of `bits`. */
export function bitsetAdd(bits: Uint8Array, id: number): void {
  bits[id >> 3] |= 1 << (id & 7);
}

/** Whether bit `id` of `bits` is set (false past the end). */
export function bitsetHas(bits: Uint8Array, id: number): boolean {
  const b = id >> 3;
  return b < bits.length && ((bits[b] >> (id & 7)) & 1) === 1;
}

/** A bitset over [0, size) with exactly the given ids set (ids outside the range are ignored). */
export function bitsetFromIds(ids: ArrayLike<number>, size: number): Uint8Array {
  const bits = createBitset(size);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < size) bitsetAdd(bits, id);
  }
  return bits;
}

const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1];

/** Number of set bits among ids [0, size). */
export function bitsetCount(bits: Uint8Array, size: number): number {
  const full = Math.min(bits.length, size >> 3);
  let c = 0;
  for (let i = 0; i < full; i++) c += POPCOUNT8[bits[i]];
  for (let id = full << 3; id < size; id++) if (bitsetHas(bits, id)) c++;
  return c;
}

/**
 * The per-query allow test of the checked search path (fixed shape; internal): an id passes
 * when it is not deleted and the query's bitset or predicate, if any, accepts it.
 */
export class AllowTest {
  /** The index's deletion flags (1 = deleted); reset before every query. */
  deleted: Uint8Array;
  /** The query's bitset filter, or null. */
  bits: Uint8Array | null;
  /** The query's predicate filter, or null. */
  pred: ((id: number) => boolean) | null;

  /** @param deleted - the index's deletion flags. */
  constructor(deleted: Uint8Array) {
    this.deleted = deleted;
    this.bits = null;
    this.pred = null;
  }

  /** Point the test at one query's filter (either form, or none). */
  set(deleted: Uint8Array, filter: HnswFilter | undefined): void {
    this.deleted = deleted;
    this.bits = filter instanceof Uint8Array ? filter : null;
    this.pred = typeof filter === 'function' ? filter : null;
  }

  /** Forget the query's filter (so the index holds no reference to it). */
  release(): void {
    this.bits = null;
    this.pred = null;
  }

  /** Whether `id` may enter the result list. */
  allows(id: number): boolean {
    if (this.deleted[id] !== 0) return false;
    const bits = this.bits;
    if (bits !== null) {
      const b = id >> 3;
      if (b >= bits.length || ((bits[b] >> (id & 7)) & 1) === 0) return false;
    }
    const pred = this.pred;
    return pred === null || pred(id) === true;
  }
}
