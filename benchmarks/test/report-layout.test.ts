/**
 * The report reads at its own width: every plot is drawn at its natural size (no figure is
 * scaled down into a column or by a doubled-up subtitle, which left 5 px text), points on the
 * recall axis's ends are drawn whole, the plots compile without vega-lite warnings (they went
 * to the terminal on every run), and long parameter lists in the tables wrap at their commas
 * so the numeric columns stay on screen.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  parseSuite,
  recallLatencySpec,
  recallQpsSpec,
  renderPlots,
  renderReport,
  resolveDataset,
  runSuite,
  type BenchmarkRun,
  type Plots,
} from '@annlab/bench';

/** The report's content width: `body { max-width: 1320px; padding: 0 1rem }`. */
const CONTENT_WIDTH = 1320 - 32;

let run: BenchmarkRun;
let plots: Plots;
let warnings: unknown[][];

beforeAll(async () => {
  const dataset = await resolveDataset('synthetic:n=600,dim=8,clusters=4,queries=20,seed=11', { k: 5 });
  const suite = parseSuite({
    name: 'layout',
    dataset: 'unused',
    k: 5,
    repeats: 1,
    runs: [
      { algorithm: 'flat' },
      { algorithm: 'hnsw', build: { M: 6, efConstruction: 24 }, search: { efSearch: [5, 10, 40] } },
      {
        algorithm: 'ivfpq',
        build: { nlist: 8, m: 4, nbits: 4, niter: 5, pqNiter: 5, keepVectors: true },
        search: { nprobe: [1, 8], rerank: [0, 4] },
      },
      { algorithm: 'rpforest', build: { nTrees: 4, leafSize: 16 }, search: { searchK: [20, 2000] } },
    ],
  });
  run = await runSuite(suite, dataset, { warmupQueries: 2 });
  const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    plots = await renderPlots(run.results);
    warnings = spy.mock.calls.map((c) => [...c]);
  } finally {
    spy.mockRestore();
  }
});

afterEach(() => vi.restoreAllMocks());

describe('report layout', () => {
  it('renders the plots without vega-lite warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('draws every plot at its natural size within the page', () => {
    for (const [name, svg] of Object.entries(plots)) {
      const width = Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
      expect(width, name).toBeGreaterThan(300);
      expect(width, `${name} is ${width} px wide and would be scaled down to ${CONTENT_WIDTH}`).toBeLessThanOrEqual(CONTENT_WIDTH);
    }
    const html = renderReport(run.results, plots, { suite: 'layout' });
    // One figure per row: nothing lays two plots side by side, which halved their text.
    expect(html).not.toMatch(/display:\s*(flex|grid)/);
    expect(html.match(/<figure>/g)).toHaveLength(Object.keys(plots).length);
  });

  it('states the dataset once on the latency figure, not once per panel', () => {
    const spec = recallLatencySpec(run.results) as unknown as { title: { subtitle: string[] }; hconcat: { title: unknown }[] };
    expect(spec.title.subtitle.join(' ')).toContain(run.results[0].dataset);
    for (const panel of spec.hconcat) expect(JSON.stringify(panel.title)).not.toContain(run.results[0].dataset);
    const occurrences = plots['recall-latency.svg'].split(`>${run.results[0].dataset.slice(0, 20)}`).length - 1;
    expect(occurrences).toBe(1);
  });

  it('pads the recall axis so points at recall 1 are not cut in half', () => {
    const spec = recallQpsSpec(run.results, false) as unknown as { layer: { encoding: { x: { scale: { padding?: number } } } }[] };
    expect(spec.layer[0].encoding.x.scale.padding).toBeGreaterThan(0);
  });

  it('lets parameter lists wrap at commas and keeps numbers on one line', () => {
    const html = renderReport(run.results, plots, { suite: 'layout' });
    expect(html).toContain('nlist=8,<wbr>m=4,<wbr>nbits=4');
    expect(html).not.toMatch(/<td class="num">[^<]*<wbr>/);
    expect(html).toMatch(/td\.num \{[^}]*white-space: nowrap/);
  });
});

describe('per-build labels', () => {
  it('end at their point near the right edge, so labels at recall 1 are not cut off', () => {
    const spec = recallQpsSpec(run.results, true) as unknown as { layer: { mark: { type: string; align?: string } }[] };
    const aligns = spec.layer.filter((l) => l.mark.type === 'text').map((l) => l.mark.align);
    expect(aligns).toEqual(['left', 'right']);
    // A point at recall 1 (flat's) is labelled by the right-aligned layer.
    const svg = plots['recall-qps-builds.svg'];
    expect(/text-anchor="end"[^>]*font-size="8px"[^>]*>[^<]+</.test(svg), 'a right-aligned point label').toBe(true);
  });
});

describe('colours', () => {
  it('give each algorithm one colour in every plot, whichever algorithms a plot leaves out', async () => {
    const colorOf = (svg: string): Map<string, string> => {
      const out = new Map<string, string>();
      for (const m of svg.matchAll(/<path aria-label="([a-z+-]+)[ ·][^"]*" role="graphics-symbol"[^>]*?(?:fill|stroke)="(#[0-9a-f]{6})"/g))
        out.set(m[1], m[2]);
      return out;
    };
    // flat (first by name) reports no distance computations here, as native peers do not:
    // the distance plot leaves it out, and the others must keep their colours.
    const mixed = run.results.map((r) => (r.algorithm === 'flat' ? { ...r, distanceComputations: null } : r));
    const drawn = await renderPlots(mixed);
    const qps = colorOf(drawn['recall-qps.svg']);
    expect(qps.size).toBeGreaterThanOrEqual(4);
    expect(colorOf(drawn['recall-distances.svg']).has('flat')).toBe(false);
    for (const name of ['recall-distances.svg', 'recall-index-size.svg', 'recall-build-time.svg', 'build-memory.svg'] as const) {
      const colours = colorOf(drawn[name]);
      expect(colours.size, name).toBeGreaterThanOrEqual(3);
      for (const [algorithm, colour] of colours)
        expect(`${name} ${algorithm} ${colour}`).toBe(`${name} ${algorithm} ${qps.get(algorithm)}`);
    }
  });
});
