/**
 * FAISS index files as plain data: the object tree `faiss.write_index` writes for the index
 * types annlab has counterparts of, read from and written to bytes field by field in the
 * order of FAISS's `impl/index_write.cpp` / `index_read.cpp` (FAISS 1.7.x; the 1.8 files of
 * these types are the same). No search happens here; `annlab-layout.ts` translates this tree
 * to and from annlab's own files.
 *
 * The layouts, each introduced by a fourcc (`faiss-io.ts` has the primitives):
 *
 * ```
 * header (every index)  d:int, ntotal:idx_t, dummy:idx_t (1<<20), dummy:idx_t, is_trained:bool, metric_type:int
 * "IxF2" / "IxFI"       header (L2 / inner product), codes: size_t n·d, then n·d floats
 * "IwFl" IndexIVFFlat   header, nlist:size_t, nprobe:size_t, quantizer (a nested index),
 *                       direct map (type:char, vector<idx_t>), inverted lists
 * "IwPQ" IndexIVFPQ     the IVF header as above, by_residual:bool, code_size:size_t,
 *                       ProductQuantizer (d, M, nbits: size_t; centroids: vector<float>, layout
 *                       (M, ksub, dsub)), inverted lists
 * "ilar" ArrayInvertedLists  nlist:size_t, code_size:size_t, "full" + vector<size_t> sizes
 *                       (or "sprs" + vector<size_t> of (list, size) pairs), then per non-empty
 *                       list its codes (size·code_size bytes) and its ids (size idx_t)
 * "il00"                no inverted lists (every list empty)
 * "IxRF" IndexRefineFlat header, base index, refine index (an IndexFlat), k_factor:float
 * "IHNf" IndexHNSWFlat  header, HNSW (assign_probas: vector<double>, cum_nneighbor_per_level:
 *                       vector<int>, levels: vector<int> (level + 1 per node), offsets:
 *                       vector<size_t> (n + 1), neighbors: vector<int> (−1 = empty slot),
 *                       entry_point, max_level, efConstruction, efSearch, upper_beam: int),
 *                       storage (an IndexFlat)
 * "IxPT" IndexPreTransform  header, chain length:int, the transforms, the inner index
 * "Pcam" / "PcAm" PCAMatrix  eigen_power:float, (PcAm only: epsilon:float), random_rotation:bool,
 *                       balanced_bins:size_t, mean, eigenvalues, PCAMat: vector<float>, then the
 *                       LinearTransform (have_bias:bool, A: vector<float> d_out × d_in, b:
 *                       vector<float> d_out), then d_in:int, d_out:int, is_trained:bool
 * "VNrm" NormalizationTransform  norm:float, d_in, d_out, is_trained
 * ```
 *
 * Reading refuses any other fourcc with `WRONG_FORMAT` (a FAISS index type annlab cannot
 * hold), and inconsistent fields with `CORRUPT_DATA` naming them.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { FaissReader, FaissWriter, corruptFaiss, unsupportedFaiss } from './faiss-io.js';

/** FAISS's metric: `METRIC_L2` (squared L2, 1) or `METRIC_INNER_PRODUCT` (0). */
export type FaissMetric = 'l2' | 'ip';

/** The fields every FAISS index file starts with. */
export interface FaissHeader {
  /** Vector dimension `d`. */
  d: number;
  /** Number of stored vectors. */
  ntotal: number;
  /** Whether the index was trained. */
  isTrained: boolean;
  /** The metric. */
  metric: FaissMetric;
}

/** `IndexFlatL2` / `IndexFlatIP`. */
export interface FaissFlat extends FaissHeader {
  /** Discriminant. */
  kind: 'flat';
  /** The vectors, `ntotal × d` row-major. */
  vectors: Float32Array;
}

