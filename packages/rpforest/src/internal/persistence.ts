/**
 * The forest's file format (version 1), in core's container (magic, version, tag, CRC32):
 *
 * 1. JSON parameters {@link ForestFileParams};
 * 2. the `idCount × dim` vectors (normalised for cosine);
 * 3. per-id deleted flags (u8, 0/1);
 * 4. the augmented components (inner product; else empty);
 * 5. the flat forest: `splitNormals`, `splitOffsets`, `children`, `leafStart`, `leafSizes`,
 *    `leafItems` (leaves packed in depth-first order, so the same calls give the same bytes
 *    however the in-memory slots were laid out), `roots`.
 *
 * Reading checks every section's size and every stored code and id against its range (the
 * container refuses non-finite floats), the augmented components against `maxNorm`, and the parameters
 * against the sections (`built`, `live`, `maxNorm`, the number of roots), so the arrays can
 * be adopted as zero-copy views; the index then runs its full invariant check (cycles,
 * sharing, membership) and {@link checkPackedLeaves} (leaves packed as written) before it
 * returns. Counts are bounded by the bytes present before anything is allocated or walked.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, MAX_ABS_COMPONENT, VectorStore, throwInconsistentFile, type Metric } from '@annlab/core';
import { EMPTY_F32, type FlatForest } from './flat-forest.js';

/** What a file says in its parameter record. */
export interface ForestFileParams {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Trees held (or to be built by the first add). */
  nTrees: number;
  /** Most items per leaf. */
  leafSize: number;
  /** Seed of every random choice. */
  seed: number;
  /** Largest stored norm at build time (inner product), else 0. */
  maxNorm: number;
  /** Whether the first build ran. */
  built: boolean;
  /** Live ids. */
  live: number;
}

/** How files name this format in messages. */
export const FILE_KIND = 'rpforest file';

function corrupt(msg: string): never {
  throwInconsistentFile(FILE_KIND, msg);
}

/** Write `params` and `forest` as a file of format `version` under `tag`. */
export function writeForestFile(tag: string, version: number, params: ForestFileParams, forest: FlatForest): Uint8Array {
  const w = new BinaryWriter(tag, version);
  w.json(params);
  const n = forest.store.size;
  w.array(forest.store.view());
  w.array(forest.deleted.subarray(0, n));
  w.array(forest.treeDim > forest.dim ? forest.augExtra.subarray(0, n) : EMPTY_F32);
  const { start, items } = forest.packedLeaves();
  w.array(forest.splitNormals.subarray(0, forest.innerCount * forest.treeDim));
  w.array(forest.splitOffsets.subarray(0, forest.innerCount));
  w.array(forest.children.subarray(0, forest.innerCount * 2));
  w.array(start);
  w.array(forest.leafSizes.subarray(0, forest.leafCount));
  w.array(items);
  w.array(forest.roots);
  return w.finish();
}

/**
 * Open a file and read its parameter record (checked to be an object; the values are the
 * constructor's to check).
 */
export function openForestFile(bytes: Uint8Array, tag: string, version: number): { reader: BinaryReader; params: ForestFileParams } {
  const reader = BinaryReader.open(bytes, tag);
  reader.expectVersion(version);
  const params = reader.json<ForestFileParams>();
  if (params === null || typeof params !== 'object') corrupt('the parameter record is not an object');
  if (typeof params.maxNorm !== 'number' || !(params.maxNorm >= 0) || typeof params.built !== 'boolean' || !Number.isInteger(params.live)) {
    corrupt('bad parameter record');
  }
  return { reader, params };
}

/**
 * Read the array sections into `forest` (an empty forest made with the file's parameters),
 * as views into the file's bytes where aligned. Checks sizes and ranges; cycles and
 * membership are left to the invariant check.
 */
