import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every workspace package that has a test/ folder, with its package name. */
export function workspaceProjects(): { dir: string; name: string }[] {
  const dirs: string[] = [];
  for (const group of ['packages', 'examples']) {
    if (!existsSync(group)) continue;
    for (const entry of readdirSync(group, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(group, entry.name));
    }
  }
  dirs.push('datasets', 'benchmarks');
  const out: { dir: string; name: string }[] = [];
  for (const dir of dirs) {
    const pkg = join(dir, 'package.json');
    if (!existsSync(pkg) || !existsSync(join(dir, 'test'))) continue;
    const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name: string }).name;
    out.push({ dir, name });
  }
  return out;
}

/** Resolve workspace packages to their TypeScript source, so tests need no build. */
export const sourceResolve = {
  resolve: { conditions: ['source', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'default'], externalConditions: ['source'] } },
};

/**
 * Reporters: the default one, plus (when CI is set) a JSON report in .ci-results/ that
 * .ci/run sums into one "N passed, N failed" line.
 */
export function ciReporters(suite: string): (string | [string, { outputFile: string }])[] {
  return process.env.CI ? ['default', ['json', { outputFile: `.ci-results/${suite}.json` }]] : ['default'];
}
