/**
 * The fuzz suite for HnswIndex: seeded mutations of a serialized index must be refused with a
 * typed error or load into an index that passes its invariant check and searches
 * (time-limited, in a worker), and the public methods must answer arbitrary arguments with
 * nothing but AnnlabError, leaving the index unchanged when they fail. Focused tests pin each
 * defect found (by the suite or by reading the loader against the writer).
 */
import { BinaryReader, BinaryWriter, crc32 } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { clustered, expectCode } from '@annlab/test-kit';
import { fuzzApi, itFuzzesLoaders } from '@annlab/test-kit/fuzz';
import { describe, expect, it } from 'vitest';
import { HnswIndex } from '../src/index.js';
import { API_FUZZ, BASES, DIM, baseIndex, loaderCases } from './fuzz-bases.js';

const TARGETS = new URL('./fuzz-targets.ts', import.meta.url).href;

describe('HnswIndex fuzz', () => {
  itFuzzesLoaders({
    moduleUrl: TARGETS,
    count: 200,
    cases: loaderCases(
      [
        ['hnsw', 0],
        ['hnswSimd', 0],
        ['hnsw', 1],
      ],
      1,
    ),
  });

  it('public methods throw nothing but AnnlabError, and a failed call changes nothing', () => {
    fuzzApi({ ...API_FUZZ, seed: 11, numRuns: 150 });
  });
});

/** The sections of a format-2 file, to edit and write back (checksum recomputed). */
interface Sections {
  p: Record<string, unknown>;
  data: Float32Array;
  levels: Uint8Array;
  deleted: Uint8Array;
  links0: Int32Array;
  upperOffset: Int32Array;
  upperLinks: Int32Array;
}

function crafted(bytes: Uint8Array, edit: (s: Sections) => void): Uint8Array {
  const r = BinaryReader.open(bytes, 'hnsw');
  r.expectVersion(3);
  const s: Sections = {
    p: r.json<Record<string, unknown>>(),
    data: r.f32array().slice(),
    levels: r.u8array().slice(),
    deleted: r.u8array().slice(),
    links0: r.i32array().slice(),
    upperOffset: r.i32array().slice(),
    upperLinks: r.i32array().slice(),
  };
  r.finish();
  edit(s);
  const w = new BinaryWriter('hnsw', 3);
  w.json(s.p);
  for (const a of [s.data, s.levels, s.deleted, s.links0, s.upperOffset, s.upperLinks]) w.array(a);
  return w.finish();
}

function refused(bytes: Uint8Array, pattern: RegExp): void {
  const e = expectCode(() => HnswIndex.deserialize(bytes, { kernels: 'js' }), 'CORRUPT_DATA');
  expect(e.message).toMatch(pattern);
}

