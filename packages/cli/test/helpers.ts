/**
 * What the CLI's tests share: an in-memory `CliIo` that records what a command prints, and a
 * temporary folder made before a file's tests and removed after them, optionally with the
 * dataset cache (`ANNLAB_DATA`) pointed inside it and restored afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CliIo } from '@annlab/cli';

/** A `CliIo` that collects stdout and stderr as strings (no terminal). */
export type CapturedIo = CliIo & { stdout: string; stderr: string };

/** A fresh {@link CapturedIo}. */
export function capture(): CapturedIo {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}

/** Where {@link useTempDir} points the dataset cache. */
export type DataCache =
  /** `ANNLAB_DATA` left alone. */
  | 'none'
  /** `<dir>/cache`, shared by the file's tests. */
  | 'shared'
  /** A fresh `<dir>/cache-XXXXXX` before each test. */
  | 'per-test';

/** The folder {@link useTempDir} made; `path` is set once the file's `beforeAll` hooks run. */
export interface TempDir {
  /** Absolute path of the folder. */
  readonly path: string;
}

/**
 * Register hooks that make a temporary folder named `prefix`XXXXXX before the file's tests
 * and remove it after them; with `dataCache` other than 'none', `ANNLAB_DATA` points inside it
 * and gets its old value (or absence) back afterwards. Call at the top level of a test file,
 * before the file's own `beforeAll` (hooks run in the order they are registered).
 */
export function useTempDir(prefix: string, dataCache: DataCache = 'none'): TempDir {
  const dir = { path: '' };
  const savedData = process.env.ANNLAB_DATA;
  beforeAll(() => {
    dir.path = mkdtempSync(join(tmpdir(), prefix));
    if (dataCache === 'shared') process.env.ANNLAB_DATA = join(dir.path, 'cache');
  });
  if (dataCache === 'per-test') {
    beforeEach(() => {
      process.env.ANNLAB_DATA = mkdtempSync(join(dir.path, 'cache-'));
    });
  }
  afterAll(() => {
    if (dataCache !== 'none') {
      if (savedData === undefined) delete process.env.ANNLAB_DATA;
      else process.env.ANNLAB_DATA = savedData;
    }
    rmSync(dir.path, { recursive: true, force: true });
  });
  return dir;
}
