/**
 * Shared helpers of the threads tests: the OS threads of this process (Linux), to check that
 * no worker is left running, and the fixture task module's URL.
 *
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';

/** URL of the fixture task module. */
export const TEST_TASKS: string = new URL('./fixtures/test-tasks.ts', import.meta.url).href;

/** OS threads of this process, or -1 where /proc is not available. */
export function osThreads(): number {
  return existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : -1;
}

/** Wait until this process has at most `n` OS threads again (a terminated worker's thread is joined shortly after), up to 5 s. */
export async function expectThreadsBackTo(n: number): Promise<number> {
  if (n < 0) return n;
  const deadline = Date.now() + 5000;
  let now = osThreads();
  while (now > n && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    now = osThreads();
  }
  return now;
}
