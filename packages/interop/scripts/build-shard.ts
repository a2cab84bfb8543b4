/**
 * One part of a sharded index, built in its own process (docs/beyond-one-machine.md):
 *
 *     npx tsx --conditions=source packages/interop/scripts/build-shard.ts <base.f32> <dim> <part> <parts> <out.faiss> [M] [efConstruction] [efSearch]
 *
 * Reads the float32 row-major base vectors, takes rows [part·n/parts, (part+1)·n/parts),
 * builds an annlab HNSW index over them and writes it as a FAISS IndexHNSWFlat file (ids
 * 0..size−1 within the part; FAISS's IndexShards with successive_ids offsets them back).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { HnswIndex } from '@annlab/hnsw';
import { exportFaiss } from '@annlab/interop';

const [basePath, dimArg, partArg, partsArg, out, mArg, efcArg, efsArg] = process.argv.slice(2);
if (out === undefined) {
  console.error('usage: build-shard.ts <base.f32> <dim> <part> <parts> <out.faiss> [M] [efConstruction] [efSearch]');
  process.exit(2);
}
const dim = Number(dimArg);
const part = Number(partArg);
const parts = Number(partsArg);
const bytes = readFileSync(basePath);
const base = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
const n = base.length / dim;
const start = Math.floor((part * n) / parts);
const end = Math.floor(((part + 1) * n) / parts);
const index = new HnswIndex({ dim, M: Number(mArg ?? 16), efConstruction: Number(efcArg ?? 100), seed: 42 + part });
index.add(base.slice(start * dim, end * dim));
writeFileSync(out, exportFaiss(index, { efSearch: Number(efsArg ?? 64) }));
console.log(`part ${part}: rows ${start}..${end - 1} → ${out}`);
