/**
 * @annlab/rpforest: Annoy-style random-projection forest (two-means splits, one priority
 * queue over all trees), with adds after build, deletes, more trees on a built forest, and
 * a search trace for learners.
 *
 * @packageDocumentation
 */
export { RpForestIndex, RpForestSearchStats } from './rp-forest-index.js';
export type { RpForestInfo, RpForestLeafVisit, RpForestOptions, RpForestSearchParams, RpForestTrace } from './rp-forest-index.js';
export { TWO_MEANS_STEPS, createSplitInto, marginOf, twoMeans } from './two-means.js';
