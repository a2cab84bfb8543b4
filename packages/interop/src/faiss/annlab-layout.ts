/**
 * annlab's own file layouts on one side, FAISS's index tree (`faiss-format.ts`) on the
 * other: the one place that knows both. Export reads an index's `serialize()` bytes with
 * core's `BinaryReader` in that index's layout and builds the FAISS tree; import builds
 * annlab bytes with `BinaryWriter` in the same layout and lets the index class's own
 * `deserialize` validate every field, so a bad translation is refused, never half-loaded.
 * The round-trip tests (annlab → FAISS → annlab) fail here first when a layout changes.
 *
 * Layouts read and written (each after core's header, tag and format version):
 *
 * | tag                | version | body |
 * |--------------------|---------|------|
 * | `flat`             | 1 | json {dim, metric}; f32 vectors |
 * | `ivfflat`          | 1, 2 | json {dim, metric, seed, nlist, niter, init, maxPointsPerCentroid, trained, encoding (2)}; f32 centroids; i32 listOffsets; i32 listIds; f32 list vectors; with an sq encoding (2, read and skipped): u8 quantizer, u8 codes |
 * | `ivfpq`            | 1 | json {…, m, nbits, pqNiter, byResidual, keepVectors, precomputedTableMaxBytes, trained}; f32 centroids; f32 pq centroids (m, ksub, dsub); i32 listOffsets; i32 listIds; u8 codes (one byte per sub-code); f32 kept vectors |
 * | `hnsw`             | 2, 3 | json {dim, metric, M, efConstruction, seed, neighborSelection, rng, entryPoint, maxLevel, live, linkedDeletes, quantizer (3)}; f32 vectors; u8 levels; u8 deleted; i32 links0 (n × (1 + 2M)); i32 upperOffset; i32 upperLinks; with a quantizer (3, read and skipped): u8 quantizer, u8 codes |
 *
 * Files are written in the lowest version that holds them (ivfflat 1, hnsw 2), which the
 * indexes still load.
 * | `pca`              | 1 | json {dim, components, whiten, solver, seed, …, totalVariance}; f64 mean; f64 components (rows); f64 eigenvalues |
 * | `pca-pretransform` | 1 | json {dim, metric, seed, components, keepVectors}; u8 PCA file; u8 inner file; f32 kept vectors |
 *
 * How annlab's metrics map: `euclidean` ↔ `METRIC_L2` (FAISS reports squared L2, annlab the
 * L2 distance); `inner-product` ↔ `METRIC_INNER_PRODUCT` (FAISS reports ⟨q, x⟩, annlab
 * −⟨q, x⟩); `cosine` is written as `METRIC_INNER_PRODUCT` over the unit vectors annlab
 * stores (for a PCA pre-transform: a `NormalizationTransform` before the PCA). FAISS then
 * ranks by ⟨q, x̂⟩, which orders exactly as cosine for any query (scaling the query scales
 * every score alike), so ids agree; its distances are ⟨q, x̂⟩, not 1 − cos. Reading, a FAISS
 * inner-product index becomes `inner-product` unless the caller asks for `cosine` and every
 * stored vector is unit length.
 *
 * @module
 */
import { AnnlabError, BinaryReader, BinaryWriter, Rng, type Metric } from '@annlab/core';
import { corruptFaiss, unsupportedFaiss } from './faiss-io.js';
import type {
  FaissFlat,
  FaissHnsw,
  FaissIndex,
  FaissInvertedLists,
  FaissIvfFlat,
  FaissIvfPq,
  FaissMetric,
  FaissPca,
  FaissPreTransform,
  FaissTransform,
} from './faiss-format.js';

/** Search settings FAISS stores in its files (and annlab passes per search). */
export interface FaissSearchSettings {
  /** IVF lists probed per query (FAISS `nprobe`). */
  nprobe?: number;
  /** HNSW beam width (FAISS `efSearch`). */
  efSearch?: number;
  /** Re-rank factor (FAISS `IndexRefineFlat.k_factor`). */
  rerank?: number;
}

/** What export needs beyond the index: the search settings FAISS keeps in the file. */
export interface ToFaissSettings {
  /** Written as the IVF `nprobe`. */
  nprobe: number;
  /** Written as the HNSW `efSearch`. */
  efSearch: number;
  /** When set, kept vectors are written as an `IndexRefineFlat` with this `k_factor`. */
  rerank: number | undefined;
}

