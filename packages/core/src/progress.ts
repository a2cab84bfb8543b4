/**
 * Progress reporting for long adds: the validation of {@link AddOptions} and the interval at
 * which indexes call `onProgress`. Indexes check a counter once per inserted vector (or once
 * per training iteration, tree or pass) against {@link PROGRESS_EVERY}, never inside a
 * distance loop, so a callback costs nothing measurable.
 *
 * @module
 */
import { AnnlabError } from './errors.js';
import type { AddOptions } from './types.js';
import { checkKnownKeys, checkVectors } from './validate.js';

/** A progress callback: work done so far and the total work of the call. */
export type ProgressCallback = (done: number, total: number) => void;

/** Vectors between two progress calls (and a final call at the end of every add). */
export const PROGRESS_EVERY = 2048;

const ADD_OPTION_KEYS = ['onProgress'] as const;

/**
 * Check the options of an `add` call: `undefined`, or a plain object whose only key is
 * `onProgress`, a function (a typo such as `onProgres` is refused with `INVALID_PARAMETER`).
 *
 * @param what - how to name the call in messages (`'HnswIndex.add options'`).
 * @returns the callback, or null when none was given.
 */
export function checkAddOptions(options: unknown, what: string): ProgressCallback | null {
  if (options === undefined) return null;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what} must be an object such as { onProgress: (done, total) => … } or left out, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}.`,
    );
  }
  checkKnownKeys(options, ADD_OPTION_KEYS, what);
  const cb = (options as AddOptions).onProgress;
  if (cb === undefined) return null;
  if (typeof cb !== 'function') {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `${what}: onProgress must be a function (done, total) => void, got ${cb === null ? 'null' : typeof cb}.`,
    );
  }
  return cb;
}

/** What {@link beginAdd} checked: the rows of the call and its callback. */
export interface AddCall {
  /** Rows in the call's vectors. */
  readonly n: number;
  /** The callback, or null when none was given. */
  readonly onProgress: ProgressCallback | null;
}

/**
 * The prologue of every index's `add`: check the vectors (`n × dim`), then the options (in that
 * order, so the first error is the same for every index); an empty batch reports `(0, 0)` once.
 * The caller returns at once when `n` is 0.
 *
 * @param what - how to name the options in messages (`'HnswIndex.add options'`).
 */
export function beginAdd(vectors: Float32Array, dim: number, options: AddOptions | undefined, what: string): AddCall {
  const n = checkVectors(vectors, dim, 'vectors');
  const onProgress = checkAddOptions(options, what);
  if (n === 0 && onProgress !== null) onProgress(0, 0);
  return { n, onProgress };
}

/**
 * Report `done` of `total` items when `done` is a multiple of {@link PROGRESS_EVERY} or the last
 * one; call once per inserted item, never inside a distance loop.
 */
export function reportProgress(onProgress: ProgressCallback | null, done: number, total: number): void {
  if (onProgress !== null && (done % PROGRESS_EVERY === 0 || done === total)) onProgress(done, total);
}
