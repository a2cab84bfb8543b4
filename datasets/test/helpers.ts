import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isAnnlabError, type AnnlabErrorCode } from '@annlab/core';

/** A fresh temporary directory; remove it with {@link removeDir}. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `annlab-datasets-${prefix}-`));
}

/** Remove a temporary directory and everything in it. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Files left in `dir` (for "nothing partial left behind" checks). */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Assert that `fn` throws an AnnlabError with `code` whose message contains every fragment. */
export function expectAnnlabError(fn: () => unknown, code: AnnlabErrorCode, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  checkError(thrown, code, fragments);
}

/** Async version of {@link expectAnnlabError}. */
export async function expectAnnlabErrorAsync(fn: () => Promise<unknown>, code: AnnlabErrorCode, ...fragments: string[]): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  checkError(thrown, code, fragments);
}

function checkError(thrown: unknown, code: AnnlabErrorCode, fragments: string[]): void {
  expect(thrown, 'expected an error').toBeDefined();
  if (!isAnnlabError(thrown)) throw thrown;
  expect(thrown.code, thrown.message).toBe(code);
  for (const f of fragments) expect(thrown.message).toContain(f);
}

/** fast-check settings: fixed seed, few runs (the seed is printed on failure). */
export const FC = { seed: 20261123, numRuns: 25 } as const;
