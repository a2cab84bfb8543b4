import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnnlabError, BinaryReader, BinaryWriter, crc32, crc32Ref, isAnnlabError } from '@annlab/core';

function sample(): Uint8Array {
  const w = new BinaryWriter('test', 3);
  w.u32(7)
    .i32(-5)
    .f64(Math.PI)
    .string('héllo')
    .json({ a: 1, b: [2, 3] });
  w.array(new Float32Array([1.5, -2, 3]));
  w.array(new Uint8Array([1, 2, 3, 4, 5]));
  w.array(new Float64Array([0.1, 0.2]));
  w.array(new Int32Array([-1, 0, 1]));
  return w.finish();
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isAnnlabError(e)) return e.code;
    throw e;
  }
  return undefined;
}

describe('CRC-32', () => {
  it('matches the standard check value and the byte-at-a-time reference', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32Ref(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(5), (b, cut) => {
        const start = Math.min(cut, b.length);
        expect(crc32(b, start)).toBe(crc32Ref(b, start));
      }),
      { seed: 4, numRuns: 200 },
    );
  });
});

describe('BinaryWriter / BinaryReader', () => {
  it('round-trips every field type in order', () => {
    const r = BinaryReader.open(sample(), 'test');
    expect(r.header).toEqual({ tag: 'test', version: 3 });
    expect(r.expectVersion(1, 3)).toBe(3);
    expect(r.u32()).toBe(7);
    expect(r.i32()).toBe(-5);
    expect(r.f64()).toBe(Math.PI);
    expect(r.string()).toBe('héllo');
    expect(r.json()).toEqual({ a: 1, b: [2, 3] });
    expect(Array.from(r.f32array(3))).toEqual([1.5, -2, 3]);
    expect(Array.from(r.u8array())).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(r.f64array())).toEqual([0.1, 0.2]);
    expect(Array.from(r.i32array())).toEqual([-1, 0, 1]);
    r.finish();
  });

  it('returns zero-copy views on aligned input and copies on unaligned input', () => {
    const bytes = sample();
    const r = BinaryReader.open(bytes);
    r.u32();
    r.i32();
    r.f64();
    r.string();
    r.json();
    const view = r.f32array();
    expect(view.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const r2 = BinaryReader.open(shifted.subarray(1));
    r2.u32();
    r2.i32();
    r2.f64();
    r2.string();
    r2.json();
    const copy = r2.f32array();
    expect(copy.buffer).not.toBe(shifted.buffer);
    expect(Array.from(copy)).toEqual([1.5, -2, 3]);
  });

  it('refuses any flipped byte, any truncation, and trailing garbage with a typed error', () => {
    const bytes = sample();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x10;
      const c = code(() => BinaryReader.open(bad));
      expect(c === 'CORRUPT_DATA' || c === 'WRONG_FORMAT').toBe(true);
    }
    for (let len = 0; len < bytes.length; len++) {
      expect(code(() => BinaryReader.open(bytes.slice(0, len)))).toMatch(/CORRUPT_DATA|WRONG_FORMAT/);
    }
  });

  it('names a foreign tag, an unsupported version and non-annlab bytes', () => {
    expect(code(() => BinaryReader.open(sample(), 'hnsw'))).toBe('WRONG_FORMAT');
    expect(code(() => BinaryReader.open(sample()).expectVersion(1))).toBe('UNSUPPORTED_VERSION');
    expect(code(() => BinaryReader.open(new Uint8Array(64)))).toBe('WRONG_FORMAT');
    expect(code(() => BinaryReader.open([1, 2] as unknown as Uint8Array))).toBe('INVALID_PARAMETER');
  });

  it('refuses a tag that is not one behind a valid checksum (CORRUPT_DATA, not a lookup by garbage)', () => {
    for (const tag of ['', 'fl\u0000at', '\u00ff\u00ff', 'flat {"dim":4', '-x', 'x'.repeat(65)]) {
      expect(code(() => BinaryReader.open(new BinaryWriter(tag, 1).finish()))).toBe('CORRUPT_DATA');
    }
    for (const tag of ['flat', 'pca-pretransform', 'a.b_c+d', 'x'.repeat(64)]) {
      expect(BinaryReader.peekHeader(new BinaryWriter(tag, 1).finish()).tag).toBe(tag);
    }
  });

  it('checks declared lengths and refuses reads past the end', () => {
    const w = new BinaryWriter('t', 1);
    w.array(new Float32Array(4));
    const r = BinaryReader.open(w.finish());
    expect(() => r.f32array(5)).toThrow(AnnlabError);
    const w2 = new BinaryWriter('t', 1);
    w2.u32(1);
    const r2 = BinaryReader.open(w2.finish());
    r2.u32();
    expect(code(() => r2.u32())).toBe('CORRUPT_DATA');
    const w3 = new BinaryWriter('t', 1);
    w3.u32(1).u32(2);
    const r3 = BinaryReader.open(w3.finish());
    r3.u32();
    expect(code(() => r3.finish())).toBe('CORRUPT_DATA');
  });
});
