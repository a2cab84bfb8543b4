#!/usr/bin/env python3
"""FAISS's side of the interop data suite (packages/interop/test/faiss.data.test.ts).

    /usr/bin/python3 faiss-check.py <dir>

<dir>/spec.json lists the cases; <dir>/base.f32 and <dir>/queries.f32 hold the vectors
(float32, row-major, dim from the spec). For every case it
  1. loads annlab-<case>.faiss (written by annlab's exportFaiss) with faiss.read_index and
     searches the queries with the settings stored in the file, writing
     annlab-<case>.ids (int64) and .dist (float32);
  2. builds FAISS's own index of the same kind from the factory string in the spec, sets
     the same search settings, writes it to faiss-<case>.faiss, and writes what FAISS
     answers to faiss-<case>.ids / .dist, for annlab to load the file and compare.
"""
import json
import os
import sys

import faiss
import numpy as np

d = sys.argv[1]
spec = json.load(open(os.path.join(d, 'spec.json')))
dim, k = spec['dim'], spec['k']
xb = np.fromfile(os.path.join(d, 'base.f32'), dtype='float32').reshape(-1, dim)
xq = np.fromfile(os.path.join(d, 'queries.f32'), dtype='float32').reshape(-1, dim)


def save(prefix, index):
    dist, ids = index.search(xq, k)
    ids.astype('int64').tofile(prefix + '.ids')
    dist.astype('float32').tofile(prefix + '.dist')


for case in spec['cases']:
    name = case['name']
    exported = os.path.join(d, 'annlab-' + name + '.faiss')
    if os.path.exists(exported):
        save(os.path.join(d, 'annlab-' + name), faiss.read_index(exported))
    if 'factory' not in case:
        continue
    metric = faiss.METRIC_L2 if case.get('metric', 'l2') == 'l2' else faiss.METRIC_INNER_PRODUCT
    n = case.get('n', len(xb))
    index = faiss.index_factory(dim, case['factory'], metric)
    if 'efConstruction' in case:
        faiss.downcast_index(index).hnsw.efConstruction = case['efConstruction']
    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None and hasattr(ivf, 'do_polysemous_training'):
        faiss.downcast_index(ivf).do_polysemous_training = False
    index.train(xb[:n])
    index.add(xb[:n])
    ps = faiss.ParameterSpace()
    for key in ('nprobe', 'efSearch', 'k_factor_rf'):
        if key in case:
            ps.set_index_parameter(index, key, case[key])
    path = os.path.join(d, 'faiss-' + name + '.faiss')
    faiss.write_index(index, path)
    save(os.path.join(d, 'faiss-' + name), faiss.read_index(path))
print('faiss', faiss.__version__, 'checked', len(spec['cases']), 'cases')
