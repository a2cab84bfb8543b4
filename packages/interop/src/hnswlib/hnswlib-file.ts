/**
 * hnswlib's index file (`HierarchicalNSW::saveIndex` / `loadIndex` in `hnswlib/hnswalg.h`,
 * nmslib/hnswlib), read and written over bytes. hnswlib dumps its in-memory structures in
 * order with `writeBinaryPOD` (little-endian on the platforms it ships for):
 *
 * ```
 * u64 offsetLevel0_        always 0
 * u64 max_elements_        capacity when saved (≥ cur_element_count)
 * u64 cur_element_count    n
 * u64 size_data_per_element_   size_links_level0_ + data_size_ + 8
 * u64 label_offset_        size_links_level0_ + data_size_
 * u64 offsetData_          size_links_level0_ = 4 + 4·maxM0_
 * i32 maxlevel_            top level, −1 when empty
 * u32 enterpoint_node_     entry point (0xFFFFFFFF when empty)
 * u64 maxM_                links per node on levels ≥ 1 (M)
 * u64 maxM0_               links per node on level 0 (2·M)
 * u64 M_
 * f64 mult_                level multiplier 1/ln M
 * u64 ef_construction_
 * n × size_data_per_element_   level 0: per element [u32 link header][maxM0_ × u32 ids]
 *                              [vector, data_size_ bytes][u64 label]
 * per element: u32 linkListSize (level × size_links_per_element_, 0 for level 0) then
 *              linkListSize bytes: per level ≥ 1, [u32 link header][maxM_ × u32 ids]
 * ```
 *
 * The link header's low 16 bits are the count; byte 2 holds `DELETE_MARK` (0x01) on level 0
 * when the element is marked deleted. The vector's dimension is not stored, but data_size_ =
 * label_offset_ − offsetData_ gives it (4 bytes per float component); the space (l2, ip,
 * cosine) is not stored at all, so a reader must be told it. hnswlib stores cosine vectors
 * normalised (its cosine space is ip over unit vectors).
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/** What error messages call these files. */
export const HNSWLIB_WHAT = 'hnswlib index file';
/** Bytes of the fixed header. */
export const HNSWLIB_HEADER_BYTES = 96;
/** hnswlib's `DELETE_MARK` in byte 2 of a level-0 link header. */
const DELETE_MARK = 0x01;

/** An hnswlib graph as plain arrays (hnswlib's internal ids; labels beside them). */
export interface HnswlibGraph {
  /** Vector dimension (data_size_ / 4). */
  dim: number;
  /** `maxM_` (links above level 0). */
  M: number;
  /** `maxM0_` (links on level 0). */
  maxM0: number;
  /** `mult_` (level multiplier). */
  mult: number;
  /** `ef_construction_`. */
  efConstruction: number;
  /** `max_elements_` as stored. */
  maxElements: number;
  /** `maxlevel_`, −1 when empty. */
  maxLevel: number;
  /** `enterpoint_node_`, −1 when empty. */
  entryPoint: number;
  /** `n × dim` vectors. */
  vectors: Float32Array;
  /** Label per element. */
  labels: Float64Array;
  /** Top level per element. */
  levels: Uint8Array;
  /** 1 where the element is marked deleted. */
  deleted: Uint8Array;
  /** Level-0 links, `n × (1 + maxM0)`, count first, unused slots as stored. */
  links0: Int32Array;
  /** Upper links, per element in id order, `level × (1 + M)` ints each, count first. */
  upperLinks: Int32Array;
  /** Start of each element's block in `upperLinks`, −1 for level-0 elements. */
  upperOffset: Int32Array;
}

function corrupt(msg: string): never {
  throw new AnnlabError('CORRUPT_DATA', `${HNSWLIB_WHAT} is damaged or not an hnswlib file: ${msg}.`);
}

function u64(view: DataView, off: number, name: string): number {
  const hi = view.getUint32(off + 4, true);
  if (hi >= 0x200000) corrupt(`${name} does not fit a safe integer`);
  return hi * 0x100000000 + view.getUint32(off, true);
}

function setU64(view: DataView, off: number, x: number): void {
  view.setUint32(off, x % 0x100000000, true);
  view.setUint32(off + 4, Math.floor(x / 0x100000000), true);
}

/**
 * Whether `bytes` start like an hnswlib file: a header whose sizes agree with each other and
 * with the file length. Cheap, and never throws.
 */
