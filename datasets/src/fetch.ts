/**
 * Fetching named datasets into a cache directory, with checksum verification and atomic
 * writes: every file is streamed into a temporary name beside its destination, hashed on
 * the way (sha256), checked against the registry's size and checksum, and only then
 * renamed into place. A multi-file dataset is assembled in a temporary directory renamed as
 * a whole. So a cache entry either exists complete and verified or not at all: an
 * interrupted download, a wrong checksum or a full disk leave nothing behind that a later
 * run could mistake for valid data.
 *
 * Cache directory: the `cacheDir` option, else env `ANNLAB_DATA`, else a per-user cache
 * (`$XDG_CACHE_HOME/annlab`, `~/.cache/annlab`; `~/Library/Caches/annlab` on macOS;
 * `%LOCALAPPDATA%\annlab` on Windows).
 *
 * @module
 */
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnnlabError } from '@annlab/core';
import { fileError, tempPathFor } from './internal/io.js';
import { REGISTRY, registryEntry, type RegistryEntry, type RegistryFile } from './registry.js';

/** Progress reports: a human-readable message and, when known, the fraction done in [0, 1]. */
export type ProgressCallback = (message: string, fraction?: number) => void;

/** Options for {@link fetchDataset}. */
export interface FetchOptions {
  /** Cache directory. @defaultValue env `ANNLAB_DATA`, else the per-user cache (see module doc) */
  cacheDir?: string;
  /**
   * Take the files from here instead of upstream: a local directory holding the entry's
   * files (by name), a local file (single-file HDF5 entries), or an http(s) base URL of a
   * mirror (`<from>/<file name>`). Checksums are verified all the same.
   */
  from?: string;
  /** Progress messages (download percentage, verification). */
  onProgress?: ProgressCallback;
  /** Fetch again even if the cache already holds the dataset. @defaultValue false */
  force?: boolean;
  /** Give up on a connection that sends nothing for this long, in milliseconds. @defaultValue 60000 */
  timeoutMs?: number;
}

/** Options for {@link downloadFile}. */
export interface DownloadOptions {
  /** Expected lowercase hex sha256; a mismatch fails and leaves nothing at `dest`. */
  sha256?: string;
  /** Expected size in bytes (exact). */
  bytes?: number;
  /** Progress messages. */
  onProgress?: ProgressCallback;
  /** Idle timeout in milliseconds. @defaultValue 60000 */
  timeoutMs?: number;
  /** Label for messages. @defaultValue the destination's file name */
  label?: string;
}

/** What a completed transfer measured. */
export interface DownloadResult {
  /** Lowercase hex sha256 of the bytes written. */
  sha256: string;
  /** Number of bytes written. */
  bytes: number;
}

const MAX_REDIRECTS = 5;

/** The per-user cache directory (ignoring `ANNLAB_DATA`). */
export function userCacheDir(): string {
  const env = process.env;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'annlab');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'annlab');
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'annlab');
}

/** The cache directory to use: `cacheDir`, else env `ANNLAB_DATA`, else {@link userCacheDir}. */
export function resolveCacheDir(cacheDir?: string): string {
  if (cacheDir !== undefined && cacheDir.length > 0) return resolve(cacheDir);
  const env = process.env.ANNLAB_DATA;
  if (env !== undefined && env.length > 0) return resolve(env);
  return userCacheDir();
}

/** Where a fetched entry lives in `cacheDir`: the `.hdf5` file, or the dataset's directory. */
export function cachedPath(entry: RegistryEntry, cacheDir: string): string {
  return entry.format === 'hdf5' ? join(cacheDir, entry.files[0].name) : join(cacheDir, entry.name);
}

/** True when `path` holds a complete copy of `entry` (every file present). */
export function isFetched(entry: RegistryEntry, path: string): boolean {
  if (entry.format === 'hdf5') return existsSync(path);
  return existsSync(path) && entry.files.every((f) => existsSync(join(path, f.name)));
}