/** FAISS's `ArrayInvertedLists`, flattened: list l's entries follow list l − 1's. */
export interface FaissInvertedLists {
  /** Bytes per code. */
  codeSize: number;
  /** Entries per list, length nlist. */
  sizes: Int32Array;
  /** Ids in list order, length Σ sizes. */
  ids: Int32Array;
  /** Codes in list order, `Σ sizes × codeSize` bytes. */
  codes: Uint8Array;
}

/** The fields of every IVF index. */
export interface FaissIvf extends FaissHeader {
  /** Number of inverted lists. */
  nlist: number;
  /** Lists probed per query (a search-time setting FAISS stores in the file). */
  nprobe: number;
  /** The coarse quantizer (annlab: an `IndexFlat` over the centroids). */
  quantizer: FaissFlat;
  /** The inverted lists. */
  lists: FaissInvertedLists;
}

/** `IndexIVFFlat`: the lists' codes are the raw float vectors. */
export interface FaissIvfFlat extends FaissIvf {
  /** Discriminant. */
  kind: 'ivfflat';
}

/** FAISS's `ProductQuantizer`. */
export interface FaissPq {
  /** Sub-quantizers. */
  M: number;
  /** Bits per sub-code. */
  nbits: number;
  /** Codebooks, layout (M, ksub, dsub). */
  centroids: Float32Array;
}

/** `IndexIVFPQ`. */
export interface FaissIvfPq extends FaissIvf {
  /** Discriminant. */
  kind: 'ivfpq';
  /** Whether residuals to the coarse centroid are encoded. */
  byResidual: boolean;
  /** The product quantizer. */
  pq: FaissPq;
}

/** `IndexRefineFlat`: a base index re-ranked by exact distances to the vectors of `refine`. */
export interface FaissRefine extends FaissHeader {
  /** Discriminant. */
  kind: 'refine';
  /** The index searched first. */
  base: FaissIndex;
  /** The exact vectors, in id order. */
  refine: FaissFlat;
  /** Candidates fetched from `base`: k × kFactor. */
  kFactor: number;
}

/** `IndexHNSWFlat`: FAISS's `HNSW` struct and its flat storage. */
export interface FaissHnsw extends FaissHeader {
  /** Discriminant. */
  kind: 'hnsw';
  /** Probability of each top level, used for level draws. */
  assignProbas: Float64Array;
  /** Cumulative link slots per level: level l owns slots [cum[l], cum[l+1]) of a node's block. */
  cumNeighbors: Int32Array;
  /** Levels each node is on (its top level + 1), length ntotal. */
  levels: Int32Array;
  /** Start of each node's block in `neighbors`, length ntotal + 1. */
  offsets: Float64Array;
  /** All link slots; −1 marks an empty slot. */
  neighbors: Int32Array;
  /** Entry point (−1 when empty). */
  entryPoint: number;
  /** Top level (−1 when empty). */
  maxLevel: number;
  /** Build beam width. */
  efConstruction: number;
  /** Search beam width stored with the index. */
  efSearch: number;
  /** Beam on the upper levels (1: greedy). */
  upperBeam: number;
  /** The vectors. */
  storage: FaissFlat;
}

/** `PCAMatrix` (a `LinearTransform`: y = A x + b). */
export interface FaissPca {
  /** Discriminant. */
  kind: 'pca';
  /** Input dimension. */
  dIn: number;
  /** Output dimension. */
  dOut: number;
  /** Whether trained. */
  isTrained: boolean;
  /** Whitening exponent (0: none, −0.5: whitening). */
  eigenPower: number;
  /** Added to eigenvalues before whitening (written only in the "PcAm" variant). */
  epsilon: number;
  /** Whether a random rotation follows the PCA. */
  randomRotation: boolean;
  /** Balanced bins (0: none). */
  balancedBins: number;
  /** Data mean, length dIn. */
  mean: Float32Array;
  /** Eigenvalues, in decreasing order. */
  eigenvalues: Float32Array;
  /** The principal directions, one per row of dIn values. */
  pcaMat: Float32Array;
  /** Whether `b` is used. */
  haveBias: boolean;
  /** The applied matrix, dOut × dIn row-major. */
  A: Float32Array;
  /** The applied bias, length dOut. */
  b: Float32Array;
}

