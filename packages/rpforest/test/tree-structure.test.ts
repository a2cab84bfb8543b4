/**
 * `treeStructure(t)`: a copy of one tree, numbered within the tree, that describes the same
 * partition the forest searches.
 */
import { clustered, expectCode } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { RpForestIndex } from '../src/index.js';

const DIM = 4;

describe('RpForestIndex.treeStructure', () => {
  const index = new RpForestIndex({ dim: DIM, nTrees: 3, leafSize: 6, seed: 2 });
  const data = clustered(120, DIM, 5, 3);
  index.add(data);
  index.delete([4, 50]);

  it('holds every live id once per tree, and routes each stored vector to the leaf holding it', () => {
    for (let t = 0; t < index.nTrees; t++) {
      const tree = index.treeStructure(t);
      const seen = new Set<number>(tree.leafItems);
      expect(tree.leafItems.length).toBe(index.size);
      expect(seen.size).toBe(index.size);
      expect(seen.has(4) || seen.has(50)).toBe(false);
      expect(tree.leafOffsets.length).toBe(tree.leafIds.length + 1);
      for (let id = 0; id < 120; id++) {
        if (!index.has(id)) continue;
        let code = tree.root;
        while (code >= 0) {
          let m = tree.splitOffsets[code];
          for (let d = 0; d < DIM; d++) m += tree.splitNormals[code * tree.treeDim + d] * data[id * DIM + d];
          code = tree.children[2 * code + (m > 0 ? 1 : 0)];
        }
        const j = ~code;
        const items = Array.from(tree.leafItems.subarray(tree.leafOffsets[j], tree.leafOffsets[j + 1]));
        expect(items).toContain(id);
      }
    }
  });

  it('names leaves as explain() does, and is a copy', () => {
    const why = index.explain(data.subarray(0, DIM), 5, { searchK: 30 });
    for (const visit of why.visits) expect(Array.from(index.treeStructure(visit.tree).leafIds)).toContain(visit.leaf);
    const tree = index.treeStructure(0);
    tree.splitNormals.fill(0);
    tree.leafItems.fill(-1);
    expect(index.checkInvariants().ok).toBe(true);
    expect(index.treeStructure(0).leafItems).not.toContain(-1);
  });

  it('refuses a tree that does not exist', () => {
    expectCode(() => index.treeStructure(3), 'INVALID_PARAMETER');
    expectCode(() => index.treeStructure(-1), 'INVALID_PARAMETER');
    expectCode(() => index.treeStructure(0.5), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: DIM }).treeStructure(0), 'INVALID_PARAMETER');
  });
});
