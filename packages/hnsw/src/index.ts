/**
 * @annlab/hnsw: Hierarchical Navigable Small World graphs (Malkov & Yashunin) over typed arrays.
 *
 * @packageDocumentation
 */
export {};