export function readForestSections(reader: BinaryReader, params: ForestFileParams, forest: FlatForest): void {
  const dim = forest.dim;
  const treeDim = forest.treeDim;
  const data = reader.f32array();
  if (data.length % dim !== 0) corrupt(`vector section of ${data.length} values is not a multiple of dim = ${dim}`);
  const n = data.length / dim;
  const deleted = reader.u8array(n);
  const augExtra = reader.f32array(treeDim > dim ? n : 0);
  const normals = reader.f32array();
  if (normals.length % treeDim !== 0) corrupt('hyperplane section size');
  const innerCount = normals.length / treeDim;
  const offsets = reader.f64array(innerCount);
  const children = reader.i32array(innerCount * 2);
  const leafStart = reader.i32array();
  const leafCount = leafStart.length;
  const leafSizes = reader.i32array(leafCount);
  const leafItems = reader.i32array();
  const roots = reader.i32array();
  reader.finish();

  if (!params.built && n > 0) corrupt(`built is false but ${n} vectors are stored (the first add builds the trees)`);
  const inner = treeDim > dim;
  // The largest norm add() can store is MAX_ABS_COMPONENT·√dim; a larger one overflows maxNorm².
  const normLimit = MAX_ABS_COMPONENT * Math.sqrt(dim);
  if (!(params.maxNorm <= normLimit) || (!inner && params.maxNorm !== 0)) {
    corrupt(`maxNorm ${params.maxNorm} (at most ${normLimit}, and 0 unless inner product)`);
  }
  // Augmented components are √(maxNorm² − ‖x‖²) clamped at 0, rounded to float32.
  const augMax = params.maxNorm * (1 + 1e-6);
  for (let id = 0; id < augExtra.length; id++) {
    const a = augExtra[id];
    if (!(a >= 0 && a <= augMax)) corrupt(`augmented component ${a} of id ${id} (must lie in [0, maxNorm = ${params.maxNorm}])`);
  }
  let live = 0;
  for (let id = 0; id < n; id++) {
    if (deleted[id] > 1) corrupt('deleted flag other than 0/1');
    if (deleted[id] === 0) live++;
  }
  if (live !== params.live) corrupt('live count');
  if (params.built ? roots.length !== params.nTrees : roots.length !== 0 || innerCount !== 0 || leafCount !== 0) corrupt('tree count');
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c >= 0 ? c >= innerCount : ~c >= leafCount) corrupt('child out of range');
  }
  for (let t = 0; t < roots.length; t++) {
    const c = roots[t];
    if (c >= 0 ? c >= innerCount : ~c >= leafCount) corrupt('root out of range');
  }
  for (let l = 0; l < leafCount; l++) {
    const s = leafStart[l];
    const size = leafSizes[l];
    if (s < 0 || size < 0 || size > forest.leafSize || s + size > leafItems.length) corrupt(`leaf ${l} range`);
  }
  for (let i = 0; i < leafItems.length; i++) if (leafItems[i] < 0 || leafItems[i] >= n) corrupt('leaf item id out of range');

  const adopted = VectorStore.adopt(dim, data, forest.store.normalize);
  forest.store.data = adopted.data;
  forest.store.size = adopted.size;
  forest.deleted = deleted;
  forest.augExtra = augExtra;
  forest.maxNorm = params.maxNorm;
  forest.splitNormals = normals;
  forest.splitOffsets = offsets;
  forest.children = children;
  forest.innerCount = innerCount;
  forest.leafStart = leafStart;
  forest.leafSizes = leafSizes;
  forest.leafCap = leafSizes.slice();
  forest.leafCount = leafCount;
  forest.leafItems = leafItems;
  forest.leafItemsUsed = leafItems.length;
  forest.leafItemsWasted = 0;
  forest.roots = roots;
}

/**
 * After the invariant check (every node reached once): the leaves must be packed in
 * depth-first order without gaps, as {@link writeForestFile} writes them. Otherwise two
 * leaves could share item slots (one leaf's delete would then rewrite another's ids).
 */
export function checkPackedLeaves(forest: FlatForest): void {
  const { start, items } = forest.packedLeaves();
  if (items.length !== forest.leafItemsUsed) corrupt(`leafItems holds ${forest.leafItemsUsed} ids, but the leaves hold ${items.length}`);
  for (let l = 0; l < forest.leafCount; l++) {
    if (start[l] !== forest.leafStart[l])
      corrupt(`leafStart of leaf ${l} is ${forest.leafStart[l]}, not ${start[l]} (leaves are packed in depth-first order)`);
  }
}

/** Throw `CORRUPT_DATA` naming the violations an invariant check found in a loaded file. */
export function refuseInconsistent(errors: readonly string[]): never {
  const shown = errors.slice(0, 3).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throwInconsistentFile(FILE_KIND, `rpforest invariant violated: ${shown}${more}`);
}