/** `NormalizationTransform` (L2 normalisation when norm = 2). */
export interface FaissNormalize {
  /** Discriminant. */
  kind: 'normalize';
  /** Dimension (in = out). */
  d: number;
  /** The norm normalised to. */
  norm: number;
}

/** A vector transform in a pre-transform chain. */
export type FaissTransform = FaissPca | FaissNormalize;

/** `IndexPreTransform`: transforms, then the inner index. */
export interface FaissPreTransform extends FaissHeader {
  /** Discriminant. */
  kind: 'pretransform';
  /** The transforms, applied in order. */
  chain: FaissTransform[];
  /** The index over the transformed vectors. */
  index: FaissIndex;
}

/** Every FAISS index type annlab reads and writes. */
export type FaissIndex = FaissFlat | FaissIvfFlat | FaissIvfPq | FaissRefine | FaissHnsw | FaissPreTransform;

/** The four bytes FAISS's `write_index_header` writes as its two "dummy" fields (1 << 20). */
const DUMMY = 1 << 20;
/** Deepest nesting read (a refine around a pre-transform around an IVF with its quantizer). */
const MAX_DEPTH = 8;
/** Fourccs of the index types read here. */
export const FAISS_INDEX_FOURCCS: readonly string[] = ['IxF2', 'IxFI', 'IwFl', 'IwPQ', 'IxRF', 'IHNf', 'IxPT'];

/** True when `bytes` start like a FAISS index of a type annlab reads. */
export function looksLikeFaiss(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const s = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  return FAISS_INDEX_FOURCCS.includes(s);
}

/** Parse a whole FAISS file. */
export function readFaissFile(bytes: Uint8Array): FaissIndex {
  if (!(bytes instanceof Uint8Array)) {
    throw new AnnlabError('INVALID_PARAMETER', 'a FAISS index file is read from a Uint8Array (e.g. fs.readFileSync(path)).');
  }
  const r = new FaissReader(bytes);
  const index = readIndex(r, 0, true);
  r.finish();
  return index;
}

/** Write a FAISS index tree as the bytes `faiss.write_index` would write. */
export function writeFaissFile(index: FaissIndex): Uint8Array {
  const w = new FaissWriter();
  writeIndex(w, index);
  return w.finish();
}

function readHeader(r: FaissReader): FaissHeader {
  const d = r.i32('d');
  if (d < 1 || d > 1 << 20) throw corruptFaiss(`d is ${d}, outside [1, 2^20]`);
  const ntotal = r.i64('ntotal');
  r.i64('header dummy', 2 ** 53);
  r.i64('header dummy', 2 ** 53);
  const isTrained = r.bool('is_trained');
  const mt = r.i32('metric_type');
  if (mt !== 0 && mt !== 1) {
    throw unsupportedFaiss(
      `metric_type ${mt} is not L2 (1) or inner product (0); annlab searches by euclidean, cosine or inner-product only.`,
    );
  }
  return { d, ntotal, isTrained, metric: mt === 1 ? 'l2' : 'ip' };
}

function writeHeader(w: FaissWriter, h: FaissHeader): void {
  w.i32(h.d)
    .i64(h.ntotal)
    .i64(DUMMY)
    .i64(DUMMY)
    .u8(h.isTrained ? 1 : 0)
    .i32(h.metric === 'l2' ? 1 : 0);
}

