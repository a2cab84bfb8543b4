/**
 * `annlab import --from hnswlib|annoy|faiss -i <file> -o <annlab file>`: read an index a
 * native engine saved (`@annlab/interop`) and write it as an annlab file, which every other
 * command then reads. hnswlib and Annoy files do not record their metric (`--metric`), Annoy
 * files not their dimension either (`--dim`). hnswlib labels that are not the ids themselves
 * are written with `--labels-out` as a JSON array (`labels[id]`).
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AnnlabError, type Metric } from '@annlab/core';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { FOREIGN_FORMATS, loadIndexFile, type IndexFileFormat } from './index-file.js';
import { ensureWritableFileDir } from './shared.js';

/** Options of `annlab import`. */
export interface ImportCommandOptions {
  /** Source format (detected when omitted, except Annoy). */
  from?: string;
  /** File to read. */
  index: string;
  /** annlab file to write. */
  out: string;
  /** Metric of an hnswlib or Annoy file (or FAISS inner product read as cosine). */
  metric?: string;
  /** Dimension of an Annoy file. */
  dim?: number;
  /** Seed of the imported index. */
  seed?: number;
  /** Where to write hnswlib labels that differ from the ids. */
  labelsOut?: string;
  /** JSON output. */
  json?: boolean;
}

/** Run `annlab import`; resolves to the exit code. */
export async function importCommand(opts: ImportCommandOptions, io: CliIo): Promise<number> {
  if (opts.from !== undefined && !FOREIGN_FORMATS.includes(opts.from as IndexFileFormat)) {
    throw new AnnlabError('INVALID_PARAMETER', `--from must be one of ${FOREIGN_FORMATS.join(', ')}, got '${opts.from}'.`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(opts.index);
  } catch (e) {
    throw fromNodeError(e, 'reading the file given with --index');
  }
  ensureWritableFileDir(opts.out, '--out');
  const loaded = await loadIndexFile(bytes, {
    ...(opts.from === undefined ? {} : { format: opts.from as IndexFileFormat }),
    ...(opts.metric === undefined ? {} : { metric: opts.metric as Metric }),
    ...(opts.dim === undefined ? {} : { dim: opts.dim }),
    ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  });
  const { index, format, labels } = loaded;
  try {
    writeFileSync(opts.out, index.serialize());
    if (labels !== null && opts.labelsOut !== undefined) writeFileSync(opts.labelsOut, JSON.stringify(Array.from(labels)));
  } catch (e) {
    throw fromNodeError(e, `writing ${opts.out}`);
  }
  if (labels !== null && opts.labelsOut === undefined) {
    io.err('note: the hnswlib labels are not the ids 0..n-1; pass --labels-out <file.json> to keep the label of each id.\n');
  }
  const info = {
    index: opts.index,
    from: format,
    out: opts.out,
    dim: index.dim,
    metric: index.metric,
    size: index.size,
    search: loaded.params,
    labelsOut: labels === null ? null : (opts.labelsOut ?? null),
  };
  if (opts.json === true) io.out(`${JSON.stringify(info)}\n`);
  else {
    const p = Object.entries(loaded.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    io.out(
      `wrote ${opts.out}: ${format} index, ${index.size} vectors of dim ${index.dim}, ${index.metric}${p === '' ? '' : ` (stored search settings: ${p})`}\n`,
    );
  }
  return EXIT.OK;
}
