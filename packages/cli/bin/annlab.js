#!/usr/bin/env node
// The `annlab` executable. In a source checkout (src/ present and tsx installed) it runs the
// TypeScript sources directly, so no build step is needed and edits take effect at once;
// in an installed package it runs the compiled dist/bin.js.
import { spawnSync } from 'node:child_process';
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
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', tsx, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} else if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  process.stderr.write('annlab: error: neither dist/bin.js nor the sources with tsx are available; run `pnpm build` first.\n');
  process.exitCode = 1;
}