function readIndex(r: FaissReader, depth: number, top: boolean): FaissIndex {
  if (depth > MAX_DEPTH) throw corruptFaiss(`indexes are nested more than ${MAX_DEPTH} deep`);
  const at = r.pos;
  const h = r.fourcc('index fourcc');
  switch (h) {
    case 'IxF2':
    case 'IxFI':
      return readFlatBody(r, h);
    case 'IwFl':
    case 'IwPQ':
      return readIvf(r, h, depth);
    case 'IxRF': {
      const hd = readHeader(r);
      const base = readIndex(r, depth + 1, false);
      const refine = readIndex(r, depth + 1, false);
      if (refine.kind !== 'flat') throw unsupportedFaiss(`the refine index of an IndexRefine is ${refine.kind}, not an IndexFlat.`);
      const kFactor = r.f32('k_factor');
      if (!(kFactor >= 1 && kFactor <= 1 << 16)) throw corruptFaiss(`k_factor is ${kFactor}, outside [1, 65536]`);
      if (base.ntotal !== hd.ntotal || refine.ntotal !== hd.ntotal || base.d !== hd.d || refine.d !== hd.d) {
        throw corruptFaiss('the base and refine indexes of an IndexRefine differ in size or dimension');
      }
      return { kind: 'refine', ...hd, base, refine, kFactor };
    }
    case 'IHNf':
      return readHnsw(r, depth);
    case 'IxPT':
      return readPreTransform(r, depth);
    default: {
      const known = FAISS_INDEX_FOURCCS.join(', ');
      const lead = top ? 'not a FAISS index of a type annlab reads' : 'a nested FAISS index of a type annlab does not read';
      throw new AnnlabError(
        'WRONG_FORMAT',
        `${lead}: fourcc "${h}" at offset ${at} (annlab reads ${known}: IndexFlat, IndexIVFFlat, IndexIVFPQ, IndexRefineFlat, IndexHNSWFlat, IndexPreTransform).`,
      );
    }
  }
}

function readFlatBody(r: FaissReader, h: string): FaissFlat {
  const hd = readHeader(r);
  if ((h === 'IxF2') !== (hd.metric === 'l2')) throw corruptFaiss(`an ${h} index has metric_type ${hd.metric === 'l2' ? 1 : 0}`);
  const vectors = r.f32vector('IndexFlat codes', hd.ntotal * hd.d);
  return { kind: 'flat', ...hd, vectors };
}

function writeFlat(w: FaissWriter, f: FaissFlat): void {
  w.fourcc(f.metric === 'l2' ? 'IxF2' : 'IxFI');
  writeHeader(w, f);
  w.f32vector(f.vectors);
}

function readIvf(r: FaissReader, h: string, depth: number): FaissIvfFlat | FaissIvfPq {
  const hd = readHeader(r);
  const nlist = r.i64('nlist', 1 << 24);
  if (nlist < 1) throw corruptFaiss('nlist is 0');
  const nprobe = r.i64('nprobe', 1 << 24);
  const q = readIndex(r, depth + 1, false);
  if (q.kind !== 'flat') {
    throw unsupportedFaiss(`the coarse quantizer is ${q.kind}; annlab's IVF indexes search their centroids exactly (an IndexFlat).`);
  }
  if (q.d !== hd.d || q.ntotal !== nlist || q.metric !== hd.metric) {
    throw corruptFaiss(
      `the coarse quantizer holds ${q.ntotal} centroids of dim ${q.d} (${q.metric}) for nlist = ${nlist}, d = ${hd.d} (${hd.metric})`,
    );
  }
  skipDirectMap(r);
  if (h === 'IwFl') {
    const lists = readInvertedLists(r, nlist, 4 * hd.d);
    return { kind: 'ivfflat', ...hd, nlist, nprobe, quantizer: q, lists };
  }
  const byResidual = r.bool('by_residual');
  const codeSize = r.i64('code_size', 1 << 16);
  const pqD = r.i64('pq.d', 1 << 20);
  const M = r.i64('pq.M', 1 << 16);
  const nbits = r.i64('pq.nbits', 64);
  if (pqD !== hd.d || M < 1 || hd.d % M !== 0)
    throw corruptFaiss(`the product quantizer has d = ${pqD}, M = ${M} for an index of d = ${hd.d}`);
  if (nbits < 1 || nbits > 8)
    throw unsupportedFaiss(`the product quantizer has nbits = ${nbits}; annlab's holds 1 to 8 bits per sub-code.`);
  if (codeSize !== Math.ceil((M * nbits) / 8))
    throw corruptFaiss(`code_size is ${codeSize}, but M = ${M} codes of ${nbits} bits take ${Math.ceil((M * nbits) / 8)} bytes`);
  const centroids = r.f32vector('pq.centroids', (1 << nbits) * hd.d);
  const lists = readInvertedLists(r, nlist, codeSize);
  return { kind: 'ivfpq', ...hd, nlist, nprobe, quantizer: q, lists, byResidual, pq: { M, nbits, centroids } };
}

