import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '@annlab/cli';
import { capture, useTempDir } from './helpers.js';

const DATASET = 'synthetic:n=600,dim=8,clusters=4,queries=200,seed=5';

const tmp = useTempDir('annlab-cli-tune-', 'shared');
let dir: string;

beforeAll(() => {
  dir = tmp.path;
});

interface TuneJson {
  ok: boolean;
  files: { json: string; results: string; plots: string[] };
  split: { tuning: number; heldOut: number };
  algorithms: {
    algorithm: string;
    status: string;
    message: string;
    chosen: {
      build: Record<string, unknown>;
      search: Record<string, number>;
      heldOutRecall: number;
      tuneRecall: number;
      qps: number;
    } | null;
    usage: { code: string; cli: string } | null;
  }[];
}

describe('annlab tune', () => {
  it('tunes end to end with --json and writes the plots', async () => {
    const io = capture();
    const out = join(dir, 'tune');
    const code = await runCli(
      ['tune', '-d', DATASET, '-a', 'hnsw,ivfflat', '-t', '0.9', '-k', '5', '--max-builds', '2', '--json', '--quiet', '-o', out],
      io,
    );
    expect(io.stderr).toBe('');
    expect(code).toBe(EXIT.OK);
    const json = JSON.parse(io.stdout) as TuneJson;
    expect(json.ok).toBe(true);
    expect(json.split).toEqual({ tuning: 100, heldOut: 100 });
    expect(json.algorithms.map((a) => a.algorithm)).toEqual(['hnsw', 'ivfflat']);
    for (const a of json.algorithms) {
      expect(a.status).toBe('reached');
      expect(a.chosen!.heldOutRecall).toBeGreaterThanOrEqual(0.9);
      expect(a.usage!.cli).toContain(`annlab build -d ${DATASET} -a ${a.algorithm}`);
    }
    expect(existsSync(join(out, 'tune.json'))).toBe(true);
    expect(readFileSync(join(out, 'tune-results.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    expect(json.files.plots.length).toBe(2);
    for (const p of json.files.plots) expect(XMLValidator.validate(readFileSync(p, 'utf8'))).toBe(true);

    // The printed command line reproduces the chosen configuration's recall.
    const hnsw = json.algorithms[0];
    const indexFile = join(dir, 'hnsw.annlab');
    const buildArgs = Object.entries(hnsw.chosen!.build).flatMap(([k, v]) => ['-p', `${k}=${String(v)}`]);
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', ...buildArgs, '-o', indexFile, '--quiet'], capture())).toBe(EXIT.OK);
    const q = capture();
    expect(
      await runCli(
        ['query', '-i', indexFile, '-d', DATASET, '-k', '5', '-p', `efSearch=${hnsw.chosen!.search.efSearch}`, '--json', '--quiet'],
        q,
      ),
    ).toBe(EXIT.OK);
    expect((JSON.parse(q.stdout) as { recall: number }).recall).toBeGreaterThanOrEqual(0.9);
  });

  it('prints a table and the code to build the chosen index', async () => {
    const io = capture();
    const code = await runCli(['tune', '-d', DATASET, '-a', 'ivfflat', '-t', '0.9', '-k', '5', '--quiet', '-o', join(dir, 'table')], io);
    expect(code).toBe(EXIT.OK);
    expect(io.stdout).toMatch(/algorithm\s+status\s+build\s+search/);
    expect(io.stdout).toContain(`new IvfFlatIndex({ dim: 8, metric: 'euclidean', nlist:`);
    expect(io.stdout).toContain('$ annlab build');
  });

  it('refuses a target above 1 with a usage error', async () => {
    const io = capture();
    const code = await runCli(['tune', '-d', DATASET, '-a', 'hnsw', '-t', '1.01', '--quiet'], io);
    expect(code).toBe(EXIT.USAGE);
    expect(io.stderr).toMatch(/target-recall 1.01 cannot be reached: recall@k lies in \[0, 1\]/);
  });

  it('says so when the budget or memory limit stops it (exit 3)', async () => {
    const io = capture();
    const code = await runCli(
      ['tune', '-d', DATASET, '-a', 'hnsw', '-t', '0.9', '--budget', '0', '--json', '--quiet', '-o', join(dir, 'budget')],
      io,
    );
    expect(code).toBe(EXIT.PARTIAL);
    const json = JSON.parse(io.stdout) as TuneJson;
    expect(json.ok).toBe(false);
    expect(json.algorithms[0].status).toBe('not-reached');
    expect(json.algorithms[0].message).toMatch(/time budget ran out/);

    const mem = capture();
    expect(
      await runCli(['tune', '-d', DATASET, '-a', 'hnsw', '-t', '0.9', '--max-memory', '1k', '--quiet', '-o', join(dir, 'memory')], mem),
    ).toBe(EXIT.PARTIAL);
    expect(mem.stdout).toMatch(/over the memory limit/);
  });
});
