import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '@annlab/cli';
import { writeFvecs, writeHdf5Dataset } from '@annlab/datasets';
import { capture, useTempDir } from './helpers.js';

const DATASET = 'synthetic:n=300,dim=8,clusters=4,queries=10,seed=3';

const tmp = useTempDir('annlab-cli-reliability-', 'per-test');
let dir: string;
/** A regular file: any path below it cannot be created, even by root (ENOTDIR). */
let blocker: string;

beforeAll(() => {
  dir = tmp.path;
  blocker = join(dir, 'a-regular-file');
  writeFileSync(blocker, 'not a directory');
});

function suite(name: string, runs: unknown[], dataset: string = DATASET): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, dataset, k: 3, repeats: 1, runs }));
  return file;
}

describe('bench refuses typos before loading any data', () => {
  it('an unknown algorithm in the suite exits 4, names the known ones and suggests the closest', async () => {
    // The dataset does not exist either: the algorithm check must come first.
    const file = suite('typo', [{ algorithm: 'flat' }, { algorithm: 'hnsww', search: { efSearch: [10] } }], join(dir, 'no-such-dataset'));
    const io = capture();
    expect(await runCli(['bench', '-c', file, '-o', join(dir, 'typo-out')], io)).toBe(EXIT.NOT_FOUND);
    expect(io.stderr).toMatch(
      /^annlab: error \[NOT_FOUND\]: .*runs\[1\]: unknown algorithm "hnsww" \(did you mean "hnsw"\?\); known: flat, .*hnsw/,
    );
    expect(io.stderr).not.toMatch(/loading dataset/);
    expect(io.stdout).toBe('');
    expect(existsSync(join(dir, 'typo-out'))).toBe(false);
  });

  it('--only with a name no run has exits 4 and lists the runs', async () => {
    const file = suite('only', [{ algorithm: 'flat' }, { algorithm: 'hnsw', label: 'hnsw-small', build: { M: 4 } }]);
    const io = capture();
    expect(await runCli(['bench', '-c', file, '--only', 'flat,nosuch', '-o', join(dir, 'only-out')], io)).toBe(EXIT.NOT_FOUND);
    expect(io.stderr).toMatch(
      /^annlab: error \[NOT_FOUND\]: --only nosuch: no run of suite only .*; its runs: flat, hnsw-small, hnsw\.\n$/,
    );
    expect(io.stderr).not.toMatch(/loading dataset/);
    const ok = capture();
    expect(await runCli(['bench', '-c', file, '--only', 'hnsw-small', '-o', join(dir, 'only-ok'), '--json', '--quiet'], ok)).toBe(EXIT.OK);
    expect((JSON.parse(ok.stdout) as { summary: unknown[] }).summary).toHaveLength(1);
  });
});

describe('output and cache locations', () => {
  it('an output directory that cannot be created fails first, with exit 5 and one line', async () => {
    const file = suite('out', [{ algorithm: 'flat' }]);
    const io = capture();
    expect(await runCli(['bench', '-c', file, '-o', join(blocker, 'results')], io)).toBe(EXIT.IO);
    expect(io.stderr).toMatch(/^annlab: error \[IO\]: .*a-regular-file\/results.*(ENOTDIR|EEXIST).*--out/);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
    expect(io.stderr).not.toMatch(/loading dataset|build flat/);
  });

  it('build checks its --out before building; query checks --ids-out before searching', async () => {
    const b = capture();
    expect(await runCli(['build', '-d', DATASET, '-a', 'flat', '-o', join(blocker, 'flat.annlab')], b)).toBe(EXIT.IO);
    expect(b.stderr).toMatch(/^annlab: error \[IO\]: .*--out/);
    expect(b.stderr).not.toMatch(/building flat/);
    const index = join(dir, 'flat.annlab');
    expect(await runCli(['build', '-d', DATASET, '-a', 'flat', '-o', index, '--quiet'], capture())).toBe(EXIT.OK);
    const q = capture();
    expect(await runCli(['query', '-i', index, '-d', DATASET, '--ids-out', join(blocker, 'ids.ivecs'), '--quiet'], q)).toBe(EXIT.IO);
    expect(q.stderr).toMatch(/^annlab: error \[IO\]: .*--ids-out/);
  });

  it('a ground-truth cache that cannot be written is a warning (even with --quiet), not a failure', async () => {
    process.env.ANNLAB_DATA = join(blocker, 'cache');
    const file = suite('cache', [{ algorithm: 'flat' }]);
    const io = capture();
    expect(await runCli(['bench', '-c', file, '-o', join(dir, 'cache-out'), '--quiet'], io)).toBe(EXIT.OK);
    expect(io.stderr).toMatch(
      /^warning: cannot write the ground-truth cache in .*a-regular-file\/cache\/groundtruth \((ENOTDIR|EEXIST)\); going on without it/,
    );
    expect(io.stdout).toMatch(/flat/);
    const q = capture();
    const index = join(dir, 'cache-flat.annlab');
    expect(await runCli(['build', '-d', DATASET, '-a', 'flat', '-o', index, '--quiet'], capture())).toBe(EXIT.OK);
    expect(await runCli(['query', '-i', index, '-d', DATASET, '-k', '3', '--json', '--quiet'], q)).toBe(EXIT.OK);
    expect((JSON.parse(q.stdout) as { recall: number }).recall).toBe(1);
  });
});

