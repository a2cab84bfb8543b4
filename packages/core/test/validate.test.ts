import { describe, expect, it } from 'vitest';
import {
  AnnlabError,
  checkDim,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkNumber,
  checkOptions,
  checkSeed,
  checkVectors,
  firstNonFinite,
  isAnnlabError,
} from '@annlab/core';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnnlabError);
    expect((e as Error).message.length).toBeGreaterThan(20);
    return (e as AnnlabError).code;
  }
  return 'none';
}

describe('validation', () => {
  it('accepts good values and returns them', () => {
    expect(checkDim(3)).toBe(3);
    expect(checkK(10)).toBe(10);
    expect(checkSeed(-4)).toBe(-4);
    expect(checkMetric(undefined)).toBe('euclidean');
    expect(checkMetric('cosine')).toBe('cosine');
    expect(checkNumber('x', 0.5, 0, 1)).toBe(0.5);
    expect(checkInteger('n', 5, 1, 5)).toBe(5);
    expect(checkVectors(new Float32Array(6), 3)).toBe(2);
    expect(checkVectors(new Float32Array(0), 3)).toBe(0);
  });

  it('gives typed errors that explain the fix', () => {
    expect(codeOf(() => checkDim(0))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkDim(2.5))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkK(0))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkK('3'))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkMetric('angular'))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkNumber('x', NaN))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkOptions(null, 'X'))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkKnownKeys({ efsearch: 1 }, ['efSearch'], 'search'))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkVectors([1, 2, 3], 3))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkVectors(new Float64Array(3), 3))).toBe('INVALID_PARAMETER');
    expect(codeOf(() => checkVectors(new Float32Array(4), 3))).toBe('DIMENSION_MISMATCH');
    expect(codeOf(() => checkVectors(new Float32Array([0, NaN, 0]), 3))).toBe('NON_FINITE');
    expect(codeOf(() => checkVectors(new Float32Array([0, 0, Infinity]), 3))).toBe('NON_FINITE');
  });

  it('locates the first non-finite value', () => {
    expect(firstNonFinite(new Float32Array([1, 2, -Infinity, NaN]))).toBe(2);
    expect(firstNonFinite(new Float32Array([1, 2]))).toBe(-1);
    expect(isAnnlabError(new Error('x'))).toBe(false);
    expect(isAnnlabError(new AnnlabError('IO', 'x'), 'IO')).toBe(true);
    expect(isAnnlabError(new AnnlabError('IO', 'x'), 'NOT_FOUND')).toBe(false);
  });
});