/** What import needs: the metric to read an inner-product file as, and the seed to record. */
export interface FromFaissSettings {
  /** `'cosine'` to read unit-vector inner-product data as cosine; otherwise the file's metric. */
  metric: Metric | undefined;
  /** Seed recorded in the annlab index (used only by later builds, e.g. HNSW level draws). */
  seed: number;
}

/** Refusal for something an annlab index holds that FAISS's format cannot carry. */
function cannotCarry(what: string): AnnlabError {
  return new AnnlabError('UNSUPPORTED_OPERATION', `cannot export to FAISS: ${what}`);
}

function faissMetric(metric: Metric): FaissMetric {
  return metric === 'euclidean' ? 'l2' : 'ip';
}

function flat(d: number, metric: FaissMetric, vectors: Float32Array): FaissFlat {
  return { kind: 'flat', d, ntotal: vectors.length / d, isTrained: true, metric, vectors };
}

function paramsOf(r: BinaryReader): Record<string, unknown> {
  const p = r.json<unknown>();
  if (p === null || typeof p !== 'object' || Array.isArray(p))
    throw new AnnlabError('CORRUPT_DATA', 'annlab file has no parameter record.');
  return p as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// Export: annlab bytes → FAISS tree
// ---------------------------------------------------------------------------------------

/** Translate an annlab file (any supported tag, nested pre-transforms included) to a FAISS tree. */
export function annlabToFaiss(bytes: Uint8Array, s: ToFaissSettings): FaissIndex {
  const tag = BinaryReader.peekHeader(bytes).tag;
  switch (tag) {
    case 'flat':
      return flatToFaiss(bytes);
    case 'ivfflat':
      return ivfFlatToFaiss(bytes, s);
    case 'ivfpq':
      return ivfPqToFaiss(bytes, s);
    case 'hnsw':
      return hnswToFaiss(bytes, s);
    case 'pca-pretransform':
      return preTransformToFaiss(bytes, s);
    default:
      throw cannotCarry(
        `a '${tag}' index has no FAISS counterpart annlab writes (supported: flat, ivfflat, ivfpq, hnsw, pca-pretransform).`,
      );
  }
}

function flatToFaiss(bytes: Uint8Array): FaissFlat {
  const r = BinaryReader.open(bytes, 'flat');
  r.expectVersion(1);
  const p = paramsOf(r);
  const vectors = r.f32array();
  r.finish();
  return flat(p.dim as number, faissMetric(p.metric as Metric), Float32Array.from(vectors));
}

/** The FAISS lists of an annlab CSR layout: sizes from the offsets, codes as given. */
function listsOf(offsets: Int32Array, nlist: number, ids: Int32Array, codes: Uint8Array, codeSize: number): FaissInvertedLists {
  const sizes = new Int32Array(nlist);
  for (let l = 0; l < nlist; l++) sizes[l] = offsets[l + 1] - offsets[l];
  return { codeSize, sizes, ids: Int32Array.from(ids), codes };
}

function ivfFlatToFaiss(bytes: Uint8Array, s: ToFaissSettings): FaissIvfFlat {
  const r = BinaryReader.open(bytes, 'ivfflat');
  const version = r.expectVersion(1, 2);
  const p = paramsOf(r);
  const centroids = r.f32array();
  const offsets = r.i32array();
  const ids = r.i32array();
  const vectors = r.f32array();
  // Format 2 may add a scalar quantizer and codes (encoding 'sq8' | 'sq4'); the lists keep
  // their float32 vectors beside them, and those are what FAISS's IVF-Flat stores.
  if (version === 2 && p.encoding !== 'float32') {
    r.u8array();
    r.u8array();
  }
  r.finish();
  if (p.trained !== true) throw cannotCarry('the IVF-Flat index is not trained; train it (or add vectors) first.');
  const d = p.dim as number;
  const nlist = p.nlist as number;
  const metric = faissMetric(p.metric as Metric);
  const codes = new Uint8Array(Float32Array.from(vectors).buffer);
  return {
    kind: 'ivfflat',
    d,
    ntotal: ids.length,
    isTrained: true,
    metric,
    nlist,
    nprobe: Math.min(s.nprobe, nlist),
    quantizer: flat(d, metric, Float32Array.from(centroids)),
    lists: listsOf(offsets, nlist, ids, codes, 4 * d),
  };
}

/** FAISS's bit packing of PQ codes (`PQEncoderGeneric`): sub-code j in bits [j·nbits, (j+1)·nbits), LSB first. */
export function packCodes(codes: Uint8Array, n: number, m: number, nbits: number): Uint8Array {
  const codeSize = Math.ceil((m * nbits) / 8);
  if (nbits === 8) return codes.slice(0, n * m);
  const out = new Uint8Array(n * codeSize);
  for (let i = 0; i < n; i++) {
    const o = i * codeSize;
    for (let j = 0; j < m; j++) {
      const c = codes[i * m + j];
      for (let b = 0; b < nbits; b++) {
        if ((c >> b) & 1) {
          const bit = j * nbits + b;
          out[o + (bit >> 3)] |= 1 << (bit & 7);
        }
      }
    }
  }
  return out;
}

/** The inverse of {@link packCodes}: one byte per sub-code. */
export function unpackCodes(packed: Uint8Array, n: number, m: number, nbits: number): Uint8Array {
  const codeSize = Math.ceil((m * nbits) / 8);
  if (nbits === 8) return packed.slice(0, n * m);
  const out = new Uint8Array(n * m);
  for (let i = 0; i < n; i++) {
    const o = i * codeSize;
    for (let j = 0; j < m; j++) {
      let c = 0;
      for (let b = 0; b < nbits; b++) {
        const bit = j * nbits + b;
        c |= ((packed[o + (bit >> 3)] >> (bit & 7)) & 1) << b;
      }
      out[i * m + j] = c;
    }
  }
  return out;
}

function ivfPqToFaiss(bytes: Uint8Array, s: ToFaissSettings): FaissIndex {
  const r = BinaryReader.open(bytes, 'ivfpq');
  r.expectVersion(1);
  const p = paramsOf(r);
  const centroids = r.f32array();
  const pqCentroids = r.f32array();
  const offsets = r.i32array();
  const ids = r.i32array();
  const codes = r.u8array();
  const vectors = r.f32array();
  r.finish();
  if (p.trained !== true) throw cannotCarry('the IVF-PQ index is not trained; train it (or add vectors) first.');
  const d = p.dim as number;
  const nlist = p.nlist as number;
  const m = p.m as number;
  const nbits = p.nbits as number;
  const metric = faissMetric(p.metric as Metric);
  const n = ids.length;
  const ivfpq: FaissIvfPq = {
    kind: 'ivfpq',
    d,
    ntotal: n,
    isTrained: true,
    metric,
    nlist,
    nprobe: Math.min(s.nprobe, nlist),
    quantizer: flat(d, metric, Float32Array.from(centroids)),
    lists: listsOf(offsets, nlist, ids, packCodes(codes, n, m, nbits), Math.ceil((m * nbits) / 8)),
    byResidual: p.byResidual === true,
    pq: { M: m, nbits, centroids: Float32Array.from(pqCentroids) },
  };
  return withRefine(ivfpq, p.keepVectors === true, vectors, d, metric, s, 'IVF-PQ');
}

/**
 * Kept vectors for exact re-ranking become FAISS's `IndexRefineFlat` around `base` when the
 * caller names a re-rank factor; a file without them would silently drop data, so that
 * needs an explicit `rerank: 0`.
 */
function withRefine(
  base: FaissIndex,
  keepVectors: boolean,
  vectors: Float32Array,
  d: number,
  metric: FaissMetric,
  s: ToFaissSettings,
  what: string,
): FaissIndex {
  if (!keepVectors) {
    if (s.rerank !== undefined && s.rerank > 0) {
      throw cannotCarry(`rerank ${s.rerank} needs the full vectors, but this ${what} index was built without keepVectors.`);
    }
    return base;
  }
  if (s.rerank === undefined) {
    throw cannotCarry(
      `this ${what} index keeps its full vectors for re-ranking: pass rerank ≥ 1 to write them as an IndexRefineFlat with that k_factor, or rerank: 0 to write the index without them.`,
    );
  }
  if (s.rerank === 0) return base;
  const refine = flat(d, metric, Float32Array.from(vectors));
  return { kind: 'refine', d, ntotal: base.ntotal, isTrained: true, metric, base, refine, kFactor: s.rerank };
}

/** FAISS's `HNSW::set_default_probas(M, 1/ln M)`, extended to at least `levels` levels. */
function defaultProbas(M: number, levels: number): { assignProbas: Float64Array; cum: Int32Array } {
  const mL = 1 / Math.log(M);
  const probas: number[] = [];
  const cum: number[] = [0];
  let nn = 0;
  for (let level = 0; ; level++) {
    const proba = Math.exp(-level / mL) * (1 - Math.exp(-1 / mL));
    if (proba < 1e-9 && level >= levels) break;
    probas.push(proba);
    nn += level === 0 ? 2 * M : M;
    cum.push(nn);
  }
  return { assignProbas: Float64Array.from(probas), cum: Int32Array.from(cum) };
}

function hnswToFaiss(bytes: Uint8Array, s: ToFaissSettings): FaissHnsw {
  const r = BinaryReader.open(bytes, 'hnsw');
  const version = r.expectVersion(2, 3);
  const p = paramsOf(r);
  const vectors = r.f32array();
  const d = p.dim as number;
  const n = vectors.length / d;
  const levels = r.u8array(n);
  const deleted = r.u8array(n);
  const M = p.M as number;
  const stride0 = 1 + 2 * M;
  const strideU = 1 + M;
  const links0 = r.i32array(n * stride0);
  const upperOffset = r.i32array(n);
  const upperLinks = r.i32array();
  // Format 3 may add a scalar quantizer and codes; FAISS's IndexHNSWFlat keeps the float32 graph only.
  if (version === 3 && p.quantizer !== 'none') {
    r.u8array();
    r.u8array();
  }
  r.finish();
  let dead = 0;
  for (let i = 0; i < n; i++) dead += deleted[i];
  if (dead > 0) {
    throw cannotCarry(
      `the HNSW index has ${dead} deleted ids; FAISS's IndexHNSWFlat has no deletions. Rebuild without them (or compact and re-add) before exporting.`,
    );
  }
  const metric = faissMetric(p.metric as Metric);
  const maxLevel = p.maxLevel as number;
  const { assignProbas, cum } = defaultProbas(M, maxLevel + 1);
  const flevels = new Int32Array(n);
  const offsets = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    flevels[i] = levels[i] + 1;
    offsets[i + 1] = offsets[i] + cum[levels[i] + 1];
  }
  const neighbors = new Int32Array(offsets[n]).fill(-1);
  for (let i = 0; i < n; i++) {
    const o = offsets[i];
    const c0 = links0[i * stride0];
    for (let j = 0; j < c0; j++) neighbors[o + j] = links0[i * stride0 + 1 + j];
    for (let l = 1; l <= levels[i]; l++) {
      const b = upperOffset[i] + (l - 1) * strideU;
      const cnt = upperLinks[b];
      for (let j = 0; j < cnt; j++) neighbors[o + cum[l] + j] = upperLinks[b + 1 + j];
    }
  }
  return {
    kind: 'hnsw',
    d,
    ntotal: n,
    isTrained: true,
    metric,
    assignProbas,
    cumNeighbors: cum,
    levels: flevels,
    offsets,
    neighbors,
    entryPoint: p.entryPoint as number,
    maxLevel,
    efConstruction: p.efConstruction as number,
    efSearch: s.efSearch,
    upperBeam: 1,
    storage: flat(d, metric, Float32Array.from(vectors)),
  };
}

