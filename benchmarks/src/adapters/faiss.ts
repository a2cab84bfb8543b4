/**
 * FAISS as a native peer, through a Python subprocess (`python3` with the `faiss` module,
 * e.g. Debian's python3-faiss or `pip install faiss-cpu`). The subprocess holds the index;
 * it builds, then times queries itself (one at a time and as one batch, single-threaded via
 * `faiss.omp_set_num_threads(1)`), so inter-process overhead never enters the numbers. The
 * harness scores the returned ids like any other algorithm's.
 *
 * Suite parameters: build `index` (a FAISS index_factory string such as `"HNSW32"`,
 * `"IVF256,Flat"` or `"IVF256,PQ28,RFlat"`, default `"HNSW32"`) and `efConstruction` (HNSW);
 * search `efSearch` or `nprobe` (set through `faiss.ParameterSpace`), and `rerank` for an
 * index with a refine stage (`,RFlat`, FAISS's `IndexRefineFlat`): `rerank` = r > 0 re-ranks
 * k·r candidates by exact distance (`k_factor` = r), `rerank` = 0 searches the base index
 * alone, the same meaning as annlab's IVF-PQ `rerank`. Python is env `ANNLAB_PYTHON`, else
 * the first of `python3` and `/usr/bin/python3` that can import faiss.
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
import type { AlgorithmAdapter, BuildInput, BuiltIndex, ExternalMeasurement, Searcher } from './adapter.js';

/** The Python side: a line-oriented JSON server over stdin/stdout. */
const SERVER = String.raw`
import json, sys, time
import numpy as np
import faiss
faiss.omp_set_num_threads(1)
index = None
def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n"); sys.stdout.flush()
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        if cmd["cmd"] == "build":
            base = np.fromfile(cmd["base"], dtype=np.float32).reshape(-1, cmd["dim"])
            metric = faiss.METRIC_INNER_PRODUCT if cmd["metric"] != "euclidean" else faiss.METRIC_L2
            if cmd["metric"] == "cosine":
                base = base.copy(); faiss.normalize_L2(base)
            t0 = time.perf_counter()
            index = faiss.index_factory(cmd["dim"], cmd["factory"], metric)
            ps = faiss.ParameterSpace()
            for key, value in cmd.get("params", {}).items():
                if key == "efConstruction":
                    hnsw = faiss.downcast_index(index).hnsw
                    hnsw.efConstruction = int(value)
                else:
                    ps.set_index_parameter(index, key, value)
            if not index.is_trained:
                index.train(base)
            index.add(base)
            seconds = time.perf_counter() - t0
            nbytes = int(faiss.serialize_index(index).nbytes)
            reply({"ok": True, "seconds": seconds, "bytes": nbytes})
        elif cmd["cmd"] == "search":
            q = np.fromfile(cmd["queries"], dtype=np.float32).reshape(-1, cmd["dim"])
            if cmd["metric"] == "cosine":
                q = q.copy(); faiss.normalize_L2(q)
            params = dict(cmd.get("params", {}))
            rerank = params.pop("rerank", None)
            searcher = index
            if rerank is not None:
                refine = faiss.downcast_index(index)
                if not isinstance(refine, faiss.IndexRefine):
                    raise ValueError("rerank needs a refine stage: end the index string with ',RFlat', e.g. 'IVF256,PQ28,RFlat'")
                if int(rerank) > 0:
                    refine.k_factor = float(rerank)
                    searcher = refine
                else:
                    searcher = faiss.downcast_index(refine.base_index)
            ps = faiss.ParameterSpace()
            for key, value in params.items():
                ps.set_index_parameter(index, key, value)
            k = cmd["k"]; nq = q.shape[0]
            for i in range(min(nq, 50)):
                searcher.search(q[i:i + 1], k)
            best = None
            for r in range(cmd["repeats"]):
                lat = np.zeros(nq)
                ids = np.zeros((nq, k), dtype=np.int64)
                for i in range(nq):
                    t0 = time.perf_counter()
                    _, I = searcher.search(q[i:i + 1], k)
                    lat[i] = time.perf_counter() - t0
                    ids[i] = I[0]
                t0 = time.perf_counter()
                searcher.search(q, k)
                batch = time.perf_counter() - t0
                total = float(lat.sum())
                if best is None or total < best[0]:
                    best = (total, lat, ids, batch)
                elif batch < best[3]:
                    best = (best[0], best[1], best[2], batch)
            total, lat, ids, batch = best
            ids.astype(np.int32).tofile(cmd["idsOut"])
            (lat * 1000).astype(np.float64).tofile(cmd["latOut"])
            reply({"ok": True, "qps": nq / total, "batchQps": nq / batch})
        else:
            reply({"ok": False, "error": "unknown command"})
    except Exception as e:
        reply({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
`;

