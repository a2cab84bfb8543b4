/**
 * Plumbing shared by the native peers that run in a Python subprocess (FAISS, hnswlib's own
 * binding): finding an interpreter that can import the peer's modules, and a line-oriented
 * JSON server over the child's stdin/stdout. The subprocess holds the index and times its own
 * build and searches, so start-up and inter-process transfer never enter the numbers; vectors
 * and results travel through files in a private temporary folder.
 *
 * The interpreter is env `ANNLAB_PYTHON` when set, else the first of `python3` (the PATH's)
 * and `/usr/bin/python3` (where Debian's python3-faiss and python3-hnswlib live) that can
 * import the peer's modules.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { AnnlabError } from '@annlab/core';
import type { Params } from '../suite.js';
import type { BuildInput, BuiltIndex, ExternalMeasurement, Searcher } from './adapter.js';

/** Interpreters tried in order: env ANNLAB_PYTHON, `python3` on the PATH, the system's /usr/bin/python3. */
export function pythonCandidates(): string[] {
  const env = process.env.ANNLAB_PYTHON;
  return env !== undefined && env.length > 0 ? [env] : ['python3', '/usr/bin/python3'];
}

/** `findPython` answers by import line (`'faiss, numpy'`), found once per process. */
const foundPython = new Map<string, string | null>();

/**
 * The first candidate interpreter (see {@link pythonCandidates}) that can run
 * `import <modules>`, e.g. `findPython('faiss, numpy')`, or null when none can. The answer is
 * cached per `modules` string for the life of the process.
 */
export function findPython(modules: string): string | null {
  let found = foundPython.get(modules);
  if (found === undefined) {
    found = null;
    for (const candidate of pythonCandidates()) {
      const r = spawnSync(candidate, ['-c', `import ${modules}`], { encoding: 'utf8', timeout: 60_000 });
      if (r.status === 0) {
        found = candidate;
        break;
      }
    }
    foundPython.set(modules, found);
  }
  return found;
}

/**
 * One line for `unavailableReason()` when no interpreter imports `modules`, else null:
 * `"<what> is not available (python3, /usr/bin/python3: "import <modules>" failed); <install>, or set ANNLAB_PYTHON"`.
 */
export function pythonUnavailableReason(what: string, modules: string, install: string): string | null {
  return findPython(modules) === null
    ? `${what} is not available (${pythonCandidates().join(', ')}: "import ${modules}" failed); ${install}, or set ANNLAB_PYTHON`
    : null;
}

/**
 * A Python subprocess answering one JSON line per JSON request line. The script reads
 * requests from stdin and writes `{"ok": true, ...}` or `{"ok": false, "error": "..."}`;
 * requests are answered in order. Failures reject with `AnnlabError('IO')` naming the peer.
 */
export class PythonServer {
  /** The peer's name, used in error messages (`faiss subprocess: ...`). */
  readonly peer: string;
  /** The private temporary folder holding the script and the exchanged files. */
  readonly dir: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | null = null;

