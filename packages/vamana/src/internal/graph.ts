/**
 * The Vamana graph as one typed array (internal): hnswlib's level-0 layout, the layout core's
 * `graphSearch` walks. Node `i` owns the block `[i·stride, (i+1)·stride)` of `adj`, with
 * `stride = 1 + R`: slot 0 holds its out-degree, slots `1..degree` its out-neighbours.
 * Vectors are not here: they live in core's `VectorStore`, held by the index.
 *
 * @module
 */

/** The typed-array graph of a Vamana index and its start node (fixed shape). */
export class VamanaGraph {
  /** Maximum out-degree R. */
  readonly R: number;
  /** Ints per node block: 1 + R. */
  readonly stride: number;
  /** Adjacency, `capacity × (1 + R)`, count first (see the module doc); the first `nodes` blocks are in use. */
  adj: Int32Array;
  /** Nodes in the graph (ids [0, nodes)). */
  nodes: number;
  /** The start node s of every search (the medoid at build time), −1 when empty. */
  medoid: number;

  /**
   * @param R - maximum out-degree.
   * @param capacity - nodes to allocate room for.
   */
  constructor(R: number, capacity: number) {
    this.R = R;
    this.stride = 1 + R;
    this.adj = new Int32Array(Math.max(1, capacity) * this.stride);
    this.nodes = 0;
    this.medoid = -1;
  }

  /** Nodes there is room for. */
  get capacity(): number {
    return this.adj.length / this.stride;
  }

  /** Make room for ids [0, n): grow `adj` by doubling, keeping contents (new blocks empty). */
  ensureCapacity(n: number): void {
    const cur = this.capacity;
    if (n <= cur) return;
    let cap = Math.max(16, cur);
    while (cap < n) cap *= 2;
    const adj = new Int32Array(cap * this.stride);
    adj.set(this.adj.subarray(0, this.nodes * this.stride));
    this.adj = adj;
  }

  /** Out-degree of node `id`. */
  degree(id: number): number {
    return this.adj[id * this.stride];
  }

  /** Bytes held by the adjacency. */
  memoryBytes(): number {
    return this.adj.byteLength;
  }
}