/** Interpreters tried in order: env ANNLAB_PYTHON, `python3` on the PATH, the system's /usr/bin/python3. */
function pythonCandidates(): string[] {
  const env = process.env.ANNLAB_PYTHON;
  return env !== undefined && env.length > 0 ? [env] : ['python3', '/usr/bin/python3'];
}

let foundPython: string | null | undefined;

/** The first candidate interpreter that can `import faiss, numpy`, or null. */
function findPython(): string | null {
  if (foundPython === undefined) {
    foundPython = null;
    for (const candidate of pythonCandidates()) {
      const r = spawnSync(candidate, ['-c', 'import faiss, numpy'], { encoding: 'utf8', timeout: 60_000 });
      if (r.status === 0) {
        foundPython = candidate;
        break;
      }
    }
  }
  return foundPython;
}

class FaissServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(pythonPath: string, script: string) {
    this.child = spawn(pythonPath, ['-u', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.child.on('exit', () => {
      for (const p of this.pending.splice(0))
        p(JSON.stringify({ ok: false, error: `python exited: ${this.stderr.trim().split('\n').pop() ?? ''}` }));
    });
  }

  request(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        const reply = JSON.parse(line) as Record<string, unknown>;
        if (reply.ok === true) resolve(reply);
        else reject(new AnnlabError('IO', `faiss subprocess: ${String(reply.error)}`));
      });
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** FAISS through `python3 -c "import faiss"`; see the module comment for its parameters. */
export class FaissAdapter implements AlgorithmAdapter {
  readonly name = 'faiss';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    return findPython() === null
      ? `Python FAISS is not available (${pythonCandidates().join(', ')}: "import faiss, numpy" failed); install python3-faiss or faiss-cpu, or set ANNLAB_PYTHON`
      : null;
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const pythonPath = findPython();
    if (pythonPath === null) throw new AnnlabError('NOT_FOUND', (await this.unavailableReason()) ?? 'no Python FAISS');
    const dir = mkdtempSync(join(tmpdir(), 'annlab-faiss-'));
    const script = join(dir, 'server.py');
    writeFileSync(script, SERVER);
    const baseFile = join(dir, 'base.f32');
    writeFileSync(baseFile, input.base.subarray(0, input.n * input.dim));
    const server = new FaissServer(pythonPath, script);
    const { index: factory = 'HNSW32', ...rest } = params;
    let built: Record<string, unknown>;
    try {
      built = await server.request({
        cmd: 'build',
        base: baseFile,
        dim: input.dim,
        metric: input.metric,
        factory: String(factory),
        params: rest,
      });
    } catch (e) {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    rmSync(baseFile, { force: true });
    const bytes = built.bytes as number;
    const dim = input.dim;
    const metric = input.metric;
    return {
      countsDistances: false,
      buildSeconds: built.seconds as number,
      searcher(): Searcher {
        throw new AnnlabError('UNSUPPORTED_OPERATION', 'the faiss adapter is timed in its subprocess; use measure().');
      },
      async measure(queries: Float32Array, nq: number, k: number, sp: Params, repeats: number): Promise<ExternalMeasurement> {
        const qFile = join(dir, 'queries.f32');
        const idsOut = join(dir, 'ids.i32');
        const latOut = join(dir, 'lat.f64');
        writeFileSync(qFile, queries.subarray(0, nq * dim));
        const r = await server.request({ cmd: 'search', queries: qFile, dim, metric, k, params: sp, repeats, idsOut, latOut });
        const idsBuf = readFileSync(idsOut);
        const latBuf = readFileSync(latOut);
        return {
          ids: new Int32Array(idsBuf.buffer.slice(idsBuf.byteOffset, idsBuf.byteOffset + idsBuf.byteLength)),
          latenciesMs: new Float64Array(latBuf.buffer.slice(latBuf.byteOffset, latBuf.byteOffset + latBuf.byteLength)),
          qps: r.qps as number,
          batchQps: r.batchQps as number,
        };
      },
      memoryBytes(): number {
        return bytes;
      },
      dispose(): void {
        server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
