/**
 * `annlab explain`: pictures of each index structure on seeded 2-D data, drawn from the
 * indexes' own `explain()` output and public accessors (never a second implementation).
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';
import { explainFlat, explainPca } from './flat-pca.js';
import { explainHnsw } from './hnsw.js';
import { explainIvf, explainPq } from './ivf.js';
import { explainLsh } from './lsh.js';
import { explainNnDescent } from './nndescent.js';
import { explainRpForest } from './rpforest.js';
import { explainVamana } from './vamana.js';
import type { ExplainOptions, Picture } from './types.js';

export type { ExplainOptions, Picture } from './types.js';

/** Every picture `annlab explain` can draw, by algorithm name. */
export const EXPLAINERS: Readonly<Record<string, (options: ExplainOptions) => Promise<Picture>>> = {
  flat: explainFlat,
  rpforest: explainRpForest,
  hnsw: explainHnsw,
  ivfflat: explainIvf,
  ivfpq: explainPq,
  pca: explainPca,
  vamana: explainVamana,
  lsh: explainLsh,
  nndescent: explainNnDescent,
};

/** Accepted aliases. */
const ALIASES: Readonly<Record<string, string>> = { ivf: 'ivfflat', pq: 'ivfpq', annoy: 'rpforest' };

/** Draw the picture(s) for `algorithm` (`all` for every one). */
export async function explainPictures(algorithm: string, options: ExplainOptions = {}): Promise<Picture[]> {
  const name = ALIASES[algorithm] ?? algorithm;
  if (name === 'all') {
    const out: Picture[] = [];
    for (const fn of Object.values(EXPLAINERS)) out.push(await fn(options));
    return out;
  }
  const fn = EXPLAINERS[name];
  if (fn === undefined) {
    throw new AnnlabError('NOT_FOUND', `annlab explain knows ${Object.keys(EXPLAINERS).join(', ')} and all; got "${algorithm}".`);
  }
  return [await fn(options)];
}
