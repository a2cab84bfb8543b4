/**
 * What {@link IvfFlatIndex} and {@link IvfPqIndex} share beyond the coarse quantizer: the
 * search-parameter checks (shape, known keys, `nprobe`, trained), the header of `explain`,
 * and the loader's side of the file format: opening a file into its parameter record,
 * bounding every structural field by the sections actually present, and checking the
 * inverted lists, the stored floats and the trained flag field by field, each failure a
 * `CORRUPT_DATA` naming the field.
 *
 * Loaders read every section first (the reader bounds each count by the bytes present),
 * then check the parameters against the section lengths, and only then construct the index:
 * a crafted `nlist` or `dim` can never make a loader allocate more than the file holds.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  MAX_ABS_COMPONENT,
  asCorruptData,
  checkInteger,
  checkK,
  checkSearchParams,
  checkVectors,
  stableInput,
  VectorStore,
  type SearchParams,
} from '@annlab/core';

/** Search parameters every IVF index reads. */
export interface ProbeParams extends SearchParams {
  /** Lists to scan per query. */
  nprobe?: number;
}

/**
 * The one validation path for an IVF index's search parameters: shape and known keys,
 * `nprobe` an integer ≥ 1, the index's own knobs (`own`, e.g. IVF-PQ's `rerank` range), and
 * the index trained.
 *
 * @param what - the class name for messages (`'IvfFlatIndex'`).
 */
export function checkProbeParams<P extends ProbeParams>(
  params: unknown,
  known: readonly string[],
  what: string,
  isTrained: boolean,
  own?: (p: P) => void,
): P {
  const p = checkSearchParams<P>(params, known, `${what}.search params`);
  checkInteger('nprobe', p.nprobe ?? 1, 1);
  if (own !== undefined) own(p);
  if (!isTrained) {
    throw new AnnlabError('NOT_TRAINED', `${what} is not trained: call train(vectors) or add(vectors) before searching.`);
  }
  return p;
}

/**
 * The checks at the head of `explain`: exactly one query of `dim` values, a valid `k`.
 * @returns the query, copied when it views an annlab store's WebAssembly memory.
 */
export function checkExplainQuery(query: unknown, dim: number, k: unknown): Float32Array {
  const rows = checkVectors(query, dim, 'query');
  if (rows !== 1) {
    throw new AnnlabError('INVALID_PARAMETER', `explain takes one query of dim = ${dim} values, got ${rows} rows.`);
  }
  checkK(k);
  return stableInput(query as Float32Array);
}

/** Number of entries in each list of a CSR layout (length nlist). */
export function listSizesOf(offsets: Int32Array, nlist: number): Int32Array {
  const out = new Int32Array(nlist);
  for (let l = 0; l < nlist; l++) out[l] = offsets[l + 1] - offsets[l];
  return out;
}

/** A `CORRUPT_DATA` error about file `what`. */
export function corrupt(what: string, message: string): AnnlabError {
  return new AnnlabError('CORRUPT_DATA', `${what} is inconsistent: ${message}.`);
}

/**
 * Open an IVF file: magic, checksum, tag, format version (`version`, or one of a list of the
 * versions read), then the parameter record, which must be a JSON object.
 * @returns the reader, positioned after the record, and the record.
 */
export function openIvfFile(
  bytes: Uint8Array,
  tag: string,
  version: number | readonly number[],
  what: string,
): { r: BinaryReader; p: Record<string, unknown> } {
  const r = BinaryReader.open(bytes, tag);
  r.expectVersion(...(typeof version === 'number' ? [version] : version));
  const p = r.json<unknown>();
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw corrupt(what, 'the parameter record is not an object');
  return { r, p: p as Record<string, unknown> };
}

/** The trained flag of a parameter record: `true` or `false`, nothing else. */
export function trainedFlag(p: Record<string, unknown>, what: string): boolean {
  if (p.trained !== true && p.trained !== false) throw corrupt(what, `trained is ${JSON.stringify(p.trained)}, not true or false`);
  return p.trained;
}

/**
 * An integer field of the parameter record, checked as the constructor would check it (so
 * it can size allocations before the constructor runs); `CORRUPT_DATA` naming the field.
 */
export function intField(
  p: Record<string, unknown>,
  key: string,
  dflt: number | undefined,
  min: number,
  max: number,
  what: string,
): number {
  return asCorruptData(what, () => checkInteger(key, p[key] ?? dflt, min, max));
}

