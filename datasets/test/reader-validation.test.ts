import fs, { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeIdx,
  decodeNpy,
  encodeIdxUint8,
  encodeNpy,
  loadDataset,
  loadDirectory,
  readHdf5Dataset,
  readNpy,
  readVectorFile,
  writeFvecs,
  writeHdf5Dataset,
  writeNpy,
} from '@annlab/datasets';
import { expectAnnlabError, expectAnnlabErrorAsync, removeDir, tempDir } from './helpers.js';

const root = tempDir('validation');
afterAll(() => removeDir(root));

async function h5(): Promise<typeof import('h5wasm/node')> {
  const mod = await import('h5wasm/node');
  await mod.ready;
  return mod;
}

/** An ann-benchmarks file with 4 × 2 train, 1 × 2 test and the given `neighbors` (1 × k) written as `dtype`. */
async function withNeighbors(
  name: string,
  neighbors: Int32Array | Float32Array | Float64Array,
  dtype: '<i' | '<f' | '<d',
): Promise<string> {
  const mod = await h5();
  const file = join(root, name);
  const f = new mod.File(file, 'w');
  f.create_dataset({ name: 'train', data: new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), shape: [4, 2], dtype: '<f' });
  f.create_dataset({ name: 'test', data: new Float32Array([0.1, 0.1]), shape: [1, 2], dtype: '<f' });
  f.create_dataset({ name: 'neighbors', data: neighbors, shape: [1, neighbors.length], dtype });
  f.close();
  return file;
}

/** What `fn` writes to file descriptor 2 directly (HDF5's diagnostics bypass process.stderr). */
async function fd2Writes(fn: () => Promise<unknown>): Promise<string> {
  let text = '';
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, buffer: unknown, ...rest: unknown[]) => {
    if (fd === 2) {
      text += ArrayBuffer.isView(buffer)
        ? Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('utf8')
        : String(buffer);
    }
    return (writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
  }) as typeof fs.writeSync;
  try {
    await fn().catch(() => undefined);
  } finally {
    fs.writeSync = writeSync;
  }
  return text;
}

describe('HDF5 neighbors are validated like .ivecs ground truth', () => {
  it('refuses ids past the base, below -1, and fractional ids, naming row and column', async () => {
    const past = await withNeighbors('past.hdf5', new Int32Array([0, 4]), '<i');
    await expectAnnlabErrorAsync(
      () => readHdf5Dataset(past),
      'CORRUPT_DATA',
      past,
      "'neighbors' row 0, column 1 holds id 4",
      "'train' has 4 rows",
    );
    const negative = await withNeighbors('negative.hdf5', new Int32Array([-7, 1]), '<i');
    await expectAnnlabErrorAsync(() => readHdf5Dataset(negative), 'CORRUPT_DATA', negative, 'holds id -7');
    const fractional = await withNeighbors('fractional.hdf5', new Float32Array([1.5, 2]), '<f');
    await expectAnnlabErrorAsync(() => readHdf5Dataset(fractional), 'CORRUPT_DATA', fractional, 'holds 1.5', 'not a vector id');
  });

  it('accepts whole-number float ids and -1 padding, and checks ids against all of train even when fewer rows are read', async () => {
    const floats = await withNeighbors('floats.hdf5', new Float64Array([3, 1, -1]), '<d');
    const h = await readHdf5Dataset(floats);
    expect(Array.from(h.groundTruth ?? [])).toEqual([3, 1, -1]);
    const cut = await readHdf5Dataset(floats, { maxBase: 2 });
    expect(Array.from(cut.groundTruth ?? [])).toEqual([3, 1, -1]);
  });
});

