/**
 * Saving and loading an HNSW index in core's container (magic, format version, tag, a JSON
 * parameter record, raw typed-array sections, CRC-32).
 *
 * Format version 2 (written): parameters `{ dim, metric, M, efConstruction, seed,
 * neighborSelection, rng, entryPoint, maxLevel, live, linkedDeletes }` — `rng` is the level
 * generator's state (core's `RngState`), so adding after a load continues the same level
 * draws — then the sections: vectors (`n × dim` f32), levels (`n` u8), deletion flags (`n`
 * u8), level-0 links (`n × (1 + 2M)` i32), upper offsets (`n` i32), upper links (i32, the
 * used part of the pool).
 *
 * Format version 3 (written) is version 2 plus `quantizer` (`'none' | 'sq8' | 'sq4'`) and, for
 * a quantized index, `quantizerTrainedRows` in the parameters, and two sections after the
 * upper links: the scalar quantizer (core's `ScalarQuantizer` file, as u8) and the codes
 * (`n × codeSize` u8). Version 2 files (written before quantization existed) load as
 * `quantizer: 'none'`.
 *
 * Format version 1 (read only) stored `levelDraws`, the number of draws to replay instead of
 * the state. Every id draws exactly once, so a genuine file has `levelDraws ≤ n`; larger counts
 * are refused rather than replayed (a crafted count could otherwise keep the loader busy for
 * hours).
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  BinaryWriter,
  Rng,
  ScalarQuantizer,
  asCorruptData,
  checkInteger,
  checkVectors,
  type Metric,
  type RngState,
} from '@annlab/core';
import { MAX_LEVEL } from './graph-layout.js';
import type { HnswState } from './hnsw-state.js';
import { drawLevel } from './insert.js';
import { checkInvariants } from './invariants.js';
import { trainingRows } from './quantized-search.js';
import type { HnswIndexOptions, HnswQuantizer, NeighborSelection } from './types.js';

/** Algorithm tag in the file header. */
export const HNSW_TAG = 'hnsw';
/** Format version written. */
export const HNSW_FORMAT_VERSION = 3;
/** What the error messages call the file. */
const WHAT = 'hnsw index file';

/** Write `s` as an annlab file; the same seed and the same operations give the same bytes. */
export function serializeState(s: HnswState): Uint8Array {
  const g = s.graph;
  const n = s.store.size;
  const w = new BinaryWriter(HNSW_TAG, HNSW_FORMAT_VERSION);
  w.json({
    dim: s.dim,
    metric: s.metric,
    M: s.M,
    efConstruction: s.efConstruction,
    seed: s.seed,
    neighborSelection: s.neighborSelection,
    rng: s.rng.state(),
    entryPoint: g.entryPoint,
    maxLevel: g.maxLevel,
    live: g.live,
    linkedDeletes: g.linkedDeletes,
    quantizer: s.quant === null ? 'none' : s.quant.kind,
    ...(s.quant === null ? {} : { quantizerTrainedRows: s.quant.trainedRows }),
  });
  w.array(s.store.view());
  w.array(g.levels.subarray(0, n));
  w.array(g.deleted.subarray(0, n));
  w.array(g.links0.subarray(0, n * g.stride0));
  w.array(g.upperOffset.subarray(0, n));
  w.array(g.upperLinks.subarray(0, g.upperUsed));
  if (s.quant !== null) {
    w.array(s.quant.sq.serialize());
    w.array(s.quant.codes.view());
  }
  return w.finish();
}

/** An opened file: the reader positioned after the parameter record, and that record. */
export interface OpenedFile {
  /** Reads the sections next. */
  reader: BinaryReader;
  /** Format version of the file (1, 2 or 3). */
  version: number;
  /** The parameter record as stored. */
  params: Record<string, unknown>;
  /** The construction options recorded in the file (validated by the constructor). */
  options: HnswIndexOptions;
}

/**
 * Open `bytes` (checksum, tag, version 1, 2 or 3) and read the parameter record. The sections
 * are read by {@link restoreState}, which knows `dim` and `M` from the constructed index.
 */
export function openFile(bytes: Uint8Array): OpenedFile {
  const reader = BinaryReader.open(bytes, HNSW_TAG);
  const version = reader.expectVersion(1, 2, HNSW_FORMAT_VERSION);
  const params = reader.json<Record<string, unknown>>();
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new AnnlabError('CORRUPT_DATA', `${WHAT} has no parameter record (found ${String(params)}).`);
  }
  const options: HnswIndexOptions = {
    dim: params.dim as number,
    metric: params.metric as Metric,
    M: params.M as number,
    efConstruction: params.efConstruction as number,
    seed: params.seed as number,
    neighborSelection: params.neighborSelection as NeighborSelection,
  };
  if (version >= 3) {
    if (typeof params.quantizer !== 'string') {
      throw new AnnlabError('CORRUPT_DATA', `${WHAT} (format 3) names no quantizer (found ${JSON.stringify(params.quantizer)}).`);
    }
    options.quantizer = params.quantizer as HnswQuantizer;
  }
  return { reader, version, params, options };
}

/**
 * Fill a freshly constructed state (built from the file's options, capacity 1) with the
 * file's sections, restore the level generator, and re-check the whole graph. Anything
 * inconsistent throws `CORRUPT_DATA`.
 */
