#!/usr/bin/env node
/**
 * Compile core's AssemblyScript SIMD kernels and embed the bytes in generated TypeScript
 * modules (base64), together with the SHA-256 of each source and the compiler version, so the
 * package loads the same in Node and in a browser (no file read, no fetch) and a test can tell
 * when the embedded bytes are stale. Two targets:
 *
 * - `assembly/kernels.ts` → `src/wasm/kernels-wasm.generated.ts` (float32 distance kernels,
 *   for a plain and for a shared memory);
 * - `assembly/sq-kernels.ts` → `src/wasm/sq-kernels-wasm.generated.ts` (scalar-quantizer
 *   code distances).
 *
 * The compile-and-embed logic is shared with @annlab/pca in the repository's
 * `scripts/build-wasm.mjs`; this file names core's targets.
 *
 * Usage (from the repository root): `pnpm --filter @annlab/core build:wasm`
 * (or `node packages/core/scripts/build-wasm.mjs`).
 * Exports {@link compileKernels} and {@link compileSqKernels} for the staleness tests, which
 * recompile and compare bytes.
 */
import { ASC_FLAGS, runIfMain, wasmTarget } from '../../../scripts/build-wasm.mjs';

const target = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/core',
  source: 'assembly/kernels.ts',
  generated: 'src/wasm/kernels-wasm.generated.ts',
  stalenessTest: 'test/wasm-generated.test.ts',
  constPrefix: 'KERNELS',
  moduleDoc: 'The compiled SIMD kernel module, base64.',
  withLength: true,
  memory: 'both',
});

const sqTarget = wasmTarget({
  script: import.meta.url,
  packageName: '@annlab/core',
  source: 'assembly/sq-kernels.ts',
  generated: 'src/wasm/sq-kernels-wasm.generated.ts',
  stalenessTest: 'test/scalar-quantizer-wasm.test.ts',
  constPrefix: 'SQ_KERNELS',
  moduleDoc: 'The compiled scalar-quantizer SIMD kernel module, base64.',
});

export { ASC_FLAGS };
/** Path of the kernel source. */
export const SOURCE_PATH = target.sourcePath;
/** Path of the generated module. */
export const GENERATED_PATH = target.generatedPath;
/** The installed AssemblyScript version (recorded in the generated module). */
export const compilerVersion = target.compilerVersion;
/** SHA-256 (hex) of the kernel source text. */
export const sourceHash = target.sourceHash;
/** Compile the kernel source to wasm bytes. */
export const compileKernels = target.compile;
/** Compile the kernel source's shared-memory variant (stores shared with worker threads). */
export const compileSharedKernels = target.compileShared;
/** The text of the generated module for given bytes. */
export const generatedModule = target.generatedModule;
/** Compile the scalar-quantizer kernel source to wasm bytes. */
export const compileSqKernels = sqTarget.compile;

await runIfMain(import.meta.url, target);
await runIfMain(import.meta.url, sqTarget);
