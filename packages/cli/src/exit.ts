/**
 * Exit codes and the one-line error format.
 *
 * | code | meaning |
 * | ---- | ------- |
 * | 0 | success |
 * | 1 | unexpected internal error (a bug: run again with `--verbose` and report the stack) |
 * | 2 | usage error: unknown option, bad parameter or suite (`INVALID_PARAMETER`, `DIMENSION_MISMATCH`, ...) |
 * | 3 | finished, but not fully: some builds or searches failed (`bench`, see the report), or the target recall was not reached within the budget or memory limit (`tune`) |
 * | 4 | something named does not exist: dataset, file, algorithm (`NOT_FOUND`) |
 * | 5 | reading, writing or downloading failed (`IO`) |
 * | 6 | a file is damaged or of the wrong kind (`CORRUPT_DATA`, `WRONG_FORMAT`, `UNSUPPORTED_VERSION`) |
 *
 * @module
 */
import { AnnlabError, isAnnlabError } from '@annlab/core';

/** The CLI's exit codes (see the module comment). */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Unexpected internal error (a bug: run again with `--verbose` and report the stack). */
  INTERNAL: 1,
  /** Usage error: unknown option, bad parameter or suite. */
  USAGE: 2,
  /** Finished, but not fully: some builds or searches failed (`bench`), or `tune` did not reach its target. */
  PARTIAL: 3,
  /** Something named does not exist: dataset, file, algorithm. */
  NOT_FOUND: 4,
  /** Reading, writing or downloading failed. */
  IO: 5,
  /** A file is damaged or of the wrong kind. */
  BAD_DATA: 6,
} as const;

/** Hints for the Node system-error codes a command meets when reading and writing files. */
const NODE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory; check the path',
  EACCES: 'permission denied; check its permissions or choose another path',
  EPERM: 'operation not permitted; check its permissions or choose another path',
  EROFS: 'read-only file system; choose a writable path',
  ENOTDIR: 'a part of the path is a file, not a directory; check the path',
  EISDIR: 'is a directory, a file was expected',
  ENOSPC: 'no space left on the device; free some space or choose another path',
  EDQUOT: 'disk quota exceeded; free some space or choose another path',
  EMFILE: 'too many open files; close other programs or raise the limit (ulimit -n)',
  EEXIST: 'already exists',
};

/**
 * A Node file-system error (`EACCES: permission denied, open '/x'`) as an `AnnlabError` with
 * a code and a hint: `NOT_FOUND` for a missing path, `IO` otherwise. Anything else is
 * returned unchanged.
 */
export function fromNodeError(e: unknown, doing?: string): unknown {
  if (isAnnlabError(e) || e === null || typeof e !== 'object') return e;
  const { code, path, syscall } = e as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  const where = typeof path === 'string' ? path : 'a file';
  const what = doing ?? (typeof syscall === 'string' ? `during ${syscall}` : '');
  const hint = NODE_ERRORS[code] ?? (e as Error).message ?? code;
  return new AnnlabError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `${where}: ${hint} (${code}${what.length > 0 ? `, ${what}` : ''}).`, {
    cause: e,
  });
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(e: unknown): number {
  if (isAnnlabError(e)) {
    switch (e.code) {
      case 'NOT_FOUND':
        return EXIT.NOT_FOUND;
      case 'IO':
        return EXIT.IO;
      case 'CORRUPT_DATA':
      case 'WRONG_FORMAT':
      case 'UNSUPPORTED_VERSION':
        return EXIT.BAD_DATA;
      default:
        return EXIT.USAGE;
    }
  }
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return EXIT.NOT_FOUND;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return EXIT.IO;
  return EXIT.INTERNAL;
}

/** One line describing `e` (its stack too when `verbose`). */
export function formatError(e: unknown, verbose: boolean): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const head = isAnnlabError(err) ? `annlab: error [${err.code}]: ${err.message}` : `annlab: error: ${err.message}`;
  if (verbose && err.stack !== undefined) return `${head}\n${err.stack}\n`;
  const hint = exitCodeFor(e) === EXIT.INTERNAL ? ' (run with --verbose for the stack)' : '';
  return `${head.split('\n')[0]}${hint}\n`;
}
