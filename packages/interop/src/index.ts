/**
 * @annlab/interop: hnswlib, Annoy and FAISS index files (in progress).
 *
 * @packageDocumentation
 */
export {};
