/**
 * The playground in headless Chromium (Debian's `chromium`, driven by playwright-core):
 * builds the site with Vite, serves it with `vite preview` on 127.0.0.1, and for every
 * algorithm builds on seeded data, places a query with the mouse, checks that the result
 * list the page shows equals the library's own search for that query here in Node, steps
 * through the recorded trace to its end, and checks that nothing was logged as an error.
 * Screenshots go to docs/playground/test-output/ (gitignored), with the measured build time
 * of a 20,000-point HNSW in the page.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { PreTransformIndex } from '@annlab/pca';
import { RpForestIndex } from '@annlab/rpforest';
import { VamanaIndex } from '@annlab/vamana';
import type { AnnIndex, SearchParams } from '@annlab/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fashionMnistDataset, parseIdxLabels, syntheticDataset } from '../src/data.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(root, 'test-output');
const CHROMIUM = process.env.ANNLAB_CHROMIUM ?? '/usr/bin/chromium';
const metric = 'euclidean' as const;

type P = Record<string, number>;

/**
 * The library's own indexes, built here from the knob values the page reports: written
 * against the packages directly, not through the page's code, so a knob the page drops or
 * misnames shows up as a different answer.
 */
const NODE_BUILD: Record<
  string,
  { build: (x: Float32Array, dim: number, seed: number, p: P) => AnnIndex<SearchParams>; search: (p: P) => Record<string, number> }
> = {
  flat: { build: (x, dim, seed) => add(new FlatIndex({ dim, metric, seed }), x), search: () => ({}) },
  rpforest: {
    build: (x, dim, seed, p) => add(new RpForestIndex({ dim, metric, seed, nTrees: p.nTrees, leafSize: p.leafSize }), x),
    search: (p) => ({ searchK: p.searchK }),
  },
  hnsw: {
    build: (x, dim, seed, p) => add(new HnswIndex({ dim, metric, seed, M: p.M, efConstruction: p.efConstruction }), x),
    search: (p) => ({ efSearch: p.efSearch }),
  },
  ivfflat: {
    build: (x, dim, seed, p) => add(new IvfFlatIndex({ dim, metric, seed, nlist: p.nlist, onWarning: () => {} }), x),
    search: (p) => ({ nprobe: p.nprobe }),
  },
  ivfpq: {
    build: (x, dim, seed, p) =>
      add(new IvfPqIndex({ dim, metric, seed, nlist: p.nlist, m: p.m, nbits: p.nbits, keepVectors: true, onWarning: () => {} }), x),
    search: (p) => ({ nprobe: p.nprobe, rerank: p.rerank }),
  },
  'pca+hnsw': {
    build: (x, dim, seed, p) =>
      add(
        new PreTransformIndex({
          dim,
          metric,
          seed,
          components: p.components,
          keepVectors: true,
          inner: (o) => new HnswIndex({ ...o, M: p.M, efConstruction: 64 }),
        }),
        x,
      ),
    search: (p) => ({ efSearch: p.efSearch, rerank: p.rerank }),
  },
  lsh: {
    build: (x, dim, seed, p) => add(new LshIndex({ dim, metric, seed, L: p.L, K: p.K, w: p.w }), x),
    search: (p) => ({ probes: p.probes }),
  },
  nndescent: {
    build: (x, dim, seed, p) => add(new NnDescentIndex({ dim, metric, seed, nNeighbors: p.nNeighbors, leafSize: p.leafSize }), x),
    search: (p) => ({ efSearch: p.efSearch }),
  },
  vamana: {
    build: (x, dim, seed, p) => add(new VamanaIndex({ dim, metric, seed, R: p.R, L: p.L, alpha: p.alpha }), x),
    search: (p) => ({ searchL: p.searchL }),
  },
};

function add<I extends { add(x: Float32Array): void }>(index: I, x: Float32Array): I {
  index.add(x);
  return index;
}

