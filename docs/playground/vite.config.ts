import { createReadStream, existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

// The annlab playground: `pnpm playground` (dev server) and `pnpm run build:playground`
// (static site in docs/playground/dist). Workspace packages resolve to their TypeScript
// sources (the `source` export condition), so no package build is needed; the WebAssembly
// kernels are embedded in @annlab/core as base64 and need nothing here.

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Fashion-MNIST for the real-data view, from a local copy only (never the network): the
 * folder in ANNLAB_SHARED_DATASETS, else ../shared/datasets beside the repository. The dev
 * and preview servers serve the t10k images and labels; a build copies them into dist/data
 * when present. Without them the page offers a file picker instead.
 */
function fashionMnist(): Plugin {
  const root = process.env.ANNLAB_SHARED_DATASETS ?? resolve(here, '../../../shared/datasets');
  const files: Record<string, string> = {
    'data/fashion-mnist-t10k-images.bin': join(root, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'),
    'data/fashion-mnist-t10k-labels.bin': join(root, 'fashion-mnist', 't10k-labels-idx1-ubyte.gz'),
  };
  const serve: Connect.NextHandleFunction = (req, res: ServerResponse, next) => {
    const path = (req.url ?? '').split('?')[0].replace(/^\/+/, '');
    const file = files[path];
    if (file === undefined || !existsSync(file)) return next();
    res.setHeader('Content-Type', 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'annlab-fashion-mnist',
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(files)) {
        if (existsSync(file)) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [fashionMnist()],
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  server: { host: '127.0.0.1', port: 5174 },
  preview: { host: '127.0.0.1', port: 4174 },
});
