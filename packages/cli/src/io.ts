/**
 * Where the CLI writes: stdout for results (tables, `--json`), stderr for progress and
 * errors. Injected so tests can run commands in-process and read what they printed.
 *
 * @module
 */

/** Output streams of one CLI invocation. */
export interface CliIo {
  /** Write to standard output (results). */
  out(text: string): void;
  /** Write to standard error (progress, warnings, errors). */
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress bars instead of lines). */
  readonly isTTY: boolean;
  /** The stderr stream for progress bars, when it is a terminal. */
  readonly progressStream?: NodeJS.WriteStream;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return {
    out: (text) => {
      process.stdout.write(text);
    },
    err: (text) => {
      process.stderr.write(text);
    },
    isTTY: process.stderr.isTTY === true,
    progressStream: process.stderr,
  };
}