let server: PreviewServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  server = await preview({
    configFile: join(root, 'vite.config.ts'),
    preview: { port: 0, host: '127.0.0.1', open: false },
    logLevel: 'warn',
  });
  url = server.resolvedUrls?.local[0] ?? '';
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open the page, collecting every console error, page error and failed or off-host request. */
async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1250 } });
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('request', (req) => {
    if (!req.url().startsWith(url) && !req.url().startsWith('blob:') && !req.url().startsWith('data:'))
      problems.push(`off-host request: ${req.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await ready(page, 0);
  return { page, problems };
}

/** Wait until panel `slot` has built and searched. */
async function ready(page: Page, slot: number, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (s) =>
      document.querySelector(`#panel-${s}`)?.getAttribute('data-status') === 'ready' &&
      document.querySelector(`#panel-${s} .results`)?.hasAttribute('data-ids'),
    slot,
    { timeout },
  );
}

async function attr(page: Page, selector: string, name: string): Promise<string> {
  return (await page.getAttribute(selector, name)) ?? '';
}

async function setControl(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (e, v) => {
      (e as HTMLInputElement).value = v;
      e.dispatchEvent(new Event('input'));
      e.dispatchEvent(new Event('change'));
    },
    value,
  );
}

async function chooseAlgorithm(page: Page, slot: number, name: string): Promise<void> {
  await page.selectOption(`#panel-${slot} .algorithm`, name);
  await ready(page, slot);
}

/** The page's answer and the library's, for the query on the page. */
async function compareWithNode(
  page: Page,
  slot: number,
  name: string,
  base: Float32Array,
  dim: number,
  seed: number,
  query: Float32Array,
): Promise<number[]> {
  const ids = JSON.parse(await attr(page, `#panel-${slot} .results`, 'data-ids')) as number[];
  const distances = JSON.parse(await attr(page, `#panel-${slot} .results`, 'data-distances')) as number[];
  const params = JSON.parse(await attr(page, `#panel-${slot}`, 'data-params')) as P;
  const spec = NODE_BUILD[name];
  const index = spec.build(base, dim, seed, params);
  const mine = index.search(query, ids.length, spec.search(params));
  expect(ids).toEqual(Array.from(mine.ids));
  expect(distances).toEqual(Array.from(mine.distances));
  return ids;
}

/** Step through the trace from its start to its end with the step button. */
async function stepToEnd(page: Page, slot: number, name: string): Promise<number> {
  const panel = `#panel-${slot}`;
  await page.click(`${panel} .restart`);
  expect(await attr(page, panel, 'data-step')).toBe('0');
  const steps = Number(await attr(page, panel, 'data-steps'));
  expect(steps).toBeGreaterThanOrEqual(2);
  const middle = Math.floor(steps / 2);
  for (let s = 1; s < steps; s++) {
    await page.click(`${panel} .step`);
    if (s === middle) await page.locator(panel).screenshot({ path: join(out, `${name}-mid-trace.png`) });
  }
  expect(Number(await attr(page, panel, 'data-step'))).toBe(steps - 1);
  await page.click(`${panel} .step`);
  expect(Number(await attr(page, panel, 'data-step'))).toBe(steps - 1);
  return steps;
}

const ALGORITHMS = Object.keys(NODE_BUILD);
const SEED = 42;
const N = 2000;

