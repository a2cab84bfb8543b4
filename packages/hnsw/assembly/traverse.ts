/**
 * HNSW level-0 SEARCH-LAYER (Alg. 2 of Malkov & Yashunin, IEEE TPAMI 42(4), 2020,
 * arXiv:1603.09320) in WebAssembly, written in AssemblyScript and compiled by
 * `pnpm --filter @annlab/hnsw build:wasm` into `src/internal/traverse-wasm.generated.ts`.
 *
 * One call runs a whole layer search: it reads the level-0 links, the visited tags and the
 * stored rows in place from the store's (imported) linear memory, keeps the candidate
 * min-heap C and the result max-heap W in scratch memory, and leaves W there for JavaScript
 * to read once. Per expansion this saves the JS↔wasm crossings, the id copies into scratch
 * and the float64 copies out that the JS loop (`src/search-layer.ts`, the readable reference,
 * `kernels: 'js'`) pays through `DistanceComputer.distancesToIds`.
 *
 * It is the same algorithm step for step as `searchLayerChecked` without a filter or tracer
 * (which, without a filter, is also `searchLayer`):
 * - the stopping rule `|W| ≥ ef and C.top > W.top`;
 * - W keeps `id ^ flip`: flip = −1 at insert time (`newerFirst`, equal distances favour the
 *   larger id), 0 at query time;
 * - heaps ordered by (distance, id) exactly as core's `MinHeap` / `MaxHeap`, so the same set
 *   pops in the same order;
 * - distances with core's SIMD loops themselves (`packages/core/assembly/simd-distance.ts`
 *   `l2Pair` / `dotPair`, imported: 4 f32x4 accumulators over blocks of 16, one f32x4 loop,
 *   a scalar tail, reduced to f32 and widened to f64; `bias − dot` in f64), so distances,
 *   and therefore results and built graphs, are identical to the JS loop over a SIMD store.
 *   The JS loop measures an expansion's unvisited neighbours together and then offers them
 *   in list order; here each is offered as soon as it is measured, which is the same sequence
 *   of heap operations.
 *
 * Memory layout (byte addresses chosen by the caller): level-0 links are `stride0` int32 per
 * node, count first (`graph-layout.ts`); tags one int32 per node (visited iff equal to
 * `epoch`); rows `dim` float32 per node.
 */

// Distances: core's one-pair SIMD loops (the same operation order, so the same float results).
import { dotPair, l2Pair } from '../../core/assembly/simd-distance';

// Heaps: core's (distance, id) heaps over parallel arrays.
import { maxPush, maxReplaceTop, minPopInto, minPush } from '../../core/assembly/pair-heap';

// ---------------------------------------------------------------------------------------------
// SEARCH-LAYER.

/**
 * Alg. 2 SEARCH-LAYER on level 0 from `ep` (at internal distance `epDist`) with a dynamic
 * list of `ef` results.
 *
 * @param q - the query (`dim` floats, already normalised for cosine).
 * @param rows - row 0 of the store; row i at `rows + i·dim·4`.
 * @param isDot - 0: squared L2; 1: `bias − ⟨q, x⟩`.
 * @param links - level-0 links, `stride0` int32 per node, count first.
 * @param tags - one int32 per node; a node is visited iff its tag equals `epoch`.
 * @param flip - 0 (query time) or −1 (insert time: W holds `~id`, ties favour larger ids).
 * @param wd - W distances (f64, room for `ef`); `wi`: W ids (i32, room for `ef`).
 * @param cd - C distances (f64, room for `cCap`); `ci`: C ids (i32).
 * @returns |W| (W left heap-ordered at `wd`/`wi`), or −1 when C would exceed `cCap` (the
 *   caller grows the room and searches again with a new epoch).
 */
export function searchLayer0(
  q: usize,
  rows: usize,
  dim: i32,
  isDot: i32,
  bias: f64,
  links: usize,
  stride0: i32,
  tags: usize,
  epoch: i32,
  ep: i32,
  epDist: f64,
  ef: i32,
  flip: i32,
  wd: usize,
  wi: usize,
  cd: usize,
  ci: usize,
  cCap: i32,
): i32 {
  const rowBytes = (<usize>dim) << 2;
  const linkBytes = (<usize>stride0) << 2;
  store<i32>(tags + ((<usize>ep) << 2), epoch);
  store<f64>(cd, epDist);
  store<i32>(ci, ep);
  let cn = 1;
  store<f64>(wd, epDist);
  store<i32>(wi, ep ^ flip);
  let wn = 1;
  while (cn > 0) {
    if (wn >= ef && load<f64>(cd) > load<f64>(wd)) break;
    const c = load<i32>(ci);
    cn--;
    if (cn > 0) minPopInto(cd, ci, cn);
    const base = links + (<usize>c) * linkBytes;
    const cnt = load<i32>(base);
    for (let j = 1; j <= cnt; j++) {
      const nb = load<i32>(base + ((<usize>j) << 2));
      const tp = tags + ((<usize>nb) << 2);
      if (load<i32>(tp) == epoch) continue;
      store<i32>(tp, epoch);
      const row = rows + (<usize>nb) * rowBytes;
      const d: f64 = isDot != 0 ? bias - <f64>dotPair(q, row, dim) : <f64>l2Pair(q, row, dim);
      const fid = nb ^ flip;
      if (wn < ef) {
        if (cn >= cCap) return -1;
        minPush(cd, ci, cn, d, nb);
        cn++;
        maxPush(wd, wi, wn, d, fid);
        wn++;
      } else {
        const top = load<f64>(wd);
        if (d < top || (d == top && flip != 0 && fid < load<i32>(wi))) {
          if (cn >= cCap) return -1;
          minPush(cd, ci, cn, d, nb);
          cn++;
          maxReplaceTop(wd, wi, wn, d, fid);
        }
      }
    }
  }
  return wn;
}