function preTransformToFaiss(bytes: Uint8Array, s: ToFaissSettings): FaissIndex {
  const r = BinaryReader.open(bytes, 'pca-pretransform');
  r.expectVersion(1);
  const p = paramsOf(r);
  const pcaBytes = r.u8array();
  const innerBytes = r.u8array();
  const vectors = r.f32array();
  r.finish();
  const metric = p.metric as Metric;
  if (metric === 'inner-product') {
    throw cannotCarry(
      "an inner-product PCA pre-transform projects its queries without centring them, and FAISS's IndexPreTransform centres every vector it transforms, so the rankings would differ. Use euclidean or cosine.",
    );
  }
  const pca = pcaToFaiss(pcaBytes);
  const d = p.dim as number;
  const chain: FaissTransform[] = metric === 'cosine' ? [{ kind: 'normalize', d, norm: 2 }, pca] : [pca];
  // The inner index's own settings: the same search settings, but its kept vectors (if any)
  // are its own business; the wrapper's re-rank is applied around the whole pre-transform.
  const inner = annlabToFaiss(innerBytes, { ...s, rerank: s.rerank === undefined ? undefined : 0 });
  const pt: FaissPreTransform = {
    kind: 'pretransform',
    d,
    ntotal: inner.ntotal,
    isTrained: true,
    metric: inner.metric,
    chain,
    index: inner,
  };
  return withRefine(pt, p.keepVectors === true, vectors, d, faissMetric(metric), s, 'PCA pre-transform');
}

