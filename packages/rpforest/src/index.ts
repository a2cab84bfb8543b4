/**
 * @annlab/rpforest: Annoy-style random-projection forest (two-means splits, one priority
 * queue over all trees), with adds after build, deletes, more trees on a built forest, and
 * an explained search for learners.
 *
 * @packageDocumentation
 */
export { RpForestIndex } from './rp-forest-index.js';
export type { RpForestAddAsyncOptions } from './rp-forest-index.js';
export { BUILD_TREES_TASK, buildTreesTask } from './internal/parallel-build.js';
export type { BuildTreesPayload, TaskPool } from './internal/parallel-build.js';
export type { TreeBlock } from './internal/tree-block.js';
export type { RpForestInfo, RpForestOptions } from './options.js';
export { RpForestSearchStats } from './search.js';
export type { RpForestSearchParams } from './search.js';
export type { RpForestExplanation, RpForestLeafVisit } from './explain.js';
export type { RpForestTree } from './tree-structure.js';
export { TWO_MEANS_STEPS, createSplitInto, marginOf, twoMeans } from './two-means.js';