/** Check that a section has the length the parameters imply, naming both. */
export function expectLength(length: number, expected: number, field: string, because: string, what: string): void {
  if (length !== expected) throw corrupt(what, `${field} holds ${length} values where ${because} implies ${expected}`);
}

/**
 * Check loaded inverted lists (CSR): `offsets` has nlist + 1 entries, starts at 0, never
 * decreases and ends at `ids.length`; every id is in [0, ids.length), appears once, and ids
 * increase within each list (the order `add` keeps). Each failure names the field.
 */
export function checkInvertedLists(offsets: Int32Array, nlist: number, ids: Int32Array, what: string): void {
  const total = ids.length;
  expectLength(offsets.length, nlist + 1, 'listOffsets', `nlist = ${nlist}`, what);
  if (offsets[0] !== 0) throw corrupt(what, `listOffsets[0] is ${offsets[0]}, not 0`);
  for (let l = 0; l < nlist; l++) {
    if (offsets[l + 1] < offsets[l])
      throw corrupt(what, `listOffsets[${l + 1}] = ${offsets[l + 1]} is below listOffsets[${l}] = ${offsets[l]}`);
  }
  if (offsets[nlist] !== total) throw corrupt(what, `listOffsets[${nlist}] is ${offsets[nlist]}, but listIds holds ${total} ids`);
  const seen = new Uint8Array(total);
  for (let l = 0; l < nlist; l++) {
    for (let s = offsets[l]; s < offsets[l + 1]; s++) {
      const id = ids[s];
      if (id < 0 || id >= total) throw corrupt(what, `listIds[${s}] = ${id} is outside [0, ${total})`);
      if (seen[id] === 1) throw corrupt(what, `listIds holds id ${id} twice`);
      seen[id] = 1;
      if (s > offsets[l] && ids[s - 1] >= id) throw corrupt(what, `listIds[${s}] = ${id} does not increase within list ${l}`);
    }
  }
}

/**
 * Check that stored floats lie in the range `add` accepts (|x| ≤ {@link MAX_ABS_COMPONENT};
 * centroids and codebooks are averages of such vectors): larger values cannot have been
 * written by annlab and would overflow float32 distances.
 */
export function checkStoredRange(values: Float32Array, field: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v <= MAX_ABS_COMPONENT && v >= -MAX_ABS_COMPONENT)) {
      throw corrupt(what, `${field}[${i}] is ${v}, outside the stored range ±${MAX_ABS_COMPONENT}`);
    }
  }
}

/**
 * Check stored vectors as `add` checks new ones (finite, |x| ≤ 1e15, no vanishing non-zero
 * row) through core's `VectorStore.adopt`, which refuses with `CORRUPT_DATA`.
 */
export function checkStoredRows(values: Float32Array, dim: number): void {
  VectorStore.adopt(dim, values, false, 'js');
}

/** The coarse structure every IVF file has, checked. */
export interface CoarseSections {
  /** The trained flag. */
  readonly trained: boolean;
  /** Vector dimension. */
  readonly dim: number;
  /** Number of inverted lists. */
  readonly nlist: number;
}

/**
 * The checks every IVF loader makes of its coarse part, against the sections read: the
 * trained flag, `dim` and `nlist` in range, `listOffsets` of nlist + 1 entries, `centroids`
 * of nlist × dim values when trained (none otherwise) within the stored range, no ids in an
 * untrained index, and consistent inverted lists ({@link checkInvertedLists}).
 */
export function checkCoarseSections(
  p: Record<string, unknown>,
  centroids: Float32Array,
  offsets: Int32Array,
  ids: Int32Array,
  what: string,
): CoarseSections {
  const trained = trainedFlag(p, what);
  const dim = intField(p, 'dim', undefined, 1, 1 << 20, what);
  const nlist = intField(p, 'nlist', 256, 1, 1 << 20, what);
  expectLength(centroids.length, trained ? nlist * dim : 0, 'centroids', `trained = ${trained}, nlist = ${nlist}, dim = ${dim}`, what);
  if (!trained && ids.length > 0) throw corrupt(what, `an untrained index holds ${ids.length} ids`);
  checkInvertedLists(offsets, nlist, ids, what);
  checkStoredRange(centroids, 'centroids', what);
  return { trained, dim, nlist };
}
