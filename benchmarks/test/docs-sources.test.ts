/**
 * The API pages' "Defined in" links reach the source files.
 *
 * TypeDoc (packages mode, git lookups off) writes each link as `sourceLinkTemplate` with
 * `{path}` relative to the package's `displayBasePath`, which is resolved against the package
 * directory (`packageOptions`, or the package's own `typedoc.json`). Pages live one folder
 * below `out` (`docs/api/classes/…`), so the template climbs to the repository root and every
 * package's base path must be that root: `../..` for `packages/*`, `..` for `datasets` and
 * `benchmarks` (their own typedoc.json). A package added at another depth without its own
 * setting, or a template that climbs too little, fails here (the links once pointed at
 * `docs/<file>.ts`, which does not exist).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

interface TypedocConfig {
  entryPoints: string[];
  out: string;
  sourceLinkTemplate?: string;
  packageOptions: { sourceLinkTemplate?: string; displayBasePath?: string; entryPoints: string[] };
}

const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as TypedocConfig;

describe('typedoc source links', () => {
  it('resolve from a page to the file, for every documented package', () => {
    const template = config.packageOptions.sourceLinkTemplate ?? '';
    expect(template).toMatch(/\{path\}/);
    const page = join(root, config.out, 'classes', 'Page.html');
    for (const pkg of config.entryPoints) {
      const dir = join(root, pkg);
      const own = join(dir, 'typedoc.json');
      const base =
        (existsSync(own) ? (JSON.parse(readFileSync(own, 'utf8')) as { displayBasePath?: string }).displayBasePath : undefined) ??
        config.packageOptions.displayBasePath;
      expect(base, `${pkg}: no displayBasePath`).toBeDefined();
      expect(resolve(dir, base as string), `${pkg}: displayBasePath must be the repository root`).toBe(root);
      const entry = join(dir, config.packageOptions.entryPoints[0]);
      const href = template.replace('{path}', relative(root, entry)).replace(/#.*$/, '');
      const target = resolve(join(page, '..'), href);
      expect(target, `${pkg}: a page's link ${href} resolves to ${target}`).toBe(entry);
      expect(existsSync(target), target).toBe(true);
    }
    expect(config.sourceLinkTemplate).toBe(template);
  });
});
