/**
 * `annlab bench` and `annlab explain` on index files: annlab files and the hnswlib, Annoy and
 * FAISS files `annlab export` writes, loaded instead of built. A loaded file scores the same
 * recall as the build it came from at the same search parameters, and `explain --index`
 * prints the index's own trace and its invariant report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJsonLines, type ResultLine } from '@annlab/bench';
import { EXIT, runCli } from '@annlab/cli';
import { capture, useTempDir } from './helpers.js';

const DATASET = 'synthetic:n=400,dim=8,clusters=4,queries=20,seed=5';
const tmp = useTempDir('annlab-cli-index-files-', 'shared');
let dir: string;

/** Run the CLI, expecting `code`; returns what it printed. */
async function cli(args: string[], code: number = EXIT.OK): Promise<ReturnType<typeof capture>> {
  const io = capture();
  expect(await runCli(args, io), io.stderr).toBe(code);
  return io;
}

/** The built index of each algorithm, and the files it was exported to. */
const BUILDS = {
  hnsw: {
    build: ['-p', 'M=8', '-p', 'efConstruction=40'],
    grid: { M: 8, efConstruction: 40 },
    search: { efSearch: [10, 20] },
    to: ['hnswlib', 'faiss'],
  },
  rpforest: { build: ['-p', 'nTrees=5'], grid: { nTrees: 5 }, search: { searchK: [50, 100] }, to: ['annoy'] },
  ivfflat: { build: ['-p', 'nlist=8'], grid: { nlist: 8 }, search: { nprobe: [1, 2] }, to: ['faiss'] },
} as const;

beforeAll(async () => {
  dir = tmp.path;
  for (const [algorithm, b] of Object.entries(BUILDS)) {
    const own = join(dir, `${algorithm}.annlab`);
    await cli(['build', '-d', DATASET, '-a', algorithm, ...b.build, '-o', own, '--quiet']);
    for (const to of b.to) await cli(['export', '--to', to, '-i', own, '-o', join(dir, `${algorithm}.${to}`)]);
  }
});

function results(out: string): ResultLine[] {
  return parseJsonLines(readFileSync(join(out, 'results.jsonl'), 'utf8'));
}

