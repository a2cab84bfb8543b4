/**
 * The PCA projection as one distance-kernel call per vector, so it runs on core's kernel
 * backend (WebAssembly SIMD where available) like every distance in annlab.
 *
 * The scaled directions s_c·w_c are stored as rows of a float32 {@link VectorStore}; an
 * inner-product {@link DistanceComputer} returns −⟨x, s_c·w_c⟩ for all rows in one
 * `distancesToRange` call, and y_c = ⟨x, s_c·w_c⟩ − s_c·⟨μ, w_c⟩ adds the centring
 * afterwards (a precomputed offset per direction), so no centred copy of x is made. Float32
 * directions change outputs by about 1e-7 relative, far below what an index over float32
 * vectors resolves; `Pca.apply` remains the float64 path.
 *
 * @module
 */
import { DistanceComputer, VectorStore, metricPolicy, type KernelBackend } from '@annlab/core';
import type { Pca } from '../pca.js';

/** Projects single vectors with a trained {@link Pca} through core's kernels. */
export class Projector {
  /** Output dimension (0 for the untrained placeholder). */
  readonly components: number;
  /** Rows s_c·w_c, components × dim, float32. */
  readonly store: VectorStore;
  private readonly dc: DistanceComputer;
  /** s_c·⟨μ, w_c⟩ per direction. */
  private readonly offsets: Float64Array;
  private readonly out: Float64Array;

  /** @param pca - a trained transform, or null for an empty placeholder. */
  constructor(pca: Pca | null, dim: number, kernels: KernelBackend) {
    const k = pca?.isTrained ? pca.components : 0;
    this.components = k;
    this.store = new VectorStore(dim, { kernels, capacity: k });
    this.offsets = new Float64Array(k);
    this.out = new Float64Array(k);
    if (pca !== null && k > 0) {
      const rows = new Float32Array(k * dim);
      const w = pca.componentMatrix;
      const scale = pca.outputScale();
      for (let c = 0; c < k; c++) {
        let off = 0;
        for (let j = 0; j < dim; j++) {
          rows[c * dim + j] = w[c * dim + j] * scale[c];
          off += pca.mean[j] * w[c * dim + j];
        }
        this.offsets[c] = off * scale[c];
      }
      this.store.append(rows);
    }
    this.dc = new DistanceComputer(this.store, metricPolicy('inner-product'));
  }

  /**
   * Project `x[xOff .. xOff + dim)` into `out[outOff .. outOff + components)`; with `center`
   * false the mean is not subtracted (inner-product queries).
   */
  projectInto(x: Float32Array, xOff: number, out: Float32Array, outOff: number, center: boolean): void {
    const k = this.components;
    const d = this.out;
    this.dc.setQuery(x, xOff);
    this.dc.distancesToRange(0, k, d, 0);
    if (center) for (let c = 0; c < k; c++) out[outOff + c] = -d[c] - this.offsets[c];
    else for (let c = 0; c < k; c++) out[outOff + c] = -d[c];
  }

  /** Bytes used: the components × dim float32 rows and the float64 offsets (no scratch). */
  usedBytes(): number {
    return this.store.usedBytes() + this.offsets.byteLength;
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.store.memoryBytes() + this.offsets.byteLength + this.out.byteLength;
  }
}