export function looksLikeHnswlib(bytes: Uint8Array): boolean {
  try {
    parseHnswlib(bytes, true);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parse an hnswlib file. Every header field is checked against the others and the file
 * length; every link count against its list's capacity and every id against n.
 * @param headerOnly - stop after checking the header and the total length.
 * @throws AnnlabError `CORRUPT_DATA` naming the first inconsistency.
 */
export function parseHnswlib(bytes: Uint8Array, headerOnly = false): HnswlibGraph {
  if (!(bytes instanceof Uint8Array)) {
    throw new AnnlabError('INVALID_PARAMETER', 'an hnswlib file must be given as a Uint8Array.');
  }
  if (bytes.length < HNSWLIB_HEADER_BYTES) corrupt(`${bytes.length} bytes is shorter than the ${HNSWLIB_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsetLevel0 = u64(view, 0, 'offsetLevel0_');
  const maxElements = u64(view, 8, 'max_elements_');
  const n = u64(view, 16, 'cur_element_count');
  const sizePer = u64(view, 24, 'size_data_per_element_');
  const labelOffset = u64(view, 32, 'label_offset_');
  const offsetData = u64(view, 40, 'offsetData_');
  const maxLevel = view.getInt32(48, true);
  const entryRaw = view.getUint32(52, true);
  const maxM = u64(view, 56, 'maxM_');
  const maxM0 = u64(view, 64, 'maxM0_');
  const M = u64(view, 72, 'M_');
  const mult = view.getFloat64(80, true);
  const efConstruction = u64(view, 88, 'ef_construction_');
  if (offsetLevel0 !== 0) corrupt(`offsetLevel0_ is ${offsetLevel0}, not 0`);
  if (maxM < 1 || maxM > 1 << 16 || maxM0 < 1 || maxM0 > 1 << 16)
    corrupt(`link capacities maxM_ = ${maxM}, maxM0_ = ${maxM0} are out of range`);
  if (M !== maxM) corrupt(`M_ = ${M} differs from maxM_ = ${maxM}`);
  if (offsetData !== 4 + 4 * maxM0) corrupt(`offsetData_ = ${offsetData} is not 4 + 4·maxM0_ = ${4 + 4 * maxM0}`);
  const dataSize = labelOffset - offsetData;
  if (dataSize < 4 || dataSize % 4 !== 0)
    corrupt(`the vector size label_offset_ − offsetData_ = ${dataSize} bytes is not a positive multiple of 4 (float32 components)`);
  if (sizePer !== labelOffset + 8) corrupt(`size_data_per_element_ = ${sizePer} is not label_offset_ + 8`);
  if (n > maxElements) corrupt(`cur_element_count ${n} exceeds max_elements_ ${maxElements}`);
  if (!(mult > 0) || !Number.isFinite(mult)) corrupt(`mult_ = ${mult} is not a positive number`);
  if (n === 0 ? maxLevel !== -1 : maxLevel < 0 || maxLevel > 255) corrupt(`maxlevel_ = ${maxLevel} does not fit ${n} elements`);
  const entryPoint = n === 0 ? -1 : entryRaw;
  if (n > 0 && entryPoint >= n) corrupt(`enterpoint_node_ ${entryRaw} is not one of the ${n} elements`);
  const level0Bytes = n * sizePer;
  if (HNSWLIB_HEADER_BYTES + level0Bytes + 4 * n > bytes.length)
    corrupt(`the file (${bytes.length} bytes) is shorter than its ${n} elements need`);
  const dim = dataSize / 4;
  const sizeLinks = 4 + 4 * maxM;
  // Walk the upper-level records once to size them and check the total length.
  const levels = new Uint8Array(n);
  let pos = HNSWLIB_HEADER_BYTES + level0Bytes;
  let upperInts = 0;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > bytes.length) corrupt(`element ${i}'s upper-level record runs past the end`);
    const size = view.getUint32(pos, true);
    pos += 4;
    if (size % sizeLinks !== 0) corrupt(`element ${i}'s upper-level record of ${size} bytes is not a whole number of levels`);
    const level = size / sizeLinks;
    if (level > maxLevel) corrupt(`element ${i} has level ${level} above maxlevel_ ${maxLevel}`);
    levels[i] = level;
    upperInts += size / 4;
    pos += size;
    if (pos > bytes.length) corrupt(`element ${i}'s upper-level record runs past the end`);
  }
  if (pos !== bytes.length) corrupt(`${bytes.length - pos} bytes follow the last element`);
  if (n > 0 && levels[entryPoint] !== maxLevel) corrupt(`the entry point's level ${levels[entryPoint]} is not maxlevel_ ${maxLevel}`);
  const empty = new Int32Array(0);
  const graph: HnswlibGraph = {
    dim,
    M: maxM,
    maxM0,
    mult,
    efConstruction,
    maxElements,
    maxLevel,
    entryPoint,
    vectors: new Float32Array(0),
    labels: new Float64Array(0),
    levels,
    deleted: new Uint8Array(n),
    links0: empty,
    upperLinks: empty,
    upperOffset: empty,
  };
  if (headerOnly) return graph;

  const stride0 = 1 + maxM0;
  const vectors = new Float32Array(n * dim);
  const labels = new Float64Array(n);
  const links0 = new Int32Array(n * stride0);
  const deleted = graph.deleted;
  for (let i = 0; i < n; i++) {
    const base = HNSWLIB_HEADER_BYTES + i * sizePer;
    const count = view.getUint16(base, true);
    const flags = view.getUint8(base + 2);
    if (count > maxM0) corrupt(`element ${i} has ${count} level-0 links, more than maxM0_ = ${maxM0}`);
    if ((flags & ~DELETE_MARK) !== 0 || view.getUint8(base + 3) !== 0) corrupt(`element ${i}'s level-0 link header has unknown flags`);
    deleted[i] = flags & DELETE_MARK;
    links0[i * stride0] = count;
    for (let j = 0; j < maxM0; j++) {
      const id = view.getUint32(base + 4 + 4 * j, true);
      if (j < count && id >= n) corrupt(`element ${i} links to ${id} on level 0, beyond the ${n} elements`);
      links0[i * stride0 + 1 + j] = id | 0;
    }
    for (let c = 0; c < dim; c++) {
      const v = view.getFloat32(base + offsetData + 4 * c, true);
      if (v - v !== 0) corrupt(`element ${i}'s vector holds ${v}`);
      vectors[i * dim + c] = v;
    }
    labels[i] = u64(view, base + labelOffset, 'a label');
  }
  const upperLinks = new Int32Array(upperInts);
  const upperOffset = new Int32Array(n).fill(-1);
  pos = HNSWLIB_HEADER_BYTES + level0Bytes;
  let used = 0;
  const strideU = 1 + maxM;
  for (let i = 0; i < n; i++) {
    pos += 4;
    const level = levels[i];
    if (level > 0) upperOffset[i] = used;
    for (let l = 0; l < level; l++) {
      const count = view.getUint32(pos, true);
      if (count > maxM) corrupt(`element ${i} has ${count} links on level ${l + 1}, more than maxM_ = ${maxM}`);
      upperLinks[used] = count;
      for (let j = 0; j < maxM; j++) {
        const id = view.getUint32(pos + 4 + 4 * j, true);
        if (j < count && id >= n) corrupt(`element ${i} links to ${id} on level ${l + 1}, beyond the ${n} elements`);
        upperLinks[used + 1 + j] = id | 0;
      }
      used += strideU;
      pos += 4 * strideU;
    }
  }
  return { ...graph, vectors, labels, links0, upperLinks, upperOffset };
}

/**
 * Write `g` as hnswlib's `saveIndex` would. `g.upperOffset[i]` locates element i's
 * `level × (1 + M)` upper ints in `g.upperLinks` (any order).
 */
export function writeHnswlib(g: HnswlibGraph): Uint8Array {
  const n = g.levels.length;
  const dim = g.dim;
  const offsetData = 4 + 4 * g.maxM0;
  const labelOffset = offsetData + 4 * dim;
  const sizePer = labelOffset + 8;
  const strideU = 1 + g.M;
  let upperBytes = 0;
  for (let i = 0; i < n; i++) upperBytes += 4 + g.levels[i] * strideU * 4;
  const out = new Uint8Array(HNSWLIB_HEADER_BYTES + n * sizePer + upperBytes);
  const view = new DataView(out.buffer);
  setU64(view, 0, 0);
  setU64(view, 8, Math.max(g.maxElements, n));
  setU64(view, 16, n);
  setU64(view, 24, sizePer);
  setU64(view, 32, labelOffset);
  setU64(view, 40, offsetData);
  view.setInt32(48, g.maxLevel, true);
  view.setUint32(52, g.entryPoint >>> 0, true);
  setU64(view, 56, g.M);
  setU64(view, 64, g.maxM0);
  setU64(view, 72, g.M);
  view.setFloat64(80, g.mult, true);
  setU64(view, 88, g.efConstruction);
  const stride0 = 1 + g.maxM0;
  for (let i = 0; i < n; i++) {
    const base = HNSWLIB_HEADER_BYTES + i * sizePer;
    view.setUint16(base, g.links0[i * stride0], true);
    view.setUint8(base + 2, g.deleted[i] !== 0 ? DELETE_MARK : 0);
    for (let j = 0; j < g.maxM0; j++) view.setUint32(base + 4 + 4 * j, g.links0[i * stride0 + 1 + j] >>> 0, true);
    for (let c = 0; c < dim; c++) view.setFloat32(base + offsetData + 4 * c, g.vectors[i * dim + c], true);
    setU64(view, base + labelOffset, g.labels[i]);
  }
  let pos = HNSWLIB_HEADER_BYTES + n * sizePer;
  for (let i = 0; i < n; i++) {
    const level = g.levels[i];
    view.setUint32(pos, level * strideU * 4, true);
    pos += 4;
    const start = g.upperOffset[i];
    for (let t = 0; t < level * strideU; t++) {
      view.setUint32(pos, g.upperLinks[start + t] >>> 0, true);
      pos += 4;
    }
  }
  return out;
}
