#!/usr/bin/env node
/**
 * Compile the AssemblyScript SIMD kernels (`assembly/kernels.ts`) and embed the bytes in
 * `src/wasm/kernels-wasm.generated.ts` (base64), together with the SHA-256 of the source and
 * the compiler version, so the package loads the same in Node and in a browser (no file read,
 * no fetch) and a test can tell when the embedded bytes are stale.
 *
 * The compile-and-embed logic is shared with @annlab/pca in the repository's
 * `scripts/build-wasm.mjs`; this file names core's target.
 *
 * Usage (from the repository root): `pnpm --filter @annlab/core build:wasm`
 * (or `node packages/core/scripts/build-wasm.mjs`).
 * Exports {@link compileKernels} for the staleness test, which recompiles and compares bytes.
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
/** The text of the generated module for given bytes. */
export const generatedModule = target.generatedModule;

await runIfMain(import.meta.url, target);
