#!/usr/bin/env python3
"""hnswlib's side of @annlab/interop's data tests (test/hnswlib.data.test.ts).

  hnswlib-check.py search <index file> <space> <dim> <queries.f32> <k> <ef> <out.i64>
      load an index file with hnswlib and write the labels it returns (nq × k int64)
  hnswlib-check.py build <base.f32> <space> <dim> <M> <efConstruction> <out index file>
      build an index with hnswlib (one thread, seed 100) and save it
"""
import sys

import hnswlib
import numpy as np


def main(argv):
    mode = argv[1]
    if mode == 'search':
        path, space, dim, qpath, k, ef, out = argv[2:9]
        dim, k, ef = int(dim), int(k), int(ef)
        index = hnswlib.Index(space=space, dim=dim)
        index.load_index(path)
        index.set_ef(ef)
        q = np.fromfile(qpath, dtype=np.float32).reshape(-1, dim)
        labels, _ = index.knn_query(q, k=k, num_threads=1)
        labels.astype(np.int64).tofile(out)
    elif mode == 'build':
        bpath, space, dim, M, efc, out = argv[2:8]
        dim = int(dim)
        base = np.fromfile(bpath, dtype=np.float32).reshape(-1, dim)
        index = hnswlib.Index(space=space, dim=dim)
        index.init_index(max_elements=len(base), M=int(M), ef_construction=int(efc), random_seed=100)
        index.add_items(base, np.arange(len(base)), num_threads=1)
        index.save_index(out)
    else:
        raise SystemExit(f'unknown mode {mode}')


if __name__ == '__main__':
    main(sys.argv)
