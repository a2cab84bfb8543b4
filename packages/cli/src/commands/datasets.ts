/**
 * `annlab datasets list | info <ref> | fetch <name>`.
 *
 * @module
 */
import { REGISTRY, fetchDataset, loadDataset, localDatasetPath, registryEntry } from '@annlab/datasets';
import { formatBytes, textTable } from '@annlab/bench';
import { EXIT } from '../exit.js';
import type { CliIo } from '../io.js';
import { createProgress } from '../progress.js';

/** `annlab datasets list`: the registry, with where each dataset is available locally. */
export function datasetsListCommand(opts: { json?: boolean; cacheDir?: string }, io: CliIo): number {
  const rows = REGISTRY.map((e) => ({
    name: e.name,
    metric: e.metric,
    dim: e.dim,
    nBase: e.nBase,
    nQueries: e.nQueries,
    bytes: e.files.reduce((s, f) => s + (f.bytes ?? 0), 0),
    local: localDatasetPath(e, opts.cacheDir) ?? null,
  }));
  if (opts.json === true) {
    io.out(`${JSON.stringify(rows)}\n`);
    return EXIT.OK;
  }
  const cells = [['name', 'metric', 'dim', 'base', 'queries', 'download', 'local copy']];
  for (const r of rows)
    cells.push([r.name, r.metric, String(r.dim), String(r.nBase), String(r.nQueries), formatBytes(r.bytes), r.local ?? '-']);
  io.out(
    `${textTable(cells)}\n\nAlso: any .hdf5 file, a TEXMEX/fvecs or IDX directory, or synthetic:n=…,dim=…,clusters=…,queries=…,seed=…\n`,
  );
  return EXIT.OK;
}

/** `annlab datasets info <ref>`: shape, metric and ground truth of a dataset (loads it). */
export async function datasetsInfoCommand(
  ref: string,
  opts: { json?: boolean; cacheDir?: string; quiet?: boolean },
  io: CliIo,
): Promise<number> {
  const entry = registryEntry(ref);
  if (entry !== undefined && localDatasetPath(entry, opts.cacheDir) === undefined) {
    const info = {
      name: entry.name,
      metric: entry.metric,
      dim: entry.dim,
      nBase: entry.nBase,
      nQueries: entry.nQueries,
      groundTruthK: entry.groundTruthK,
      fetched: false,
      homepage: entry.homepage,
      note: entry.note,
    };
    io.out(
      opts.json === true
        ? `${JSON.stringify(info)}\n`
        : `${formatInfo(info)}not fetched yet: run \`annlab datasets fetch ${entry.name}\`\n`,
    );
    return EXIT.OK;
  }
  const progress = createProgress(io, 0, opts.quiet === true || opts.json === true);
  const loadOpts: Parameters<typeof loadDataset>[1] = { onProgress: (m) => progress.message(m) };
  if (opts.cacheDir !== undefined) loadOpts.cacheDir = opts.cacheDir;
  const ds = await loadDataset(ref, loadOpts);
  progress.stop();
  const info = {
    name: ds.name,
    metric: ds.metric,
    dim: ds.dim,
    nBase: ds.base.length / ds.dim,
    nQueries: ds.queries.length / ds.dim,
    groundTruthK: ds.groundTruthK,
    fetched: true,
    homepage: entry?.homepage ?? '',
    note: entry?.note ?? '',
  };
  io.out(opts.json === true ? `${JSON.stringify(info)}\n` : formatInfo(info));
  return EXIT.OK;
}

function formatInfo(i: {
  name: string;
  metric: string;
  dim: number;
  nBase: number;
  nQueries: number;
  groundTruthK: number;
  homepage: string;
  note: string;
}): string {
  const lines = [
    `name          ${i.name}`,
    `metric        ${i.metric}`,
    `dim           ${i.dim}`,
    `base vectors  ${i.nBase}`,
    `queries       ${i.nQueries}`,
    `ground truth  ${i.groundTruthK > 0 ? `${i.groundTruthK} neighbours per query` : 'none (computed on demand)'}`,
  ];
  if (i.homepage.length > 0) lines.push(`homepage      ${i.homepage}`);
  if (i.note.length > 0) lines.push(`note          ${i.note}`);
  return `${lines.join('\n')}\n`;
}

/** `annlab datasets fetch <name>`: download (or copy with --from) into the cache, checksummed. */
export async function datasetsFetchCommand(
  name: string,
  opts: { json?: boolean; cacheDir?: string; from?: string; force?: boolean; quiet?: boolean },
  io: CliIo,
): Promise<number> {
  const progress = createProgress(io, 0, opts.quiet === true);
  const fetchOpts: Parameters<typeof fetchDataset>[1] = { onProgress: (m) => progress.message(m) };
  if (opts.cacheDir !== undefined) fetchOpts.cacheDir = opts.cacheDir;
  if (opts.from !== undefined) fetchOpts.from = opts.from;
  if (opts.force === true) fetchOpts.force = true;
  const path = await fetchDataset(name, fetchOpts);
  progress.stop();
  io.out(opts.json === true ? `${JSON.stringify({ name, path })}\n` : `${name}: ${path}\n`);
  return EXIT.OK;
}
