/**
 * Hosted regions of a store's WebAssembly memory (`WasmRows.addRegion` / `resizeRegion`): they
 * sit between the rows and the scratch, keep their contents while the rows and earlier regions
 * grow (moving up), keep `INITIAL_SCRATCH` bytes of scratch after them, and report failure at
 * the memory cap without changing anything.
 */
import { describe, expect, it } from 'vitest';
import { DistanceComputer, INITIAL_SCRATCH, VectorStore, WasmRows, metricPolicy, simdSupported } from '@annlab/core';

describe.runIf(simdSupported())('WasmRows hosted regions', () => {
  it('keep their contents across row growth and resizes; rows stay put', () => {
    const w = new WasmRows(5, 3);
    const a = w.addRegion(40);
    const b = w.addRegion(24);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    if (a === null || b === null) return;
    expect(a.ptr).toBeGreaterThanOrEqual(w.rowsPtr + 3 * 20);
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 40);
    expect(w.scratchPtr).toBeGreaterThanOrEqual(b.ptr + 24);
    for (let i = 0; i < 10; i++) a.i32[i] = 100 + i;
    for (let i = 0; i < 6; i++) b.i32[i] = 200 + i;
    w.data.set([1, 2, 3, 4, 5], 5);
    const rowsPtr = w.rowsPtr;
    expect(w.reserveRows(5000)).toBe(true);
    expect(w.rowsPtr).toBe(rowsPtr);
    expect(Array.from(w.data.subarray(5, 10))).toEqual([1, 2, 3, 4, 5]);
    expect(a.ptr).toBeGreaterThanOrEqual(w.rowsPtr + 5000 * 20);
    expect(Array.from(a.i32)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(Array.from(b.i32)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(w.resizeRegion(a, 400_000)).toBe(true);
    expect(a.i32.length).toBe(100_000);
    expect(Array.from(a.i32.subarray(0, 10))).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(a.i32[10]).toBe(0);
    expect(a.i32[99_999]).toBe(0);
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 400_000);
    expect(Array.from(b.i32)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(a.i32.buffer).toBe(w.memory.buffer);
    expect(w.byteLength - w.scratchPtr).toBeGreaterThanOrEqual(INITIAL_SCRATCH);
  });

  it('refuse growth past the cap, leaving everything as it was', () => {
    const w = new WasmRows(4, 10, 4 * 65536);
    const a = w.addRegion(64);
    if (a === null) throw new Error('region');
    a.i32[3] = 7;
    const ptr = a.ptr;
    expect(w.resizeRegion(a, 8 * 65536)).toBe(false);
    expect(w.reserveRows(100_000)).toBe(false);
    expect(a.ptr).toBe(ptr);
    expect(a.i32[3]).toBe(7);
    expect(w.addRegion(8 * 65536)).toBeNull();
  });

  it("a store's rows still grow and read back with a region hosted", () => {
    const store = new VectorStore(3, { kernels: 'simd' });
    const w = store.wasm;
    if (w === null) throw new Error('simd store');
    const r = w.addRegion(12);
    r?.i32.set([9, 8, 7]);
    for (let i = 0; i < 100; i++) store.append(new Float32Array([i, i, i]));
    expect(Array.from(store.row(99))).toEqual([99, 99, 99]);
    expect(Array.from(r?.i32 ?? [])).toEqual([9, 8, 7]);
  });

  it('dropRegionsFrom removes a region and those after it; their bytes become scratch', () => {
    const w = new WasmRows(4, 8);
    const a = w.addRegion(64);
    const b = w.addRegion(128);
    const c = w.addRegion(32);
    if (a === null || b === null || c === null) throw new Error('region');
    a.i32[0] = 5;
    w.dropRegionsFrom(b);
    expect(w.regions).toEqual([a]);
    expect(w.scratchPtr).toBe(b.ptr);
    w.dropRegionsFrom(c); // no longer hosted: ignored
    expect(w.regions).toEqual([a]);
    expect(w.reserveRows(1000)).toBe(true);
    expect(a.i32[0]).toBe(5);
  });
});

describe.runIf(simdSupported() && typeof SharedArrayBuffer === 'function')('WasmRows.makeShared', () => {
  it('moves rows, regions and the query slot to a shared memory; distances and growth unchanged', () => {
    const store = new VectorStore(6, { kernels: 'simd', capacity: 4 });
    for (let i = 0; i < 20; i++) store.append(Float32Array.from({ length: 6 }, (_, j) => i * 0.5 - j));
    const w = store.wasm;
    if (w === null) throw new Error('simd store');
    const region = w.addRegion(16);
    region?.i32.set([1, 2, 3, 4]);
    const dc = new DistanceComputer(store, metricPolicy('euclidean'));
    dc.setQuery(new Float32Array([1, 0, 2, 0, 3, 0]), 0);
    const ids = Int32Array.from({ length: 20 }, (_, i) => i);
    const before = new Float64Array(20);
    dc.distancesToIds(ids, 0, 20, before, 0);
    const sym = dc.symmetric(3, 17);
    expect(w.shared).toBe(false);
    expect(w.makeShared()).toBe(true);
    expect(w.shared).toBe(true);
    expect(w.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(w.makeShared()).toBe(true); // idempotent
    const after = new Float64Array(20);
    dc.distancesToIds(ids, 0, 20, after, 0);
    expect(after).toEqual(before);
    expect(dc.symmetric(3, 17)).toBe(sym);
    expect(Array.from(region?.i32 ?? [])).toEqual([1, 2, 3, 4]);
    for (let i = 20; i < 2000; i++) store.append(Float32Array.from({ length: 6 }, () => i));
    expect(Array.from(store.row(1999))).toEqual([1999, 1999, 1999, 1999, 1999, 1999]);
    expect(Array.from(store.row(3))).toEqual([1.5, 0.5, -0.5, -1.5, -2.5, -3.5]);
    expect(Array.from(region?.i32 ?? [])).toEqual([1, 2, 3, 4]);
  });
});