function skipDirectMap(r: FaissReader): void {
  const type = r.u8('direct_map type');
  if (type > 2) throw corruptFaiss(`direct_map type is ${type}, not 0, 1 or 2`);
  r.i64vector('direct_map array', 2 ** 53);
  if (type === 2) {
    // A hash table of (id, list entry) pairs: derived data annlab does not keep.
    const n = r.i64('direct_map hash table length');
    r.i64array(2 * n, 'direct_map hash table', 2 ** 53);
  }
}

function writeIvfHeader(w: FaissWriter, ivf: FaissIvf): void {
  writeHeader(w, ivf);
  w.i64(ivf.nlist).i64(ivf.nprobe);
  writeFlat(w, ivf.quantizer);
  w.u8(0).i64(0); // no direct map
}

function readInvertedLists(r: FaissReader, nlist: number, codeSize: number): FaissInvertedLists {
  const h = r.fourcc('inverted lists fourcc');
  const sizes = new Int32Array(nlist);
  if (h === 'il00') return { codeSize, sizes, ids: new Int32Array(0), codes: new Uint8Array(0) };
  if (h !== 'ilar') throw unsupportedFaiss(`inverted lists of type "${h}" (on-disk or other); annlab reads in-memory lists ("ilar") only.`);
  const nl = r.i64('invlists nlist', 1 << 24);
  const cs = r.i64('invlists code_size', 1 << 24);
  if (nl !== nlist || cs !== codeSize)
    throw corruptFaiss(`the inverted lists have nlist = ${nl}, code_size = ${cs} where ${nlist}, ${codeSize} were expected`);
  const type = r.fourcc('inverted lists layout');
  if (type === 'full') {
    const s = r.i64vector('list sizes', 2 ** 31 - 1, nlist);
    for (let l = 0; l < nlist; l++) sizes[l] = s[l];
  } else if (type === 'sprs') {
    const s = r.i64vector('sparse list sizes');
    if (s.length % 2 !== 0) throw corruptFaiss('the sparse list sizes are not (list, size) pairs');
    for (let i = 0; i < s.length; i += 2) {
      if (s[i] >= nlist) throw corruptFaiss(`sparse list sizes name list ${s[i]} of ${nlist}`);
      sizes[s[i]] = s[i + 1];
    }
  } else {
    throw corruptFaiss(`inverted lists layout "${type}" is neither "full" nor "sprs"`);
  }
  let total = 0;
  for (let l = 0; l < nlist; l++) total += sizes[l];
  if (total * (codeSize + 8) > r.remaining) throw corruptFaiss(`the inverted lists claim ${total} entries, more than the file holds`);
  const ids = new Int32Array(total);
  const codes = new Uint8Array(total * codeSize);
  let at = 0;
  for (let l = 0; l < nlist; l++) {
    const n = sizes[l];
    if (n === 0) continue;
    codes.set(r.bytesRaw(n * codeSize, `codes of list ${l}`), at * codeSize);
    const listIds = r.i64array(n, `ids of list ${l}`);
    for (let i = 0; i < n; i++) ids[at + i] = listIds[i];
    at += n;
  }
  return { codeSize, sizes, ids, codes };
}

