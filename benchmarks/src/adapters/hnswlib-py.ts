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
import { AnnlabError, type Metric } from '@annlab/core';
import type { Params } from '../suite.js';
import type { AlgorithmAdapter, BuildInput, BuiltIndex } from './adapter.js';
import { PY_TIME_QUERIES, PythonServer, buildInSubprocess, findPython, pythonUnavailableReason } from './python-peer.js';

/** What the server imports; {@link findPython} looks for an interpreter that can. */
const MODULES = 'hnswlib, numpy';

/** The Python side: a line-oriented JSON server over stdin/stdout. */
const SERVER = String.raw`
import json, os, sys, time
import numpy as np
import hnswlib
index = None
${PY_TIME_QUERIES}
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
            k = cmd["k"]
            index.set_num_threads(1)
            index.set_ef(cmd["efSearch"])
            reply(time_queries(lambda row: index.knn_query(row, k, num_threads=1)[0],
                               lambda qs: index.knn_query(qs, k, num_threads=cmd["batchThreads"]),
                               q, k, cmd["repeats"], cmd["idsOut"], cmd["latOut"]))
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
    const build = {
      dim: input.dim,
      space: spaceOf(input.metric),
      M,
      efConstruction,
      seed: input.seed,
      threads,
      saveTo: server.file('index.bin'),
    };
    return buildInSubprocess(server, input, build, (sp) => {
      checkKnown(sp, ['efSearch'], 'hnswlib search');
      // The batch runs on one thread, like the faiss peer's: `batchQps` is a single-thread figure.
      return { efSearch: intParam(sp, 'efSearch', 10, 1), batchThreads: 1 };
    });
  }
}
