/**
 * One query's search, recorded for teaching and for `annlab explain`'s pictures: the entry
 * node of every level, the nodes expanded there in order (on the upper levels, the greedy
 * path of Alg. 5's descent; on level 0, SEARCH-LAYER's expansions), the distances computed,
 * and which strategy answered (graph, graph completed by a scan, or scan). It runs the checked
 * search path (`searchChecked` in `knn-search.ts`), so it returns exactly what `search` does.
 *
 * @module
 */
import { AnnlabError, checkK, checkVectors, createSearchResult, stableInput } from '@annlab/core';
import type { HnswState } from './hnsw-state.js';
import { DEFAULT_EF_SEARCH, checkHnswSearchParams, searchChecked } from './knn-search.js';
import type { HnswExplanation, HnswLayerTrace } from './types.js';

/** Validate one query (`dim` values), `k` and the parameters, search, and return the trace. */
export function explain(s: HnswState, query: Float32Array, k: number, params: unknown): HnswExplanation {
  const nq = checkVectors(query, s.dim, 'query');
  if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (dim = ${s.dim} values), got ${nq}.`);
  checkK(k);
  const p = checkHnswSearchParams(params, 'HnswIndex.explain params');
  const result = createSearchResult(1, k);
  const layers: HnswLayerTrace[] = [];
  const ef = Math.max(k, p.efSearch ?? DEFAULT_EF_SEARCH);
  const strategy = searchChecked(s, stableInput(query), 0, k, ef, p.filter, p.stats, layers, result.ids, result.distances, 0);
  return { result, layers, strategy };
}
