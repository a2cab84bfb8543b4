/**
 * The registry against the documentation that names it: every dataset the CLI README's
 * example block fetches without `--from` can be downloaded (all its files have an http(s)
 * source), every registry name the block uses that cannot be is fetched there with `--from`
 * first, and such an entry's refusal says exactly how to get the data.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fetchDataset, REGISTRY, registryEntry, type RegistryEntry } from '@annlab/datasets';
import { expectAnnlabErrorAsync, removeDir, tempDir } from './helpers.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const CLI_README = 'packages/cli/README.md';

/** True when every file of `entry` has an http(s) URL (what `fetchDataset` downloads). */
function downloadable(entry: RegistryEntry): boolean {
  return entry.files.every((f) => /^https?:\/\//i.test(f.url));
}

/** The `annlab …` command lines of the README's ```sh blocks, comments stripped. */
function readmeCommands(markdown: string): string[] {
  const lines: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1].split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (/\bannlab\s/.test(line)) lines.push(line);
    }
  }
  return lines;
}

describe('registry', () => {
  it('lists unique names with consistent shapes', () => {
    const names = REGISTRY.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const e of REGISTRY) {
      expect(e.files.length, e.name).toBeGreaterThan(0);
      expect(e.name, e.name).toMatch(new RegExp(`-${e.dim}-(euclidean|angular)$`));
      expect(registryEntry(e.name)).toBe(e);
    }
  });

  it("the CLI README's dataset examples work as written", () => {
    const commands = readmeCommands(readFileSync(resolve(root, CLI_README), 'utf8'));
    const fetches = commands.filter((c) => /\bdatasets fetch\s/.test(c));
    expect(fetches.length, `${CLI_README} shows no \`annlab datasets fetch\``).toBeGreaterThan(0);
    const fetchedFrom = new Set<string>();
    let plainFetches = 0;
    for (const c of fetches) {
      const name = /\bdatasets fetch\s+(\S+)/.exec(c)?.[1] ?? '';
      const entry = registryEntry(name);
      expect(entry, `${CLI_README}: \`${c}\` names no registry entry`).toBeDefined();
      if (/\s--from\s/.test(c)) {
        fetchedFrom.add(name);
      } else {
        plainFetches++;
        expect(
          downloadable(entry as RegistryEntry),
          `${CLI_README}: \`${c}\` cannot download (no http(s) source); use a dataset that has one`,
        ).toBe(true);
      }
    }
    expect(plainFetches, `${CLI_README} should show a plain download`).toBeGreaterThan(0);
    // A registry name used as a dataset (-d / --dataset) that cannot be downloaded must be
    // fetched with --from in the same README, or the example fails on a fresh machine.
    for (const c of commands) {
      for (const m of c.matchAll(/(?:^|\s)(?:-d|--dataset)\s+(\S+)/g)) {
        const entry = registryEntry(m[1]);
        if (entry === undefined || downloadable(entry)) continue;
        expect(
          fetchedFrom.has(entry.name),
          `${CLI_README}: \`${c}\` uses ${entry.name}, which has no http(s) source and is never fetched with --from`,
        ).toBe(true);
      }
    }
  });

  it('an entry without an http(s) source is refused with the steps that get it', async () => {
    const offline = REGISTRY.filter((e) => !downloadable(e));
    expect(offline.map((e) => e.name)).toEqual(['siftsmall-128-euclidean']);
    const cacheDir = tempDir('registry');
    try {
      for (const e of offline) {
        const url = e.files[0].url;
        await expectAnnlabErrorAsync(
          () => fetchDataset(e.name, { cacheDir }),
          'UNSUPPORTED_OPERATION',
          url,
          'tar xzf',
          `annlab datasets fetch ${e.name} --from ${e.localName}`,
          'ANNLAB_LOCAL_DATASETS',
        );
      }
    } finally {
      removeDir(cacheDir);
    }
  });
});
