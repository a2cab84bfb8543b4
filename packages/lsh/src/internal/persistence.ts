/**
 * The LSH file format (version 1), in core's container (magic, version, tag, CRC32):
 *
 * 1. JSON parameters {@link LshFileParams};
 * 2. the `count × dim` vectors (normalised for cosine);
 * 3. the projection vectors, `L·K × dim` (empty before the first add);
 * 4. the E2LSH offsets b, `L·K` float64 (empty for SimHash or before the first add);
 * 5. the per-id bucket keys, `L × count` u32, table-major (empty before the first add).
 *
 * The buckets (the CSR) are not stored: they are a function of the keys and are rebuilt on
 * load (a linear-time radix sort), so a file cannot hold buckets that disagree with its keys.
 * Every section's length is checked against the parameters before it is used; the loaded
 * index then runs its invariant check.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, throwInconsistentFile, type Metric } from '@annlab/core';
import type { HashFamily } from '../hash-family.js';
import type { LshTables } from './tables.js';

/** What a file says in its parameter record. */
export interface LshFileParams {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Tables. */
  L: number;
  /** Hashes per table. */
  K: number;
  /** E2LSH width (null: derived at the first add, or cosine). */
  w: number | null;
  /** Seed of every random choice. */
  seed: number;
  /** Whether the hash functions were drawn (the first add ran). */
  built: boolean;
  /** Stored vectors. */
  count: number;
}

/** How files name this format in messages. */
export const FILE_KIND = 'lsh file';

/** Throw `CORRUPT_DATA` for an inconsistent file. */
export function corrupt(msg: string): never {
  throwInconsistentFile(FILE_KIND, msg);
}

const EMPTY_F32 = new Float32Array(0);
const EMPTY_F64 = new Float64Array(0);
const EMPTY_U32 = new Uint32Array(0);

/** Write an index as a file of format `version` under `tag`. */
export function writeLshFile(
  tag: string,
  version: number,
  params: LshFileParams,
  vectors: Float32Array,
  family: HashFamily | null,
  tables: LshTables,
): Uint8Array {
  const w = new BinaryWriter(tag, version);
  w.json(params);
  w.array(vectors);
  w.array(family === null ? EMPTY_F32 : family.projections.view());
  w.array(family === null ? EMPTY_F64 : family.offsets);
  w.array(family === null ? EMPTY_U32 : tables.packedKeys());
  return w.finish();
}

/** The sections of a file, checked against its parameters. */
export interface LshFileSections {
  /** `count × dim` vectors. */
  vectors: Float32Array;
  /** `L·K × dim` projections (empty when not built). */
  projections: Float32Array;
  /** `L·K` offsets (E2LSH built), else empty. */
  offsets: Float64Array;
  /** `L × count` keys (built), else empty. */
  keys: Uint32Array;
}

/**
 * Open a file and read its parameter record (an object with the expected fields; the
 * option values themselves are the constructor's to check).
 */
export function openLshFile(bytes: Uint8Array, tag: string, version: number): { reader: BinaryReader; params: LshFileParams } {
  const reader = BinaryReader.open(bytes, tag);
  reader.expectVersion(version);
  const params = reader.json<LshFileParams>();
  if (params === null || typeof params !== 'object' || Array.isArray(params)) corrupt('the parameter record is not an object');
  const keys = Object.keys(params).sort().join(',');
  if (keys !== 'K,L,built,count,dim,metric,seed,w') corrupt(`the parameter record has fields ${keys}`);
  if (typeof params.built !== 'boolean') corrupt('built is not a boolean');
  if (typeof params.count !== 'number' || !Number.isInteger(params.count) || params.count < 0) corrupt('bad vector count');
  if (!params.built && params.count !== 0) corrupt('vectors stored but no hash functions drawn');
  if (params.w !== null && (typeof params.w !== 'number' || !Number.isFinite(params.w) || !(params.w > 0)))
    corrupt(`bad width w = ${String(params.w)}`);
  if (params.built && params.metric === 'euclidean' && params.w === null) corrupt('a built E2LSH index without a width');
  return { reader, params };
}

/** Read the array sections, checking each length against the (already validated) parameters. */
export function readLshSections(reader: BinaryReader, p: LshFileParams): LshFileSections {
  const LK = p.L * p.K;
  const vectors = reader.f32array(p.count * p.dim);
  const projections = reader.f32array(p.built ? LK * p.dim : 0);
  const offsets = reader.f64array(p.built && p.metric === 'euclidean' ? LK : 0);
  const keys = reader.u32array(p.built ? p.L * p.count : 0);
  reader.finish();
  return { vectors, projections, offsets, keys };
}

/** Throw `CORRUPT_DATA` naming the violations an invariant check found in a loaded file. */
export function refuseInconsistent(errors: readonly string[]): never {
  const shown = errors.slice(0, 3).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  corrupt(`invariant violated: ${shown}${more}`);
}
