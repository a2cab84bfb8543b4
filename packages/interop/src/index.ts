/**
 * @annlab/interop: read and write hnswlib, Annoy and FAISS index files for annlab indexes.
 * Bytes in, bytes out (`Uint8Array`); file I/O is the caller's (the CLI's `annlab export` and
 * `annlab import`).
 *
 * @packageDocumentation
 */
export { exportHnswlib, hnswlibSpace, importHnswlib, isHnswlibFile } from './hnswlib/index.js';
export type { HnswlibExportOptions, HnswlibImport, HnswlibImportOptions, HnswlibSpace } from './hnswlib/index.js';

// FAISS: IndexFlat, IndexIVFFlat, IndexIVFPQ, IndexRefineFlat, IndexHNSWFlat, IndexPreTransform.
export { exportFaiss, importFaiss, isFaissFile, readFaiss } from './faiss/faiss-files.js';
export type { FaissExportOptions, FaissImport, FaissImportOptions } from './faiss/faiss-files.js';
export type { FaissSearchSettings } from './faiss/annlab-layout.js';
export { annoyLeafCapacity, annoyMetric, exportAnnoy, importAnnoy } from './annoy/index.js';
export type { AnnoyImportOptions, AnnoyMetric } from './annoy/index.js';
