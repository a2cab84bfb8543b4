/**
 * hnswlib (nmslib/hnswlib) as a native peer through its own Python binding (Debian's
 * python3-hnswlib or `pip install hnswlib`), run in a subprocess by `python-peer.ts`. Unlike
 * the `hnswlib-node` npm binding it builds on several threads: `add_items(base, ids,
 * num_threads=N)` with N the run's threads (`annlab bench --threads N`, default 1), recorded as
 * `buildThreads`, so annlab's multi-threaded HNSW build meets hnswlib's in the same run.
 *
 * The subprocess times its own build (`init_index` + `add_items`, `time.perf_counter`) and its
 * searches: one query at a time on one thread (`set_num_threads(1)`, warm-up first, best of
 * `repeats` by total time) and one batch `knn_query` of all queries on one thread, the same
 * meaning as the faiss peer's `batchQps`. Memory is the size of its `save_index` file.
 *
 * Suite parameters: build `M` (default 16) and `efConstruction` (default 200); search
 * `efSearch` (default 10; hnswlib searches with max(ef, k)). Metrics: euclidean (`'l2'`),
 * cosine (`'cosine'`, hnswlib normalises) and inner-product (`'ip'`). Python is env
 * `ANNLAB_PYTHON`, else the first of `python3` and `/usr/bin/python3` that can import hnswlib.
 *
 * @module
 */
import { writeFileSync, rmSync } from 'node:fs';
import { AnnlabError, type Metric } from '@annlab/core';
import type { Params } from '../suite.js';
import type { AlgorithmAdapter, BuildInput, BuiltIndex, ExternalMeasurement, Searcher } from './adapter.js';
import { PythonServer, findPython, pythonUnavailableReason, readFloat64File, readInt32File } from './python-peer.js';

/** What the server imports; {@link findPython} looks for an interpreter that can. */
const MODULES = 'hnswlib, numpy';

/** The Python side: a line-oriented JSON server over stdin/stdout. */
const SERVER = String.raw`
import json, os, sys, time
import numpy as np
import hnswlib
index = None
def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n"); sys.stdout.flush()
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        if cmd["cmd"] == "build":
            dim = cmd["dim"]
            base = np.fromfile(cmd["base"], dtype=np.float32).reshape(-1, dim)
            n = base.shape[0]
            labels = np.arange(n)
            index = hnswlib.Index(space=cmd["space"], dim=dim)
            t0 = time.perf_counter()
            index.init_index(max_elements=n, M=cmd["M"], ef_construction=cmd["efConstruction"], random_seed=cmd["seed"])
            index.add_items(base, labels, num_threads=cmd["threads"])
            seconds = time.perf_counter() - t0
            index.set_num_threads(1)
            index.save_index(cmd["saveTo"])
            nbytes = os.path.getsize(cmd["saveTo"])
            os.remove(cmd["saveTo"])
            reply({"ok": True, "seconds": seconds, "bytes": nbytes})
        elif cmd["cmd"] == "search":
            q = np.fromfile(cmd["queries"], dtype=np.float32).reshape(-1, cmd["dim"])
            k = cmd["k"]; nq = q.shape[0]
            index.set_num_threads(1)
            index.set_ef(cmd["efSearch"])
            for i in range(min(nq, 50)):
                index.knn_query(q[i:i + 1], k, num_threads=1)
            best = None
            for r in range(cmd["repeats"]):
                lat = np.zeros(nq)
                ids = np.zeros((nq, k), dtype=np.int64)
                for i in range(nq):
                    t0 = time.perf_counter()
                    I, _ = index.knn_query(q[i:i + 1], k, num_threads=1)
                    lat[i] = time.perf_counter() - t0
                    ids[i] = I[0]
                t0 = time.perf_counter()
                index.knn_query(q, k, num_threads=cmd["batchThreads"])
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

/** hnswlib's space name for an annlab metric. */
function spaceOf(metric: Metric): string {
  return metric === 'euclidean' ? 'l2' : metric === 'cosine' ? 'cosine' : 'ip';
}

function checkKnown(params: Params, known: readonly string[], where: string): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw new AnnlabError('INVALID_PARAMETER', `${where} has no parameter "${key}"; known: ${known.join(', ')}.`);
  }
}

/** `params[key]` as an integer ≥ `min`, or `fallback` when absent. */
function intParam(params: Params, key: string, fallback: number, min: number): number {
  const v = params[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new AnnlabError('INVALID_PARAMETER', `hnswlib parameter ${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}.`);
  return v;
}

/** hnswlib through its Python binding (`import hnswlib`); see the module comment for its parameters. */
export class HnswlibPyAdapter implements AlgorithmAdapter {
  readonly name = 'hnswlib';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    return pythonUnavailableReason('Python hnswlib', MODULES, 'install python3-hnswlib or `pip install hnswlib`');
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    checkKnown(params, ['M', 'efConstruction'], 'hnswlib');
    const M = intParam(params, 'M', 16, 2);
    const efConstruction = intParam(params, 'efConstruction', 200, 1);
    const pythonPath = findPython(MODULES);
    if (pythonPath === null) throw new AnnlabError('NOT_FOUND', (await this.unavailableReason()) ?? 'no Python hnswlib');
    const threads = input.threads ?? 1;
    const server = new PythonServer('hnswlib', pythonPath, SERVER);
    const baseFile = server.file('base.f32');
    writeFileSync(baseFile, input.base.subarray(0, input.n * input.dim));
    let built: Record<string, unknown>;
    try {
      built = await server.request({
        cmd: 'build',
        base: baseFile,
        dim: input.dim,
        space: spaceOf(input.metric),
        M,
        efConstruction,
        seed: input.seed,
        threads,
        saveTo: server.file('index.bin'),
      });
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
      buildThreads: threads,
      searcher(): Searcher {
        throw new AnnlabError('UNSUPPORTED_OPERATION', 'the hnswlib adapter is timed in its subprocess; use measure().');
      },
      async measure(queries: Float32Array, nq: number, k: number, sp: Params, repeats: number): Promise<ExternalMeasurement> {
        checkKnown(sp, ['efSearch'], 'hnswlib search');
        const efSearch = intParam(sp, 'efSearch', 10, 1);
        const qFile = server.file('queries.f32');
        const idsOut = server.file('ids.i32');
        const latOut = server.file('lat.f64');
        writeFileSync(qFile, queries.subarray(0, nq * dim));
        // The batch runs on one thread, like the faiss peer's: `batchQps` is a single-thread figure.
        const r = await server.request({ cmd: 'search', queries: qFile, dim, k, efSearch, repeats, batchThreads: 1, idsOut, latOut });
        return {
          ids: readInt32File(idsOut),
          latenciesMs: readFloat64File(latOut),
          qps: r.qps as number,
          batchQps: r.batchQps as number,
        };
      },
      memoryBytes(): number {
        return bytes;
      },
      dispose(): void {
        server.close();
      },
    };
  }
}
