/**
 * `annlab export --to hnswlib|annoy|faiss -i <annlab file> -o <file>`: write an annlab index
 * in a native engine's own format (`@annlab/interop`): an HNSW index as an hnswlib file, a
 * random-projection forest as an Annoy file, flat, IVF, IVF-PQ, HNSW and PCA pipelines as a
 * FAISS file. What the target format cannot carry is refused with a message naming it; no
 * file is written then.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AnnlabError, BinaryReader } from '@annlab/core';
import type { Params } from '@annlab/bench';
import { exportAnnoy, exportFaiss, exportHnswlib } from '@annlab/interop';
import { EXIT, fromNodeError } from '../exit.js';
import type { CliIo } from '../io.js';
import { FOREIGN_FORMATS, loadIndexFile, type IndexFileFormat } from './index-file.js';
import { ensureWritableFileDir } from './shared.js';

/** Options of `annlab export`. */
export interface ExportCommandOptions {
  /** Target format. */
  to: string;
  /** annlab index file to read. */
  index: string;
  /** File to write. */
  out: string;
  /** FAISS search settings stored in the file (`nprobe`, `efSearch`, `rerank`). */
  param: Params;
  /** JSON output. */
  json?: boolean;
}

/** Run `annlab export`; resolves to the exit code. */
export async function exportCommand(opts: ExportCommandOptions, io: CliIo): Promise<number> {
  const to = opts.to as IndexFileFormat;
  if (!FOREIGN_FORMATS.includes(to)) {
    throw new AnnlabError('INVALID_PARAMETER', `--to must be one of ${FOREIGN_FORMATS.join(', ')}, got '${opts.to}'.`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(opts.index);
  } catch (e) {
    throw fromNodeError(e, 'reading the index file given with --index');
  }
  ensureWritableFileDir(opts.out, '--out');
  const tag = BinaryReader.peekHeader(bytes).tag;
  const { index } = await loadIndexFile(bytes, { format: 'annlab' });
  if (to !== 'faiss' && Object.keys(opts.param).length > 0) {
    throw new AnnlabError('INVALID_PARAMETER', `-p settings are stored only in FAISS files; ${to} files carry none.`);
  }
  let out: Uint8Array;
  if (to === 'hnswlib') {
    if (tag !== 'hnsw')
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        `hnswlib files hold HNSW graphs; this file holds a '${tag}' index (build with -a hnsw).`,
      );
    out = exportHnswlib(index as unknown as Parameters<typeof exportHnswlib>[0]);
  } else if (to === 'annoy') {
    if (tag !== 'rpforest')
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        `Annoy files hold random-projection forests; this file holds a '${tag}' index (build with -a rpforest).`,
      );
    out = exportAnnoy(index as unknown as Parameters<typeof exportAnnoy>[0]);
  } else {
    out = exportFaiss(index, opts.param as Parameters<typeof exportFaiss>[1]);
  }
  try {
    writeFileSync(opts.out, out);
  } catch (e) {
    throw fromNodeError(e, `writing ${opts.out}`);
  }
  const info = {
    index: opts.index,
    to,
    out: opts.out,
    bytes: out.length,
    algorithm: tag,
    dim: index.dim,
    metric: index.metric,
    size: index.size,
  };
  if (opts.json === true) io.out(`${JSON.stringify(info)}\n`);
  else io.out(`wrote ${opts.out} (${to}, ${out.length} bytes): ${tag} index, ${index.size} vectors of dim ${index.dim}, ${index.metric}\n`);
  return EXIT.OK;
}
