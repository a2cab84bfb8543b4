/**
 * FAISS round trips on Fashion-MNIST (data suite): 20,000 of the 60,000 base vectors (see N),
 * 1,000 queries, k = 10.
 * For each index kind annlab builds an index and exports it, FAISS (Debian python3-faiss,
 * driven by scripts/faiss-check.py) loads the file and answers the queries with the settings
 * stored in it; FAISS builds its own index of the same kind and writes it, annlab loads that
 * file and answers the same queries. The agreement printed is the fraction of (query, rank)
 * slots with the same id (an exact distance tie counts as agreement: the libraries order
 * ties differently). Skipped, with one line, when FAISS is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnistDir, readIdxImages } from '@annlab/test-kit/datasets';
import type { AnnIndex } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { PreTransformIndex } from '@annlab/pca';
import { exportFaiss, readFaiss } from '../src/index.js';

const PYTHON = '/usr/bin/python3';
const hasFaiss = spawnSync(PYTHON, ['-c', 'import faiss'], { stdio: 'ignore' }).status === 0;
if (!hasFaiss) console.log('interop FAISS data tests skipped: /usr/bin/python3 cannot import faiss (apt-get install python3-faiss)');

const fmnist = fashionMnistDir();
const DIM = 784;
/**
 * Base vectors used: the first 20,000 of the 60,000. FAISS 1.7.3 from Debian trains IVF-PQ
 * several minutes per 5,000 vectors on a two-core CI machine, so the full set would not fit
 * the data suite's time; the agreement does not depend on the size.
 */
const N = 20000;
const NQ = 1000;
const K = 10;

/** One kind of index: how annlab builds it, FAISS's factory string and settings. */
interface Case {
  name: string;
  /** FAISS's `index_factory` string for its own build. */
  factory: string;
  /** FAISS search settings (ParameterSpace names), also given to exportFaiss. */
  faiss: { nprobe?: number; efSearch?: number; k_factor_rf?: number; efConstruction?: number };
  /** annlab's build (null: the IVF-PQ index above, exported with its kept vectors). */
  build: (() => AnnIndex) | null;
  /** Minimum agreement, each direction. */
  floor: number;
}

const cases: Case[] = [
  { name: 'flat', factory: 'Flat', faiss: {}, build: () => new FlatIndex({ dim: DIM }), floor: 0.995 },
  {
    name: 'ivfflat',
    factory: 'IVF256,Flat',
    faiss: { nprobe: 8 },
    floor: 0.99,
    build: () => new IvfFlatIndex({ dim: DIM, nlist: 256 }),
  },
  {
    name: 'ivfpq',
    factory: 'IVF256,PQ16',
    faiss: { nprobe: 8 },
    floor: 0.97,
    build: () => new IvfPqIndex({ dim: DIM, nlist: 256, m: 16, keepVectors: true }),
  },
  { name: 'ivfpq-refine', factory: 'IVF256,PQ16,RFlat', faiss: { nprobe: 8, k_factor_rf: 4 }, floor: 0.97, build: null },
  {
    name: 'hnsw',
    factory: 'HNSW16',
    faiss: { efSearch: 64, efConstruction: 100 },
    floor: 0.97,
    build: () => new HnswIndex({ dim: DIM, M: 16, efConstruction: 100 }),
  },
  {
    name: 'pca',
    factory: 'PCA64,Flat',
    faiss: {},
    floor: 0.98,
    build: () => new PreTransformIndex({ dim: DIM, components: 64, keepVectors: false, inner: (o) => new FlatIndex(o) }),
  },
];

function agreement(ids: ArrayLike<number>, dist: ArrayLike<number>, wantIds: ArrayLike<number>, wantDist: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === wantIds[i]) same++;
    else if (Math.abs(dist[i] - wantDist[i]) <= 1e-5 * (1 + Math.abs(wantDist[i]))) same++;
  }
  return same / ids.length;
}

/** annlab's distances as FAISS reports them (squared L2). */
function squared(d: Float32Array): Float32Array {
  return d.map((x) => x * x);
}

