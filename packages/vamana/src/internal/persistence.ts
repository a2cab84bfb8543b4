/**
 * Vamana's file format (version 1), in core's container (magic, version, tag, CRC32):
 *
 * 1. JSON parameters {@link VamanaFileParams};
 * 2. the `nodes × dim` vectors (normalised for cosine);
 * 3. the adjacency, `nodes × (1 + R)` int32, count first per block; slots past a node's
 *    degree are written as 0, so equal graphs give equal bytes.
 *
 * Reading checks the parameter record, every section's size against the others, then the
 * whole graph with the invariant check (degrees, ids, self-loops, repeats, start node)
 * before the index is returned; any mismatch is `CORRUPT_DATA`.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, throwInconsistentFile, type Metric, type VectorStore } from '@annlab/core';
import type { VamanaGraph } from './graph.js';

/** What a file says in its parameter record. */
export interface VamanaFileParams {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Seed of the build. */
  seed: number;
  /** Maximum out-degree. */
  R: number;
  /** Build list size. */
  L: number;
  /** Pruning slack. */
  alpha: number;
  /** Nodes in the graph (= stored vectors). */
  nodes: number;
  /** The start node, −1 when empty. */
  medoid: number;
}

/** How files name this format in messages. */
export const FILE_KIND = 'vamana file';

/** Throw `CORRUPT_DATA` for an inconsistent file. */
export function corrupt(msg: string): never {
  throwInconsistentFile(FILE_KIND, msg);
}

/** Write `params`, the stored vectors and the graph as a file of format `version` under `tag`. */
export function writeVamanaFile(
  tag: string,
  version: number,
  params: VamanaFileParams,
  store: VectorStore,
  graph: VamanaGraph,
): Uint8Array {
  const w = new BinaryWriter(tag, version);
  w.json(params);
  w.array(store.view());
  const n = graph.nodes;
  const stride = graph.stride;
  const packed = new Int32Array(n * stride);
  const adj = graph.adj;
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    const deg = adj[base];
    for (let j = 0; j <= deg && j < stride; j++) packed[base + j] = adj[base + j];
  }
  w.array(packed);
  return w.finish();
}

/**
 * Open a file and read its parameter record (the scalar fields the constructor does not
 * check are checked here).
 */
export function openVamanaFile(bytes: Uint8Array, tag: string, version: number): { reader: BinaryReader; params: VamanaFileParams } {
  const reader = BinaryReader.open(bytes, tag);
  reader.expectVersion(version);
  const params = reader.json<VamanaFileParams>();
  if (params === null || typeof params !== 'object' || Array.isArray(params)) corrupt('the parameter record is not an object');
  if (!Number.isSafeInteger(params.nodes) || params.nodes < 0) corrupt('bad node count');
  if (!Number.isSafeInteger(params.medoid) || params.medoid < -1) corrupt('bad start node');
  return { reader, params };
}

/**
 * Read the vector and adjacency sections, sized against the parameters. Returns the vectors
 * (`nodes × dim`) and an owned copy of the adjacency (`nodes × (1 + R)`); the graph's
 * contents are left to the invariant check.
 */
export function readVamanaSections(reader: BinaryReader, params: VamanaFileParams): { data: Float32Array; adj: Int32Array } {
  const dim = params.dim;
  const data = reader.f32array();
  if (data.length % dim !== 0) corrupt(`vector section of ${data.length} values is not a multiple of dim = ${dim}`);
  const n = data.length / dim;
  if (n !== params.nodes) corrupt(`${n} vectors for ${params.nodes} nodes`);
  const stride = 1 + params.R;
  const adj = reader.i32array(n * stride);
  reader.finish();
  return { data, adj: adj.slice() };
}

/** Throw `CORRUPT_DATA` naming the violations an invariant check found in a loaded file. */
export function refuseInconsistent(errors: readonly string[]): never {
  const shown = errors.slice(0, 3).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  corrupt(`graph invariant violated: ${shown}${more}`);
}