describe('empty base sets are refused', () => {
  it("an HDF5 file whose 'train' has 0 rows", async () => {
    const file = join(root, 'empty-train.hdf5');
    await writeHdf5Dataset(file, { metric: 'euclidean', dim: 16, base: new Float32Array(0), queries: new Float32Array(16) });
    await expectAnnlabErrorAsync(() => readHdf5Dataset(file), 'EMPTY_INDEX', file, "'train' has 0 rows");
    await expectAnnlabErrorAsync(() => loadDataset(file, { k: 1 }), 'EMPTY_INDEX', "'train' has 0 rows");
  });

  it('a directory whose base file holds no rows', () => {
    const dir = join(root, 'empty-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'base.fvecs'), new Uint8Array(0));
    writeFvecs(join(dir, 'query.fvecs'), new Float32Array(4), 4);
    expectAnnlabError(() => loadDirectory(dir), 'EMPTY_INDEX', join(dir, 'base.fvecs'), 'no base vectors');
  });
});

describe('dataset.json is checked', () => {
  function dirWith(name: string, json: string): string {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFvecs(join(dir, 'base.fvecs'), new Float32Array([1, 2, 3, 4]), 2);
    writeFvecs(join(dir, 'query.fvecs'), new Float32Array([1, 2]), 2);
    writeFileSync(join(dir, 'dataset.json'), json);
    return dir;
  }

  it('wrong-typed fields are WRONG_FORMAT naming the key, not a TypeError', () => {
    expectAnnlabError(
      () => loadDirectory(dirWith('json-base', '{"base": 5}')),
      'WRONG_FORMAT',
      'dataset.json',
      '"base" must be a non-empty string, got 5',
    );
    expectAnnlabError(
      () => loadDirectory(dirWith('json-metric', '{"metric": ["euclidean"]}')),
      'WRONG_FORMAT',
      '"metric" must be a non-empty string',
    );
    expectAnnlabError(
      () => loadDirectory(dirWith('json-name', '{"name": null}')),
      'WRONG_FORMAT',
      '"name" must be a non-empty string, got null',
    );
  });

  it('an array, null or a scalar is refused; so is an unknown key (a typo would silently default)', () => {
    expectAnnlabError(
      () => loadDirectory(dirWith('json-array', '[{"metric": "cosine"}]')),
      'WRONG_FORMAT',
      'must be a JSON object',
      'got an array',
    );
    expectAnnlabError(() => loadDirectory(dirWith('json-null', 'null')), 'WRONG_FORMAT', 'got null');
    expectAnnlabError(() => loadDirectory(dirWith('json-typo', '{"metirc": "cosine"}')), 'WRONG_FORMAT', 'unknown key "metirc"');
  });

  it('a valid one still works, with a free-text description', () => {
    const d = loadDirectory(dirWith('json-ok', '{"name": "tiny", "metric": "angular", "description": "two rows"}'));
    expect(d).toMatchObject({ name: 'tiny', metric: 'cosine', dim: 2 });
  });
});

describe('row limits are checked before reading', () => {
  const npy = join(root, 'rows.npy');
  writeNpy(npy, new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);

  it('readVectorFile refuses negative and fractional limits for every format', () => {
    expectAnnlabError(() => readVectorFile(npy, -1), 'INVALID_PARAMETER', 'maxRows must be an integer ≥ 0', 'got -1');
    expectAnnlabError(() => readVectorFile(npy, 2.5), 'INVALID_PARAMETER', 'got 2.5');
    expect(readVectorFile(npy, 2)).toMatchObject({ rows: 2, dim: 2 });
    const fvecs = join(root, 'rows.fvecs');
    writeFvecs(fvecs, new Float32Array(6), 2);
    expectAnnlabError(() => readVectorFile(fvecs, -1), 'INVALID_PARAMETER', 'got -1');
  });

  it('readHdf5Dataset and loadDirectory refuse them with a clear message, not "damaged"', async () => {
    const file = join(root, 'limits.hdf5');
    await writeHdf5Dataset(file, { metric: 'euclidean', dim: 2, base: new Float32Array(8), queries: new Float32Array(2) });
    await expectAnnlabErrorAsync(
      () => readHdf5Dataset(file, { maxBase: -1 }),
      'INVALID_PARAMETER',
      'maxBase must be an integer ≥ 1',
      'got -1',
    );
    await expectAnnlabErrorAsync(
      () => readHdf5Dataset(file, { maxQueries: 0.5 }),
      'INVALID_PARAMETER',
      'maxQueries must be an integer ≥ 0',
    );
    const dir = join(root, 'limits-dir');
    mkdirSync(dir);
    writeFvecs(join(dir, 'base.fvecs'), new Float32Array(4), 2);
    writeFvecs(join(dir, 'query.fvecs'), new Float32Array(2), 2);
    expectAnnlabError(() => loadDirectory(dir, { maxQueries: -3 }), 'INVALID_PARAMETER', 'maxQueries must be');
  });
});

describe('.npy and IDX edge cases', () => {
  it('readNpy and decodeNpy refuse NaN and Infinity in float arrays unless allowed', () => {
    const file = join(root, 'nan.npy');
    writeNpy(file, new Float32Array([1, 2, NaN, 4]), [2, 2]);
    expectAnnlabError(() => readNpy(file), 'NON_FINITE', file, 'row 1, column 0 is NaN');
    expectAnnlabError(
      () => decodeNpy(encodeNpy(new Float32Array([Infinity]), [1]), 'inf.npy'),
      'NON_FINITE',
      'inf.npy',
      'element 0 is Infinity',
    );
    expect(Number.isNaN(readNpy(file, { allowNonFinite: true }).data[2])).toBe(true);
  });

  it('an .npy header written with double quotes (a valid Python literal) is read', () => {
    const good = encodeNpy(new Float32Array([1, 2, 3, 4]), [2, 2]);
    const bytes = new Uint8Array(good);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen)).replaceAll("'", '"');
    for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
    expect(header).toContain('"descr": "<f4"');
    const a = decodeNpy(bytes, 'dq.npy');
    expect(a).toMatchObject({ dtype: 'float32', shape: [2, 2] });
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4]);
  });

  it('an .npy matrix of zero-width rows is refused by readVectorFile', () => {
    const file = join(root, 'zero-width.npy');
    writeNpy(file, new Float32Array(0), [3, 0]);
    expectAnnlabError(() => readVectorFile(file), 'DIMENSION_MISMATCH', file, 'dimension ≥ 1');
  });

  it('an IDX shape with a zero-size dimension after the first is refused', () => {
    expectAnnlabError(
      () => decodeIdx(encodeIdxUint8(new Uint8Array(0), [5, 0, 28]), 'zero.idx'),
      'CORRUPT_DATA',
      'zero.idx',
      'zero-size dimension 1',
    );
    expect(decodeIdx(encodeIdxUint8(new Uint8Array(0), [0, 28, 28]), 'empty.idx').shape).toEqual([0, 28, 28]);
  });
});

