/**
 * The one-pair SIMD distance loops every annlab WebAssembly kernel shares, written once
 * (AssemblyScript, inlined into each module that imports them): core's distance kernels
 * (`kernels.ts`), HNSW's level-0 search (`packages/hnsw/assembly/traverse.ts`), the forest's
 * query (`packages/rpforest/assembly/forest.ts`) and IVF's scans
 * (`packages/ivfpq/assembly/ivf.ts`). One arithmetic order for all of them is what makes their
 * distances, and so their results and built graphs, identical to each other and to the
 * `DistanceComputer` path over a SIMD store.
 *
 * The order: 4 independent f32x4 accumulators over blocks of 16 components (hnswlib's
 * `L2SqrSIMD16Ext`), one f32x4 loop over the next multiples of 4, the lanes reduced to one
 * f32 as (l0 + l1) + (l2 + l3), then a scalar tail. Addresses are byte addresses in linear
 * memory and need no alignment.
 */

/** Sum of the four f32 lanes of `v`, as (l0 + l1) + (l2 + l3). */
@inline
export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Squared L2 distance between the `dim` floats at `a` and at `b`. */
@inline
export function l2Pair(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = a + ((<usize>(dim & ~15)) << 2);
  const end4 = a + ((<usize>(dim & ~3)) << 2);
  const end = a + ((<usize>dim) << 2);
  while (a < end16) {
    let d = f32x4.sub(v128.load(a), v128.load(b));
    s0 = f32x4.add(s0, f32x4.mul(d, d));
    d = f32x4.sub(v128.load(a, 16), v128.load(b, 16));
    s1 = f32x4.add(s1, f32x4.mul(d, d));
    d = f32x4.sub(v128.load(a, 32), v128.load(b, 32));
    s2 = f32x4.add(s2, f32x4.mul(d, d));
    d = f32x4.sub(v128.load(a, 48), v128.load(b, 48));
    s3 = f32x4.add(s3, f32x4.mul(d, d));
    a += 64;
    b += 64;
  }
  while (a < end4) {
    const d = f32x4.sub(v128.load(a), v128.load(b));
    s0 = f32x4.add(s0, f32x4.mul(d, d));
    a += 16;
    b += 16;
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  while (a < end) {
    const d = load<f32>(a) - load<f32>(b);
    s += d * d;
    a += 4;
    b += 4;
  }
  return s;
}

/** Inner product of the `dim` floats at `a` and at `b`. */
@inline
export function dotPair(a: usize, b: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = a + ((<usize>(dim & ~15)) << 2);
  const end4 = a + ((<usize>(dim & ~3)) << 2);
  const end = a + ((<usize>dim) << 2);
  while (a < end16) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a), v128.load(b)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a, 16), v128.load(b, 16)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a, 32), v128.load(b, 32)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a, 48), v128.load(b, 48)));
    a += 64;
    b += 64;
  }
  while (a < end4) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a), v128.load(b)));
    a += 16;
    b += 16;
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  while (a < end) {
    s += load<f32>(a) * load<f32>(b);
    a += 4;
    b += 4;
  }
  return s;
}

