import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { KERNELS_COMPILER_VERSION, KERNELS_SOURCE_SHA256, KERNELS_WASM_LENGTH, decodeBase64, kernelBytes } from '@annlab/core';
import { KERNELS_SHARED_WASM_BASE64 } from '../src/wasm/kernels-wasm.generated.js';
import { compileKernels, compileSharedKernels, sourceHash } from '../scripts/build-wasm.mjs';

const FIX = 'run `pnpm --filter @annlab/core build:wasm` to regenerate src/wasm/kernels-wasm.generated.ts';

describe('embedded SIMD kernel bytes', () => {
  it('were compiled from the current assembly/kernels.ts and the loops it imports', () => {
    const hash = sourceHash();
    expect(hash, `kernel source changed since the bytes were generated: ${FIX}`).toBe(KERNELS_SOURCE_SHA256);
  });

  it('were compiled by the installed AssemblyScript version', () => {
    const require = createRequire(import.meta.url);
    const version = (require('assemblyscript/package.json') as { version: string }).version;
    expect(version, `compiler version changed: ${FIX}`).toBe(KERNELS_COMPILER_VERSION);
  });

  it('equal a fresh compile of the source, byte for byte', async () => {
    const fresh = await compileKernels();
    const embedded = kernelBytes();
    expect(embedded.length).toBe(KERNELS_WASM_LENGTH);
    expect(Buffer.from(fresh).equals(Buffer.from(embedded)), `embedded bytes are stale: ${FIX}`).toBe(true);
  });

  it('the shared-memory variant equals a fresh compile too', async () => {
    const fresh = await compileSharedKernels();
    expect(Buffer.from(fresh).toString('base64'), `embedded bytes are stale: ${FIX}`).toBe(KERNELS_SHARED_WASM_BASE64);
  });

  it('decodeBase64 agrees with Node for every length modulo 3', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 97 + n) & 255;
      expect(Array.from(decodeBase64(Buffer.from(bytes).toString('base64')))).toEqual(Array.from(bytes));
    }
  });
});