describe('HnswIndex loader, crafted files (checksum valid)', () => {
  const index = baseIndex(BASES[0]);
  const bytes = index.serialize();
  const stride0 = 1 + 2 * index.M;

  it('the unedited file loads (the editor itself changes nothing)', () => {
    expect(HnswIndex.deserialize(crafted(bytes, () => {})).serialize()).toEqual(bytes);
  });

  it('refuses stored values outside the range add() accepts', () => {
    // Found by the suite on 'simd': 1e30 squared overflows float32 distances to Infinity.
    for (const v of [1e30, -1e20, 3e38])
      refused(
        crafted(bytes, (s) => {
          s.data[5] = v;
        }),
        /vectors section is out of range/,
      );
  });

  it('refuses a linkedDeletes flag that is not a boolean', () => {
    for (const v of [1, 'true', null])
      refused(
        crafted(bytes, (s) => {
          s.p.linkedDeletes = v;
        }),
        /linkedDeletes/,
      );
  });

  it('refuses deletion flags other than 0 and 1', () => {
    refused(
      crafted(bytes, (s) => {
        s.deleted[3] = 2;
      }),
      /deletion flag 2/,
    );
  });

  it('refuses upper-level blocks that overlap or leave the CSR', () => {
    const upper: number[] = [];
    for (let id = 0; id < index.idCount; id++) if (index.levelOf(id) > 0) upper.push(id);
    expect(upper.length).toBeGreaterThan(1);
    const [a, b] = upper;
    // b's block placed on a's: both nodes would then write each other's links.
    refused(
      crafted(bytes, (s) => {
        s.upperOffset[b] = s.upperOffset[a];
      }),
      /upper block offset/,
    );
    // A level-0 node given a block; a block ending past the pool; extra ints in the pool.
    const zero = Array.from({ length: index.idCount }, (_, id) => id).find((id) => index.levelOf(id) === 0) as number;
    refused(
      crafted(bytes, (s) => {
        s.upperOffset[zero] = 0;
      }),
      /upper block offset/,
    );
    refused(
      crafted(bytes, (s) => {
        s.upperLinks = s.upperLinks.slice(0, s.upperLinks.length - 1);
      }),
      /upper/,
    );
    refused(
      crafted(bytes, (s) => {
        s.upperLinks = Int32Array.from([...s.upperLinks, 0]);
      }),
      /upper levels' blocks hold/,
    );
  });

  it('refuses links out of deleted nodes, and a deleted entry point, once compacted', () => {
    const compacted = baseIndex(BASES[1]);
    const cb = compacted.serialize();
    expect(HnswIndex.deserialize(cb).checkInvariants().ok).toBe(true);
    refused(
      crafted(cb, (s) => {
        s.links0[3 * stride0] = 1;
        s.links0[3 * stride0 + 1] = 4;
      }),
      /deleted and compacted away, but has 1 links/,
    );
    refused(
      crafted(cb, (s) => {
        const ep = s.p.entryPoint as number;
        s.deleted[ep] = 1;
        s.p.live = (s.p.live as number) - 1;
        for (let l = 0; l <= s.levels[ep]; l++) if (l === 0) s.links0[ep * stride0] = 0;
      }),
      /entry point|compacted away/,
    );
    refused(
      crafted(cb, (s) => {
        s.p.entryPoint = -1;
      }),
      /entry point -1/,
    );
  });

  it('reads a format-1 file without linkedDeletes as still linked when ids are deleted', () => {
    const v1 = crafted(bytes, (s) => {
      delete s.p.rng;
      delete s.p.linkedDeletes;
      s.p.levelDraws = index.idCount;
    });
    const b = new Uint8Array(v1);
    // Format version (after magic, container version, tag): the u32 after the padded tag.
    const view = new DataView(b.buffer);
    const tagLen = view.getUint32(8, true);
    const at = 12 + Math.ceil(tagLen / 4) * 4;
    expect(view.getUint32(at, true)).toBe(3);
    view.setUint32(at, 1, true);
    view.setUint32(b.length - 4, crc32(b, 0, b.length - 4), true);
    const loaded = HnswIndex.deserialize(b, { kernels: 'js' });
    const q = clustered(20, DIM, 4, 7);
    const r = loaded.search(q, 10, { efSearch: 64 });
    for (const id of r.ids) expect([3, 10, 11, 40]).not.toContain(id);
    expect(Array.from(r.ids)).toEqual(Array.from(index.search(q, 10, { efSearch: 64 }).ids));
  });
});

describe('HnswIndex capacity', () => {
  it('refuses a capacity whose up-front allocation passes 1 GiB, naming the limit (was a bare RangeError)', () => {
    const e = expectCode(() => new HnswIndex({ dim: 8, capacity: 2 ** 30 }), 'INVALID_PARAMETER');
    expect(e.message).toMatch(/capacity/);
    const big = expectCode(() => new HnswIndex({ dim: 4096, capacity: 2 ** 20 }), 'INVALID_PARAMETER');
    expect(big.message).toMatch(/pass at most 65012/);
    expect(() => new HnswIndex({ dim: 4096, capacity: 65012 })).not.toThrow();
  });

  it('the default capacity shrinks where the limit needs it', () => {
    const index = new HnswIndex({ dim: 300_000, M: 2 });
    index.add(new Float32Array(300_000).fill(1));
    expect(index.size).toBe(1);
  });
});

describe('HnswIndex over views of WebAssembly memory (self-join)', () => {
  it("searching 200 stored rows on 'simd' equals 'js'", () => {
    // HnswIndex exposes no view into its own memory (reconstruct copies), so the queries are
    // reconstruct-built copies, and a view into a FlatIndex store's memory over the same rows.
    const js = baseIndex(BASES[0], 'js', 200);
    const simd = baseIndex(BASES[0], 'simd', 200);
    const rows = new Float32Array(200 * DIM);
    for (let id = 0; id < 200; id++) if (js.has(id)) rows.set(js.reconstruct(id), id * DIM);
    const a = js.search(rows, 5);
    expect(Array.from(simd.search(rows, 5).ids)).toEqual(Array.from(a.ids));
    const flat = new FlatIndex({ dim: DIM, kernels: 'simd' });
    flat.add(rows);
    expect(Array.from(simd.search(flat.store.view(), 5).ids)).toEqual(Array.from(a.ids));
    const one = flat.store.view().subarray(7 * DIM, 8 * DIM);
    expect(simd.explain(one, 5).result.ids).toEqual(js.explain(rows.subarray(7 * DIM, 8 * DIM), 5).result.ids);
    const grow = baseIndex(BASES[0], 'simd', 200);
    grow.add(flat.store.view());
    expect(grow.idCount).toBe(400);
    expect(grow.checkInvariants().ok).toBe(true);
  });
});
