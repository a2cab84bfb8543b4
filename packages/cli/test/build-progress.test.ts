/**
 * Build progress text (share, elapsed, ETA) and the bar/line displays' handling of
 * `build-progress` events from an index's add() callback.
 */
import { describe, expect, it } from 'vitest';
import { buildProgressText, createProgress, formatDuration } from '../src/progress.js';
import type { CliIo } from '../src/io.js';

describe('build progress', () => {
  it('formats share done, elapsed time and ETA', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(buildProgressText(25, 100, 10)).toBe('25% (25/100), 10s elapsed, ETA 30s');
    expect(buildProgressText(0, 100, 3)).toBe('0% (0/100), 3s elapsed, ETA ?');
  });

  it('prints progress lines without a terminal, the last one always', () => {
    let err = '';
    const io = {
      out: () => {},
      err: (s: string) => {
        err += s;
      },
      isTTY: false,
    } as unknown as CliIo;
    const p = createProgress(io, 0, false);
    const build = { M: 8 };
    p.event({ type: 'build-start', algorithm: 'hnsw', build, buildIndex: 0, buildTotal: 1 });
    p.event({ type: 'build-progress', algorithm: 'hnsw', build, done: 10, total: 100 });
    p.event({ type: 'build-progress', algorithm: 'hnsw', build, done: 100, total: 100 });
    expect(err).toMatch(/build hnsw M=8 \(1\/1\), started \d\d:\d\d:\d\d/);
    expect(err).toContain('100% (100/100)');
    expect(err).not.toContain('10% (10/100)');
  });
});
