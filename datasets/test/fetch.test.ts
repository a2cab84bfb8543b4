import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, encodeIdxUint8, fetchDataset, loadDataset, resolveCacheDir, type RegistryEntry } from '@annlab/datasets';
import { expectAnnlabErrorAsync, listFiles, removeDir, tempDir } from './helpers.js';

const root = tempDir('fetch');
const fixture = encodeIdxUint8(
  Uint8Array.from({ length: 50 * 4 }, (_, i) => (i * 13) % 256),
  [50, 2, 2],
  true,
);
const queries = encodeIdxUint8(
  Uint8Array.from({ length: 3 * 4 }, (_, i) => i),
  [3, 2, 2],
  true,
);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/train-images-idx3-ubyte.gz' || url === '/data.bin') {
      res.writeHead(200, { 'content-length': fixture.length });
      // Two writes, so progress sees more than one chunk.
      res.write(fixture.subarray(0, 100));
      setTimeout(() => res.end(fixture.subarray(100)), 5);
    } else if (url === '/t10k-images-idx3-ubyte.gz') {
      res.writeHead(200, { 'content-length': queries.length });
      res.end(queries);
    } else if (url === '/moved') {
      res.writeHead(302, { location: '/data.bin' });
      res.end();
    } else if (url === '/cut') {
      // Announces the whole file, sends half, then drops the connection.
      res.writeHead(200, { 'content-length': fixture.length });
      res.write(fixture.subarray(0, fixture.length >> 1), () => res.destroy());
    } else {
      res.writeHead(404);
      res.end('not here');
    }
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  removeDir(root);
});

function entry(over: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    name: 'tiny-idx-euclidean',
    metric: 'euclidean',
    dim: 4,
    nBase: 50,
    nQueries: 3,
    groundTruthK: 0,
    format: 'idx',
    files: [
      { name: 'train-images-idx3-ubyte.gz', url: `${base}/train-images-idx3-ubyte.gz`, bytes: fixture.length, sha256: sha(fixture) },
      { name: 't10k-images-idx3-ubyte.gz', url: `${base}/t10k-images-idx3-ubyte.gz`, bytes: queries.length, sha256: sha(queries) },
    ],
    approximate: false,
    localName: 'tiny',
    homepage: '',
    note: '',
    ...over,
  };
}

