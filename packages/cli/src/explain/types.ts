/**
 * Shared shapes of `annlab explain`.
 *
 * @module
 */

/** Options of every picture. */
export interface ExplainOptions {
  /** Number of 2-D points to index (each picture has its own default, a few hundred). */
  points?: number;
  /** Seed of the data and of the index. @defaultValue 42 */
  seed?: number;
}

/** One generated picture. */
export interface Picture {
  /** Algorithm it explains (`hnsw`, `rpforest`, ...). */
  name: string;
  /** File name to write it under (`hnsw-layers.svg`). */
  file: string;
  /** The SVG document. */
  svg: string;
  /** One line on what was drawn (printed by the command). */
  summary: string;
}
