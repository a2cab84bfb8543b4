#!/usr/bin/env node
// The `annlab` executable. In a source checkout (src/ present and tsx installed) it runs the
// TypeScript sources directly, so no build step is needed and edits take effect at once;
// in an installed package it runs the compiled dist/bin.js.
//
// The sources run in a child Node process, because resolving the workspace packages to their
// sources needs the `--conditions=source` flag, which only a new process can be given. This
// process forwards SIGINT, SIGTERM and SIGHUP to the child, so stopping `annlab` (Ctrl-C, a
// CI timeout, `kill`) stops the work, and it ends the way the child ended: with its exit
// code, or killed by the same signal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const compiled = new URL('../dist/bin.js', import.meta.url);

let tsx = null;
try {
  tsx = import.meta.resolve('tsx');
} catch {
  tsx = null;
}

if (existsSync(source) && tsx !== null) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  child.on('error', (e) => {
    process.stderr.write(`annlab: error: cannot start node for the sources: ${e.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal !== null) {
      // Die of the same signal, so the caller sees what happened (e.g. 130 after Ctrl-C in a shell).
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code ?? 1;
  });
} else if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  process.stderr.write('annlab: error: neither dist/bin.js nor the sources with tsx are available; run `pnpm build` first.\n');
  process.exitCode = 1;
}
