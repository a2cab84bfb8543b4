/** checkAddOptions: the one validation path for `add(vectors, options)`. */
import { describe, expect, it } from 'vitest';
import { expectCode } from '@annlab/test-kit';
import { PROGRESS_EVERY, checkAddOptions } from '@annlab/core';

describe('checkAddOptions', () => {
  it('returns null without a callback and the callback when given', () => {
    expect(checkAddOptions(undefined, 'X.add options')).toBeNull();
    expect(checkAddOptions({}, 'X.add options')).toBeNull();
    expect(checkAddOptions({ onProgress: undefined }, 'X.add options')).toBeNull();
    const cb = (): void => {};
    expect(checkAddOptions({ onProgress: cb }, 'X.add options')).toBe(cb);
    expect(PROGRESS_EVERY).toBeGreaterThanOrEqual(1000);
    expect(PROGRESS_EVERY).toBeLessThanOrEqual(5000);
  });

  it('refuses non-objects, unknown keys and a non-function callback', () => {
    expectCode(() => checkAddOptions(null, 'X.add options'), 'INVALID_PARAMETER');
    expectCode(() => checkAddOptions(3, 'X.add options'), 'INVALID_PARAMETER');
    expectCode(() => checkAddOptions([], 'X.add options'), 'INVALID_PARAMETER');
    expect(expectCode(() => checkAddOptions({ onProgres: () => {} }, 'X.add options'), 'INVALID_PARAMETER').message).toMatch(
      /onProgres.*onProgress/,
    );
    expectCode(() => checkAddOptions({ onProgress: 1 }, 'X.add options'), 'INVALID_PARAMETER');
  });
});
