import { defineConfig } from 'vitest/config';
import { ciReporters, sourceResolve, workspaceProjects } from './vitest.shared.ts';

// One vitest project per workspace package (the fast-check layout). Unit tests only:
// checks on real datasets live in `*.data.test.ts` and run with `pnpm test:data`.
export default defineConfig({
  test: {
    reporters: ciReporters('unit'),
    projects: workspaceProjects().map(({ dir, name }) => ({
      ...sourceResolve,
      test: {
        name,
        root: dir,
        include: ['test/**/*.test.ts'],
        exclude: ['test/**/*.data.test.ts', 'test/**/*.browser.test.ts', '**/node_modules/**'],
        testTimeout: 60_000,
      },
    })),
  },
});
