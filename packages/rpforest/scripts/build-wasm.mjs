#!/usr/bin/env node
/**
 * Compile the forest's AssemblyScript query kernel (`assembly/forest.ts`) and embed the bytes
 * in `src/internal/forest-wasm.generated.ts` (base64) with the SHA-256 of the source, so the
 * package loads the same in Node and in a browser (no file read, no fetch), and a test can
 * tell when the embedded bytes are stale. Same compiler flags as @annlab/core's kernels: the
 * compile-and-embed logic is the repository's shared `scripts/build-wasm.mjs`.
 *
 * Usage (from the repository root): `pnpm --filter @annlab/rpforest build:wasm`
 * (or `node packages/rpforest/scripts/build-wasm.mjs`).
 */
import { runIfMain, wasmTarget } from '../../../scripts/build-wasm.mjs';

const target = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/rpforest',
  source: 'assembly/forest.ts',
  generated: 'src/internal/forest-wasm.generated.ts',
  stalenessTest: 'test/wasm-forest.test.ts',
  constPrefix: 'FOREST',
  moduleDoc: 'The compiled forest query kernel (descent, leaf gathering, exact scoring), base64.',
});

/** Path of the kernel source. */
export const SOURCE_PATH = target.sourcePath;
/** Path of the generated module. */
export const GENERATED_PATH = target.generatedPath;
/** SHA-256 (hex) of the kernel source text. */
export const sourceHash = target.sourceHash;
/** Compile the kernel source to wasm bytes. */
export const compileKernels = target.compile;

await runIfMain(import.meta.url, target);