describe('annlab bench with index files', () => {
  it('a suite scores every loaded file as the build it came from (annlab, hnswlib, Annoy, FAISS)', async () => {
    const runs: object[] = [];
    for (const [algorithm, b] of Object.entries(BUILDS)) {
      runs.push({ algorithm, build: b.grid, search: b.search });
      // Relative paths: relative to the suite file.
      runs.push({ algorithm: 'file', index: `${algorithm}.annlab`, search: b.search });
      for (const to of b.to) runs.push({ algorithm, index: `${algorithm}.${to}`, search: b.search });
    }
    const suite = join(dir, 'files.json');
    writeFileSync(suite, JSON.stringify({ dataset: DATASET, k: 5, repeats: 1, runs }));
    const out = join(dir, 'suite-out');
    const io = await cli(['bench', '--config', suite, '--out', out, '--quiet']);
    const lines = results(out);
    let compared = 0;
    for (const [algorithm, b] of Object.entries(BUILDS)) {
      const built = lines.filter((r) => r.algorithm === algorithm);
      expect(built).toHaveLength(2);
      for (const format of ['annlab', ...b.to]) {
        const loaded = lines.filter((r) => r.algorithm === `${algorithm} (${format} file)`);
        expect(
          loaded.map((r) => r.search),
          `${algorithm} from ${format}`,
        ).toEqual(built.map((r) => r.search));
        expect(
          loaded.map((r) => r.recall),
          `${algorithm} from ${format}`,
        ).toEqual(built.map((r) => r.recall));
        expect(loaded[0].loaded).toEqual({ file: join(dir, `${algorithm}.${format}`), format });
        expect(loaded[0].build).toEqual({ file: join(dir, `${algorithm}.${format}`), format });
        expect(loaded[0].implementation).toBe(algorithm);
        expect(loaded[0].indexBytes).toBeGreaterThan(0);
        compared++;
      }
    }
    expect(compared).toBe(7);
    expect(io.stdout).toMatch(/hnsw \(hnswlib file\): loaded .*hnsw\.hnswlib \(hnswlib file\) in [\d.]+ s, shown as its build time/);
  });

  it('--index sweeps --search over one file, alone or beside a suite', async () => {
    const file = join(dir, 'hnsw.hnswlib');
    const out = join(dir, 'flag-out');
    const io = await cli([
      'bench',
      '--index',
      file,
      '-d',
      DATASET,
      '-k',
      '5',
      '--search',
      '{"efSearch":[10,20]}',
      '--out',
      out,
      '--quiet',
      '--json',
    ]);
    const summary = JSON.parse(io.stdout);
    expect(summary.suite).toBe('hnsw.hnswlib');
    const lines = results(out);
    expect(lines.map((r) => r.search)).toEqual([{ efSearch: 10 }, { efSearch: 20 }]);
    expect(lines[0].algorithm).toBe('hnsw (hnswlib file)');
    // The same figure `annlab query` reports on the annlab file the hnswlib file was exported from.
    for (const r of lines) {
      const q = await cli([
        'query',
        '-i',
        join(dir, 'hnsw.annlab'),
        '-d',
        DATASET,
        '-k',
        '5',
        '-p',
        `efSearch=${r.search.efSearch}`,
        '--json',
        '--quiet',
      ]);
      expect(r.recall).toBe(JSON.parse(q.stdout).recall);
    }
    // Beside a suite: the file is one more run.
    const suite = join(dir, 'one.json');
    writeFileSync(
      suite,
      JSON.stringify({
        dataset: DATASET,
        k: 5,
        repeats: 1,
        runs: [{ algorithm: 'hnsw', build: BUILDS.hnsw.grid, search: { efSearch: 10 } }],
      }),
    );
    const both = join(dir, 'both-out');
    await cli(['bench', '--config', suite, '--index', file, '--search', '{"efSearch":10}', '--out', both, '--quiet']);
    const two = results(both);
    expect(two.map((r) => r.algorithm)).toEqual(['hnsw', 'hnsw (hnswlib file)']);
    expect(two[1].recall).toBe(two[0].recall);
  });

  it('refuses what cannot run, before any data is loaded', async () => {
    const out = join(dir, 'refused');
    expect((await cli(['bench', '--search', '{"efSearch":[10]}', '--out', out], EXIT.USAGE)).stderr).toMatch(
      /--search sweeps the index given with --index/,
    );
    expect((await cli(['bench', '--index', join(dir, 'hnsw.annlab'), '--out', out], EXIT.USAGE)).stderr).toMatch(/--index needs --dataset/);
    expect((await cli(['bench', '--index', join(dir, 'nope.bin'), '-d', DATASET, '--out', out], EXIT.NOT_FOUND)).stderr).toMatch(
      /no index file/,
    );
    expect(
      (await cli(['bench', '--index', join(dir, 'hnsw.annlab'), '-d', DATASET, '--search', '{"efSearch":', '--out', out], EXIT.USAGE))
        .stderr,
    ).toMatch(/--search must be a JSON object/);
    const peer = join(dir, 'peer.json');
    writeFileSync(peer, JSON.stringify({ dataset: DATASET, runs: [{ algorithm: 'annoy', index: 'rpforest.annoy' }] }));
    expect((await cli(['bench', '--config', peer, '--out', out], EXIT.USAGE)).stderr).toMatch(
      /names "algorithm": "file" or the annlab algorithm/,
    );
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify({ dataset: DATASET, runs: [{ algorithm: 'file', indx: 'hnsw.annlab' }] }));
    expect((await cli(['bench', '--config', typo, '--out', out], EXIT.USAGE)).stderr).toMatch(/unknown key "indx"/);
  });

  it('a file whose size does not match the dataset is a failed run (exit 3), not a crash', async () => {
    const out = join(dir, 'mismatch');
    const io = await cli(
      ['bench', '--index', join(dir, 'hnsw.annlab'), '-d', DATASET, '--max-base', '300', '-k', '5', '--out', out, '--quiet'],
      EXIT.PARTIAL,
    );
    expect(io.stdout).toMatch(/holds 400 vectors but dataset .* has 300 base vectors/);
  });
});

