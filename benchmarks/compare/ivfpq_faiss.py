"""FAISS side of benchmarks/compare/ivfpq.ts (run by it as a subprocess; single thread).

    /usr/bin/python3 benchmarks/compare/ivfpq_faiss.py '<json config>' <out dir>

Reads Fashion-MNIST (gzipped IDX), builds IndexIVFFlat / IndexIVFPQ (+ IndexRefineFlat) as
configured, sweeps nprobe one query at a time, writes each sweep point's result ids as raw
int32 (nq x k) to <out dir>/<name>-<nprobe>-<rerank>.i32 and prints one JSON line per build
and per sweep point. Recall is computed by the TypeScript side, with the same rule as annlab.
"""
import gzip
import json
import sys
import time

import faiss
import numpy as np


def read_idx(path, limit):
    with gzip.open(path, "rb") as f:
        b = f.read()
    n = min(limit, int.from_bytes(b[4:8], "big"))
    dim = int.from_bytes(b[8:12], "big") * int.from_bytes(b[12:16], "big")
    return np.frombuffer(b, dtype=np.uint8, count=n * dim, offset=16).reshape(n, dim).astype("float32")


def main():
    cfg = json.loads(sys.argv[1])
    out = sys.argv[2]
    faiss.omp_set_num_threads(1)
    d = cfg["datasets"]
    base = read_idx(f"{d}/fashion-mnist/train-images-idx3-ubyte.gz", cfg.get("nBase", 60000))
    queries = read_idx(f"{d}/fashion-mnist/t10k-images-idx3-ubyte.gz", cfg["nq"])
    nq, dim = queries.shape
    k = cfg["k"]
    for run in cfg["runs"]:
        quantizer = faiss.IndexFlatL2(dim)
        if run["kind"] == "ivfflat":
            ivf = faiss.IndexIVFFlat(quantizer, dim, run["nlist"])
            index = ivf
        else:
            ivf = faiss.IndexIVFPQ(quantizer, dim, run["nlist"], run["m"], run["nbits"])
            index = faiss.IndexRefineFlat(ivf)
        t = time.perf_counter()
        index.train(base)
        train_s = time.perf_counter() - t
        t = time.perf_counter()
        index.add(base)
        add_s = time.perf_counter() - t
        if run["kind"] == "ivfflat":
            bytes_per_vector = dim * 4 + 8
        else:
            bytes_per_vector = ivf.code_size + 8  # codes + int64 ids; RefineFlat adds 4 * dim
        print(json.dumps({"name": run["name"], "event": "build", "trainSeconds": train_s, "addSeconds": add_s,
                          "bytesPerVector": bytes_per_vector, "precomputed": getattr(ivf, "use_precomputed_table", None)}), flush=True)
        for rerank in run.get("rerank", [0]):
            for nprobe in run["nprobe"]:
                ivf.nprobe = nprobe
                searcher = ivf
                if rerank > 0:
                    index.k_factor = rerank
                    searcher = index
                for i in range(min(50, nq)):  # warm-up
                    searcher.search(queries[i:i + 1], k)
                ids = np.empty((nq, k), dtype="int32")
                t = time.perf_counter()
                for i in range(nq):
                    _, labels = searcher.search(queries[i:i + 1], k)
                    ids[i] = labels[0]
                elapsed = time.perf_counter() - t
                path = f"{out}/{run['name']}-{nprobe}-{rerank}.i32"
                ids.tofile(path)
                print(json.dumps({"name": run["name"], "event": "point", "nprobe": nprobe, "rerank": rerank,
                                  "qps": nq / elapsed, "ids": path}), flush=True)


if __name__ == "__main__":
    main()