describe('the playground in headless Chromium', () => {
  it('offers every algorithm family', async () => {
    const { page, problems } = await open();
    const names = await page.$$eval('#panel-0 .algorithm option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(names.sort()).toEqual([...ALGORITHMS].sort());
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const name of ALGORITHMS) {
    it(`${name}: the shown results equal the library's search in Node, and the trace plays to its end`, async () => {
      const { page, problems } = await open();
      await chooseAlgorithm(page, 0, name);
      // Place the query with the mouse, away from the default.
      const box = await page.locator('#panel-0 canvas.view').boundingBox();
      if (box === null) throw new Error('no canvas');
      await page.mouse.click(box.x + box.width * 0.37, box.y + box.height * 0.41);
      await page.waitForFunction(
        () => JSON.parse(document.querySelector('#panel-0 canvas.view')?.getAttribute('data-query') ?? '[0.52]')[0] !== 0.5199999809265137,
      );
      const query = new Float32Array(JSON.parse(await attr(page, '#panel-0 canvas.view', 'data-query')) as number[]);
      const data = syntheticDataset('clusters', N, SEED);
      const ids = await compareWithNode(page, 0, name, data.base, 2, SEED, query);
      expect(ids.filter((id) => id >= 0)).toHaveLength(10);
      const steps = await stepToEnd(page, 0, name);
      await page.locator('#panel-0').screenshot({ path: join(out, `${name}.png`) });
      writeFileSync(join(out, `${name}.txt`), `${await page.textContent('#panel-0 .counters')}\nsteps: ${steps}\n`);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it('side by side: two algorithms on the same data and query', async () => {
    const { page, problems } = await open();
    await page.check('#side');
    await ready(page, 1);
    await setControl(page, '#kind', 'rings');
    await ready(page, 0);
    await ready(page, 1);
    const box = await page.locator('#panel-1 canvas.view').boundingBox();
    if (box === null) throw new Error('no canvas');
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.2);
    const query = new Float32Array(JSON.parse(await attr(page, '#panel-1 canvas.view', 'data-query')) as number[]);
    expect(await attr(page, '#panel-0 canvas.view', 'data-query')).toBe(await attr(page, '#panel-1 canvas.view', 'data-query'));
    const data = syntheticDataset('rings', N, SEED);
    await compareWithNode(page, 0, 'hnsw', data.base, 2, SEED, query);
    await compareWithNode(page, 1, 'rpforest', data.base, 2, SEED, query);
    await page.screenshot({ path: join(out, 'side-by-side.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('builds a 20,000-point HNSW in a worker while the page keeps drawing frames', async () => {
    const { page, problems } = await open();
    // Count animation frames and the longest gap between two while the build runs.
    await page.evaluate(() => {
      const w = window as unknown as { frames: number; maxGap: number; last: number };
      w.frames = 0;
      w.maxGap = 0;
      w.last = performance.now();
      const tick = (t: number): void => {
        w.frames++;
        w.maxGap = Math.max(w.maxGap, t - w.last);
        w.last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const t0 = Date.now();
    await setControl(page, '#n', '20000');
    await page.waitForFunction(() => document.querySelector('#panel-0')?.getAttribute('data-status') === 'building');
    await ready(page, 0, 280_000);
    const wall = Date.now() - t0;
    const buildMs = Number(await attr(page, '#panel-0', 'data-build-ms'));
    const frames = await page.evaluate(() => (window as unknown as { frames: number; maxGap: number }).frames);
    const maxGap = await page.evaluate(() => (window as unknown as { frames: number; maxGap: number }).maxGap);
    const box = await page.locator('#panel-0 canvas.view').boundingBox();
    if (box === null) throw new Error('no canvas');
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.55);
    const query = new Float32Array(JSON.parse(await attr(page, '#panel-0 canvas.view', 'data-query')) as number[]);
    await compareWithNode(page, 0, 'hnsw', syntheticDataset('clusters', 20_000, SEED).base, 2, SEED, query);
    await page.locator('#panel-0').screenshot({ path: join(out, 'hnsw-20000.png') });
    const report = {
      points: 20_000,
      buildMsInWorker: buildMs,
      wallMsUntilShown: wall,
      framesDuringBuild: frames,
      longestFrameGapMs: Math.round(maxGap),
    };
    writeFileSync(join(out, 'hnsw-20000.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`20,000-point HNSW in the page: ${JSON.stringify(report)}`);
    expect(buildMs).toBeGreaterThan(0);
    expect(frames).toBeGreaterThan(5);
    expect(maxGap).toBeLessThan(1000);
    expect(problems).toEqual([]);
    await page.close();
  });

  const fmnist = join(root, 'dist', 'data', 'fashion-mnist-t10k-images.bin');
  it.runIf(
    existsSync(
      join(process.env.ANNLAB_SHARED_DATASETS ?? join(root, '../../../shared/datasets'), 'fashion-mnist', 't10k-images-idx3-ubyte.gz'),
    ),
  )('Fashion-MNIST: searches in 784 dimensions, draws the PCA view', async () => {
    const { page, problems } = await open();
    await setControl(page, '#n', '2000');
    await ready(page, 0);
    await setControl(page, '#kind', 'fashion-mnist');
    await page.waitForFunction(() => document.querySelector('#data-note')?.textContent?.includes('784'), undefined, { timeout: 60_000 });
    await ready(page, 0);
    const box = await page.locator('#panel-0 canvas.view').boundingBox();
    if (box === null) throw new Error('no canvas');
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.6);
    await page.waitForTimeout(200);
    const qi = Number(await attr(page, '#panel-0 canvas.view', 'data-query-index'));
    const data = fashionMnistDataset(
      gunzipSync(readFileSync(fmnist)),
      parseIdxLabels(gunzipSync(readFileSync(fmnist.replace('images', 'labels')))),
      2000,
      SEED,
    );
    await compareWithNode(page, 0, 'hnsw', data.base, 784, SEED, data.queries.slice(qi * 784, (qi + 1) * 784));
    await stepToEnd(page, 0, 'fashion-mnist-hnsw');
    expect(await page.textContent('#data-note')).toContain('projection');
    await page.screenshot({ path: join(out, 'fashion-mnist-hnsw.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