function pcaToFaiss(bytes: Uint8Array): FaissPca {
  const r = BinaryReader.open(bytes, 'pca');
  r.expectVersion(1);
  const p = paramsOf(r);
  const trained = p.trained === true;
  const dIn = p.dim as number;
  const dOut = p.components as number;
  const mean = r.f64array(trained ? dIn : 0);
  const comps = r.f64array(trained ? dIn * dOut : 0);
  const eig = r.f64array(trained ? dOut : 0);
  r.finish();
  if (!trained) throw cannotCarry('the PCA is not trained; add vectors first.');
  const whiten = p.whiten === true;
  // annlab's whitening scale (pca.ts): 1/√λ, except directions below 1e-12 of the largest.
  const A = new Float32Array(dOut * dIn);
  const b = new Float32Array(dOut);
  for (let c = 0; c < dOut; c++) {
    const ev = eig[c];
    const scale = whiten && ev > eig[0] * 1e-12 && ev > 0 ? 1 / Math.sqrt(ev) : 1;
    let bias = 0;
    for (let j = 0; j < dIn; j++) {
      const a = comps[c * dIn + j] * scale;
      A[c * dIn + j] = a;
      bias -= a * mean[j];
    }
    b[c] = bias;
  }
  return {
    kind: 'pca',
    dIn,
    dOut,
    isTrained: true,
    eigenPower: whiten ? -0.5 : 0,
    epsilon: 0,
    randomRotation: false,
    balancedBins: 0,
    mean: Float32Array.from(mean),
    eigenvalues: Float32Array.from(eig),
    pcaMat: Float32Array.from(comps),
    haveBias: true,
    A,
    b,
  };
}

