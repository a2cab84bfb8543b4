import { defineConfig } from 'vitest/config';
import { ciReporters, sourceResolve } from './vitest.shared.ts';

// Browser checks (`pnpm test:browser`): the HTML report opened in headless Chromium through
// playwright-core. Needs a Chromium binary: Debian's `chromium` at /usr/bin/chromium, or the
// path in env ANNLAB_CHROMIUM.
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
    ],
  },
});
