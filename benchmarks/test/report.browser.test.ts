import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite, resolveDataset, runSuite, writeRun } from '@annlab/bench';

const CHROMIUM = process.env.ANNLAB_CHROMIUM ?? '/usr/bin/chromium';
const ALGORITHMS = ['flat', 'hnsw', 'ivfflat'];

let dir: string;
let report: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'annlab-browser-test-'));
  const dataset = await resolveDataset('synthetic:n=500,dim=8,clusters=4,queries=20,seed=11', { k: 5, cacheDir: join(dir, 'cache') });
  const suite = parseSuite({
    name: 'browser',
    dataset: 'unused',
    k: 5,
    repeats: 1,
    runs: [
      { algorithm: 'flat' },
      { algorithm: 'hnsw', build: { M: 6, efConstruction: 24 }, search: { efSearch: [5, 10, 40] } },
      { algorithm: 'ivfflat', build: { nlist: 8 }, search: { nprobe: [1, 2, 8] } },
      { algorithm: 'not-an-algorithm' },
    ],
  });
  const run = await runSuite(suite, dataset, { warmupQueries: 2 });
  report = (await writeRun(join(dir, 'out'), run)).report;
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
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('renders its plots and tables without console errors, and a screenshot can be taken', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));

    const response = await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
    expect(response?.ok()).toBe(true);
    expect(await page.title()).toBe('annlab benchmark: browser');

    // Seven inline SVG plots, each laid out with a real size: recall vs QPS (front and per build),
    // vs distance computations, vs index size, vs build time, build time vs size, and latency.
    const sizes = await page.$$eval('figure svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
    expect(sizes).toHaveLength(7);
    for (const [w, h] of sizes) {
      expect(w).toBeGreaterThan(200);
      expect(h).toBeGreaterThan(150);
    }
    // Every algorithm is named in the plots' legends and in the summary table.
    const legendText = await page.$$eval('figure svg', (svgs) => svgs.map((s) => s.textContent ?? ''));
    for (const text of legendText) for (const a of ALGORITHMS) expect(text).toContain(a);
    // The summary is the document's first table (each table sits in its own scrolling wrapper).
    const firstColumn = await page.$eval('table', (t) => Array.from(t.querySelectorAll('tbody tr td:first-child'), (td) => td.textContent));
    expect(firstColumn).toEqual(ALGORITHMS);
    expect(await page.textContent('body')).toContain('not-an-algorithm');

    const shot = join(dir, 'report.png');
    const png = await page.screenshot({ path: shot, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.close();
  });
});
