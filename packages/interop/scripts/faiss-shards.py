#!/usr/bin/env python3
"""Serve exported annlab parts with FAISS's own IndexShards (docs/beyond-one-machine.md).

    /usr/bin/python3 faiss-shards.py <queries.f32> <dim> <k> <out-prefix> part0.faiss part1.faiss ...

Each part is an index file annlab wrote (exportFaiss / `annlab export --to faiss`) over a
contiguous slice of the data, ids 0..size-1 within it. IndexShards(successive_ids=True) adds
each part's offset back, so the global id of row r of part p is (rows before p) + r. Writes
<out-prefix>.ids (int64) and <out-prefix>.dist (float32), nq x k.
"""
import sys

import faiss
import numpy as np

queries, dim, k, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
xq = np.fromfile(queries, dtype='float32').reshape(-1, dim)
shards = faiss.IndexShards(dim, False, True)  # not threaded, successive ids
parts = [faiss.read_index(p) for p in sys.argv[5:]]
for part in parts:
    shards.add_shard(part)
dist, ids = shards.search(xq, k)
ids.astype('int64').tofile(prefix + '.ids')
dist.astype('float32').tofile(prefix + '.dist')
print('IndexShards over', len(parts), 'parts,', shards.ntotal, 'vectors; searched', len(xq), 'queries')