export function restoreState(s: HnswState, file: OpenedFile): void {
  const { reader, version, params: p } = file;
  const g = s.graph;
  asCorruptData(WHAT, () => {
    checkInteger('entryPoint', p.entryPoint, -1);
    checkInteger('maxLevel', p.maxLevel, -1, MAX_LEVEL);
    checkInteger('live', p.live, 0);
    if (version === 1) checkInteger('levelDraws', p.levelDraws, 0);
  });
  // Format-1 files written before compact() existed have no flag: deleted nodes were linked.
  const legacy = version === 1 && p.linkedDeletes === undefined;
  if (!legacy && typeof p.linkedDeletes !== 'boolean') {
    throw new AnnlabError('CORRUPT_DATA', `${WHAT}: linkedDeletes must be true or false, got ${JSON.stringify(p.linkedDeletes)}.`);
  }
  // Version 2: the generator's state, checked before any section is copied.
  let rng: Rng | null = null;
  if (version >= 2) {
    rng = asCorruptData(WHAT, () => Rng.fromState(p.rng as RngState));
    if (rng.seed !== s.seed) {
      throw new AnnlabError('CORRUPT_DATA', `${WHAT}: the level generator's seed ${rng.seed} is not the index seed ${s.seed}.`);
    }
  }
  const data = reader.f32array();
  if (data.length % s.dim !== 0) {
    throw new AnnlabError('CORRUPT_DATA', `${WHAT} holds ${data.length} vector values, not a multiple of dim = ${s.dim}.`);
  }
  const n = data.length / s.dim;
  // The range add() enforces: values that would overflow float32 distances cannot have been added.
  try {
    checkVectors(data, s.dim, 'stored vectors');
  } catch (e) {
    throw new AnnlabError('CORRUPT_DATA', `${WHAT}: the vectors section is out of range: ${(e as Error).message}`, { cause: e });
  }
  if ((p.entryPoint as number) >= n || (n > 0 && (p.live as number) > n)) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${WHAT}: entry point ${String(p.entryPoint)} or live count ${String(p.live)} does not fit ${n} nodes.`,
    );
  }
  if (version === 1 && (p.levelDraws as number) > n) {
    throw new AnnlabError(
      'CORRUPT_DATA',
      `${WHAT} (format 1) claims ${String(p.levelDraws)} level draws for ${n} nodes; each node draws once, so at most ${n} are possible.`,
    );
  }
  const levels = reader.u8array(n);
  const deleted = reader.u8array(n);
  const links0 = reader.i32array(n * g.stride0);
  const upperOffset = reader.i32array(n);
  const upperLinks = reader.i32array();
  const q = s.quant;
  let sq: ScalarQuantizer | null = null;
  let codes: Uint8Array | null = null;
  if (q !== null) {
    sq = ScalarQuantizer.deserialize(reader.u8array());
    codes = reader.u8array();
    const trained = p.quantizerTrainedRows;
    if (sq.dim !== s.dim || sq.bits !== q.sq.bits || sq.trim !== 0 || trained !== trainingRows(n) || sq.isTrained !== n > 0) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${WHAT}: the scalar quantizer (dim ${sq.dim}, ${sq.bits} bits, trained on ${String(trained)} rows) does not fit ` +
          `a '${q.kind}' index of ${n} vectors of dim ${s.dim}.`,
      );
    }
    if (codes.length !== n * q.sq.codeSize) {
      throw new AnnlabError('CORRUPT_DATA', `${WHAT} holds ${codes.length} code bytes for ${n} vectors of ${q.sq.codeSize} bytes.`);
    }
  }
  reader.finish();
  const cap = Math.max(1, n);
  s.ensureCapacity(cap);
  s.store.appendStored(data, 0, n);
  if (q !== null && sq !== null && codes !== null) {
    if (sq.isTrained) {
      q.sq.vmin = sq.vmin;
      q.sq.vdiff = sq.vdiff;
      q.sq.scale = sq.scale;
      q.sq.isTrained = true;
    }
    q.trainedRows = p.quantizerTrainedRows as number;
    q.codes.load(codes, n);
  }
  g.levels.set(levels);
  g.deleted.set(deleted);
  g.links0.set(links0);
  g.upperOffset.set(upperOffset);
  g.ensureUpper(upperLinks.length);
  g.upperLinks.set(upperLinks);
  g.upperUsed = upperLinks.length;
  g.entryPoint = p.entryPoint as number;
  g.maxLevel = p.maxLevel as number;
  g.live = p.live as number;
  if (legacy) {
    let anyDeleted = false;
    for (let i = 0; i < n; i++) if (deleted[i] !== 0) anyDeleted = true;
    g.linkedDeletes = anyDeleted;
  } else {
    g.linkedDeletes = p.linkedDeletes as boolean;
  }
  if (rng !== null) {
    s.rng = rng;
  } else {
    // Format 1: replay the draws (bounded by n above).
    const draws = p.levelDraws as number;
    for (let i = 0; i < draws; i++) drawLevel(s);
  }
  const check = checkInvariants(s);
  if (!check.ok) {
    throw new AnnlabError('CORRUPT_DATA', `${WHAT} has an inconsistent graph: ${check.errors.slice(0, 3).join('; ')}`);
  }
}