describe('fetch', () => {
  it('downloads, verifies, reports progress and writes only the final file', async () => {
    const dir = join(root, 'dl');
    mkdirSync(dir);
    const seen: Array<number | undefined> = [];
    const r = await downloadFile(`${base}/moved`, join(dir, 'data.bin'), { sha256: sha(fixture), onProgress: (_m, f) => seen.push(f) });
    expect(r).toEqual({ sha256: sha(fixture), bytes: fixture.length });
    expect(new Uint8Array(readFileSync(join(dir, 'data.bin')))).toEqual(fixture);
    expect(listFiles(dir)).toEqual(['data.bin']);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
  });

  it('a wrong checksum fails with CORRUPT_DATA and leaves nothing behind', async () => {
    const dir = join(root, 'bad-sum');
    mkdirSync(dir);
    await expectAnnlabErrorAsync(
      () => downloadFile(`${base}/data.bin`, join(dir, 'data.bin'), { sha256: '0'.repeat(64) }),
      'CORRUPT_DATA',
      'checksum mismatch',
      `${base}/data.bin`,
    );
    expect(listFiles(dir)).toEqual([]);
    // The same through fetchDataset: no dataset directory, no temp directory.
    const cacheDir = join(root, 'cache-bad');
    const wrong = entry();
    wrong.files[1] = { ...wrong.files[1], sha256: 'f'.repeat(64) };
    await expectAnnlabErrorAsync(() => fetchDataset(wrong, { cacheDir }), 'CORRUPT_DATA', 't10k-images-idx3-ubyte.gz', 'checksum mismatch');
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('a dropped connection, a 404 or a wrong size fail and leave nothing behind', async () => {
    const dir = join(root, 'broken');
    mkdirSync(dir);
    await expectAnnlabErrorAsync(() => downloadFile(`${base}/cut`, join(dir, 'x'), {}), 'IO', `${base}/cut`);
    await expectAnnlabErrorAsync(() => downloadFile(`${base}/missing`, join(dir, 'x'), {}), 'IO', 'HTTP 404');
    await expectAnnlabErrorAsync(() => downloadFile(`${base}/data.bin`, join(dir, 'x'), { bytes: 3 }), 'CORRUPT_DATA', 'expected 3 bytes');
    expect(listFiles(dir)).toEqual([]);
  });

  it('fetchDataset assembles a multi-file dataset atomically, reuses it, and loadDataset reads it', async () => {
    const cacheDir = join(root, 'cache');
    const messages: string[] = [];
    const path = await fetchDataset(entry(), { cacheDir, onProgress: (m) => messages.push(m) });
    expect(path).toBe(join(cacheDir, 'tiny-idx-euclidean'));
    expect(listFiles(cacheDir)).toEqual(['tiny-idx-euclidean']);
    expect(listFiles(path)).toEqual(['t10k-images-idx3-ubyte.gz', 'train-images-idx3-ubyte.gz']);
    expect(messages.some((m) => m.includes('train-images-idx3-ubyte.gz'))).toBe(true);
    // Already there: no network needed (the server would now fail every request).
    const again = await fetchDataset(entry({ files: entry().files.map((f) => ({ ...f, url: `${base}/missing` })) }), { cacheDir });
    expect(again).toBe(path);
    const ds = await loadDataset(path);
    expect(ds.base.length).toBe(50 * 4);
    expect(ds.queries.length).toBe(3 * 4);
  });

  it("'from' takes a local directory or a mirror URL, verified against the registry's checksums", async () => {
    const mirror = join(root, 'mirror');
    mkdirSync(mirror);
    writeFileSync(join(mirror, 'train-images-idx3-ubyte.gz'), fixture);
    writeFileSync(join(mirror, 't10k-images-idx3-ubyte.gz'), queries);
    const cacheDir = join(root, 'cache-from');
    expect(await fetchDataset(entry(), { cacheDir, from: mirror })).toBe(join(cacheDir, 'tiny-idx-euclidean'));
    expect(await fetchDataset(entry(), { cacheDir: join(root, 'cache-url'), from: base })).toBe(
      join(root, 'cache-url', 'tiny-idx-euclidean'),
    );
    // The real Fashion-MNIST entry refuses these files: their checksums are not Zalando's.
    const cacheReal = join(root, 'cache-real');
    await expectAnnlabErrorAsync(
      () => fetchDataset('fashion-mnist-784-euclidean', { cacheDir: cacheReal, from: mirror }),
      'CORRUPT_DATA',
      'train-images-idx3-ubyte.gz',
    );
    expect(listFiles(cacheReal)).toEqual([]);
  });

  it('unknown names, unfetchable sources and the cache-dir rule', async () => {
    await expectAnnlabErrorAsync(() => fetchDataset('no-such-set', { cacheDir: root }), 'NOT_FOUND', "'no-such-set'", 'sift-128-euclidean');
    await expectAnnlabErrorAsync(() => fetchDataset('siftsmall-128-euclidean', { cacheDir: root }), 'UNSUPPORTED_OPERATION', 'from');
    const saved = process.env.ANNLAB_DATA;
    try {
      process.env.ANNLAB_DATA = join(root, 'env-data');
      expect(resolveCacheDir()).toBe(join(root, 'env-data'));
      expect(resolveCacheDir(join(root, 'explicit'))).toBe(join(root, 'explicit'));
      delete process.env.ANNLAB_DATA;
      expect(resolveCacheDir()).toMatch(/annlab$/);
    } finally {
      if (saved === undefined) delete process.env.ANNLAB_DATA;
      else process.env.ANNLAB_DATA = saved;
    }
  });

  it('registry names resolve through ANNLAB_LOCAL_DATASETS without the network', async () => {
    const mirror = join(root, 'local');
    const sift = join(mirror, 'siftsmall');
    mkdirSync(sift, { recursive: true });
    const { writeFvecs, writeHdf5Dataset, writeIvecs } = await import('@annlab/datasets');
    writeFvecs(
      join(sift, 'siftsmall_base.fvecs'),
      Float32Array.from({ length: 20 * 128 }, (_, i) => i % 7),
      128,
    );
    writeFvecs(
      join(sift, 'siftsmall_query.fvecs'),
      Float32Array.from({ length: 2 * 128 }, (_, i) => i % 5),
      128,
    );
    writeIvecs(
      join(sift, 'siftsmall_groundtruth.ivecs'),
      Int32Array.from({ length: 2 * 3 }, (_, i) => i),
      3,
    );
    const saved = process.env.ANNLAB_LOCAL_DATASETS;
    try {
      process.env.ANNLAB_LOCAL_DATASETS = mirror;
      const ds = await loadDataset('siftsmall-128-euclidean', { cacheDir: join(root, 'unused') });
      expect(ds).toMatchObject({ name: 'siftsmall-128-euclidean', metric: 'euclidean', dim: 128, groundTruthK: 3 });
      expect(existsSync(join(root, 'unused'))).toBe(false);
      // An ann-benchmarks file under the entry's name: metric from its 'distance' attribute.
      await writeHdf5Dataset(join(mirror, 'glove-25-angular.hdf5'), {
        metric: 'cosine',
        dim: 25,
        base: Float32Array.from({ length: 25 * 4 }, (_, i) => (i % 3) - 1),
        queries: new Float32Array(25).fill(0.5),
      });
      const glove = await loadDataset('glove-25-angular', { cacheDir: join(root, 'unused'), k: 2 });
      expect(glove).toMatchObject({ name: 'glove-25-angular', metric: 'cosine', dim: 25, groundTruthK: 2 });
    } finally {
      if (saved === undefined) delete process.env.ANNLAB_LOCAL_DATASETS;
      else process.env.ANNLAB_LOCAL_DATASETS = saved;
    }
  });
});
