import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '@annlab/cli';
import { capture, useTempDir } from './helpers.js';

const DATASET = 'synthetic:n=400,dim=8,clusters=4,queries=20,seed=5';
const ALGORITHMS = ['flat', 'hnsw', 'rpforest', 'ivfflat', 'ivfpq', 'pca+hnsw'];
const REQUIRED = [
  'dataset',
  'algorithm',
  'build',
  'search',
  'k',
  'queries',
  'recall',
  'qps',
  'buildSeconds',
  'indexBytes',
  'distanceComputations',
  'latencyMs',
  'environment',
];

const tmp = useTempDir('annlab-cli-test-', 'shared');
let dir: string;
let suiteFile: string;

beforeAll(() => {
  dir = tmp.path;
  suiteFile = join(dir, 'tiny.json');
  writeFileSync(
    suiteFile,
    JSON.stringify({
      name: 'tiny',
      dataset: DATASET,
      k: 5,
      repeats: 1,
      runs: [
        { algorithm: 'flat' },
        { algorithm: 'hnsw', build: { M: 6, efConstruction: 24 }, search: { efSearch: [5, 20] } },
        { algorithm: 'rpforest', build: { nTrees: 4 }, search: { searchK: [50, 200] } },
        { algorithm: 'ivfflat', build: { nlist: 8 }, search: { nprobe: [1, 4] } },
        { algorithm: 'ivfpq', build: { nlist: 4, m: 4, nbits: 4, keepVectors: true }, search: { nprobe: [2], rerank: [0, 4] } },
        { algorithm: 'pca+hnsw', build: { components: 4, M: 6, efConstruction: 24 }, search: { efSearch: [20], rerank: [4] } },
      ],
    }),
  );
});