// ---------------------------------------------------------------------------------------
// Import: FAISS tree → annlab bytes
// ---------------------------------------------------------------------------------------

/** An annlab file translated from FAISS, and the search settings the FAISS file carried. */
export interface AnnlabTranslation {
  /** The annlab file's bytes (load with the class of `tag`). */
  bytes: Uint8Array;
  /** The annlab tag of `bytes`. */
  tag: string;
  /** The FAISS file's search settings, as annlab search parameters. */
  params: FaissSearchSettings;
}

/** Translate a FAISS tree to an annlab file. */
export function faissToAnnlab(x: FaissIndex, s: FromFaissSettings): AnnlabTranslation {
  switch (x.kind) {
    case 'flat':
      return { bytes: flatFromFaiss(x, s), tag: 'flat', params: {} };
    case 'ivfflat':
      return { bytes: ivfFlatFromFaiss(x, s), tag: 'ivfflat', params: { nprobe: Math.max(1, x.nprobe) } };
    case 'ivfpq':
      return { bytes: ivfPqFromFaiss(x, s, null), tag: 'ivfpq', params: { nprobe: Math.max(1, x.nprobe) } };
    case 'hnsw':
      return { bytes: hnswFromFaiss(x, s), tag: 'hnsw', params: { efSearch: Math.max(1, x.efSearch) } };
    case 'pretransform':
      return preTransformFromFaiss(x, s, null);
    case 'refine': {
      const rerank = Math.ceil(x.kFactor);
      if (x.base.kind === 'ivfpq') {
        return { bytes: ivfPqFromFaiss(x.base, s, x.refine), tag: 'ivfpq', params: { nprobe: Math.max(1, x.base.nprobe), rerank } };
      }
      if (x.base.kind === 'pretransform') {
        const t = preTransformFromFaiss(x.base, s, x.refine);
        return { ...t, params: { ...t.params, rerank } };
      }
      throw unsupportedFaiss(
        `an IndexRefineFlat around ${x.base.kind}: annlab re-ranks with kept vectors inside IVF-PQ and PCA pre-transform indexes only.`,
      );
    }
  }
}

/** The annlab metric of FAISS data (`vectors`, n × d): cosine only on request and for unit rows. */
function annlabMetric(metric: FaissMetric, vectors: Float32Array, d: number, s: FromFaissSettings): Metric {
  if (s.metric === undefined) return metric === 'l2' ? 'euclidean' : 'inner-product';
  const want = s.metric;
  if (want === 'euclidean' && metric === 'l2') return want;
  if (want === 'inner-product' && metric === 'ip') return want;
  if (want === 'cosine' && metric === 'ip') {
    checkUnitRows(vectors, d);
    return want;
  }
  throw new AnnlabError(
    'INVALID_PARAMETER',
    `this FAISS index searches by ${metric === 'l2' ? 'METRIC_L2 (euclidean)' : 'METRIC_INNER_PRODUCT (inner-product, or cosine over unit vectors)'}; it cannot be read as '${want}'.`,
  );
}

