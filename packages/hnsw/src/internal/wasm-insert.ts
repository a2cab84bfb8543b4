/**
 * The INSERT loop of `assembly/insert.ts` (Alg. 1 of Malkov & Yashunin, IEEE TPAMI 42(4),
 * 2020, arXiv:1603.09320) driven from JavaScript (internal): the module and its instances,
 * and one *batch* — the ids `[first, end)` whose rows are stored and whose levels are drawn —
 * laid out in the store's memory for the loop to run over.
 *
 * A batch adds temporary regions after the index's own ({@link WasmRows.addRegion}): a copy
 * of the upper links (the loop writes them), the upper offsets, the levels, one lock word per
 * node, the context block, and one work area per thread. {@link InsertBatch.finish} copies
 * the upper links, entry point and top level back into the graph; {@link InsertBatch.drop}
 * frees the regions. `add` runs a batch on the calling thread (`insert.ts` `addRows`, over the
 * store's plain memory); `addAsync` runs it on the workers of a pool (`parallel-insert.ts`,
 * over the shared memory).
 *
 * @module
 */
import { AnnlabError, DualWasmModule, decodeBase64, type WasmRegion, type WasmRows } from '@annlab/core';
import type { HnswState } from '../hnsw-state.js';
import { INSERT_SHARED_WASM_BASE64, INSERT_WASM_BASE64 } from './insert-wasm.generated.js';

/** The exports of `assembly/insert.ts`. */
export interface InsertExports {
  CONTEXT_BYTES: WebAssembly.Global;
  areaBytes(capacity: number, efc: number, mmax0: number, m: number): number;
  initContext(
    ctx: number,
    rows: number,
    dim: number,
    isDot: number,
    bias: number,
    links0: number,
    stride0: number,
    upper: number,
    strideU: number,
    upperOffset: number,
    locks: number,
    levels: number,
    M: number,
    Mmax0: number,
    efc: number,
    heuristic: number,
    dupEps: number,
    capacity: number,
    first: number,
    end: number,
    entry: number,
    maxLevel: number,
  ): void;
  doneCount(ctx: number): number;
  entryPoint(ctx: number): number;
  maxLevel(ctx: number): number;
  requestStop(ctx: number): void;
  insertLoop(ctx: number, area: number): number;
}

/** The INSERT loop, for a plain memory (`add`) and a shared one (threads). */
const INSERT = new DualWasmModule(
  () => decodeBase64(INSERT_WASM_BASE64),
  () => decodeBase64(INSERT_SHARED_WASM_BASE64),
);

/** An instance of the INSERT loop over `memory`, plain or shared. */
export function instantiateInsert(memory: WebAssembly.Memory): InsertExports {
  return INSERT.instantiate<InsertExports>(memory);
}

/** A region of `bytes` (rounded up to 4) in `rows`, or null when the memory cannot grow. */
function tryRegion(rows: WasmRows, bytes: number): WasmRegion | null {
  return rows.addRegion((bytes + 3) & ~3);
}

/** One batch of ids laid out for the INSERT loop (fixed shape; see the module doc). */
export class InsertBatch {
  /** The store memory's rows. */
  readonly rows: WasmRows;
  /** The loop instance over `rows.memory`, on this thread. */
  readonly k: InsertExports;
  /** Byte address of the context block. */
  readonly ctx: number;
  /** Byte address of each thread's work area. */
  readonly areas: number[];
  /** The copy of the upper links the loop writes (the first temporary region). */
  private readonly upper: WasmRegion;

  private constructor(rows: WasmRows, k: InsertExports, ctx: number, areas: number[], upper: WasmRegion) {
    this.rows = rows;
    this.k = k;
    this.ctx = ctx;
    this.areas = areas;
    this.upper = upper;
  }

  /**
   * Lay out ids `[first, end)` (rows stored, levels drawn, upper blocks reserved; the graph
   * already has an entry point) for `threads` threads. @returns null when the memory cannot
   * hold the temporary regions (nothing is left allocated then).
   */
  static prepare(s: HnswState, first: number, end: number, threads: number): InsertBatch | null {
    const rows = s.store.wasm;
    const g = s.graph;
    const links0 = g.region;
    if (rows === null || links0 === null) return null;
    const cap = g.capacity;
    const upper = tryRegion(rows, g.upperLinks.length * 4);
    if (upper === null) return null;
    const k = instantiateInsert(rows.memory);
    const upperOffset = tryRegion(rows, cap * 4);
    const levels = tryRegion(rows, cap);
    const locks = tryRegion(rows, cap * 4);
    const ctx = tryRegion(rows, k.CONTEXT_BYTES.value as number);
    const areaBytes = k.areaBytes(cap, s.efConstruction, s.Mmax0, s.M);
    const areas: number[] = [];
    for (let t = 0; t < threads; t++) {
      const area = tryRegion(rows, areaBytes);
      if (area === null) break;
      areas.push(area.ptr);
    }
    if (upperOffset === null || levels === null || locks === null || ctx === null || areas.length < threads) {
      rows.dropRegionsFrom(upper);
      return null;
    }
    upper.i32.set(g.upperLinks.subarray(0, g.upperUsed));
    upperOffset.i32.set(g.upperOffset);
    new Uint8Array(levels.i32.buffer, levels.ptr, cap).set(g.levels);
    k.initContext(
      ctx.ptr,
      rows.rowsPtr,
      s.dim,
      s.policy.kind === 'l2' ? 0 : 1,
      s.policy.bias,
      links0.ptr,
      g.stride0,
      upper.ptr,
      g.strideU,
      upperOffset.ptr,
      locks.ptr,
      levels.ptr,
      s.M,
      s.Mmax0,
      s.efConstruction,
      s.neighborSelection === 'heuristic' ? 1 : 0,
      s.dupEps,
      cap,
      first,
      end,
      g.entryPoint,
      g.maxLevel,
    );
    return new InsertBatch(rows, k, ctx.ptr, areas, upper);
  }

  /** Ids inserted so far. */
  get done(): number {
    return this.k.doneCount(this.ctx);
  }

  /** Run the loop on this thread until the batch is done. */
  runHere(): void {
    this.k.insertLoop(this.ctx, this.areas[0]);
  }

  /** Make every thread stop before its next insert. */
  stop(): void {
    this.k.requestStop(this.ctx);
  }

  /** Copy what the loop changed outside the level-0 links back into the graph. */
  finish(s: HnswState): void {
    const g = s.graph;
    g.upperLinks.set(this.upper.i32.subarray(0, g.upperUsed));
    g.entryPoint = this.k.entryPoint(this.ctx);
    g.maxLevel = this.k.maxLevel(this.ctx);
  }

  /** Free the temporary regions (their bytes become scratch again). */
  drop(): void {
    this.rows.dropRegionsFrom(this.upper);
  }
}

/** The error for a batch whose temporary regions do not fit in the index memory. */
export function batchTooLarge(what: string): AnnlabError {
  return new AnnlabError(
    'UNSUPPORTED_OPERATION',
    `${what}: the index memory cannot grow to hold the insert state of the threads (4 GiB limit); add with fewer threads, or with add.`,
  );
}