describe('annlab explain --index', () => {
  const traces: Record<string, RegExp[]> = {
    hnsw: [
      /^ {2}level 0: entry \d+, beam search expanded \d+ nodes .*, \d+ distance computations$/m,
      /^ {2}level 1: entry \d+, greedy path/m,
      /invariants \(hnsw\): ok; unreachable 0, nodes 400/,
    ],
    rpforest: [/leaves visited in \d+ of 5 trees/, /candidates \d+, \d+ distinct/, /invariants \(rpforest\): ok/],
    ivfflat: [
      /probed 2 of 8 cells/,
      /cell \d+: centroid distance [\d.]+, list size \d+/,
      /invariants: this index has no checkInvariants\(\)/,
    ],
  };
  const search: Record<string, string> = { hnsw: 'efSearch=20', rpforest: 'searchK=100', ivfflat: 'nprobe=2' };

  for (const [algorithm, b] of Object.entries(BUILDS)) {
    for (const format of ['annlab', ...b.to]) {
      it(`${algorithm} from a ${format} file: the index's own trace and invariants, the same answer as the annlab file`, async () => {
        const args = ['-d', DATASET, '--query', '3', '-k', '5', '-p', search[algorithm], '--quiet'];
        const io = await cli(['explain', '--index', join(dir, `${algorithm}.${format}`), ...args]);
        expect(io.stdout).toContain(`${algorithm} from ${join(dir, `${algorithm}.${format}`)} (${format} file): 400 × 8, euclidean`);
        expect(io.stdout).toMatch(/query 3 of synthetic:.*, k=5/);
        for (const re of traces[algorithm]) expect(io.stdout).toMatch(re);
        expect(io.stdout).toMatch(/true neighbours found: \d of 5/);
        const json = JSON.parse((await cli(['explain', '--index', join(dir, `${algorithm}.${format}`), ...args, '--json'])).stdout);
        const own = JSON.parse((await cli(['explain', '--index', join(dir, `${algorithm}.annlab`), ...args, '--json'])).stdout);
        expect(json.format).toBe(format);
        expect(json.ids).toEqual(own.ids);
        expect(json.stats).toEqual(own.stats);
        expect(json.explanation).not.toBeNull();
      });
    }
  }

  it('flat files report their search statistics; bad requests are refused', async () => {
    const flat = join(dir, 'flat.annlab');
    await cli(['build', '-d', DATASET, '-a', 'flat', '-o', flat, '--quiet']);
    const io = await cli(['explain', '--index', flat, '-d', DATASET, '-k', '3', '--quiet']);
    expect(io.stdout).toMatch(/exact scan of all 400 vectors; no explain\(\) trace/);
    expect(io.stdout).toMatch(/search stats: 400 distance computations/);
    expect(io.stdout).toMatch(/true neighbours found: 3 of 3/);
    expect((await cli(['explain', 'hnsw', '--index', flat, '-d', DATASET], EXIT.USAGE)).stderr).toMatch(/not both/);
    expect((await cli(['explain', '--index', flat], EXIT.USAGE)).stderr).toMatch(/--index needs --dataset/);
    expect((await cli(['explain', '--index', flat, '-d', DATASET, '--query', '20', '--quiet'], EXIT.USAGE)).stderr).toMatch(
      /--query 20 is past the end/,
    );
    expect(
      (await cli(['explain', '--index', join(dir, 'hnsw.annlab'), '-d', DATASET, '-p', 'searchK=5', '--quiet'], EXIT.USAGE)).stderr,
    ).toMatch(/searchK/);
    expect((await cli(['explain'], EXIT.USAGE)).stderr).toMatch(/explain needs an algorithm to draw/);
  });
});
