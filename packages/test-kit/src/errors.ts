/**
 * Assertions on annlab's typed errors.
 *
 * @module
 */
import { AnnlabError, type AnnlabErrorCode } from '@annlab/core';
import { expect } from 'vitest';

/** Assert that `fn` throws an {@link AnnlabError} with `code`; returns the error for further checks. */
export function expectCode(fn: () => unknown, code: AnnlabErrorCode): AnnlabError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected an AnnlabError ${code}, but nothing was thrown`).toBeInstanceOf(AnnlabError);
  const err = thrown as AnnlabError;
  expect(err.code, err.message).toBe(code);
  return err;
}

/** Assert that `promise` rejects with an {@link AnnlabError} of `code`; resolves to the error. */
export async function expectRejectedCode(promise: Promise<unknown>, code: AnnlabErrorCode): Promise<AnnlabError> {
  const thrown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(thrown, `expected a rejection with AnnlabError ${code}`).toBeInstanceOf(AnnlabError);
  const err = thrown as AnnlabError;
  expect(err.code, err.message).toBe(code);
  return err;
}
