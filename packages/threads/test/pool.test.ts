import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAnnlabError } from '@annlab/core';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../src/index.js';
import { expectThreadsBackTo, osThreads, TEST_TASKS } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('createThreadPool (Node worker_threads)', () => {
  it('runs named tasks on shared memory, in parallel slices', async () => {
    const before = osThreads();
    const pool = createThreadPool({ threads: 2, taskModules: [TEST_TASKS] });
    expect(pool.size).toBe(2);
    const n = 1000;
    const x = new Float64Array(new SharedArrayBuffer(n * 8));
    for (let i = 0; i < n; i++) x[i] = i;
    const out = new Float64Array(new SharedArrayBuffer(n * 8));
    const counts = await Promise.all(
      [0, 1, 2, 3].map((s) => pool.run<number>('test.double', { x, out, from: s * 250, to: (s + 1) * 250 })),
    );
    expect(counts).toEqual([250, 250, 250, 250]);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(2 * i);
    // Ordinary values are copied; a plain record comes back equal.
    expect(await pool.run('test.echo', { a: 1, b: [2, 3] })).toEqual({ a: 1, b: [2, 3] });
    await pool.close();
    await pool.close(); // idempotent
    expect(pool.closed).toBe(true);
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
    const e = await rejection(pool.run('test.echo', 1));
    expect(isAnnlabError(e, 'UNSUPPORTED_OPERATION')).toBe(true);
  });

  it('threads: 1 starts no worker and runs tasks on the calling thread', async () => {
    const before = osThreads();
    const pool = createThreadPool({ threads: 1, taskModules: [TEST_TASKS] });
    expect(pool.size).toBe(1);
    const x = new Float64Array(new SharedArrayBuffer(16)).fill(3);
    const out = new Float64Array(new SharedArrayBuffer(16));
    expect(await pool.run('test.double', { x, out, from: 0, to: 2 })).toBe(2);
    expect([...out]).toEqual([6, 6]);
    expect(osThreads()).toBe(before);
    await pool.close();
  });

  it('refuses unknown options, bad thread counts and unknown task names', async () => {
    expect(() => createThreadPool({ thread: 2 } as never)).toThrow(/unknown option 'thread'/);
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      expect(() => createThreadPool({ threads })).toThrow(/threads must be an integer/);
    }
    const pool = createThreadPool({ threads: 2 });
    const e = await rejection(pool.run('no.such.task', {}));
    expect(isAnnlabError(e, 'NOT_FOUND')).toBe(true);
    expect((e as Error).message).toMatch(/annlab\.search/);
    // An unknown name is the caller's mistake: the pool stays usable.
    expect(pool.closed).toBe(false);
    await pool.close();
  });

  it('a task that throws fails the operation with WORKER_FAILED and closes the pool', async () => {
    const before = osThreads();
    const pool = createThreadPool({ threads: 2, taskModules: [TEST_TASKS] });
    const x = new Float64Array(new SharedArrayBuffer(8 * 8));
    const out = new Float64Array(new SharedArrayBuffer(8 * 8));
    const runs = [
      pool.run('test.double', { x, out, from: 0, to: 4 }),
      pool.run('test.throw', { why: 'checking failure' }),
      pool.run('test.double', { x, out, from: 4, to: 8 }),
      pool.run('test.double', { x, out, from: 0, to: 8 }),
    ];
    const all = await rejection(Promise.all(runs));
    expect(isAnnlabError(all, 'WORKER_FAILED')).toBe(true);
    expect((all as Error).message).toMatch(/test\.throw.*checking failure/);
    await Promise.allSettled(runs);
    expect(pool.closed).toBe(true);
    const later = await rejection(pool.run('test.echo', 1));
    expect(isAnnlabError(later, 'WORKER_FAILED')).toBe(true);
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('a worker that dies mid-task fails the operation with WORKER_FAILED and leaves no worker', async () => {
    const before = osThreads();
    const pool = createThreadPool({ threads: 2, taskModules: [TEST_TASKS] });
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const blocked = pool.run('test.block', { flag }); // the other worker is busy meanwhile
    const died = rejection(pool.run('test.die', {}));
    const e = await died;
    expect(isAnnlabError(e, 'WORKER_FAILED')).toBe(true);
    expect((e as Error).message).toMatch(/exited unexpectedly/);
    const e2 = await rejection(blocked);
    expect(isAnnlabError(e2, 'WORKER_FAILED')).toBe(true);
    expect(pool.closed).toBe(true);
    // The blocked worker was terminated too, without waiting for its 10 s timeout.
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('close() while a task runs rejects it and terminates the workers', async () => {
    const before = osThreads();
    const pool = createThreadPool({ threads: 2, taskModules: [TEST_TASKS] });
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const blocked = rejection(pool.run('test.block', { flag }));
    while (Atomics.load(flag, 0) === 0) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await pool.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(isAnnlabError(await blocked, 'WORKER_FAILED')).toBe(true);
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('a task module that fails to load fails the first run with WORKER_FAILED', async () => {
    const pool = createThreadPool({ threads: 2, taskModules: [new URL('./fixtures/missing.ts', import.meta.url).href] });
    const e = await rejection(pool.run('test.echo', 1));
    expect(isAnnlabError(e, 'WORKER_FAILED')).toBe(true);
    await pool.close();
  });

  it('a payload that cannot be cloned is refused with INVALID_PARAMETER', async () => {
    const pool = createThreadPool({ threads: 2, taskModules: [TEST_TASKS] });
    const e = await rejection(pool.run('test.echo', { f: () => 1 }));
    expect(isAnnlabError(e, 'INVALID_PARAMETER')).toBe(true);
    expect(await pool.run('test.echo', 5)).toBe(5);
    await pool.close();
  });

  for (const mode of ['close', 'forget'] as const) {
    it(`the process exits promptly after its tasks (${mode === 'close' ? 'pool closed' : 'pool left open'})`, () => {
      const tsx = pathToFileURL(
        createRequire(import.meta.url)
          .resolve('tsx/esm/api')
          .replace(/\.cjs$/, '.mjs'),
      ).href;
      const script = fileURLToPath(new URL('./fixtures/exit-check.ts', import.meta.url));
      const register = `data:text/javascript,(await import(${JSON.stringify(tsx)})).register();`;
      const t0 = Date.now();
      const child = spawnSync(process.execPath, ['--conditions=source', '--import', register, script, mode], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(child.stderr).toBe('');
      expect(child.stdout.trim()).toBe('ran');
      expect(child.status).toBe(0);
      // Start-up compiles the sources (seconds); an idle pool must not hold the process open.
      expect(Date.now() - t0).toBeLessThan(20_000);
    });
  }
});
