/**
 * The annlab side of the hnswlib bridge: `@annlab/hnsw`'s own file (format version 2 or 3, see
 * `packages/hnsw/src/persistence.ts`) read into plain typed arrays, and those arrays written
 * back as a version 2 file (the unquantized layout, which `HnswIndex.deserialize` still loads).
 * Version 3 adds a scalar quantizer's ranges and codes after the links; the other libraries'
 * formats have no place for them, so a quantized index exports its float32 graph and the
 * codes are left out. This is the only place in this package that knows the HNSW file layout,
 * so a change there fails the round-trip tests here instead of writing wrong files.
 *
 * Layout (core's container, tag `hnsw`): a JSON record `{ dim, metric, M, efConstruction,
 * seed, neighborSelection, rng, entryPoint, maxLevel, live, linkedDeletes }`, then the
 * sections vectors (`n × dim` f32, unit length for cosine), levels (`n` u8), deletion flags
 * (`n` u8), level-0 links (`n × (1 + 2M)` i32, count first), upper offsets (`n` i32, −1 for
 * level-0 nodes), upper links (i32; a node of level L owns `L × (1 + M)` ints, count first).
 *
 * @module
 */
import { BinaryReader, BinaryWriter, Rng, type Metric, type RngState } from '@annlab/core';
import { HnswIndex } from '@annlab/hnsw';
import { loadTranslated } from '../translated.js';

/** Format version of the `@annlab/hnsw` files this bridge writes (the unquantized layout). */
export const ANNLAB_HNSW_VERSION = 2;

/** Format version of `@annlab/hnsw` files that may carry a scalar quantizer (read). */
export const ANNLAB_HNSW_QUANTIZED_VERSION = 3;

/** An HNSW graph as plain arrays, in annlab's layout. */
export interface AnnlabHnswLayout {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Links per node above level 0; level 0 holds 2·M. */
  M: number;
  /** Beam width used while inserting. */
  efConstruction: number;
  /** Seed of the level draws. */
  seed: number;
  /** Neighbour-selection rule. */
  neighborSelection: 'heuristic' | 'simple';
  /** Level generator state (continues the draws after a load). */
  rng: RngState;
  /** Entry point, −1 when empty. */
  entryPoint: number;
  /** Top level, −1 when empty. */
  maxLevel: number;
  /** Live (not deleted) nodes. */
  live: number;
  /** Whether deleted nodes may still be linked. */
  linkedDeletes: boolean;
  /** `n × dim` vectors, row-major. */
  vectors: Float32Array;
  /** Top level per node, length n. */
  levels: Uint8Array;
  /** 1 for a deleted node, length n. */
  deleted: Uint8Array;
  /** Level-0 links, `n × (1 + 2M)`, count first. */
  links0: Int32Array;
  /** Start of each node's upper block in `upperLinks`, −1 for level-0 nodes; length n. */
  upperOffset: Int32Array;
  /** Upper-level links, blocks of `level × (1 + M)` ints, count first. */
  upperLinks: Int32Array;
}

/** Read an `HnswIndex`'s own bytes into arrays (the index already validated them). */
export function readAnnlabHnsw(index: HnswIndex): AnnlabHnswLayout {
  const r = BinaryReader.open(index.serialize(), HnswIndex.TAG);
  const version = r.expectVersion(ANNLAB_HNSW_VERSION, ANNLAB_HNSW_QUANTIZED_VERSION);
  const p = r.json<Record<string, unknown>>();
  const dim = p.dim as number;
  const M = p.M as number;
  const vectors = r.f32array();
  const n = vectors.length / dim;
  const levels = r.u8array(n);
  const deleted = r.u8array(n);
  const links0 = r.i32array(n * (1 + 2 * M));
  const upperOffset = r.i32array(n);
  const upperLinks = r.i32array();
  if (version === ANNLAB_HNSW_QUANTIZED_VERSION && p.quantizer !== 'none') {
    r.u8array(); // the quantizer's ranges
    r.u8array(); // the codes
  }
  r.finish();
  return {
    dim,
    metric: p.metric as Metric,
    M,
    efConstruction: p.efConstruction as number,
    seed: p.seed as number,
    neighborSelection: p.neighborSelection as 'heuristic' | 'simple',
    rng: p.rng as RngState,
    entryPoint: p.entryPoint as number,
    maxLevel: p.maxLevel as number,
    live: p.live as number,
    linkedDeletes: p.linkedDeletes as boolean,
    vectors,
    levels,
    deleted,
    links0,
    upperOffset,
    upperLinks,
  };
}

/** A fresh level-generator state for `seed` (files from elsewhere carry none). */
export function freshRngState(seed: number): RngState {
  return new Rng(seed).state();
}

/**
 * Write `layout` as an `@annlab/hnsw` file and load it with `HnswIndex.deserialize`, whose
 * loader checks every field and the whole graph: a bad translation is refused
 * (`CORRUPT_DATA`), never half-loaded.
 */
export function writeAnnlabHnsw(layout: AnnlabHnswLayout, what: string): HnswIndex {
  const w = new BinaryWriter(HnswIndex.TAG, ANNLAB_HNSW_VERSION);
  w.json({
    dim: layout.dim,
    metric: layout.metric,
    M: layout.M,
    efConstruction: layout.efConstruction,
    seed: layout.seed,
    neighborSelection: layout.neighborSelection,
    rng: layout.rng,
    entryPoint: layout.entryPoint,
    maxLevel: layout.maxLevel,
    live: layout.live,
    linkedDeletes: layout.linkedDeletes,
  });
  w.array(layout.vectors);
  w.array(layout.levels);
  w.array(layout.deleted);
  w.array(layout.links0);
  w.array(layout.upperOffset);
  w.array(layout.upperLinks);
  return loadTranslated(what, () => HnswIndex.deserialize(w.finish()));
}
