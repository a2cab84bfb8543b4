import { describe, expect, it } from 'vitest';
import { Pca } from '@annlab/pca';
import { Projector } from '../src/internal/projector.js';
import { anisotropic } from './helpers.js';

describe('Projector (PCA through core distance kernels)', () => {
  it('matches Pca.apply (float64 path), centred and uncentred, with and without whitening', () => {
    const dim = 30;
    const x = anisotropic(200, dim, [9, 6, 4, 3, 2, 1], 8, 0.2);
    for (const whiten of [false, true]) {
      for (const kernels of ['js', 'auto'] as const) {
        const pca = new Pca({ dim, components: 6, whiten, solver: 'exact' });
        pca.train(x);
        const want = pca.apply(x);
        const proj = new Projector(pca, dim, kernels);
        const got = new Float32Array(200 * 6);
        for (let i = 0; i < 200; i++) proj.projectInto(x, i * dim, got, i * 6, true);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 3);
        // Uncentred: ⟨x, s·w⟩ = apply(x) + s·⟨μ, w⟩.
        const plain = new Float32Array(6);
        proj.projectInto(x, 0, plain, 0, false);
        const scale = pca.outputScale();
        for (let c = 0; c < 6; c++) {
          let off = 0;
          for (let j = 0; j < dim; j++) off += pca.mean[j] * pca.componentMatrix[c * dim + j];
          expect(plain[c] - want[c]).toBeCloseTo(off * scale[c], 2);
        }
      }
    }
  });
});
