#!/usr/bin/env node
/**
 * Compile the package's AssemblyScript kernels and embed the bytes in generated TypeScript
 * modules (base64) with the SHA-256 of each source, so the package loads the same in Node and
 * in a browser (no file read, no fetch), and a test can tell when the embedded bytes are
 * stale. Same compiler flags as @annlab/core's kernels: the compile-and-embed logic is the
 * repository's shared `scripts/build-wasm.mjs`. Two targets:
 *
 * - `assembly/traverse.ts` → `src/internal/traverse-wasm.generated.ts`: the level-0 layer
 *   search, for a plain and for a shared memory (an index whose store is shared with threads);
 * - `assembly/insert.ts` → `src/internal/insert-wasm.generated.ts`: the INSERT loop, for a
 *   plain memory (`add` on the calling thread) and a shared one (threads inserting at once).
 *
 * Usage (from the repository root): `pnpm --filter @annlab/hnsw build:wasm`
 * (or `node packages/hnsw/scripts/build-wasm.mjs`).
 */
import { runIfMain, wasmTarget } from '../../../scripts/build-wasm.mjs';

const target = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/hnsw',
  source: 'assembly/traverse.ts',
  generated: 'src/internal/traverse-wasm.generated.ts',
  stalenessTest: 'test/traverse-wasm.test.ts',
  constPrefix: 'TRAVERSE',
  moduleDoc: 'The compiled level-0 layer search (WebAssembly SIMD), base64.',
  memory: 'both',
});

const insertTarget = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/hnsw',
  source: 'assembly/insert.ts',
  generated: 'src/internal/insert-wasm.generated.ts',
  stalenessTest: 'test/parallel-insert.test.ts',
  constPrefix: 'INSERT',
  moduleDoc: 'The compiled INSERT loop (WebAssembly SIMD and atomics), base64.',
  memory: 'both',
  features: ['threads'],
});

/** Path of the kernel source. */
export const SOURCE_PATH = target.sourcePath;
/** Path of the generated module. */
export const GENERATED_PATH = target.generatedPath;
/** SHA-256 (hex) of the kernel source text. */
export const sourceHash = target.sourceHash;
/** Compile the kernel source to wasm bytes. */
export const compileKernels = target.compile;
/** Compile the kernel source's shared-memory variant. */
export const compileSharedKernels = target.compileShared;
/** SHA-256 (hex) of the concurrent INSERT source and the files it imports. */
export const insertSourceHash = insertTarget.sourceHash;
/** Compile the INSERT loop (plain memory). */
export const compileInsert = insertTarget.compile;
/** Compile the INSERT loop for a shared memory. */
export const compileSharedInsert = insertTarget.compileShared;

await runIfMain(import.meta.url, target);
await runIfMain(import.meta.url, insertTarget);
