/**
 * @annlab/nndescent: NN-Descent (Dong, Charikar & Li, WWW 2011) with pynndescent's
 * refinements: an approximate k-NN graph built by local joins from a random-projection-tree
 * start, pruned into a search graph and searched best-first from a tree leaf. The k-NN graph
 * itself is available for graph methods such as UMAP.
 *
 * @packageDocumentation
 */
export { NnDescentIndex } from './nn-descent-index.js';
export type { KnnGraph } from './nn-descent-index.js';
export type { NnDescentBuildInfo, NnDescentOptions } from './options.js';
export type { NnDescentSearchParams } from './search.js';
export type { NnDescentExplanation } from './explain.js';
