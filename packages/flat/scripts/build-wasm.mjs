#!/usr/bin/env node
/**
 * Compile the AssemblyScript inner-product tiles (`assembly/gemm.ts`) and embed the bytes in
 * `src/internal/gemm-wasm.generated.ts` (base64) with the SHA-256 of the source, so the
 * package loads the same in Node and in a browser (no file read, no fetch), and a test can
 * tell when the embedded bytes are stale. Same compiler flags as @annlab/core's kernels: the
 * compile-and-embed logic is the repository's shared `scripts/build-wasm.mjs`.
 *
 * Usage (from the repository root): `pnpm --filter @annlab/flat build:wasm`
 * (or `node packages/flat/scripts/build-wasm.mjs`).
 */
import { runIfMain, wasmTarget } from '../../../scripts/build-wasm.mjs';

const target = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/flat',
  source: 'assembly/gemm.ts',
  generated: 'src/internal/gemm-wasm.generated.ts',
  stalenessTest: 'test/gemm-wasm.test.ts',
  constPrefix: 'GEMM',
  moduleDoc: 'The compiled float32 SIMD inner-product tiles, base64.',
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
