/**
 * The block shapes every PCA data pass shares: rows are taken {@link PASS_BLOCK} at a time,
 * centred into float64 tiles by {@link centerBlock} (the float64 kernels), and the float32
 * kernels store Q, Y and Z in panels of {@link PANEL} columns ({@link panelLayout}).
 *
 * @module
 */

/** Rows per block in the data pass (a 128 × 784 float32 block is 392 KiB: it stays in L2). */
export const PASS_BLOCK = 128;
/** Columns per panel of Q, Y and Z in the float32 kernels. */
export const PANEL = 8;

/**
 * Copy rows [r0, r0 + rows) of `x`, centred, into `xc` (rows × dim, row-major) and/or its
 * transpose `xct` (dim × rows, feature-major). Returns the block's sum of squared centred
 * values (its contribution to the total variance).
 */
export function centerBlock(
  x: Float32Array,
  r0: number,
  rows: number,
  dim: number,
  mean: Float64Array,
  xc: Float64Array | null,
  xct: Float64Array | null,
): number {
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * dim;
    const dst = r * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[src + j] - mean[j];
      ss += v * v;
      if (xc !== null) xc[dst + j] = v;
      if (xct !== null) xct[j * rows + r] = v;
    }
  }
  return ss;
}

/**
 * How the l columns of Q, Y and Z split into panels: `full` panels of 8, then (when l mod 8
 * is 1–4) one panel of 4; `width` = 8·full + 4·half columns, l rounded up.
 */
export function panelLayout(l: number): { full: number; half: number; width: number } {
  const rem = l % PANEL;
  const full = rem >= 1 && rem <= 4 ? (l - rem) / PANEL : Math.ceil(l / PANEL);
  const half = rem >= 1 && rem <= 4 ? 1 : 0;
  return { full, half, width: full * PANEL + half * 4 };
}
