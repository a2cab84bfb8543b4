/**
 * The NN-Descent file format (version 1), in core's container (magic, version, tag, CRC32):
 *
 * 1. JSON parameters {@link NnDescentFileParams} (the options as given, the build record);
 * 2. the `n × dim` vectors (normalised for cosine);
 * 3. the k-NN graph: ids (`n × K`, i32) and reported distances (`n × K`, f32), rows sorted;
 *    padding slots (id −1) hold distance 0 in the file (core's reader refuses non-finite
 *    floats) and +Infinity in memory;
 * 4. the search graph: `n × (1 + maxDegree)` i32, count first;
 * 5. the search tree: normals (f32, inner × dim), offsets (f64), children (i32, inner × 2),
 *    leafStart, leafSizes (i32), indices (i32, n or 0);
 * 6. the fallback entry points (i32).
 *
 * Reading checks every section's size against the parameters before anything is adopted;
 * ranges, permutations and cycles are left to the invariant check the loader runs next.
 *
 * @module
 */
import { BinaryReader, BinaryWriter, throwInconsistentFile, type Metric } from '@annlab/core';
import type { NnDescentBuildInfo } from '../options.js';
import type { GraphParts } from './invariants.js';
import { FlatTree } from './rp-tree.js';

/** What a file says in its parameter record. */
export interface NnDescentFileParams {
  /** Vector dimension. */
  dim: number;
  /** Distance searched by. */
  metric: Metric;
  /** Seed. */
  seed: number;
  /** K. */
  nNeighbors: number;
  /** ρ. */
  rho: number;
  /** δ. */
  delta: number;
  /** Iteration cap as given (undefined: the n-dependent default). */
  maxIterations?: number;
  /** Trees as given (undefined: the n-dependent default). */
  nTrees?: number;
  /** Leaf size. */
  leafSize: number;
  /** Degree multiplier. */
  pruneDegreeMultiplier: number;
  /** Diversification probability. */
  diversifyProb: number;
  /** Root code of the search tree (meaningful when the tree has leaves). */
  root: number;
  /** The build record; null before the first add. */
  info: NnDescentBuildInfo | null;
}

/** How files name this format in messages. */
export const FILE_KIND = 'nndescent file';

/** Throw `CORRUPT_DATA` for an inconsistent file. */
export function corrupt(msg: string): never {
  throwInconsistentFile(FILE_KIND, msg);
}

/** Write one index. */
export function writeFile(tag: string, version: number, params: NnDescentFileParams, vectors: Float32Array, g: GraphParts): Uint8Array {
  const w = new BinaryWriter(tag, version);
  w.json(params);
  w.array(vectors);
  w.array(g.knnIds);
  const dist = g.knnDist.slice();
  for (let e = 0; e < dist.length; e++) if (g.knnIds[e] < 0) dist[e] = 0;
  w.array(dist);
  w.array(g.graph.links);
  w.array(g.tree.normals);
  w.array(g.tree.offsets);
  w.array(g.tree.children);
  w.array(g.tree.leafStart);
  w.array(g.tree.leafSizes);
  w.array(g.tree.indices);
  w.array(g.entries);
  return w.finish();
}

/** Open a file and read its parameter record (checked for shape; values are the constructor's to check). */
export function openFile(bytes: Uint8Array, tag: string, version: number): { reader: BinaryReader; params: NnDescentFileParams } {
  const reader = BinaryReader.open(bytes, tag);
  reader.expectVersion(version);
  const p = reader.json<NnDescentFileParams>();
  if (p === null || typeof p !== 'object' || Array.isArray(p)) corrupt('the parameter record is not an object');
  if (!Number.isInteger(p.root) || p.root < -(1 << 30) || p.root > 1 << 30) corrupt('bad tree root');
  const info = p.info;
  if (info !== null) {
    if (typeof info !== 'object' || Array.isArray(info)) corrupt('bad build record');
    const ints = ['points', 'nNeighbors', 'nTrees', 'maxIterations', 'iterations', 'searchEdges', 'maxDegree'] as const;
    for (const key of ints) if (!Number.isInteger(info[key]) || info[key] < 0) corrupt(`bad build record field ${key}`);
    if (typeof info.exact !== 'boolean' || !Array.isArray(info.updatesPerIteration)) corrupt('bad build record');
  }
  return { reader, params: p };
}

/**
 * Read the array sections for an index of `dim`, K and `maxDegree` (sizes checked against
 * each other before any view is kept).
 */
export function readSections(
  reader: BinaryReader,
  p: NnDescentFileParams,
  dim: number,
  K: number,
  maxDegree: number,
): { vectors: Float32Array; parts: GraphParts } {
  const vectors = reader.f32array();
  if (vectors.length % dim !== 0) corrupt(`vector section of ${vectors.length} values is not a multiple of dim = ${dim}`);
  const n = vectors.length / dim;
  const info = p.info;
  if (info === null ? n !== 0 : info.points !== n || info.nNeighbors !== K || info.maxDegree !== maxDegree) {
    corrupt('the build record does not match the sections');
  }
  const knnIds = reader.i32array(n * K);
  const knnDist = reader.f32array(n * K).slice();
  for (let e = 0; e < knnDist.length; e++) if (knnIds[e] === -1) knnDist[e] = Infinity;
  const links = reader.i32array(n * (1 + maxDegree));
  const tree = new FlatTree(dim);
  tree.normals = reader.f32array();
  if (tree.normals.length % dim !== 0) corrupt('tree normal section size');
  tree.innerCount = tree.normals.length / dim;
  tree.offsets = reader.f64array(tree.innerCount);
  tree.children = reader.i32array(2 * tree.innerCount);
  tree.leafStart = reader.i32array();
  tree.leafCount = tree.leafStart.length;
  tree.leafSizes = reader.i32array(tree.leafCount);
  tree.indices = reader.i32array();
  tree.root = p.root;
  const entries = reader.i32array();
  reader.finish();
  let edges = 0;
  for (let i = 0; i < n; i++) edges += links[i * (1 + maxDegree)];
  if (info !== null && info.searchEdges !== edges) corrupt('edge count');
  if (tree.leafCount > 0 && (tree.root >= 0 ? tree.root >= tree.innerCount : ~tree.root >= tree.leafCount))
    corrupt('tree root out of range');
  return { vectors, parts: { n, k: K, knnIds, knnDist, graph: { maxDegree, links, edges }, tree, entries } };
}

/** Throw `CORRUPT_DATA` naming the violations an invariant check found in a loaded file. */
export function refuseInconsistent(errors: readonly string[]): never {
  const shown = errors.slice(0, 3).join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  corrupt(`invariant violated: ${shown}${more}`);
}
