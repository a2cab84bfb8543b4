import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '@annlab/cli';
import { capture, useTempDir } from './helpers.js';

/** Count elements named `tag` anywhere below a parsed node (fast-xml-parser's object form). */
function count(node: unknown, tag: string): number {
  if (node === null || typeof node !== 'object') return 0;
  let n = 0;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const items = Array.isArray(value) ? value : [value];
    if (key === tag) n += items.length;
    for (const item of items) n += count(item, tag);
  }
  return n;
}

/** Elements named `tag` inside a `<g class="cls">` group. */
function inGroup(svg: unknown, cls: string, tag: string): number {
  let n = 0;
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (key === 'g' && item !== null && typeof item === 'object' && (item as Record<string, unknown>)['@_class'] === cls)
          n += count(item, tag);
        else walk(item);
      }
    }
  };
  walk(svg);
  return n;
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (_name, _path, _leaf, isAttribute) => isAttribute !== true });
const tmp = useTempDir('annlab-explain-');
let dir: string;

beforeAll(() => {
  dir = tmp.path;
});

async function explain(algorithm: string, extra: string[] = []): Promise<{ code: number; io: ReturnType<typeof capture> }> {
  const io = capture();
  const code = await runCli(['explain', algorithm, '--out', dir, ...extra], io);
  return { code, io };
}

function parse(file: string): unknown {
  const text = readFileSync(join(dir, file), 'utf8');
  expect(XMLValidator.validate(text)).toBe(true);
  const doc = parser.parse(text) as { svg?: unknown[] };
  expect(doc.svg).toBeDefined();
  expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
  return doc.svg;
}

describe('annlab explain', () => {
  it('hnsw: one panel per level, a greedy path on upper levels, the final beam of k results on level 0', async () => {
    const { code, io } = await explain('hnsw');
    expect(code, io.stderr).toBe(EXIT.OK);
    expect(io.stdout).toContain('hnsw-layers.svg');
    const svg = parse('hnsw-layers.svg');
    const levels = count(svg, 'rect') - 1; // background + one frame per level
    expect(levels).toBeGreaterThanOrEqual(2);
    expect(inGroup(svg, 'greedy-path', 'polyline')).toBe(levels - 1);
    expect(inGroup(svg, 'beam', 'circle')).toBe(8);
    expect(inGroup(svg, 'expanded', 'circle')).toBeGreaterThan(8);
    expect(inGroup(svg, 'edges', 'line')).toBeGreaterThan(100);
  });

  it('rpforest: split segments per tree and at least one visited leaf per tree with its order', async () => {
    const { code, io } = await explain('rpforest');
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('rpforest-splits.svg');
    expect(inGroup(svg, 'splits', 'line')).toBeGreaterThan(3 * 5);
    expect(inGroup(svg, 'leaves', 'polygon')).toBeGreaterThanOrEqual(3);
    expect(inGroup(svg, 'results', 'circle')).toBe(3 * 5);
  });

  it('ivfflat: nlist Voronoi cells, nprobe of them probed, k results', async () => {
    const { code, io } = await explain('ivf');
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('ivf-cells.svg');
    expect(inGroup(svg, 'cells', 'polygon')).toBe(16);
    const text = readFileSync(join(dir, 'ivf-cells.svg'), 'utf8');
    expect(text.match(/class="probed-cell"/g)?.length).toBe(3);
    expect(inGroup(svg, 'results', 'circle')).toBe(8);
  });

  it('ivfpq: every list gets ksub × ksub reproduction values and every point a reconstruction line', async () => {
    const { code, io } = await explain('ivfpq', ['--points', '200']);
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('ivfpq-codebook.svg');
    expect(inGroup(svg, 'reproduction-values', 'rect')).toBe(4 * 16);
    expect(inGroup(svg, 'quantization-error', 'line')).toBe(200);
    expect(readFileSync(join(dir, 'ivfpq-codebook.svg'), 'utf8').match(/class="codeword"/g)?.length).toBe(2 * 4);
  });

  it('lsh: a bucket grid per table, the probed buckets in order, k results', async () => {
    const { code, io } = await explain('lsh');
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('lsh-buckets.svg');
    expect(inGroup(svg, 'hash-lines', 'line')).toBeGreaterThan(3 * 2);
    expect(readFileSync(join(dir, 'lsh-buckets.svg'), 'utf8').match(/class="probed-bucket"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(inGroup(svg, 'results', 'circle')).toBe(3 * 5);
  });

  it('flat and pca draw their pictures', async () => {
    expect((await explain('flat')).code).toBe(EXIT.OK);
    expect(inGroup(parse('flat-scan.svg'), 'results', 'circle')).toBe(10);
    expect((await explain('pca')).code).toBe(EXIT.OK);
    expect(inGroup(parse('pca-projection.svg'), 'axes', 'line')).toBe(2);
  });

  it('vamana: the graph, the expansions in order from the start node, k results', async () => {
    const { code, io } = await explain('vamana');
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('vamana-graph.svg');
    expect(inGroup(svg, 'edges', 'line')).toBeGreaterThan(400);
    expect(inGroup(svg, 'expanded', 'polyline')).toBe(1);
    expect(inGroup(svg, 'expanded', 'circle')).toBeGreaterThan(8);
    expect(inGroup(svg, 'results', 'circle')).toBe(8);
  });

  it('nndescent: the k-NN graph beside the pruned search graph, entry leaf, expansions, k results', async () => {
    const { code, io } = await explain('nndescent');
    expect(code, io.stderr).toBe(EXIT.OK);
    const svg = parse('nndescent-graph.svg');
    // 400 points × K = 8 k-NN edges; the search graph keeps fewer after diversification.
    expect(inGroup(svg, 'knn-edges', 'line')).toBe(3200);
    expect(inGroup(svg, 'search-edges', 'line')).toBeGreaterThan(400);
    expect(inGroup(svg, 'search-edges', 'line')).toBeLessThan(3200);
    expect(inGroup(svg, 'entries', 'circle')).toBeGreaterThan(0);
    expect(inGroup(svg, 'expanded', 'polyline')).toBe(1);
    expect(inGroup(svg, 'results', 'circle')).toBe(8);
  });

  it('all writes every picture, and the same seed gives the same bytes', async () => {
    const { code, io } = await explain('all', ['--json']);
    expect(code, io.stderr).toBe(EXIT.OK);
    const out = JSON.parse(io.stdout) as { files: { algorithm: string; file: string }[] };
    expect(out.files.map((f) => f.algorithm).sort()).toEqual([
      'flat',
      'hnsw',
      'ivfflat',
      'ivfpq',
      'lsh',
      'nndescent',
      'pca',
      'rpforest',
      'vamana',
    ]);
    for (const f of out.files) parse(f.file.slice(dir.length + 1));
    const first = readFileSync(join(dir, 'hnsw-layers.svg'), 'utf8');
    await explain('hnsw');
    expect(readFileSync(join(dir, 'hnsw-layers.svg'), 'utf8')).toBe(first);
  });

  it('an unknown algorithm exits NOT_FOUND with the list of known ones', async () => {
    const { code, io } = await explain('kdtree');
    expect(code).toBe(EXIT.NOT_FOUND);
    expect(io.stderr).toContain('hnsw');
  });
});
