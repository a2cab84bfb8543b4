/**
 * The annlab side of the Annoy bridge: `@annlab/rpforest`'s own file (format version 1, see
 * `packages/rpforest/src/internal/persistence.ts`) read into plain typed arrays, and those
 * arrays written back as that file. This is the only place in this package that knows the
 * forest's file layout, so a change there fails the round-trip tests here.
 *
 * Layout (core's container, tag `rpforest`): a JSON record `{ dim, metric, nTrees, leafSize,
 * seed, maxNorm, built, live }`, then the sections vectors (`n × dim` f32, unit length for
 * cosine), deleted flags (`n` u8), augmented components (`n` f32 for inner product, else
 * empty), split normals (`inner × treeDim` f32, treeDim = dim + 1 for inner product),
 * split offsets (`inner` f64), children (`inner × 2` i32; ≥ 0 an inner node, `~leaf` a leaf;
 * `children[2i]` is the margin ≤ 0 side), leaf starts, leaf sizes, leaf items (i32), roots.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, type Metric } from '@annlab/core';
import { RpForestIndex } from '@annlab/rpforest';
import { loadTranslated } from '../translated.js';

/** Format version of `@annlab/rpforest` files this bridge reads and writes. */
export const ANNLAB_FOREST_VERSION = 1;

/** A forest as plain arrays, in annlab's layout. */
export interface AnnlabForestLayout {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Number of trees. */
  nTrees: number;
  /** Most items per leaf. */
  leafSize: number;
  /** Seed of the index's random choices. */
  seed: number;
  /** Largest stored norm at build time (inner product), else 0. */
  maxNorm: number;
  /** Whether the trees were built. */
  built: boolean;
  /** Live ids. */
  live: number;
  /** `n × dim` vectors. */
  vectors: Float32Array;
  /** 1 for a deleted id, length n. */
  deleted: Uint8Array;
  /** Augmented component per id (inner product), else empty. */
  augExtra: Float32Array;
  /** `inner × treeDim` split normals. */
  normals: Float32Array;
  /** Split offsets, length inner. */
  offsets: Float64Array;
  /** Children, `inner × 2`. */
  children: Int32Array;
  /** Leaf starts in `leafItems`. */
  leafStart: Int32Array;
  /** Leaf sizes. */
  leafSizes: Int32Array;
  /** Leaf items. */
  leafItems: Int32Array;
  /** Root code per tree. */
  roots: Int32Array;
}

/** Read an `RpForestIndex`'s own bytes into arrays (the index already validated them). */
export function readAnnlabForest(index: RpForestIndex): AnnlabForestLayout {
  const r = BinaryReader.open(index.serialize(), RpForestIndex.TAG);
  r.expectVersion(ANNLAB_FOREST_VERSION);
  const p = r.json<Record<string, unknown>>();
  const vectors = r.f32array();
  const deleted = r.u8array();
  const augExtra = r.f32array();
  const normals = r.f32array();
  const offsets = r.f64array();
  const children = r.i32array();
  const leafStart = r.i32array();
  const leafSizes = r.i32array();
  const leafItems = r.i32array();
  const roots = r.i32array();
  r.finish();
  return {
    dim: p.dim as number,
    metric: p.metric as Metric,
    nTrees: p.nTrees as number,
    leafSize: p.leafSize as number,
    seed: p.seed as number,
    maxNorm: p.maxNorm as number,
    built: p.built as boolean,
    live: p.live as number,
    vectors,
    deleted,
    augExtra,
    normals,
    offsets,
    children,
    leafStart,
    leafSizes,
    leafItems,
    roots,
  };
}

/**
 * Write `layout` as an `@annlab/rpforest` file and load it with `RpForestIndex.deserialize`,
 * whose loader checks every section and the whole forest (membership, sharing, cycles): a
 * bad translation is refused (`CORRUPT_DATA`), never half-loaded.
 */
export function writeAnnlabForest(layout: AnnlabForestLayout, what: string): RpForestIndex {
  const w = new BinaryWriter(RpForestIndex.TAG, ANNLAB_FOREST_VERSION);
  w.json({
    dim: layout.dim,
    metric: layout.metric,
    nTrees: layout.nTrees,
    leafSize: layout.leafSize,
    seed: layout.seed,
    maxNorm: layout.maxNorm,
    built: layout.built,
    live: layout.live,
  });
  w.array(layout.vectors);
  w.array(layout.deleted);
  w.array(layout.augExtra);
  w.array(layout.normals);
  w.array(layout.offsets);
  w.array(layout.children);
  w.array(layout.leafStart);
  w.array(layout.leafSizes);
  w.array(layout.leafItems);
  w.array(layout.roots);
  return loadTranslated(what, () => RpForestIndex.deserialize(w.finish()));
}