  /**
   * Write `script` into a fresh temporary folder and start it with `python -u`.
   *
   * @param peer - the peer's name for error messages.
   * @param pythonPath - the interpreter, from {@link findPython}.
   * @param script - the server's Python source.
   */
  constructor(peer: string, pythonPath: string, script: string) {
    this.peer = peer;
    this.dir = mkdtempSync(join(tmpdir(), `annlab-${peer}-`));
    const file = join(this.dir, 'server.py');
    writeFileSync(file, script);
    this.child = spawn(pythonPath, ['-u', file], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    // A write after the child died surfaces as an answered failure, not an unhandled error.
    this.child.stdin.on('error', () => {});
    const fail = (why: string): void => {
      this.exited ??= why;
      for (const p of this.pending.splice(0)) p(JSON.stringify({ ok: false, error: this.exited }));
    };
    this.child.on('error', (e) => fail(`python did not start: ${e.message}`));
    this.child.on('exit', () => fail(`python exited: ${this.stderr.trim().split('\n').pop() ?? ''}`));
  }

  /** A path inside the server's temporary folder. */
  file(name: string): string {
    return join(this.dir, name);
  }

  /** Send one request; resolves with the reply when `ok`, else rejects with `AnnlabError('IO')`. */
  request(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const answer = (line: string): void => {
        const reply = JSON.parse(line) as Record<string, unknown>;
        if (reply.ok === true) resolve(reply);
        else reject(new AnnlabError('IO', `${this.peer} subprocess: ${String(reply.error)}`));
      };
      if (this.exited !== null) {
        answer(JSON.stringify({ ok: false, error: this.exited }));
        return;
      }
      this.pending.push(answer);
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  /** Stop the subprocess and remove its temporary folder. */
  close(): void {
    this.child.stdin.end();
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The contents of a file of little-endian int32 values. */
export function readInt32File(path: string): Int32Array {
  const b = readFileSync(path);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The contents of a file of little-endian float64 values. */
export function readFloat64File(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * Build an index in `server`'s subprocess and wrap it as a {@link BuiltIndex} timed there:
 * the base vectors go through a file, `buildCmd` (plus `cmd: 'build'` and `base`) is sent, and
 * each `measure` sends `cmd: 'search'` with the query file, `dim`, `k`, `repeats`, the output
 * files and what `searchCmd(params)` adds (it may throw to refuse a parameter). The server
 * answers a build with `seconds` and `bytes`, a search with `qps` and `batchQps` after writing
 * int32 ids and float64 latencies (ms). A failed build closes the server.
 */
export async function buildInSubprocess(
  server: PythonServer,
  input: BuildInput,
  buildCmd: Record<string, unknown>,
  searchCmd: (params: Params) => Record<string, unknown>,
): Promise<BuiltIndex> {
  const baseFile = server.file('base.f32');
  writeFileSync(baseFile, input.base.subarray(0, input.n * input.dim));
  let built: Record<string, unknown>;
  try {
    built = await server.request({ ...buildCmd, cmd: 'build', base: baseFile });
  } catch (e) {
    server.close();
    throw e;
  }
  rmSync(baseFile, { force: true });
  const bytes = built.bytes as number;
  const dim = input.dim;
  return {
    countsDistances: false,
    buildSeconds: built.seconds as number,
    buildThreads: input.threads ?? 1,
    searcher(): Searcher {
      throw new AnnlabError('UNSUPPORTED_OPERATION', `the ${server.peer} adapter is timed in its subprocess; use measure().`);
    },
    async measure(queries: Float32Array, nq: number, k: number, sp: Params, repeats: number): Promise<ExternalMeasurement> {
      const extra = searchCmd(sp);
      const qFile = server.file('queries.f32');
      const idsOut = server.file('ids.i32');
      const latOut = server.file('lat.f64');
      writeFileSync(qFile, queries.subarray(0, nq * dim));
      const r = await server.request({ ...extra, cmd: 'search', queries: qFile, dim, k, repeats, idsOut, latOut });
      return { ids: readInt32File(idsOut), latenciesMs: readFloat64File(latOut), qps: r.qps as number, batchQps: r.batchQps as number };
    },
    memoryBytes(): number {
      return bytes;
    },
    dispose(): void {
      server.close();
    },
  };
}

/**
 * Python source of `time_queries(one, batch, q, k, repeats, ids_out, lat_out)`, the timing both
 * servers share (ann-benchmarks' rule): 50 untimed warm-up queries, then `repeats` passes of one
 * query at a time (`one(row)` returns the `1 × k` ids) plus one batch (`batch(q)`), keeping the
 * pass with the least total time and the fastest batch; writes int32 ids and float64
 * latencies (ms) and returns the reply with `qps` and `batchQps`. Needs `numpy as np` and `time`.
 */
export const PY_TIME_QUERIES: string = String.raw`
def time_queries(one, batch, q, k, repeats, ids_out, lat_out):
    nq = q.shape[0]
    for i in range(min(nq, 50)):
        one(q[i:i + 1])
    best = None
    for r in range(repeats):
        lat = np.zeros(nq)
        ids = np.zeros((nq, k), dtype=np.int64)
        for i in range(nq):
            t0 = time.perf_counter()
            I = one(q[i:i + 1])
            lat[i] = time.perf_counter() - t0
            ids[i] = I[0]
        t0 = time.perf_counter()
        batch(q)
        b = time.perf_counter() - t0
        total = float(lat.sum())
        if best is None or total < best[0]:
            best = (total, lat, ids, b)
        elif b < best[3]:
            best = (best[0], best[1], best[2], b)
    total, lat, ids, b = best
    ids.astype(np.int32).tofile(ids_out)
    (lat * 1000).astype(np.float64).tofile(lat_out)
    return {"ok": True, "qps": nq / total, "batchQps": nq / b}
`;