describe.skipIf(!hasFaiss)('FAISS files on Fashion-MNIST (1,000 queries, k = 10)', () => {
  const work = mkdtempSync(join(tmpdir(), 'annlab-faiss-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const results: string[] = [];

  it('agrees with FAISS both ways for every index kind', () => {
    expect(existsSync(fmnist), `Fashion-MNIST not found at ${fmnist}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const base = readIdxImages(`${fmnist}/train-images-idx3-ubyte.gz`, N).data;
    const queries = readIdxImages(`${fmnist}/t10k-images-idx3-ubyte.gz`, NQ).data;
    writeFileSync(join(work, 'base.f32'), new Uint8Array(base.buffer));
    writeFileSync(join(work, 'queries.f32'), new Uint8Array(queries.buffer));

    // annlab's side: build, search, export.
    const annlab: Record<string, { ids: Int32Array; dist: Float32Array }> = {};
    let ivfpq: IvfPqIndex | null = null;
    for (const c of cases) {
      const t0 = performance.now();
      let index: AnnIndex;
      let bytes: Uint8Array;
      const params: Record<string, unknown> = {};
      if (c.faiss.nprobe !== undefined) params.nprobe = c.faiss.nprobe;
      if (c.faiss.efSearch !== undefined) params.efSearch = c.faiss.efSearch;
      if (c.name === 'ivfpq-refine') {
        index = ivfpq as IvfPqIndex;
        params.rerank = c.faiss.k_factor_rf;
        bytes = exportFaiss(index, { nprobe: c.faiss.nprobe, rerank: c.faiss.k_factor_rf });
      } else {
        index = (c.build as () => AnnIndex)();
        index.add(base);
        if (c.name === 'ivfpq') ivfpq = index as IvfPqIndex;
        bytes = exportFaiss(index, { nprobe: c.faiss.nprobe, efSearch: c.faiss.efSearch, rerank: c.name === 'ivfpq' ? 0 : undefined });
      }
      writeFileSync(join(work, `annlab-${c.name}.faiss`), bytes);
      const r = index.search(queries, K, params);
      annlab[c.name] = { ids: r.ids, dist: squared(r.distances) };
      console.log(`annlab ${c.name}: built and searched in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }

    // FAISS's side: search annlab's files, build and write its own.
    const spec = {
      dim: DIM,
      k: K,
      cases: cases.map((c) => ({ name: c.name, factory: c.factory, ...c.faiss })),
    };
    writeFileSync(join(work, 'spec.json'), JSON.stringify(spec));
    const script = fileURLToPath(new URL('../scripts/faiss-check.py', import.meta.url));
    console.log(execFileSync(PYTHON, [script, work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());

    const ids = (p: string): Float64Array => Float64Array.from(new BigInt64Array(new Uint8Array(readFileSync(p)).buffer), Number);
    const dist = (p: string): Float32Array => new Float32Array(new Uint8Array(readFileSync(p)).buffer);
    for (const c of cases) {
      // annlab → FAISS: FAISS searching annlab's file answers as annlab did.
      const a = annlab[c.name];
      const fIds = ids(join(work, `annlab-${c.name}.ids`));
      const fDist = dist(join(work, `annlab-${c.name}.dist`));
      const there = agreement(fIds, fDist, a.ids, a.dist);
      let adc = '';
      if (c.name === 'ivfpq') {
        // Same ADC distances (FAISS: squared L2 estimates, float32 sums) where ids agree.
        let worst = 0;
        for (let i = 0; i < fIds.length; i++) {
          if (fIds[i] === a.ids[i]) worst = Math.max(worst, Math.abs(fDist[i] - a.dist[i]) / (1 + a.dist[i]));
        }
        adc = `, largest relative ADC distance gap ${worst.toExponential(1)}`;
        expect(worst).toBeLessThan(1e-4);
      }
      // FAISS → annlab: annlab searching FAISS's file answers as FAISS did.
      const { index, params, faissType } = readFaiss(new Uint8Array(readFileSync(join(work, `faiss-${c.name}.faiss`))));
      const r = index.search(queries, K, params as Record<string, unknown>);
      const back = agreement(r.ids, squared(r.distances), ids(join(work, `faiss-${c.name}.ids`)), dist(join(work, `faiss-${c.name}.dist`)));
      const line = `${c.name.padEnd(13)} annlab→FAISS ${(100 * there).toFixed(2)}%  FAISS→annlab ${(100 * back).toFixed(2)}% (${faissType}, ${JSON.stringify(params)})${adc}`;
      results.push(line);
      console.log(line);
      expect(there, `${c.name} annlab→FAISS`).toBeGreaterThanOrEqual(c.floor);
      expect(back, `${c.name} FAISS→annlab`).toBeGreaterThanOrEqual(c.floor);
    }
  });
});
