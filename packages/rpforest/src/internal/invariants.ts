/**
 * The forest's structural invariants, checked in one pass (hnswlib's `checkIntegrity`):
 * every node is reachable from exactly one root and exactly once (no sharing, no cycles);
 * every leaf holds at most `leafSize` ids within its reserved slots; every live id sits in
 * exactly one leaf of every tree and no deleted id sits in any; the live count matches the
 * deleted flags; a built forest has as many roots as trees.
 *
 * A damaged structure (a corrupted file, a bug) is reported, never thrown: the walk skips
 * what it cannot follow (a node reached twice is not expanded again, an out-of-range code is
 * not read), so it terminates on any input, in time linear in the nodes, the leaf items and
 * the ids (never trees × ids: a crafted file with thousands of empty trees over many
 * deleted ids is checked as fast as it is read).
 *
 * @module
 */
import type { InvariantReport } from '@annlab/core';
import type { FlatForest } from './flat-forest.js';

/** Most violations listed in a report. */
const MAX_ERRORS = 50;

/**
 * Check `forest` against the index's bookkeeping.
 *
 * @param live - the index's live-id count.
 * @param built - whether the first build ran.
 * @param nTrees - trees the index holds (or will build).
 */
export function checkForest(forest: FlatForest, live: number, built: boolean, nTrees: number): InvariantReport {
  const errors: string[] = [];
  const fail = (msg: string): boolean => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
    return errors.length >= MAX_ERRORS;
  };
  const report = (): InvariantReport => ({ ok: errors.length === 0, errors });
  const { innerCount, leafCount, children, leafStart, leafSizes, leafCap, leafItems, deleted, roots } = forest;
  if (built && roots.length !== nTrees && fail(`${roots.length} roots for ${nTrees} trees`)) return report();
  const innerSeen = new Uint8Array(innerCount);
  const leafSeen = new Uint8Array(leafCount);
  const n = forest.store.size;
  let liveIds = 0;
  for (let id = 0; id < n; id++) if (deleted[id] === 0) liveIds++;
  // treeOf[id] = the last tree id was found in: one pass over each tree's items finds
  // repeats, and a count per tree finds missing ids (O(items + n), not O(trees × n)).
  const treeOf = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  for (let t = 0; t < roots.length; t++) {
    let inTree = 0;
    stack.push(roots[t]);
    while (stack.length > 0) {
      const code = stack.pop() as number;
      if (code < 0) {
        const leaf = ~code;
        if (leaf >= leafCount) {
          if (fail(`leaf ${leaf} out of range`)) return report();
          continue;
        }
        if (leafSeen[leaf]) {
          if (fail(`leaf ${leaf} reached twice`)) return report();
          continue;
        }
        leafSeen[leaf] = 1;
        const s = leafStart[leaf];
        const size = leafSizes[leaf];
        if (size > forest.leafSize && fail(`leaf ${leaf} holds ${size} > leafSize ${forest.leafSize}`)) return report();
        if (size < 0 || size > leafCap[leaf] || s < 0 || s + leafCap[leaf] > forest.leafItemsUsed) {
          if (fail(`leaf ${leaf} range out of bounds`)) return report();
          continue;
        }
        for (let r = 0; r < size; r++) {
          const id = leafItems[s + r];
          if (id < 0 || id >= n) {
            if (fail(`leaf ${leaf} holds id ${id} outside [0, ${n})`)) return report();
          } else if (deleted[id] !== 0) {
            if (fail(`id ${id} appears in tree ${t} but is deleted`)) return report();
          } else if (treeOf[id] === t) {
            if (fail(`id ${id} appears more than once in tree ${t}`)) return report();
          } else {
            treeOf[id] = t;
            inTree++;
          }
        }
      } else {
        if (code >= innerCount) {
          if (fail(`inner node ${code} out of range`)) return report();
          continue;
        }
        if (innerSeen[code]) {
          if (fail(`inner node ${code} reached twice`)) return report();
          continue;
        }
        innerSeen[code] = 1;
        stack.push(children[2 * code], children[2 * code + 1]);
      }
    }
    if (inTree !== liveIds) {
      // Some live id is missing: name them (each tree that fails adds at least one error).
      for (let id = 0; id < n; id++) {
        if (deleted[id] === 0 && treeOf[id] !== t && fail(`id ${id} appears 0 times in tree ${t} (expected 1)`)) return report();
      }
    }
  }
  for (let i = 0; i < innerCount; i++) if (!innerSeen[i] && fail(`inner node ${i} unreachable`)) return report();
  for (let l = 0; l < leafCount; l++) if (!leafSeen[l] && fail(`leaf ${l} unreachable`)) return report();
  if (liveIds !== live) fail(`live count ${live} but ${liveIds} ids are not deleted`);
  return report();
}
