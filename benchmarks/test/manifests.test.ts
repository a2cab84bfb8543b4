/**
 * Every published workspace package's manifest is publishable as it is: `main` and `types`
 * beside `exports` (for resolvers that ignore `exports`, such as TypeScript's node10), the
 * files it ships, its licence (with the root LICENSE text beside it, since packing ships no
 * file from outside the package), the repository folder it lives in, and the Node it needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const licence = readFileSync(join(root, 'LICENSE'), 'utf8');

const PUBLISHED = [
  'packages/core',
  'packages/flat',
  'packages/rpforest',
  'packages/hnsw',
  'packages/ivfpq',
  'packages/pca',
  'packages/cli',
  'datasets',
  'benchmarks',
];

interface Manifest {
  private?: boolean;
  main?: string;
  types?: string;
  files?: string[];
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  exports?: Record<string, { types?: string; default?: string }>;
}

describe('published package manifests', () => {
  it('the root LICENSE is MIT', () => {
    expect(licence.startsWith('MIT License')).toBe(true);
  });

  for (const dir of PUBLISHED) {
    it(dir, () => {
      const m = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
      expect(m.private).toBeUndefined();
      const dot = m.exports?.['.'];
      expect(m.main).toBe(dot?.default);
      expect(m.types).toBe(dot?.types);
      expect(m.files).toContain('dist');
      expect(m.license).toBe('MIT');
      expect(m.repository?.directory).toBe(dir);
      expect(m.repository?.url).toMatch(/^git\+https:\/\//);
      expect(m.engines?.node).toBe(rootManifest.engines.node);
      expect(existsSync(join(root, dir, 'LICENSE')), `${dir}/LICENSE (a copy of the root LICENSE)`).toBe(true);
      expect(readFileSync(join(root, dir, 'LICENSE'), 'utf8')).toBe(licence);
    });
  }
});