function writeInvertedLists(w: FaissWriter, nlist: number, lists: FaissInvertedLists): void {
  w.fourcc('ilar').i64(nlist).i64(lists.codeSize);
  let nonEmpty = 0;
  for (let l = 0; l < nlist; l++) if (lists.sizes[l] > 0) nonEmpty++;
  // FAISS's own choice between the two layouts, so the bytes match what it would write.
  if (nonEmpty > Math.floor(nlist / 2)) {
    w.fourcc('full').i64vector(lists.sizes);
  } else {
    const pairs: number[] = [];
    for (let l = 0; l < nlist; l++) if (lists.sizes[l] > 0) pairs.push(l, lists.sizes[l]);
    w.fourcc('sprs').i64vector(pairs);
  }
  const cs = lists.codeSize;
  let at = 0;
  for (let l = 0; l < nlist; l++) {
    const n = lists.sizes[l];
    if (n === 0) continue;
    w.bytesRaw(lists.codes.subarray(at * cs, (at + n) * cs));
    for (let i = 0; i < n; i++) w.i64(lists.ids[at + i]);
    at += n;
  }
}

function readHnsw(r: FaissReader, depth: number): FaissHnsw {
  const hd = readHeader(r);
  const assignProbas = r.f64vector('assign_probas');
  const cumNeighbors = r.i32vector('cum_nneighbor_per_level');
  const levels = r.i32vector('levels', hd.ntotal);
  const offsets = r.i64vector('offsets', 2 ** 31 - 1, hd.ntotal + 1);
  const neighbors = r.i32vector('neighbors');
  const entryPoint = r.i32('entry_point');
  const maxLevel = r.i32('max_level');
  const efConstruction = r.i32('efConstruction');
  const efSearch = r.i32('efSearch');
  const upperBeam = r.i32('upper_beam');
  const storage = readIndex(r, depth + 1, false);
  if (storage.kind !== 'flat')
    throw unsupportedFaiss(`the HNSW storage is ${storage.kind}; annlab reads IndexHNSWFlat (flat storage) only.`);
  if (storage.d !== hd.d || storage.ntotal !== hd.ntotal || storage.metric !== hd.metric) {
    throw corruptFaiss('the HNSW storage differs from the index in size, dimension or metric');
  }
  return {
    kind: 'hnsw',
    ...hd,
    assignProbas,
    cumNeighbors,
    levels,
    offsets,
    neighbors,
    entryPoint,
    maxLevel,
    efConstruction,
    efSearch,
    upperBeam,
    storage,
  };
}

function writeHnsw(w: FaissWriter, x: FaissHnsw): void {
  w.fourcc('IHNf');
  writeHeader(w, x);
  w.f64vector(x.assignProbas).i32vector(x.cumNeighbors).i32vector(x.levels).i64vector(x.offsets).i32vector(x.neighbors);
  w.i32(x.entryPoint).i32(x.maxLevel).i32(x.efConstruction).i32(x.efSearch).i32(x.upperBeam);
  writeFlat(w, x.storage);
}

function readPreTransform(r: FaissReader, depth: number): FaissPreTransform {
  const hd = readHeader(r);
  const nt = r.i32('chain length');
  if (nt < 0 || nt > 16) throw corruptFaiss(`the transform chain has ${nt} entries`);
  const chain: FaissTransform[] = [];
  for (let i = 0; i < nt; i++) chain.push(readTransform(r));
  const index = readIndex(r, depth + 1, false);
  return { kind: 'pretransform', ...hd, chain, index };
}