describe('annlab bench', () => {
  it('runs a suite end to end: JSON lines, parseable SVGs naming every algorithm, CSV and an HTML report', async () => {
    const out = join(dir, 'run');
    const io = capture();
    const code = await runCli(['bench', '--config', suiteFile, '--out', out], io);
    expect(io.stderr).not.toMatch(/error/i);
    expect(code).toBe(EXIT.OK);
    expect(io.stdout).toMatch(/QPS@0\.90/);
    for (const a of ALGORITHMS) expect(io.stdout).toContain(a);

    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 2 + 2 + 2 + 2 + 1);
    for (const line of lines) {
      const r = JSON.parse(line) as Record<string, unknown>;
      for (const key of REQUIRED) expect(r).toHaveProperty(key);
      expect(r.recall).toBeGreaterThanOrEqual(0);
      expect(r.recall).toBeLessThanOrEqual(1);
    }
    expect(new Set(lines.map((l) => (JSON.parse(l) as { algorithm: string }).algorithm))).toEqual(new Set(ALGORITHMS));

    for (const name of ['recall-qps.svg', 'recall-qps-builds.svg', 'build-memory.svg']) {
      const svg = readFileSync(join(out, name), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      for (const a of ALGORITHMS) expect(svg).toContain(`>${a}`);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<table>');
    expect(html).toContain('Environment');
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(lines.length + 1);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({ suite: 'tiny', errors: [] });

    // Re-render from the JSON lines alone.
    const again = capture();
    expect(await runCli(['report', join(out, 'results.jsonl'), '--out', join(dir, 're'), '--json'], again)).toBe(EXIT.OK);
    expect(JSON.parse(again.stdout)).toMatchObject({ results: lines.length });
    expect(existsSync(join(dir, 're', 'report.html'))).toBe(true);

    // A redraw keeps the peers' binding costs that run.json recorded.
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    info.bindingCosts = { flat: { queryType: 'number[]', microsPerQuery: 12.5, note: 'flat converts each query (test)' } };
    writeFileSync(join(out, 'run.json'), JSON.stringify(info));
    const redraw = capture();
    expect(await runCli(['report', join(out, 'results.jsonl'), '--out', join(dir, 're2')], redraw)).toBe(EXIT.OK);
    expect(redraw.stdout).toContain('flat: flat converts each query (test)');
    const redrawn = readFileSync(join(dir, 're2', 'report.html'), 'utf8');
    expect(redrawn).toContain('binding cost / query');
    expect(redrawn).toContain('12.5 µs');
  });

  it('prints a JSON summary with --json and honours --only, --dataset and --queries', async () => {
    const io = capture();
    const code = await runCli(
      [
        'bench',
        '-c',
        suiteFile,
        '--only',
        'flat',
        '--dataset',
        'synthetic:n=300,dim=8,queries=30,seed=9',
        '--queries',
        '10',
        '--out',
        join(dir, 'json'),
        '--json',
        '--quiet',
      ],
      io,
    );
    expect(code).toBe(EXIT.OK);
    const summary = JSON.parse(io.stdout) as {
      ok: boolean;
      dataset: { queries: number; nBase: number };
      summary: { algorithm: string; maxRecall: number }[];
    };
    expect(summary.ok).toBe(true);
    expect(summary.dataset).toMatchObject({ queries: 10, nBase: 300 });
    expect(summary.summary).toEqual([expect.objectContaining({ algorithm: 'flat', maxRecall: 1 })]);
    expect(io.stderr).toBe('');
  });
});

describe('annlab build / query', () => {
  it('saves an index, loads it, reports recall and latency, and writes the ids as .ivecs', async () => {
    const file = join(dir, 'hnsw.annlab');
    const b = capture();
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', '-p', 'M=8', '-p', 'efConstruction=40', '-o', file, '--quiet'], b)).toBe(
      EXIT.OK,
    );
    expect(b.stdout).toMatch(/built hnsw M=8,efConstruction=40/);
    const ivecs = join(dir, 'ids.ivecs');
    const q = capture();
    expect(
      await runCli(['query', '-i', file, '-d', DATASET, '-k', '5', '-p', 'efSearch=50', '--ids-out', ivecs, '--json', '--quiet'], q),
    ).toBe(EXIT.OK);
    const r = JSON.parse(q.stdout) as { recall: number; queries: number; latencyMs: { p50: number } };
    expect(r.queries).toBe(20);
    expect(r.recall).toBeGreaterThan(0.9);
    expect(r.latencyMs.p50).toBeGreaterThan(0);
    const bytes = readFileSync(ivecs);
    expect(bytes.length).toBe(20 * (1 + 5) * 4);
    expect(bytes.readInt32LE(0)).toBe(5);
  });

  it('--threads builds HNSW on a worker pool and says so', async () => {
    const file = join(dir, 'hnsw-threads.annlab');
    const b = capture();
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', '-p', 'M=8', '-o', file, '--threads', '2', '--json', '--quiet'], b)).toBe(
      EXIT.OK,
    );
    const info = JSON.parse(b.stdout) as { buildThreads: number; n: number };
    expect(info.buildThreads).toBe(2);
    const q = capture();
    expect(await runCli(['query', '-i', file, '-d', DATASET, '-k', '5', '-p', 'efSearch=50', '--json', '--quiet'], q)).toBe(EXIT.OK);
    expect((JSON.parse(q.stdout) as { recall: number }).recall).toBeGreaterThan(0.9);
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', '-o', file, '--threads', '0'], capture())).toBe(EXIT.USAGE);
  });

  it('refuses a damaged index file with exit code 6 and one line', async () => {
    const file = join(dir, 'flat.annlab');
    expect(await runCli(['build', '-d', DATASET, '-a', 'flat', '-o', file, '--quiet'], capture())).toBe(EXIT.OK);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(file, bytes);
    const io = capture();
    expect(await runCli(['query', '-i', file, '-d', DATASET, '--quiet'], io)).toBe(EXIT.BAD_DATA);
    expect(io.stderr).toMatch(/^annlab: error \[CORRUPT_DATA\]: .*damaged/);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('errors and exit codes', () => {
  it('reports usage errors with exit code 2', async () => {
    const io = capture();
    expect(await runCli(['bench', '--queries', 'many'], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toMatch(/positive integer/);
    expect(await runCli(['nonsense'], capture())).toBe(EXIT.USAGE);
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', '-p', 'M16', '-o', join(dir, 'x')], capture())).toBe(EXIT.USAGE);
  });

  it('reports missing things with exit code 4, and a stack only with --verbose', async () => {
    const io = capture();
    expect(await runCli(['bench', '--config', join(dir, 'nope.json')], io)).toBe(EXIT.NOT_FOUND);
    expect(io.stderr).toMatch(/^annlab: error \[NOT_FOUND\]: no suite file/);
    expect(io.stderr).not.toMatch(/\n\s+at /);
    const verbose = capture();
    expect(await runCli(['build', '-d', DATASET, '-a', 'quantum', '-o', join(dir, 'x'), '--verbose'], verbose)).toBe(EXIT.NOT_FOUND);
    expect(verbose.stderr).toMatch(/unknown algorithm "quantum"/);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('exits 3 when some builds failed but the run completed', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ dataset: DATASET, k: 5, repeats: 1, runs: [{ algorithm: 'flat' }, { algorithm: 'hnsw', build: { M: -3 } }] }),
    );
    const io = capture();
    expect(await runCli(['bench', '-c', bad, '-o', join(dir, 'bad'), '--quiet'], io)).toBe(EXIT.PARTIAL);
    expect(io.stdout).toMatch(/failed hnsw: .*M/);
  });

  it('lists datasets, as a table or JSON', async () => {
    const io = capture();
    expect(await runCli(['datasets', 'list', '--json'], io)).toBe(EXIT.OK);
    const rows = JSON.parse(io.stdout) as { name: string }[];
    expect(rows.map((r) => r.name)).toContain('fashion-mnist-784-euclidean');
    const info = capture();
    expect(await runCli(['datasets', 'info', DATASET, '--json'], info)).toBe(EXIT.OK);
    expect(JSON.parse(info.stdout)).toMatchObject({ dim: 8, nBase: 400, nQueries: 20 });
  });
});
