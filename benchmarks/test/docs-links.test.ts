import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every relative link and image in docs/*.md (and the root README's links into docs/) must
// point at a file or directory that exists, and every #anchor into a markdown file must
// name one of its headings (GitHub's slug rule).
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const docs = join(root, 'docs');

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'api' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)) out.push(m[1]);
  return out;
}

function broken(file: string): string[] {
  const bad: string[] = [];
  for (const link of links(file)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto:
    const [pathPart, anchor] = link.split('#') as [string, string | undefined];
    const target = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    if (!existsSync(target)) {
      bad.push(`${link} (no such file)`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && target.endsWith('.md') && !anchors(target).has(anchor))
      bad.push(`${link} (no heading #${anchor})`);
  }
  return bad;
}

describe('docs links', () => {
  const files = markdownFiles(docs);

  it('docs/ holds the index, a guide per algorithm and the three topic guides', () => {
    const names = files.map((f) => f.slice(docs.length + 1));
    for (const g of [
      'README.md',
      'flat.md',
      'rpforest.md',
      'hnsw.md',
      'ivfpq.md',
      'pca.md',
      'choosing-an-index.md',
      'benchmarking.md',
      'formats-and-datasets.md',
    ]) {
      expect(names).toContain(g);
    }
  });

  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s: every relative link resolves', (_name, file) => {
    expect(broken(file)).toEqual([]);
  });

  it('the link checker itself catches a missing file and a missing heading', () => {
    expect(slug('Pitfalls: squared vs true distances')).toBe('pitfalls-squared-vs-true-distances');
    const dir = mkdtempSync(join(tmpdir(), 'annlab-links-'));
    try {
      const f = join(dir, 'a.md');
      writeFileSync(join(dir, 'b.md'), '# Title\n\n## Second part\n');
      writeFileSync(
        f,
        '[ok](b.md#second-part) [ok](#here) [web](https://example.org/x)\n\n# Here\n\n[gone](c.md) [bad anchor](b.md#third) ![img](fig.svg)\n\n`[code](skipped.md)`\n',
      );
      expect(broken(f)).toEqual(['c.md (no such file)', 'b.md#third (no heading #third)', 'fig.svg (no such file)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
