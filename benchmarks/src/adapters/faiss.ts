/**
 * FAISS as a native peer, through a Python subprocess (`python3` with the `faiss` module,
 * e.g. Debian's python3-faiss or `pip install faiss-cpu`), run by `python-peer.ts`. The
 * subprocess holds the index; it builds on the run's threads (`annlab bench --threads N`:
 * `faiss.omp_set_num_threads(N)` around train and add, recorded as `buildThreads`), then times
 * queries itself (one at a time and as one batch, single-threaded via
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
import { AnnlabError } from '@annlab/core';
import type { Params } from '../suite.js';
import type { AlgorithmAdapter, BuildInput, BuiltIndex } from './adapter.js';
import { PY_TIME_QUERIES, PythonServer, buildInSubprocess, findPython, pythonUnavailableReason } from './python-peer.js';

/** What the server imports; {@link findPython} looks for an interpreter that can. */
const MODULES = 'faiss, numpy';

/** The Python side: a line-oriented JSON server over stdin/stdout. */
const SERVER = String.raw`
import json, sys, time
import numpy as np
import faiss
faiss.omp_set_num_threads(1)
index = None
${PY_TIME_QUERIES}
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
            faiss.omp_set_num_threads(int(cmd.get("threads", 1)))
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
            faiss.omp_set_num_threads(1)
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
            k = cmd["k"]
            reply(time_queries(lambda row: searcher.search(row, k)[1], lambda qs: searcher.search(qs, k),
                               q, k, cmd["repeats"], cmd["idsOut"], cmd["latOut"]))
        else:
            reply({"ok": False, "error": "unknown command"})
    except Exception as e:
        reply({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
`;

/** FAISS through `python3 -c "import faiss"`; see the module comment for its parameters. */
export class FaissAdapter implements AlgorithmAdapter {
  readonly name = 'faiss';
  readonly kind = 'native' as const;

  async unavailableReason(): Promise<string | null> {
    return pythonUnavailableReason('Python FAISS', MODULES, 'install python3-faiss or faiss-cpu');
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const pythonPath = findPython(MODULES);
    if (pythonPath === null) throw new AnnlabError('NOT_FOUND', (await this.unavailableReason()) ?? 'no Python FAISS');
    const server = new PythonServer('faiss', pythonPath, SERVER);
    const { index: factory = 'HNSW32', ...rest } = params;
    const metric = input.metric;
    return buildInSubprocess(
      server,
      input,
      { dim: input.dim, metric, factory: String(factory), params: rest, threads: input.threads ?? 1 },
      (sp) => ({ metric, params: sp }),
    );
  }
}
