"""scikit-learn's PCA on Fashion-MNIST, timed the same way as benchmarks/compare/pca.ts.

Run by pca.ts as a subprocess (Debian: apt-get install -y python3-sklearn):
    /usr/bin/python3 benchmarks/compare/pca_sklearn.py <train-images-idx3-ubyte.gz> <n> <components> <repeats> [dtypes]
Prints one JSON object: per input dtype (default "float32,float64") and solver, the best fit
time over the repeats and the sum of explained_variance_ratio_, plus the versions.
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.decomposition import PCA


def read_idx(path, max_rows):
    with gzip.open(path, "rb") as f:
        buf = f.read()
    rows = min(max_rows, int.from_bytes(buf[4:8], "big"))
    dim = int.from_bytes(buf[8:12], "big") * int.from_bytes(buf[12:16], "big")
    return np.frombuffer(buf, dtype=np.uint8, count=rows * dim, offset=16).reshape(rows, dim)


def main():
    path, n, components, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    dtypes = (sys.argv[5] if len(sys.argv) > 5 else "float32,float64").split(",")
    raw = read_idx(path, n)
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "n": raw.shape[0], "dim": raw.shape[1],
           "components": components, "threads": os.environ.get("OMP_NUM_THREADS", "default"), "solvers": {}}
    for dtype in dtypes:
        x = raw.astype(dtype)
        for solver in ("randomized", "full"):
            best = float("inf")
            ratio = 0.0
            for _ in range(repeats):
                pca = PCA(n_components=components, svd_solver=solver, random_state=42)
                t0 = time.perf_counter()
                pca.fit(x)
                best = min(best, time.perf_counter() - t0)
                ratio = float(np.sum(pca.explained_variance_ratio_))
            out["solvers"][f"{solver} {dtype}"] = {"seconds": best, "explainedVarianceRatio": ratio,
                                                   "firstEigenvalue": float(pca.explained_variance_[0]),
                                                   "lastEigenvalue": float(pca.explained_variance_[-1])}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