describe('damaged HDF5 files', () => {
  it('give one AnnlabError naming the cause and print no HDF5-DIAG trace', async () => {
    const file = join(root, 'damaged.hdf5');
    await writeHdf5Dataset(file, { metric: 'euclidean', dim: 8, base: new Float32Array(8 * 500).fill(1), queries: new Float32Array(8) });
    writeFileSync(file, readFileSync(file).subarray(0, 1500));
    let error: unknown;
    const printed = await fd2Writes(async () => {
      try {
        await readHdf5Dataset(file);
      } catch (e) {
        error = e;
      }
    });
    expect(printed).not.toContain('HDF5-DIAG');
    expect(printed).toBe('');
    expect(error).toMatchObject({ code: 'CORRUPT_DATA' });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message.split('\n')).toHaveLength(1);

    // A header-only stub with a valid signature fails at open: still one line, the cause named.
    const stub = join(root, 'stub.hdf5');
    const bytes = new Uint8Array(3000);
    bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    writeFileSync(stub, bytes);
    let stubError: unknown;
    const stubPrinted = await fd2Writes(async () => {
      try {
        await readHdf5Dataset(stub);
      } catch (e) {
        stubError = e;
      }
    });
    expect(stubPrinted).toBe('');
    expect(stubError).toMatchObject({ code: 'CORRUPT_DATA' });
    expect((stubError as Error).message).toMatch(/could not open it \(H5\w+\(\): /);
  });
});

describe('the ground-truth cache is optional', () => {
  it('a cache directory that cannot be written gives a warning, and the ground truth all the same', async () => {
    const blocker = join(root, 'cache-is-a-file');
    writeFileSync(blocker, 'x');
    const warnings: string[] = [];
    const ds = await loadDataset('synthetic:n=50,dim=4,queries=3,seed=1', {
      k: 2,
      cacheDir: join(blocker, 'cache'),
      onWarning: (m) => warnings.push(m),
    });
    expect(ds.groundTruthK).toBe(2);
    expect(ds.groundTruth?.length).toBe(6);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/cannot write the ground-truth cache in .*cache-is-a-file\/cache\/groundtruth/);
  });
});