function isHttp(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Throttles progress reports to about one per percent (or per 8 MB when the size is unknown). */
class ProgressReporter {
  private lastFraction: number;
  private lastBytes: number;
  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly cb: ProgressCallback | undefined,
  ) {
    this.lastFraction = -1;
    this.lastBytes = 0;
  }
  update(done: number, final: boolean): void {
    if (this.cb === undefined) return;
    const mb = (done / 1e6).toFixed(1);
    if (this.total !== undefined && this.total > 0) {
      const f = Math.min(1, done / this.total);
      if (final || f - this.lastFraction >= 0.01) {
        this.lastFraction = f;
        this.cb(`${this.label}: ${mb} of ${(this.total / 1e6).toFixed(1)} MB`, f);
      }
    } else if (final || done - this.lastBytes >= 8e6) {
      this.lastBytes = done;
      this.cb(`${this.label}: ${mb} MB`);
    }
  }
}

function request(url: string, timeoutMs: number, redirects: number): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const getter = url.toLowerCase().startsWith('https:') ? httpsGet : httpGet;
    const req = getter(url, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new AnnlabError('IO', `${url}: more than ${MAX_REDIRECTS} redirects.`));
          return;
        }
        resolvePromise(request(new URL(location, url).toString(), timeoutMs, redirects + 1));
        return;
      }
      if (status !== 200) {
        res.resume();
        reject(
          new AnnlabError(
            'IO',
            `${`${url}: HTTP ${status} ${res.statusMessage ?? ''}`.trim()}. Check the URL or pass a local copy with \`from\`.`,
          ),
        );
        return;
      }
      resolvePromise(res);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no data for ${timeoutMs} ms`)));
    req.on('error', (e) =>
      reject(new AnnlabError('IO', `${url}: ${e.message}. Check the network or pass a local copy with \`from\`.`, { cause: e })),
    );
  });
}

/**
 * Copy `source` (an http(s) URL or a local file) to `dest` atomically, hashing as it goes,
 * and verify size and checksum when given. On any failure nothing is left at `dest` (nor a
 * temporary file beside it) and an `AnnlabError` says what went wrong: `IO` for network and
 * file errors, `CORRUPT_DATA` for a size or checksum mismatch.
 */
export async function downloadFile(source: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const label = options.label ?? dest;
  const tmp = tempPathFor(dest);
  const hash = createHash('sha256');
  let done = 0;
  const out = await open(tmp, 'w').catch((e: unknown) => {
    throw fileError(tmp, e, 'creating it');
  });
  let ok = false;
  try {
    let stream: AsyncIterable<Buffer>;
    let total = options.bytes;
    if (isHttp(source)) {
      const res = await request(source, timeoutMs, 0);
      const len = Number(res.headers['content-length']);
      if (Number.isFinite(len) && len > 0) total = len;
      res.setTimeout(timeoutMs, () => res.destroy(new Error(`no data for ${timeoutMs} ms`)));
      stream = res;
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^file:/i.test(source)) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        `${source}: only http(s) URLs and local files can be fetched. Download it yourself and pass the local copy with \`from\`.`,
      );
    } else {
      const path = /^file:/i.test(source) ? new URL(source).pathname : source;
      try {
        total = statSync(path).size;
      } catch (e) {
        throw fileError(path, e, 'reading it');
      }
      stream = createReadStream(path);
    }
    const progress = new ProgressReporter(`fetching ${label}`, total, options.onProgress);
    try {
      for await (const chunk of stream) {
        hash.update(chunk);
        let off = 0;
        while (off < chunk.length) off += (await out.write(chunk, off, chunk.length - off)).bytesWritten;
        done += chunk.length;
        progress.update(done, false);
      }
    } catch (e) {
      if (e instanceof AnnlabError) throw e;
      throw new AnnlabError(
        'IO',
        `${source}: transfer failed after ${done} bytes (${(e as Error).message}). Nothing was kept; try again.`,
        { cause: e },
      );
    }
    progress.update(done, true);
    if (total !== undefined && isHttp(source) && done !== total) {
      throw new AnnlabError('IO', `${source}: the connection closed after ${done} of ${total} bytes. Nothing was kept; try again.`);
    }
    if (options.bytes !== undefined && done !== options.bytes) {
      throw new AnnlabError('CORRUPT_DATA', `${label}: expected ${options.bytes} bytes from ${source}, got ${done}. Nothing was kept.`);
    }
    const digest = hash.digest('hex');
    if (options.sha256 !== undefined && digest !== options.sha256.toLowerCase()) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `${label}: checksum mismatch for ${source}: sha256 ${digest}, expected ${options.sha256}. The file is damaged or not the right one; nothing was kept.`,
      );
    }
    await out.close();
    renameSync(tmp, dest);
    ok = true;
    return { sha256: digest, bytes: done };
  } finally {
    if (!ok) {
      await out.close().catch(() => undefined);
      rmSync(tmp, { force: true });
    }
  }
}

