import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnnlabError,
  DistanceComputer,
  Rng,
  VectorStore,
  WasmRows,
  distanceTileInto,
  dotRef,
  internalDistanceRef,
  l2SquaredRef,
  metricPolicy,
  resolveKernelBackend,
  simdSupported,
  type Metric,
} from '@annlab/core';

const SEED = 20261123;

/** Values in [-1, 1), with every 13th exactly 0 and a few repeated, from a seeded Rng. */
function values(rng: Rng, n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = i % 13 === 0 ? 0 : rng.nextFloat() * 2 - 1;
  return x;
}

/** |got − want| within float32-accumulation tolerance of the magnitude `scale`. */
function expectClose(got: number, want: number, scale: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-5 * scale + 1e-6);
}

/** Σ |a_j · b_j|: the magnitude a dot product's rounding error scales with. */
function absDot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += Math.abs(a[aOff + j] * b[bOff + j]);
  return s;
}

describe('WebAssembly SIMD kernels', () => {
  it('the runtime supports SIMD and auto resolves to it', () => {
    expect(simdSupported()).toBe(true);
    expect(resolveKernelBackend('auto')).toBe('simd');
    expect(resolveKernelBackend(undefined)).toBe('simd');
    expect(resolveKernelBackend('js')).toBe('js');
    expect(new VectorStore(3).backend).toBe('simd');
    expect(new VectorStore(3, { kernels: 'js' }).backend).toBe('js');
  });

  it('rejects unknown kernels values with a typed error', () => {
    for (const bad of ['fast', 'SIMD', 1, null]) {
      expect(() => new VectorStore(3, { kernels: bad as never })).toThrow(AnnlabError);
      try {
        resolveKernelBackend(bad);
      } catch (e) {
        expect((e as AnnlabError).code).toBe('INVALID_PARAMETER');
        expect((e as AnnlabError).message).toMatch(/'auto', 'js' or 'simd'/);
      }
    }
  });

  it('one pair: l2 and dot equal the reference at dims 1..1000 and unaligned offsets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (dim, aOff, bOff, seed) => {
          const rng = new Rng(seed);
          const a = values(rng, dim + 8);
          const b = values(rng, dim + 8);
          const w = new WasmRows(dim, 2);
          // a at float offset aOff past the query slot, b at bOff past the row region: both only 4-byte aligned.
          const pa = w.scratchPtr + 4 * aOff;
          const pb = w.scratchPtr + 4 * (dim + 16 + bOff);
          w.f32.set(a.subarray(aOff, aOff + dim), pa >>> 2);
          w.f32.set(b.subarray(bOff, bOff + dim), pb >>> 2);
          const l2 = l2SquaredRef(a, aOff, b, bOff, dim);
          expectClose(w.k.l2(pa, pb, dim), l2, l2);
          expectClose(w.k.dot(pa, pb, dim), dotRef(a, aOff, b, bOff, dim), absDot(a, aOff, b, bOff, dim));
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('range, ids and symmetric through a SIMD store equal the reference for every metric', () => {
    const metrics: Metric[] = ['euclidean', 'cosine', 'inner-product'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(...metrics),
        fc.integer({ min: 1, max: 1 << 30 }),
        (dim, n, metric, seed) => {
          const rng = new Rng(seed);
          const x = values(rng, n * dim);
          const q = values(rng, dim + 3);
          const policy = metricPolicy(metric);
          const simd = new VectorStore(dim, { kernels: 'simd', normalize: policy.normalize });
          const js = new VectorStore(dim, { kernels: 'js', normalize: policy.normalize });
          simd.append(x);
          js.append(x);
          expect(Array.from(simd.view())).toEqual(Array.from(js.view()));
          const dc = new DistanceComputer(simd, policy);
          const ref = new DistanceComputer(js, policy);
          dc.setQuery(q, 3);
          ref.setQuery(q, 3);
          const data = js.data;
          const want = new Float64Array(n);
          const scale = new Float64Array(n);
          for (let r = 0; r < n; r++) {
            want[r] = internalDistanceRef(policy, ref.query, 0, data, r * dim, dim);
            scale[r] = policy.kind === 'l2' ? want[r] : absDot(ref.query, 0, data, r * dim, dim);
          }
          const out = new Float64Array(n + 2);
          dc.distancesToRange(0, n, out, 2);
          for (let r = 0; r < n; r++) expectClose(out[2 + r], want[r], scale[r]);
          const ids = new Int32Array(n + 1);
          for (let r = 0; r < n; r++) ids[r + 1] = (r * 7 + 3) % n;
          dc.distancesToIds(ids, 1, n, out, 0);
          for (let r = 0; r < n; r++) expectClose(out[r], want[ids[r + 1]], scale[ids[r + 1]]);
          for (let r = 0; r < n; r++) expectClose(dc.distanceTo(r), want[r], scale[r]);
          const i = n - 1;
          const sym = internalDistanceRef(policy, data, 0, data, i * dim, dim);
          const symScale = policy.kind === 'l2' ? sym : absDot(data, 0, data, i * dim, dim);
          expectClose(dc.symmetric(0, i), sym, symScale);
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('tile equals the reference for any block shape (edges of the 4 × 2 blocking included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1 << 30 }),
        (dim, nq, count, start, l2, seed) => {
          const rng = new Rng(seed);
          const x = values(rng, (start + count) * dim);
          const queries = values(rng, (nq + 1) * dim);
          const store = new VectorStore(dim, { kernels: 'simd' });
          store.append(x);
          const out = new Float64Array(nq * count);
          const bias = l2 ? 0 : 1;
          distanceTileInto(store, l2 ? 'l2' : 'dot', bias, queries, 1, nq, start, count, out);
          for (let qi = 0; qi < nq; qi++) {
            for (let r = 0; r < count; r++) {
              const qa = (1 + qi) * dim;
              const xb = (start + r) * dim;
              const want = l2 ? l2SquaredRef(queries, qa, x, xb, dim) : bias - dotRef(queries, qa, x, xb, dim);
              const scale = l2 ? want : absDot(queries, qa, x, xb, dim);
              expectClose(out[qi * count + r], want, scale);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });
});

describe('VectorStore on WebAssembly memory', () => {
  it('keeps rows through growth and refreshes data; one store growing never detaches another', () => {
    const dim = 5;
    const a = new VectorStore(dim, { kernels: 'simd' });
    const b = new VectorStore(dim, { kernels: 'simd' });
    const rng = new Rng(1);
    const xa = values(rng, 3 * dim);
    a.append(xa);
    const viewA = a.data;
    const xb = values(rng, 50000 * dim);
    for (let i = 0; i < 50; i++) b.append(xb, i * 1000 * dim, 1000); // b's memory grows many times
    expect(a.data).toBe(viewA);
    expect(viewA.byteLength).toBeGreaterThan(0);
    expect(Array.from(viewA.subarray(0, 3 * dim))).toEqual(Array.from(xa));
    expect(Array.from(b.view())).toEqual(Array.from(xb));
    expect(b.data.buffer).toBe(b.wasm?.memory.buffer);
    expect(b.memoryBytes()).toBe(b.capacity * dim * 4);
    expect(b.reservedBytes()).toBeGreaterThan(b.memoryBytes());
  });

  it('data stays valid when scratch use (not an append) grows the memory', () => {
    const dim = 32;
    const rng = new Rng(4);
    const x = values(rng, 100 * dim);
    const store = new VectorStore(dim, { kernels: 'simd' });
    store.append(x);
    const before = store.reservedBytes();
    const queries = values(rng, 600 * dim);
    const out = new Float64Array(600 * 100);
    distanceTileInto(store, 'l2', 0, queries, 0, 600, 0, 100, out); // needs ~550 KB of scratch
    expect(store.reservedBytes()).toBeGreaterThan(before);
    expect(store.data.length).toBe(store.capacity * dim);
    expect(store.data.buffer).toBe(store.wasm?.memory.buffer);
    expect(Array.from(store.view())).toEqual(Array.from(x));
    expectClose(out[599 * 100 + 99], l2SquaredRef(queries, 599 * dim, x, 99 * dim, dim), out[599 * 100 + 99]);
  });

  it('two computers over one store keep their own queries', () => {
    const dim = 19;
    const rng = new Rng(2);
    const x = values(rng, 30 * dim);
    const store = new VectorStore(dim, { kernels: 'simd' });
    store.append(x);
    const policy = metricPolicy('euclidean');
    const d1 = new DistanceComputer(store, policy);
    const d2 = new DistanceComputer(store, policy);
    d1.setQuery(x, 4 * dim);
    d2.setQueryToRow(9);
    for (let r = 0; r < 30; r++) {
      expectClose(d1.distanceTo(r), l2SquaredRef(x, 4 * dim, x, r * dim, dim), 50);
      expectClose(d2.distanceTo(r), l2SquaredRef(x, 9 * dim, x, r * dim, dim), 50);
    }
    // A query set before the store grows survives the growth.
    store.append(values(rng, 5000 * dim));
    expectClose(d1.distanceTo(7), l2SquaredRef(x, 4 * dim, x, 7 * dim, dim), 50);
  });

  it('falls back to the scalar backend past its memory cap, keeping rows and results', () => {
    const dim = 64;
    const rng = new Rng(3);
    const x = values(rng, 2000 * dim);
    const store = new VectorStore(dim, { kernels: 'simd', maxWasmBytes: 4 * 65536 });
    const policy = metricPolicy('euclidean');
    const dc = new DistanceComputer(store, policy);
    store.append(x, 0, 100);
    expect(store.backend).toBe('simd');
    store.append(x, 100 * dim, 1900); // 2000 × 256 B = 512 KB > 256 KB cap
    expect(store.backend).toBe('js');
    expect(store.wasm).toBeNull();
    expect(Array.from(store.view())).toEqual(Array.from(x));
    dc.setQuery(x, 0);
    const out = new Float64Array(2000);
    dc.distancesToRange(0, 2000, out, 0);
    for (let r = 0; r < 2000; r += 111) expectClose(out[r], l2SquaredRef(x, 0, x, r * dim, dim), out[r]);
    // A SIMD store larger than the cap from the start runs on the scalar backend at once.
    expect(new VectorStore(dim, { kernels: 'simd', capacity: 10000, maxWasmBytes: 65536 }).backend).toBe('js');
  });

  it('assigning data copies it into WebAssembly memory (used when loading files)', () => {
    const store = new VectorStore(3, { kernels: 'simd' });
    const rows = new Float32Array([1, 2, 3, 4, 5, 6]);
    store.data = rows;
    store.size = 2;
    expect(store.backend).toBe('simd');
    expect(store.data.buffer).toBe(store.wasm?.memory.buffer);
    expect(Array.from(store.view())).toEqual([1, 2, 3, 4, 5, 6]);
    const adopted = VectorStore.adopt(3, rows, false, 'simd');
    expect(Array.from(adopted.view())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(VectorStore.adopt(3, rows, false).data).toBe(rows); // default 'js' stays zero-copy
  });
});
