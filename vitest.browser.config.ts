import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { ciReporters, sourceResolve } from './vitest.shared.ts';

// Browser checks (`pnpm test:browser`), all in headless Chromium. Needs a Chromium binary:
// Debian's `chromium` at /usr/bin/chromium, or the path in env ANNLAB_CHROMIUM.
// - the HTML report, opened through playwright-core;
// - the playground (docs/playground), built with Vite and driven through playwright-core;
// - the algorithm packages' own unit tests, run unchanged inside the browser (vitest browser
//   mode: Vite serves the TypeScript sources as native modules, unbundled). Test files that
//   need Node (`node:` imports, `Buffer`, `process`, the fuzz runner's worker threads) are
//   left to `pnpm test`.
const CHROMIUM = process.env.ANNLAB_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The packages that promise to run unchanged in a browser (no Node-only API). */
const BROWSER_PACKAGES = ['core', 'flat', 'rpforest', 'hnsw', 'ivfpq', 'pca', 'lsh', 'nndescent', 'vamana'];

/**
 * A test file needs Node when it imports a `node:` module, the fuzz runner or a package's
 * wasm build script (`scripts/build-wasm.mjs`, which reads the kernel sources from disk), or
 * uses `Buffer` / `process`.
 */
function needsNode(file: string): boolean {
  const text = readFileSync(file, 'utf8');
  return (
    /from ['"]node:/.test(text) ||
    text.includes('@annlab/test-kit/fuzz') ||
    text.includes('/scripts/build-wasm.mjs') ||
    /\b(Buffer|process)\./.test(text)
  );
}

/** The package's unit tests that run in a browser: every `test/**\/*.test.ts` but data, browser and Node-bound files. */
function browserTests(dir: string): { include: string[]; skipped: string[] } {
  const include: string[] = [];
  const skipped: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.test.ts') && !entry.name.endsWith('.data.test.ts') && !entry.name.endsWith('.browser.test.ts')) {
        (needsNode(join(dir, rel)) ? skipped : include).push(rel);
      }
    }
  };
  if (existsSync(join(dir, 'test'))) walk('test');
  return { include, skipped };
}

const packageProjects = BROWSER_PACKAGES.map((name) => {
  const dir = join('packages', name);
  const { include } = browserTests(dir);
  return {
    ...sourceResolve,
    optimizeDeps: { include: ['fast-check'] },
    test: {
      name: `@annlab/${name} (browser)`,
      root: dir,
      include,
      testTimeout: 120_000,
      hookTimeout: 120_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
        instances: [{ browser: 'chromium' as const }],
      },
    },
  };
});

/** A browser project for some of @annlab/threads' browser tests, its server sending `headers`. */
function threadsProject(files: string[], headers: Record<string, string>) {
  return {
    ...sourceResolve,
    server: { headers },
    optimizeDeps: { include: ['fast-check'] },
    test: {
      name: `@annlab/threads (browser${Object.keys(headers).length > 0 ? ', isolated' : ''})`,
      root: 'packages/threads',
      include: files.map((file) => `test/${file}`),
      testTimeout: 120_000,
      hookTimeout: 120_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
        instances: [{ browser: 'chromium' as const }],
      },
    },
  };
}

export default defineConfig({
  test: {
    reporters: ciReporters('browser'),
    projects: [
      {
        ...sourceResolve,
        test: {
          name: '@annlab/bench (browser)',
          root: 'benchmarks',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...sourceResolve,
        test: {
          name: '@annlab/playground (browser)',
          root: 'docs/playground',
          include: ['test/**/*.browser.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      ...packageProjects,
      // @annlab/threads: Web Workers sharing memory need a cross-origin isolated page, so
      // this project's server sends COOP/COEP; the fallback test runs on a plain page.
      threadsProject(['search.browser.test.ts', 'hnsw-build.browser.test.ts'], {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      }),
      threadsProject(['fallback.browser.test.ts'], {}),
    ],
  },
});
