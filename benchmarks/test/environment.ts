/** The fixed {@link Environment} the suite-run tests record, so runs compare byte for byte. */
import type { Environment } from '@annlab/bench';

/** A made-up machine: every field constant. */
export const testEnvironment: Environment = {
  node: 'v20',
  v8: '11',
  cpu: 'test cpu',
  cores: 2,
  totalMemoryBytes: 1,
  platform: 'test',
  gitCommit: 'abc',
  annlabVersion: '0.0.0',
  startedAt: '2024-01-01T00:00:00Z',
};