function checkUnitRows(vectors: Float32Array, d: number): void {
  const n = vectors.length / d;
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let t = 0; t < d; t++) ss += vectors[i * d + t] * vectors[i * d + t];
    if (Math.abs(Math.sqrt(ss) - 1) > 1e-4) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `cannot read this FAISS inner-product index as cosine: vector ${i} has norm ${Math.sqrt(ss).toPrecision(6)}, not 1. Read it as 'inner-product'.`,
      );
    }
  }
}

function flatFromFaiss(x: FaissFlat, s: FromFaissSettings): Uint8Array {
  const w = new BinaryWriter('flat', 1);
  w.json({ dim: x.d, metric: annlabMetric(x.metric, x.vectors, x.d, s) });
  w.array(x.vectors);
  return w.finish();
}

/**
 * annlab's CSR lists from FAISS's: ids must be exactly 0..ntotal−1 (annlab ids are dense;
 * FAISS files built with `add_with_ids` and other labels are refused), and each list is put
 * in increasing id order (the order annlab's `add` keeps), moving its codes along.
 */
function csrFromFaiss(
  lists: FaissInvertedLists,
  nlist: number,
  ntotal: number,
): { offsets: Int32Array; ids: Int32Array; codes: Uint8Array } {
  const { sizes, ids, codes, codeSize } = lists;
  if (ids.length !== ntotal) throw corruptFaiss(`the inverted lists hold ${ids.length} entries for ntotal = ${ntotal}`);
  const seen = new Uint8Array(ntotal);
  for (let i = 0; i < ntotal; i++) {
    const id = ids[i];
    if (id < 0 || id >= ntotal || seen[id] === 1) {
      throw unsupportedFaiss(
        `the inverted lists hold id ${id}; annlab ids are dense (0..ntotal−1, each once), so files built with add_with_ids or remove_ids cannot be read. Re-add the vectors in id order.`,
      );
    }
    seen[id] = 1;
  }
  const offsets = new Int32Array(nlist + 1);
  for (let l = 0; l < nlist; l++) offsets[l + 1] = offsets[l] + sizes[l];
  const outIds = new Int32Array(ntotal);
  const outCodes = new Uint8Array(ntotal * codeSize);
  for (let l = 0; l < nlist; l++) {
    const start = offsets[l];
    const n = sizes[l];
    const order = Array.from({ length: n }, (_, i) => start + i).sort((a, b) => ids[a] - ids[b]);
    for (let i = 0; i < n; i++) {
      const src = order[i];
      outIds[start + i] = ids[src];
      outCodes.set(codes.subarray(src * codeSize, src * codeSize + codeSize), (start + i) * codeSize);
    }
  }
  return { offsets, ids: outIds, codes: outCodes };
}

function ivfFlatFromFaiss(x: FaissIvfFlat, s: FromFaissSettings): Uint8Array {
  const { offsets, ids, codes } = csrFromFaiss(x.lists, x.nlist, x.ntotal);
  const vectors = new Float32Array(codes.buffer, 0, x.ntotal * x.d);
  const w = new BinaryWriter('ivfflat', 1);
  w.json({
    dim: x.d,
    metric: annlabMetric(x.metric, vectors, x.d, s),
    seed: s.seed,
    nlist: x.nlist,
    niter: 10,
    init: 'random',
    maxPointsPerCentroid: 256,
    trained: true,
  });
  w.array(x.quantizer.vectors);
  w.array(offsets);
  w.array(ids);
  w.array(vectors);
  return w.finish();
}

function ivfPqFromFaiss(x: FaissIvfPq, s: FromFaissSettings, refine: FaissFlat | null): Uint8Array {
  if (!x.isTrained) throw unsupportedFaiss('the IVF-PQ index is not trained; annlab reads trained IVF-PQ indexes only.');
  const { offsets, ids, codes } = csrFromFaiss(x.lists, x.nlist, x.ntotal);
  const metric = refine !== null ? annlabMetric(x.metric, refine.vectors, x.d, s) : annlabMetric(x.metric, new Float32Array(0), x.d, s);
  const w = new BinaryWriter('ivfpq', 1);
  w.json({
    dim: x.d,
    metric,
    seed: s.seed,
    nlist: x.nlist,
    m: x.pq.M,
    nbits: x.pq.nbits,
    niter: 10,
    pqNiter: 25,
    init: 'random',
    maxPointsPerCentroid: 256,
    byResidual: x.byResidual,
    keepVectors: refine !== null,
    precomputedTableMaxBytes: 128 * 1024 * 1024,
    trained: true,
  });
  w.array(x.quantizer.vectors);
  w.array(x.pq.centroids);
  w.array(offsets);
  w.array(ids);
  w.array(unpackCodes(codes, x.ntotal, x.pq.M, x.pq.nbits));
  w.array(refine !== null ? refine.vectors : new Float32Array(0));
  return w.finish();
}