function readTransform(r: FaissReader): FaissTransform {
  const h = r.fourcc('vector transform fourcc');
  if (h === 'VNrm') {
    const norm = r.f32('norm');
    const dIn = r.i32('d_in');
    const dOut = r.i32('d_out');
    r.bool('is_trained');
    if (dIn !== dOut || dIn < 1) throw corruptFaiss(`a NormalizationTransform maps ${dIn} to ${dOut} dimensions`);
    return { kind: 'normalize', d: dIn, norm };
  }
  if (h !== 'Pcam' && h !== 'PcAm') {
    throw unsupportedFaiss(`vector transform "${h}"; annlab reads PCAMatrix ("Pcam"/"PcAm") and NormalizationTransform ("VNrm").`);
  }
  const eigenPower = r.f32('eigen_power');
  const epsilon = h === 'PcAm' ? r.f32('epsilon') : 0;
  const randomRotation = r.bool('random_rotation');
  const balancedBins = r.i64('balanced_bins');
  const mean = r.f32vector('PCA mean');
  const eigenvalues = r.f32vector('PCA eigenvalues');
  const pcaMat = r.f32vector('PCAMat');
  const haveBias = r.bool('have_bias');
  const A = r.f32vector('A');
  const b = r.f32vector('b');
  const dIn = r.i32('d_in');
  const dOut = r.i32('d_out');
  const isTrained = r.bool('is_trained');
  if (dIn < 1 || dOut < 1 || dOut > dIn) throw corruptFaiss(`a PCAMatrix maps ${dIn} to ${dOut} dimensions`);
  if (isTrained && (A.length !== dIn * dOut || mean.length !== dIn || (haveBias && b.length !== dOut))) {
    throw corruptFaiss(`a trained PCAMatrix (${dIn} → ${dOut}) holds A of ${A.length}, mean of ${mean.length}, b of ${b.length} values`);
  }
  return {
    kind: 'pca',
    dIn,
    dOut,
    isTrained,
    eigenPower,
    epsilon,
    randomRotation,
    balancedBins,
    mean,
    eigenvalues,
    pcaMat,
    haveBias,
    A,
    b,
  };
}

function writeTransform(w: FaissWriter, t: FaissTransform): void {
  if (t.kind === 'normalize') {
    w.fourcc('VNrm').f32(t.norm).i32(t.d).i32(t.d).u8(1);
    return;
  }
  // "Pcam" (no epsilon) is the variant every FAISS from 1.5 to today reads.
  w.fourcc('Pcam')
    .f32(t.eigenPower)
    .u8(t.randomRotation ? 1 : 0)
    .i64(t.balancedBins);
  w.f32vector(t.mean).f32vector(t.eigenvalues).f32vector(t.pcaMat);
  w.u8(t.haveBias ? 1 : 0)
    .f32vector(t.A)
    .f32vector(t.b);
  w.i32(t.dIn)
    .i32(t.dOut)
    .u8(t.isTrained ? 1 : 0);
}

function writeIndex(w: FaissWriter, x: FaissIndex): void {
  switch (x.kind) {
    case 'flat':
      writeFlat(w, x);
      return;
    case 'ivfflat':
      w.fourcc('IwFl');
      writeIvfHeader(w, x);
      writeInvertedLists(w, x.nlist, x.lists);
      return;
    case 'ivfpq':
      w.fourcc('IwPQ');
      writeIvfHeader(w, x);
      w.u8(x.byResidual ? 1 : 0).i64(x.lists.codeSize);
      w.i64(x.d).i64(x.pq.M).i64(x.pq.nbits).f32vector(x.pq.centroids);
      writeInvertedLists(w, x.nlist, x.lists);
      return;
    case 'refine':
      w.fourcc('IxRF');
      writeHeader(w, x);
      writeIndex(w, x.base);
      writeFlat(w, x.refine);
      w.f32(x.kFactor);
      return;
    case 'hnsw':
      writeHnsw(w, x);
      return;
    case 'pretransform':
      w.fourcc('IxPT');
      writeHeader(w, x);
      w.i32(x.chain.length);
      for (const t of x.chain) writeTransform(w, t);
      writeIndex(w, x.index);
      return;
  }
}