function sourceFor(entry: RegistryEntry, file: RegistryFile, from: string | undefined): string {
  if (from === undefined) return file.url;
  if (isHttp(from)) return `${from.replace(/\/+$/, '')}/${file.name}`;
  let isDir: boolean;
  try {
    isDir = statSync(from).isDirectory();
  } catch (e) {
    throw fileError(from, e, `looking for ${entry.name}`);
  }
  if (isDir) return join(from, file.name);
  if (entry.files.length === 1) return from;
  throw new AnnlabError(
    'INVALID_PARAMETER',
    `${from}: ${entry.name} has ${entry.files.length} files (${entry.files.map((f) => f.name).join(', ')}); pass the directory holding them.`,
  );
}

/**
 * Fetch a named dataset (or a custom {@link RegistryEntry}) into the cache, verifying sizes
 * and checksums, and return its local path: the `.hdf5` file for ann-benchmarks entries, the
 * directory for multi-file ones. Already-fetched datasets are returned at once (a cache entry
 * only ever exists complete). On failure nothing is left in the cache.
 */
export async function fetchDataset(name: string | RegistryEntry, options: FetchOptions = {}): Promise<string> {
  const entry = typeof name === 'string' ? registryEntry(name) : name;
  if (entry === undefined) {
    throw new AnnlabError('NOT_FOUND', `unknown dataset '${String(name)}'. Known datasets: ${REGISTRY.map((e) => e.name).join(', ')}.`);
  }
  if (options.from === undefined && !entry.files.every((f) => isHttp(f.url))) {
    throw new AnnlabError('UNSUPPORTED_OPERATION', `${entry.name} cannot be downloaded over http(s). ${entry.note}`);
  }
  const cacheDir = resolveCacheDir(options.cacheDir);
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (e) {
    throw fileError(cacheDir, e, 'creating the cache directory');
  }
  const target = cachedPath(entry, cacheDir);
  if (options.force !== true && isFetched(entry, target)) return target;
  const common = { onProgress: options.onProgress, timeoutMs: options.timeoutMs };
  const check = (f: RegistryFile): { bytes?: number; sha256?: string } => ({
    bytes: entry.approximate ? undefined : f.bytes,
    sha256: f.sha256,
  });

  if (entry.format === 'hdf5') {
    const f = entry.files[0];
    const src = sourceFor(entry, f, options.from);
    const r = await downloadFile(src, target, { ...common, ...check(f), label: f.name });
    options.onProgress?.(
      `${entry.name}: ${r.bytes} bytes, sha256 ${r.sha256}${f.sha256 === undefined ? ' (no published checksum to verify against)' : ' (verified)'}`,
      1,
    );
    return target;
  }
  const tmpDir = tempPathFor(target);
  try {
    mkdirSync(tmpDir);
    for (const f of entry.files) {
      const src = sourceFor(entry, f, options.from);
      await downloadFile(src, join(tmpDir, f.name), { ...common, ...check(f), label: f.name });
    }
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(tmpDir, target);
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw e instanceof AnnlabError ? e : fileError(target, e, 'assembling the dataset');
  }
  options.onProgress?.(`${entry.name}: ${entry.files.length} files verified`, 1);
  return target;
}