function hnswFromFaiss(x: FaissHnsw, s: FromFaissSettings): Uint8Array {
  const n = x.ntotal;
  const cum = x.cumNeighbors;
  if (cum.length < 2 || cum[0] !== 0 || cum[1] % 2 !== 0)
    throw unsupportedFaiss(`cum_nneighbor_per_level starts ${Array.from(cum.subarray(0, 3)).join(', ')}; annlab needs 0, 2M, 3M, …`);
  const M = cum[1] / 2;
  for (let l = 1; l + 1 < cum.length; l++) {
    if (cum[l + 1] - cum[l] !== M) {
      throw unsupportedFaiss(
        `level ${l} has ${cum[l + 1] - cum[l]} link slots; annlab's HNSW has 2M = ${2 * M} on level 0 and M = ${M} above.`,
      );
    }
  }
  if (M < 2) throw unsupportedFaiss(`M = ${M}; annlab's HNSW needs M ≥ 2.`);
  if (x.maxLevel > 254 || x.maxLevel + 1 >= cum.length + 1) throw corruptFaiss(`max_level ${x.maxLevel} is out of range`);
  const stride0 = 1 + 2 * M;
  const levels = new Uint8Array(n);
  const links0 = new Int32Array(n * stride0);
  const upperOffset = new Int32Array(n).fill(-1);
  const upper: number[] = [];
  for (let i = 0; i < n; i++) {
    const L = x.levels[i] - 1;
    if (L < 0 || L > x.maxLevel || L + 1 >= cum.length)
      throw corruptFaiss(`node ${i} is on ${x.levels[i]} levels (max_level ${x.maxLevel})`);
    const o = x.offsets[i];
    if (x.offsets[i + 1] - o !== cum[L + 1] || x.offsets[i + 1] > x.neighbors.length) {
      throw corruptFaiss(
        `node ${i}'s link block [${o}, ${x.offsets[i + 1]}) does not hold ${cum[L + 1]} slots inside the ${x.neighbors.length} neighbours`,
      );
    }
    levels[i] = L;
    let c = 0;
    for (let j = 0; j < 2 * M; j++) {
      const v = x.neighbors[o + j];
      if (v < 0) break; // FAISS's search stops at the first empty slot
      links0[i * stride0 + 1 + c++] = v;
    }
    links0[i * stride0] = c;
    if (L > 0) {
      upperOffset[i] = upper.length;
      for (let l = 1; l <= L; l++) {
        const at = upper.length;
        upper.push(0);
        let cu = 0;
        for (let j = 0; j < M; j++) {
          const v = x.neighbors[o + cum[l] + j];
          if (v < 0) break;
          upper.push(v);
          cu++;
        }
        for (let j = cu; j < M; j++) upper.push(0);
        upper[at] = cu;
      }
    }
  }
  const vectors = x.storage.vectors;
  const w = new BinaryWriter('hnsw', 2);
  w.json({
    dim: x.d,
    metric: annlabMetric(x.metric, vectors, x.d, s),
    M,
    efConstruction: Math.max(1, x.efConstruction),
    seed: s.seed,
    neighborSelection: 'heuristic',
    rng: new Rng(s.seed).state(),
    entryPoint: x.entryPoint,
    maxLevel: x.maxLevel,
    live: n,
    linkedDeletes: false,
  });
  w.array(vectors);
  w.array(levels);
  w.array(new Uint8Array(n));
  w.array(links0);
  w.array(upperOffset);
  w.array(Int32Array.from(upper));
  return w.finish();
}

