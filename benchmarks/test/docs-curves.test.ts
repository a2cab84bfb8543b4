import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsGrids, replotCurves, runCurves, type CurveGrid } from '../../docs/scripts/curves-lib.ts';

// The docs' tuning-curve script on a tiny synthetic dataset: the same code path as
// `pnpm docs:curves` (harness run, SVG, markdown table, guide splicing), in a second or two.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'annlab-curves-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DATASET = { key: 'tiny', title: 'tiny synthetic', ref: 'synthetic:n=300,dim=8,clusters=4,queries=10,seed=3,metric=euclidean' };

describe('docs curves script', () => {
  it('measures every grid point, writes an SVG and a table per algorithm and splices them into the guides', async () => {
    const guides = join(dir, 'guides');
    const figures = join(guides, 'figures');
    const grids = (_d: unknown, dim: number): CurveGrid[] => [
      { algorithm: 'hnsw', guide: 'hnsw', build: { M: [4, 8], efConstruction: [20] }, search: { efSearch: [10, 40] } },
      { algorithm: 'ivfflat', guide: 'ivfpq', build: { nlist: [4] }, search: { nprobe: [1, 4] } },
      { algorithm: 'pca+flat', guide: 'pca', build: { components: [Math.min(4, dim)] }, search: { rerank: [0, 4] } },
    ];
    const guide = join(guides, 'hnsw.md');
    mkdirSync(guides, { recursive: true });
    writeFileSync(
      guide,
      '# HNSW\n\nbefore\n\n<!-- curves:begin hnsw-hnsw-tiny -->\nstale numbers\n<!-- curves:end hnsw-hnsw-tiny -->\n\n<!-- curves:begin hnsw-hnsw-other -->\nkept\n<!-- curves:end hnsw-hnsw-other -->\nafter\n',
    );
    const out = await runCurves({ outDir: figures, datasets: [DATASET], grids, guidesDir: guides });

    const rs = out.results.tiny;
    expect(rs.length).toBe(2 * 2 + 2 + 2);
    for (const r of rs) {
      expect(r.recall).toBeGreaterThanOrEqual(0);
      expect(r.recall).toBeLessThanOrEqual(1);
      expect(r.qps).toBeGreaterThan(0);
    }
    // nprobe = nlist scans every list: exact.
    expect(rs.find((r) => r.algorithm === 'ivfflat' && r.search.nprobe === 4)?.recall).toBe(1);

    const svg = readFileSync(join(figures, 'hnsw-hnsw-tiny.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('recall@10');
    expect(svg).toContain('M=4');
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(4);

    const table = readFileSync(join(figures, 'ivfpq-ivfflat-tiny.md'), 'utf8');
    expect(table).toContain('| build | search | recall@10 |');
    expect(table.split('\n').filter((l) => l.startsWith('| nlist=4')).length).toBe(2);

    const spliced = readFileSync(guide, 'utf8');
    expect(out.updatedGuides).toEqual([guide]);
    expect(spliced).not.toContain('stale numbers');
    expect(spliced).toContain('![hnsw on tiny synthetic: recall@10 against single-thread QPS](figures/hnsw-hnsw-tiny.svg)');
    expect(spliced).toContain('| M=4,efConstruction=20 | efSearch=10 |');
    expect(spliced).toContain('kept');
    expect(readFileSync(join(figures, 'curves-meta.md'), 'utf8')).toContain('300 base × 8');

    // --replot redraws the same figures from the saved measurements.
    const replotted = await replotCurves({ outDir: figures, datasets: [DATASET] });
    expect(replotted).toContain(join(figures, 'hnsw-hnsw-tiny.svg'));
    expect(readFileSync(join(figures, 'hnsw-hnsw-tiny.svg'), 'utf8')).toBe(svg);
    expect(readFileSync(join(figures, 'ivfpq-ivfflat-tiny.md'), 'utf8')).toBe(table);
  });

  it("the docs' own grids are valid for any dimension (PQ m divides dim, PCA keeps fewer components than dim)", () => {
    for (const dim of [8, 16, 100, 128, 784]) {
      for (const key of ['fashion-mnist', 'siftsmall']) {
        for (const g of docsGrids({ ...DATASET, key }, dim)) {
          const m = g.build?.m;
          if (Array.isArray(m)) for (const v of m) expect(dim % Number(v)).toBe(0);
          const c = g.build?.components;
          if (Array.isArray(c)) for (const v of c) expect(Number(v)).toBeLessThanOrEqual(dim);
        }
      }
    }
  });
});
