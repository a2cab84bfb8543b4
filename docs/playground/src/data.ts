/**
 * The playground's data: seeded 2-D point sets (Gaussian clusters, rings, uniform, a grid
 * with duplicates) and a real one, Fashion-MNIST, searched in its 784 dimensions and shown
 * through a 2-D PCA projection. The clusters come from the same generator as the
 * `annlab explain` pictures (`clusteredPoints`, core's seeded `Rng`), so the page and the
 * CLI's figures show the same data for the same seed.
 *
 * Nothing here runs an index: it makes vectors, and for the real set it reads the IDX file
 * and projects it with `@annlab/pca`.
 *
 * @module
 */
import { clusteredPoints } from '@annlab/cli/explain/geometry';
import { Rng } from '@annlab/core';
import { Pca } from '@annlab/pca';

/** The 2-D generators, by name. */
export const SYNTHETIC_KINDS = ['clusters', 'rings', 'uniform', 'grid'] as const;
/** One of {@link SYNTHETIC_KINDS}. */
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** A data set as the page uses it. */
export interface Dataset {
  /** What the page calls it. */
  readonly name: string;
  /** Dimension the indexes search in. */
  readonly dim: number;
  /** Number of base vectors. */
  readonly n: number;
  /** Base vectors, n × dim, row-major. */
  readonly base: Float32Array;
  /** Where each base vector is drawn, n × 2 (the vectors themselves in 2-D, their PCA projection otherwise). */
  readonly xy: Float32Array;
  /** True when `xy` is a projection of higher-dimensional vectors. */
  readonly projected: boolean;
  /** Held-out query vectors (nq × dim) and their drawing positions (nq × 2); empty for 2-D sets, where any point can be a query. */
  readonly queries: Float32Array;
  /** Drawing positions of `queries`, nq × 2. */
  readonly queriesXy: Float32Array;
  /** A class label per base vector (for colour), or null. */
  readonly labels: Uint8Array | null;
  /** Side of a square image per vector (28 for Fashion-MNIST), 0 when the vectors are not images. */
  readonly imageSide: number;
}

/** `n` seeded 2-D points of the given kind, inside roughly [0, 1]², row-major. */
export function synthetic2d(kind: SyntheticKind, n: number, seed: number): Float32Array {
  if (kind === 'clusters') return clusteredPoints(n, seed);
  const rng = new Rng(seed);
  const out = new Float32Array(2 * n);
  if (kind === 'uniform') {
    for (let i = 0; i < 2 * n; i++) out[i] = rng.nextDouble();
  } else if (kind === 'rings') {
    // Three concentric rings around the centre, radius noise 0.015.
    const radii = [0.12, 0.27, 0.42];
    for (let i = 0; i < n; i++) {
      const r = radii[rng.nextInt(radii.length)] + 0.015 * rng.nextGaussian();
      const a = 2 * Math.PI * rng.nextDouble();
      out[2 * i] = 0.5 + r * Math.cos(a);
      out[2 * i + 1] = 0.5 + r * Math.sin(a);
    }
  } else {
    // A regular grid of about n/3 sites; every point sits exactly on a site, so most sites hold
    // duplicates (equal distances: the results show the tie-break by smaller id).
    const sites = Math.max(1, Math.round(Math.sqrt(n / 3)));
    for (let i = 0; i < n; i++) {
      out[2 * i] = (0.5 + rng.nextInt(sites)) / sites;
      out[2 * i + 1] = (0.5 + rng.nextInt(sites)) / sites;
    }
  }
  return out;
}

/** A 2-D data set (the vectors are their own picture). */
export function syntheticDataset(kind: SyntheticKind, n: number, seed: number): Dataset {
  const base = synthetic2d(kind, n, seed);
  return {
    name: `${kind} (2-D)`,
    dim: 2,
    n,
    base,
    xy: base,
    projected: false,
    queries: new Float32Array(0),
    queriesXy: new Float32Array(0),
    labels: null,
    imageSide: 0,
  };
}

/** The images of an IDX3 file (magic 0x803): count, rows, cols and the pixels. */
export function parseIdxImages(bytes: Uint8Array): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0) !== 0x803) throw new Error('not an IDX3 image file (magic 0x00000803 expected)');
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (bytes.byteLength < 16 + count * rows * cols)
    throw new Error(`IDX3 file is truncated: ${count} images of ${rows}×${cols} need ${16 + count * rows * cols} bytes`);
  return { count, rows, cols, pixels: bytes.subarray(16, 16 + count * rows * cols) };
}

/** The labels of an IDX1 file (magic 0x801). */
export function parseIdxLabels(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0) !== 0x801) throw new Error('not an IDX1 label file (magic 0x00000801 expected)');
  return bytes.subarray(8, 8 + view.getUint32(4));
}

/** Gunzip when the bytes start with the gzip magic (the browser's DecompressionStream). */
export async function maybeGunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.byteLength < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Held-out queries of the real data set: the last ones of the file. */
export const REAL_QUERIES = 1000;

/**
 * Fashion-MNIST as the page shows it: the first `n` images are the base set, the last
 * {@link REAL_QUERIES} the queries, pixels scaled to [0, 1] (784 dimensions, Euclidean). The
 * picture is the projection on the base set's two first principal components (`Pca`,
 * seeded); the search never sees it.
 */
export function fashionMnistDataset(images: Uint8Array, labels: Uint8Array | null, n: number, seed: number): Dataset {
  const { count, rows, cols, pixels } = parseIdxImages(images);
  const dim = rows * cols;
  const nq = Math.min(REAL_QUERIES, Math.floor(count / 10));
  const nb = Math.max(1, Math.min(n, count - nq));
  const base = new Float32Array(nb * dim);
  for (let i = 0; i < nb * dim; i++) base[i] = pixels[i] / 255;
  const queries = new Float32Array(nq * dim);
  const q0 = (count - nq) * dim;
  for (let i = 0; i < nq * dim; i++) queries[i] = pixels[q0 + i] / 255;
  const pca = new Pca({ dim, components: 2, seed });
  pca.train(base);
  return {
    name: `Fashion-MNIST (${dim}-D, PCA view)`,
    dim,
    n: nb,
    base,
    xy: pca.apply(base),
    projected: true,
    queries,
    queriesXy: pca.apply(queries),
    labels: labels === null ? null : labels.slice(0, nb),
    imageSide: rows === cols ? rows : 0,
  };
}
