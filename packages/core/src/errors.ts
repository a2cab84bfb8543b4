/**
 * Typed errors. Every failure annlab reports on purpose is an {@link AnnlabError} with a
 * machine-readable {@link AnnlabErrorCode} and a message that says what was wrong and how
 * to fix it. Nothing in the library is meant to fail with a bare `TypeError`.
 *
 * @module
 */

/**
 * Why an operation failed.
 *
 * - `DIMENSION_MISMATCH`: a vector or batch does not have the index's `dim` components.
 * - `NON_FINITE`: a vector holds NaN or ±Infinity, or values outside the range float32
 *   distances can represent (see `checkVectors`: |x| ≤ 1e15, non-zero rows not all below 1e-15).
 * - `INVALID_PARAMETER`: an option or argument is out of range or of the wrong type.
 * - `EMPTY_INDEX`: the operation needs at least one stored vector (e.g. training).
 * - `NOT_TRAINED`: a trainable index (IVF, PQ, PCA) was used before `train`.
 * - `CORRUPT_DATA`: serialized bytes fail their checksum, are truncated, or are inconsistent.
 * - `WRONG_FORMAT`: the bytes are not an annlab file, or belong to another algorithm.
 * - `UNSUPPORTED_VERSION`: the file was written by a format version this build cannot read.
 * - `UNSUPPORTED_OPERATION`: the index does not implement this operation.
 * - `NOT_FOUND`: a named thing (dataset, file, id) does not exist.
 * - `IO`: reading, writing or fetching failed.
 * - `WORKER_FAILED`: a worker thread threw or died during a parallel operation; the
 *   operation was abandoned as a whole (see `@annlab/threads`).
 */
export type AnnlabErrorCode =
  | 'DIMENSION_MISMATCH'
  | 'NON_FINITE'
  | 'INVALID_PARAMETER'
  | 'EMPTY_INDEX'
  | 'NOT_TRAINED'
  | 'CORRUPT_DATA'
  | 'WRONG_FORMAT'
  | 'UNSUPPORTED_VERSION'
  | 'UNSUPPORTED_OPERATION'
  | 'NOT_FOUND'
  | 'IO'
  | 'WORKER_FAILED';

/** The one error class annlab throws on purpose. Check `code` to react programmatically. */
export class AnnlabError extends Error {
  /** Why the operation failed; stable across versions, safe to switch on. */
  readonly code: AnnlabErrorCode;

  /**
   * @param code - the failure category.
   * @param message - what was wrong and how to fix it.
   * @param options - `cause`: an underlying error, kept for debugging.
   */
  constructor(code: AnnlabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnnlabError';
    this.code = code;
  }
}

/** True when `e` is an {@link AnnlabError}, optionally with the given code. */
export function isAnnlabError(e: unknown, code?: AnnlabErrorCode): e is AnnlabError {
  return e instanceof AnnlabError && (code === undefined || e.code === code);
}

/**
 * Throw `CORRUPT_DATA` for a file whose sections disagree with each other, in the wording
 * every index's loader uses: `<kind> is inconsistent: <detail>. Re-create it with serialize().`
 *
 * @param kind - how the format is named in messages (`'vamana file'`).
 */
export function throwInconsistentFile(kind: string, detail: string): never {
  throw new AnnlabError('CORRUPT_DATA', `${kind} is inconsistent: ${detail}. Re-create it with serialize().`);
}
