/**
 * @annlab/ivfpq: k-means, IVF-Flat, product quantization and IVF-PQ with ADC and exact re-ranking (Jégou, Douze, Schmid).
 *
 * @packageDocumentation
 */
export {};