describe('file errors reach the user as typed one-line errors', () => {
  it('reading a directory as a results file or an index, writing a report under a file', async () => {
    const asDir = join(dir, 'results.jsonl');
    mkdirSync(asDir);
    const r = capture();
    expect(await runCli(['report', asDir], r)).toBe(EXIT.IO);
    expect(r.stderr).toMatch(/^annlab: error \[IO\]: .*results\.jsonl.*EISDIR/);

    const i = capture();
    expect(await runCli(['query', '-i', dir, '-d', DATASET], i)).toBe(EXIT.IO);
    expect(i.stderr).toMatch(/^annlab: error \[IO\]: .*is a directory.*EISDIR, reading the index file given with --index/);

    const out = join(dir, 'rep');
    expect(await runCli(['bench', '-c', suite('rep', [{ algorithm: 'flat' }]), '-o', out, '--quiet'], capture())).toBe(EXIT.OK);
    const w = capture();
    expect(await runCli(['report', join(out, 'results.jsonl'), '--out', join(blocker, 'report')], w)).toBe(EXIT.IO);
    expect(w.stderr).toMatch(/^annlab: error \[IO\]: .*a-regular-file\/report: cannot create the output directory/);
    for (const e of [r, i, w]) expect(e.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('dataset problems', () => {
  it('a 0-row base set is refused instead of building an index over 0 vectors', async () => {
    const file = join(dir, 'empty-train.hdf5');
    await writeHdf5Dataset(file, { metric: 'euclidean', dim: 16, base: new Float32Array(0), queries: new Float32Array(16) });
    const io = capture();
    const out = join(dir, 'empty.annlab');
    expect(await runCli(['build', '-d', file, '-a', 'flat', '-o', out], io)).toBe(EXIT.USAGE);
    expect(io.stderr).toMatch(/^annlab: error \[EMPTY_INDEX\]: .*'train' has 0 rows/m);
    expect(existsSync(out)).toBe(false);
  });

  it('a dataset.json with a wrong-typed field is a bad-data error (6), not an internal one (1)', async () => {
    const d = join(dir, 'json-dataset');
    mkdirSync(d);
    writeFvecs(join(d, 'base.fvecs'), new Float32Array(8), 2);
    writeFvecs(join(d, 'query.fvecs'), new Float32Array(2), 2);
    writeFileSync(join(d, 'dataset.json'), '{"base": 5}');
    const io = capture();
    expect(await runCli(['datasets', 'info', d], io)).toBe(EXIT.BAD_DATA);
    expect(io.stderr).toMatch(/^annlab: error \[WRONG_FORMAT\]: .*"base" must be a non-empty string/m);
    writeFileSync(join(d, 'dataset.json'), '["euclidean"]');
    expect(await runCli(['datasets', 'info', d], capture())).toBe(EXIT.BAD_DATA);
  });

  it('build computes no ground truth (nothing is cached for it)', async () => {
    const cache = process.env.ANNLAB_DATA as string;
    expect(await runCli(['build', '-d', DATASET, '-a', 'hnsw', '-p', 'M=4', '-o', join(dir, 'nogt.annlab'), '--quiet'], capture())).toBe(
      EXIT.OK,
    );
    expect(existsSync(join(cache, 'groundtruth'))).toBe(false);
    expect(readdirSync(cache)).toEqual([]);
  });
});

/** Ids of the live (not zombie) children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('bin/annlab.js', () => {
  let server: Server;
  let connected: Promise<void>;
  beforeAll(async () => {
    let onConnect: () => void = () => undefined;
    connected = new Promise((resolve) => {
      onConnect = resolve;
    });
    // A mirror that accepts the download and never answers: the command waits there.
    server = createServer(() => onConnect());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('SIGTERM to annlab stops the program it runs and ends by the same signal', async () => {
    const bin = fileURLToPath(new URL('../bin/annlab.js', import.meta.url));
    const port = (server.address() as AddressInfo).port;
    const parent = spawn(
      process.execPath,
      [
        bin,
        'datasets',
        'fetch',
        'fashion-mnist-784-euclidean',
        '--from',
        `http://127.0.0.1:${port}`,
        '--cache-dir',
        join(dir, 'signal-cache'),
        '--quiet',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      parent.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await connected;
    const kids = childrenOf(parent.pid as number);
    expect(kids.length).toBeGreaterThan(0);
    parent.kill('SIGTERM');
    const end = await exited;
    expect(end).toEqual({ code: null, signal: 'SIGTERM' });
    for (let i = 0; i < 50 && kids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(kids.filter(alive)).toEqual([]);
  }, 30_000);
});
