/**
 * The tables' structural invariants, checked in one pass (hnswlib's `checkIntegrity`):
 * every table's buckets have strictly ascending keys and non-empty, contiguous id ranges
 * covering the table's slice of `bucketIds`; every id in [0, count) sits in exactly one
 * bucket of every table, and that bucket's key is the id's stored key; the projections have
 * the right shape (unit length for SimHash) and the E2LSH offsets lie in [0, w).
 *
 * A damaged structure is reported, never thrown: out-of-range values are skipped, not read.
 *
 * @module
 */
import type { InvariantReport } from '@annlab/core';
import type { HashFamily } from '../hash-family.js';
import type { LshTables } from './tables.js';

/** Most violations listed in a report. */
const MAX_ERRORS = 50;

/** What {@link LshIndex.checkInvariants} reports: violations, and the shape it checked. */
export interface LshInvariantReport extends InvariantReport {
  /** Tables checked. */
  tables: number;
  /** Buckets over all tables. */
  buckets: number;
  /** Largest bucket (ids), over all tables. */
  largestBucket: number;
}

/**
 * Check the tables (current CSR) against the per-id keys and the family.
 * @param family - the hash functions, or null before the first add.
 */
export function checkTables(tables: LshTables, family: HashFamily | null, idCount: number): LshInvariantReport {
  const errors: string[] = [];
  const fail = (msg: string): boolean => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
    return errors.length >= MAX_ERRORS;
  };
  let largest = 0;
  const report = (): LshInvariantReport => ({
    ok: errors.length === 0,
    errors,
    tables: tables.L,
    buckets: tables.bucketCount(),
    largestBucket: largest,
  });
  if (family === null) {
    if (tables.count !== 0 && fail(`${tables.count} ids hashed before the hash functions were drawn`)) return report();
    return report();
  }
  const { L, K, dim } = family;
  if (tables.L !== L && fail(`${tables.L} tables for a family of ${L}`)) return report();
  if (family.projections.size !== L * K && fail(`${family.projections.size} projections for L·K = ${L * K}`)) return report();
  if (family.kind === 'simhash') {
    const a = family.projections.data;
    for (let r = 0; r < L * K; r++) {
      let n2 = 0;
      for (let j = 0; j < dim; j++) n2 += a[r * dim + j] * a[r * dim + j];
      if (Math.abs(n2 - 1) > 1e-3 && fail(`SimHash normal ${r} has squared length ${n2}, not 1`)) return report();
    }
  } else {
    if (!(family.w > 0) && fail(`E2LSH width ${family.w} is not positive`)) return report();
    if (family.offsets.length !== L * K && fail(`${family.offsets.length} offsets for L·K = ${L * K}`)) return report();
    for (let r = 0; r < family.offsets.length; r++) {
      const b = family.offsets[r];
      if (!(b >= 0 && b < family.w) && fail(`E2LSH offset ${r} = ${b} is outside [0, w = ${family.w})`)) return report();
    }
  }
  const n = tables.count;
  if (n !== idCount && fail(`${n} ids hashed, ${idCount} stored`)) return report();
  if (tables.indexed !== n && fail(`tables index ${tables.indexed} of ${n} ids (stale)`)) return report();
  const { tableStart, bucketKeys, bucketStart, bucketIds, keys, stride } = tables;
  const total = tableStart[L];
  if (bucketKeys.length !== total || bucketStart.length !== total + 1 || bucketIds.length !== L * n) {
    fail('CSR array lengths disagree with the bucket count');
    return report();
  }
  const count = new Int32Array(n);
  for (let t = 0; t < L; t++) {
    count.fill(0);
    const b0 = tableStart[t];
    const b1 = tableStart[t + 1];
    if (b1 < b0 || b0 < 0 || b1 > total) {
      if (fail(`table ${t} bucket range [${b0}, ${b1}) is out of order`)) return report();
      continue;
    }
    if (b0 < b1 && bucketStart[b0] !== t * n && fail(`table ${t} starts at id slot ${bucketStart[b0]}, not ${t * n}`)) return report();
    for (let b = b0; b < b1; b++) {
      if (b > b0 && !(bucketKeys[b] > bucketKeys[b - 1]) && fail(`table ${t}: bucket keys not strictly ascending at bucket ${b}`))
        return report();
      const s = bucketStart[b];
      const e = bucketStart[b + 1];
      if (!(s < e) || s < t * n || e > (t + 1) * n) {
        if (fail(`table ${t}: bucket ${b} has id range [${s}, ${e})`)) return report();
        continue;
      }
      if (e - s > largest) largest = e - s;
      for (let i = s; i < e; i++) {
        const id = bucketIds[i];
        if (id < 0 || id >= n) {
          if (fail(`table ${t}: bucket ${b} holds id ${id} outside [0, ${n})`)) return report();
          continue;
        }
        count[id]++;
        if (
          keys[t * stride + id] !== bucketKeys[b] &&
          fail(`table ${t}: id ${id} sits in bucket key ${bucketKeys[b]} but hashes to ${keys[t * stride + id]}`)
        )
          return report();
      }
    }
    if (n > 0 && (b0 === b1 || bucketStart[b1] !== (t + 1) * n) && fail(`table ${t}: buckets do not cover its ${n} id slots`))
      return report();
    for (let id = 0; id < n; id++) {
      if (count[id] !== 1 && fail(`id ${id} appears ${count[id]} times in table ${t} (expected 1)`)) return report();
    }
  }
  return report();
}
