/**
 * `annlab export` and `annlab import`, and `annlab query` reading hnswlib, Annoy and FAISS
 * files directly: each answers like the annlab file it came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '@annlab/cli';
import { capture, useTempDir } from './helpers.js';

const DATASET = 'synthetic:n=400,dim=8,clusters=4,queries=20,seed=5';
const tmp = useTempDir('annlab-cli-interop-');
let dir: string;

beforeAll(() => {
  dir = tmp.path;
});

async function query(file: string, params: string[]): Promise<{ recall: number; ids: Buffer }> {
  const io = capture();
  const ids = join(dir, `${Math.random()}.ivecs`);
  const code = await runCli(['query', '-i', file, '-d', DATASET, '-k', '5', ...params, '--ids-out', ids, '--json', '--quiet'], io);
  expect(code, io.stderr).toBe(EXIT.OK);
  return { recall: JSON.parse(io.stdout).recall, ids: readFileSync(ids) };
}

describe('annlab export / import', () => {
  for (const [algorithm, to, build, search] of [
    ['hnsw', 'hnswlib', ['-p', 'M=8', '-p', 'efConstruction=40'], ['-p', 'efSearch=20']],
    ['rpforest', 'annoy', ['-p', 'nTrees=5'], ['-p', 'searchK=100']],
    ['ivfflat', 'faiss', ['-p', 'nlist=8'], ['-p', 'nprobe=2']],
  ] as const) {
    it(`${algorithm} → ${to} → annlab answers the same`, async () => {
      const own = join(dir, `${algorithm}.annlab`);
      const native = join(dir, `${algorithm}.${to}`);
      const back = join(dir, `${algorithm}.back.annlab`);
      expect(await runCli(['build', '-d', DATASET, '-a', algorithm, ...build, '-o', own, '--quiet'], capture())).toBe(EXIT.OK);
      const ex = capture();
      expect(await runCli(['export', '--to', to, '-i', own, '-o', native, '--json'], ex), ex.stderr).toBe(EXIT.OK);
      expect(JSON.parse(ex.stdout).to).toBe(to);
      const im = capture();
      const from = ['--from', to, '--metric', 'euclidean', ...(to === 'annoy' ? ['--dim', '8'] : [])];
      expect(await runCli(['import', ...from, '-i', native, '-o', back, '--json'], im), im.stderr).toBe(EXIT.OK);
      const a = await query(own, [...search]);
      const b = await query(back, [...search]);
      const c = await query(native, [...search]);
      expect(b.ids).toEqual(a.ids);
      expect(c.ids).toEqual(a.ids);
    });
  }

  it('refuses a format that does not hold the index, and unknown formats', async () => {
    const own = join(dir, 'flat.annlab');
    expect(await runCli(['build', '-d', DATASET, '-a', 'flat', '-o', own, '--quiet'], capture())).toBe(EXIT.OK);
    const io = capture();
    expect(await runCli(['export', '--to', 'hnswlib', '-i', own, '-o', join(dir, 'x.bin')], io)).not.toBe(EXIT.OK);
    expect(io.stderr).toMatch(/hnswlib files hold HNSW graphs/);
    const io2 = capture();
    expect(await runCli(['export', '--to', 'nmslib', '-i', own, '-o', join(dir, 'x.bin')], io2)).not.toBe(EXIT.OK);
    expect(io2.stderr).toMatch(/--to must be one of/);
    const io3 = capture();
    expect(await runCli(['import', '--from', 'hnswlib', '-i', own, '-o', join(dir, 'y.annlab'), '--metric', 'euclidean'], io3)).not.toBe(
      EXIT.OK,
    );
    expect(io3.stderr).toMatch(/hnswlib/);
  });
});
