/**
 * The `@example` blocks on the main classes run as written.
 *
 * Each main class's doc comment carries one `@example` with a fenced `ts` block: construct,
 * add, search with the family's knob, serialize and deserialize. This test takes each block
 * from the source (the doc comment right above `export class <Name>`), writes it to a
 * gitignored `.cache/doc-examples/<Name>.ts` inside this package (so its `@annlab/*` imports
 * resolve to the workspace sources, as the tests' own do) and imports it. The options and
 * search parameters are validated at run time (an unknown key is refused), so a renamed
 * option, a removed method or a wrong call fails here instead of rotting in the API pages.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');
const outDir = resolve(here, '../.cache/doc-examples');

/** The classes whose doc comment must carry a runnable `@example`, and their files. */
const CLASSES: readonly { name: string; file: string; verbs: readonly string[] }[] = [
  { name: 'FlatIndex', file: 'packages/flat/src/flat-index.ts', verbs: ['add', 'search'] },
  { name: 'HnswIndex', file: 'packages/hnsw/src/hnsw-index.ts', verbs: ['add', 'search'] },
  { name: 'RpForestIndex', file: 'packages/rpforest/src/rp-forest-index.ts', verbs: ['add', 'search'] },
  { name: 'IvfFlatIndex', file: 'packages/ivfpq/src/ivf-flat-index.ts', verbs: ['add', 'search'] },
  { name: 'IvfPqIndex', file: 'packages/ivfpq/src/ivf-pq-index.ts', verbs: ['add', 'search'] },
  { name: 'Pca', file: 'packages/pca/src/pca.ts', verbs: ['train', 'apply'] },
  { name: 'PreTransformIndex', file: 'packages/pca/src/pretransform-index.ts', verbs: ['add', 'search'] },
  { name: 'LshIndex', file: 'packages/lsh/src/lsh-index.ts', verbs: ['add', 'search'] },
  { name: 'VamanaIndex', file: 'packages/vamana/src/vamana-index.ts', verbs: ['add', 'search'] },
  { name: 'NnDescentIndex', file: 'packages/nndescent/src/nn-descent-index.ts', verbs: ['add', 'search'] },
];

/** The doc comment directly above `export class <name>`, without its `/**`, `*` and `*\/`. */
function classDocComment(source: string, name: string): string {
  const at = source.search(new RegExp(`^export class ${name}\\b`, 'm'));
  if (at < 0) throw new Error(`no 'export class ${name}'`);
  const before = source.slice(0, at).trimEnd();
  if (!before.endsWith('*/')) throw new Error(`${name} has no doc comment`);
  const start = before.lastIndexOf('/**');
  return before
    .slice(start + 3, -2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n');
}

/** The fenced `ts` code blocks of the comment's `@example` tags. */
function examples(comment: string): string[] {
  const out: string[] = [];
  for (const part of comment.split(/^@example\b/m).slice(1)) {
    const body = part.split(/^@\w+/m)[0];
    const m = /```ts\n([\s\S]*?)```/.exec(body);
    if (m !== null) out.push(m[1]);
  }
  return out;
}

describe('@example blocks on the main classes', () => {
  mkdirSync(outDir, { recursive: true });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  for (const { name, file, verbs } of CLASSES) {
    it(`${name} (${file})`, async () => {
      const found = examples(classDocComment(readFileSync(join(root, file), 'utf8'), name));
      expect(found, `${file}: the doc comment above 'export class ${name}' needs one @example with a \`\`\`ts block`).toHaveLength(1);
      const code = found[0];
      // What every example shows: construct, the verbs, the family's knob, a file round trip.
      expect(code).toContain(`new ${name}(`);
      for (const verb of verbs) expect(code, `${name}'s example calls .${verb}(`).toContain(`.${verb}(`);
      expect(code).toContain('.serialize()');
      expect(code).toContain(`${name}.deserialize(`);
      const path = join(outDir, `${name}.ts`);
      writeFileSync(path, code);
      await import(/* @vite-ignore */ pathToFileURL(path).href);
    });
  }
});
