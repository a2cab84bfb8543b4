/**
 * The worked example of docs/beyond-one-machine.md, run (data suite): three parts of
 * Fashion-MNIST, each built by annlab in its own process (scripts/build-shard.ts) and
 * exported as a FAISS IndexHNSWFlat, served together by FAISS's IndexShards
 * (scripts/faiss-shards.py). The sharded FAISS answer is checked against exact search over
 * all parts, and against annlab searching the same three files and merging. Skipped, with
 * one line, when FAISS is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fashionMnistDir, readIdxImages } from '@annlab/test-kit/datasets';
import { FlatIndex } from '@annlab/flat';
import { readFaiss } from '../src/index.js';

const PYTHON = '/usr/bin/python3';
const hasFaiss = spawnSync(PYTHON, ['-c', 'import faiss'], { stdio: 'ignore' }).status === 0;
if (!hasFaiss) console.log('beyond-one-machine example skipped: /usr/bin/python3 cannot import faiss (apt-get install python3-faiss)');

const fmnist = fashionMnistDir();
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const DIM = 784;
const N = 15000;
const PARTS = 3;
const NQ = 200;
const K = 10;

describe.skipIf(!hasFaiss)('beyond one machine: annlab parts served by FAISS IndexShards', () => {
  const work = mkdtempSync(join(tmpdir(), 'annlab-shards-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('each part built in its own process; FAISS serves them as one index', () => {
    expect(existsSync(fmnist), `Fashion-MNIST not found at ${fmnist}; set ANNLAB_SHARED_DATASETS`).toBe(true);
    const base = readIdxImages(`${fmnist}/train-images-idx3-ubyte.gz`, N).data;
    const queries = readIdxImages(`${fmnist}/t10k-images-idx3-ubyte.gz`, NQ).data;
    writeFileSync(join(work, 'base.f32'), new Uint8Array(base.buffer));
    writeFileSync(join(work, 'queries.f32'), new Uint8Array(queries.buffer));

    // 1. Build: one process per part (on a cluster, one machine per part).
    const parts: string[] = [];
    for (let p = 0; p < PARTS; p++) {
      const out = join(work, `part${p}.faiss`);
      execFileSync(
        'npx',
        [
          'tsx',
          '--conditions=source',
          'packages/interop/scripts/build-shard.ts',
          join(work, 'base.f32'),
          String(DIM),
          String(p),
          String(PARTS),
          out,
          '16',
          '100',
          '64',
        ],
        {
          cwd: repo,
          stdio: 'ignore',
        },
      );
      parts.push(out);
    }

    // 2. Serve with FAISS's own tools: IndexShards over the exported parts.
    const script = fileURLToPath(new URL('../scripts/faiss-shards.py', import.meta.url));
    const prefix = join(work, 'sharded');
    console.log(
      execFileSync(PYTHON, [script, join(work, 'queries.f32'), String(DIM), String(K), prefix, ...parts], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
    const fIds = Float64Array.from(new BigInt64Array(new Uint8Array(readFileSync(`${prefix}.ids`)).buffer), Number);

    // 3. Check: exact search over all the data, and annlab reading the same part files.
    const exact = new FlatIndex({ dim: DIM });
    exact.add(base);
    const truth = exact.search(queries, K);
    const merged = new Int32Array(NQ * K);
    const mergedDist = new Float64Array(NQ * K).fill(Infinity);
    let offset = 0;
    for (const path of parts) {
      const { index, params } = readFaiss(new Uint8Array(readFileSync(path)));
      const r = index.search(queries, K, params as Record<string, unknown>);
      for (let q = 0; q < NQ; q++) {
        // Merge this part's k into the running k best (small k: insertion).
        for (let j = 0; j < K; j++) {
          const d = r.distances[q * K + j];
          if (r.ids[q * K + j] < 0) continue;
          let pos = K;
          while (pos > 0 && mergedDist[q * K + pos - 1] > d) pos--;
          if (pos === K) continue;
          for (let t = K - 1; t > pos; t--) {
            mergedDist[q * K + t] = mergedDist[q * K + t - 1];
            merged[q * K + t] = merged[q * K + t - 1];
          }
          mergedDist[q * K + pos] = d;
          merged[q * K + pos] = offset + r.ids[q * K + j];
        }
      }
      offset += index.size;
    }
    let recall = 0;
    let agree = 0;
    for (let q = 0; q < NQ; q++) {
      const want = new Set(Array.from(truth.ids.subarray(q * K, q * K + K)));
      const annlabRow = new Set(Array.from(merged.subarray(q * K, q * K + K)));
      for (let j = 0; j < K; j++) {
        if (want.has(fIds[q * K + j])) recall++;
        if (annlabRow.has(fIds[q * K + j])) agree++;
      }
    }
    recall /= NQ * K;
    agree /= NQ * K;
    console.log(
      `IndexShards over ${PARTS} annlab parts: recall@${K} ${recall.toFixed(4)}, same ids as annlab's merged parts ${(100 * agree).toFixed(2)}%`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(agree).toBeGreaterThanOrEqual(0.98);
  });
});
