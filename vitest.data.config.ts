import { defineConfig } from 'vitest/config';
import { ciReporters, sourceResolve, workspaceProjects } from './vitest.shared.ts';

// The data suite: checks on the real datasets in ../shared/datasets (or ANNLAB_SHARED_DATASETS).
export default defineConfig({
  test: {
    reporters: ciReporters('data'),
    projects: workspaceProjects().map(({ dir, name }) => ({
      ...sourceResolve,
      test: {
        name: `${name} (data)`,
        root: dir,
        include: ['test/**/*.data.test.ts'],
        testTimeout: 900_000,
        hookTimeout: 900_000,
        passWithNoTests: true,
      },
    })),
    passWithNoTests: true,
  },
});