function preTransformFromFaiss(x: FaissPreTransform, s: FromFaissSettings, refine: FaissFlat | null): AnnlabTranslation {
  const chain = x.chain;
  let metric: Metric;
  let pca: FaissPca;
  if (chain.length === 1 && chain[0].kind === 'pca') {
    pca = chain[0];
    metric = 'euclidean';
  } else if (chain.length === 2 && chain[0].kind === 'normalize' && chain[0].norm === 2 && chain[1].kind === 'pca') {
    pca = chain[1];
    metric = 'cosine';
  } else {
    throw unsupportedFaiss(
      `a pre-transform chain of [${chain.map((t) => t.kind).join(', ')}]; annlab reads [PCAMatrix] (euclidean) and [NormalizationTransform, PCAMatrix] (cosine).`,
    );
  }
  if (x.index.metric !== 'l2') {
    throw unsupportedFaiss(
      "an IndexPreTransform over an inner-product index: FAISS centres the queries it projects, annlab's inner-product pre-transform does not, so the rankings would differ.",
    );
  }
  if (pca.dIn !== x.d || pca.dOut !== x.index.d)
    throw corruptFaiss(`the PCA maps ${pca.dIn} → ${pca.dOut} dimensions for an index of d = ${x.d} over d = ${x.index.d}`);
  const inner = faissToAnnlab(x.index, { metric: undefined, seed: s.seed });
  if (refine !== null && metric === 'cosine') checkUnitRows(refine.vectors, x.d);
  const w = new BinaryWriter('pca-pretransform', 1);
  w.json({ dim: x.d, metric, seed: s.seed, components: pca.dOut, keepVectors: refine !== null });
  w.array(pcaFromFaiss(pca, x.ntotal));
  w.array(inner.bytes);
  w.array(refine !== null ? refine.vectors : new Float32Array(0));
  return { bytes: w.finish(), tag: 'pca-pretransform', params: inner.params };
}

/**
 * annlab's PCA from FAISS's `PCAMatrix`. FAISS applies y = A x + b; annlab applies
 * y_c = s_c·⟨x − μ, w_c⟩, so without whitening w_c is row c of A (s_c = 1) and with whitening
 * (eigen_power −½) w_c is row c of PCAMat and s_c = 1/√(λ_c + ε). The mean is FAISS's mean;
 * a file whose b is not −A·μ (a bias annlab cannot express) is refused.
 */
function pcaFromFaiss(pca: FaissPca, nSamples: number): Uint8Array {
  const { dIn, dOut } = pca;
  if (!pca.isTrained) throw unsupportedFaiss('the PCAMatrix is not trained.');
  if (pca.randomRotation || pca.balancedBins !== 0)
    throw unsupportedFaiss('a PCAMatrix with random_rotation or balanced_bins; annlab keeps the principal directions as they are.');
  const whiten = pca.eigenPower !== 0;
  if (whiten && pca.eigenPower !== -0.5)
    throw unsupportedFaiss(`a PCAMatrix with eigen_power ${pca.eigenPower}; annlab whitens with −0.5 or not at all.`);
  if (whiten && (pca.pcaMat.length < dOut * dIn || pca.eigenvalues.length < dOut))
    throw corruptFaiss('a whitening PCAMatrix lacks its PCAMat rows or eigenvalues');
  const comps = new Float64Array(dOut * dIn);
  const eig = new Float64Array(dOut);
  for (let c = 0; c < dOut; c++) {
    eig[c] = c < pca.eigenvalues.length ? pca.eigenvalues[c] + (whiten ? pca.epsilon : 0) : 0;
    for (let j = 0; j < dIn; j++) comps[c * dIn + j] = whiten ? pca.pcaMat[c * dIn + j] : pca.A[c * dIn + j];
  }
  const mean = Float64Array.from(pca.mean);
  // The bias must be −A·μ (FAISS's own PCAMatrix always writes it so).
  for (let c = 0; c < dOut; c++) {
    let expect = 0;
    let scale = 0;
    for (let j = 0; j < dIn; j++) {
      expect -= pca.A[c * dIn + j] * mean[j];
      scale += Math.abs(pca.A[c * dIn + j] * mean[j]);
    }
    const got = pca.haveBias ? pca.b[c] : 0;
    if (Math.abs(got - expect) > 1e-4 * (1 + scale)) {
      throw unsupportedFaiss(
        `the PCAMatrix's bias b[${c}] = ${got} is not −A·mean = ${expect}; annlab's PCA centres on its mean and has no other bias.`,
      );
    }
  }
  let total = 0;
  for (let i = 0; i < pca.eigenvalues.length; i++) total += pca.eigenvalues[i];
  const w = new BinaryWriter('pca', 1);
  w.json({
    dim: dIn,
    components: dOut,
    whiten,
    solver: 'exact',
    seed: 42,
    oversampling: 10,
    powerIterations: 'auto',
    trained: true,
    solverUsed: 'exact',
    powerIterationsUsed: 0,
    nSamples,
    totalVariance: total,
  });
  w.array(mean);
  w.array(comps);
  w.array(eig);
  return w.finish();
}
