#!/usr/bin/env python3
"""Write the small FAISS index files the @annlab/interop unit tests read.

Run with a Python that has FAISS (Debian: `apt-get install python3-faiss`):

    /usr/bin/python3 packages/interop/scripts/make-faiss-fixtures.py

It writes packages/interop/test/fixtures/faiss/*.faiss (each a few KB: 200 vectors of
dimension 8, drawn from a fixed seed) and expected.json: the queries, and for every file the
search parameters and the ids and distances FAISS itself returned, so that the unit tests
can check that annlab answers those queries the same way without FAISS installed.
"""
import json
import os

import faiss
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'faiss')
N, D, NQ, K = 200, 8, 10, 5

rng = np.random.RandomState(1234)
centres = rng.normal(0, 2, size=(6, D))
xb = (centres[rng.randint(0, 6, size=N)] + rng.normal(0, 0.5, size=(N, D))).astype('float32')
xq = (centres[rng.randint(0, 6, size=NQ)] + rng.normal(0, 0.5, size=(NQ, D))).astype('float32')


def ivf_flat(metric):
    quantizer = faiss.IndexFlatL2(D) if metric == faiss.METRIC_L2 else faiss.IndexFlatIP(D)
    index = faiss.IndexIVFFlat(quantizer, D, 8, metric)
    index.own_fields = True
    quantizer.this.disown()
    index.train(xb)
    index.add(xb)
    index.nprobe = 3
    return index


def ivf_pq(metric, add=True):
    quantizer = faiss.IndexFlatL2(D) if metric == faiss.METRIC_L2 else faiss.IndexFlatIP(D)
    index = faiss.IndexIVFPQ(quantizer, D, 4, 4, 4, metric)
    index.own_fields = True
    quantizer.this.disown()
    index.do_polysemous_training = False
    index.train(xb)
    if add:
        index.add(xb)
    index.nprobe = 2
    return index


def hnsw(metric):
    index = faiss.IndexHNSWFlat(D, 6, metric)
    index.hnsw.efConstruction = 40
    index.add(xb)
    index.hnsw.efSearch = 12
    return index


def pca_flat():
    pca = faiss.PCAMatrix(D, 4)
    index = faiss.IndexPreTransform(pca, faiss.IndexFlatL2(4))
    index.train(xb)
    index.add(xb)
    return index


def refine_ivfpq():
    base = ivf_pq(faiss.METRIC_L2, add=False)
    index = faiss.IndexRefineFlat(base)
    base.this.disown()
    index.own_fields = True
    index.k_factor = 4
    index.add(xb)
    return index


builders = {
    'flat-l2': lambda: faiss.IndexFlatL2(D),
    'flat-ip': lambda: faiss.IndexFlatIP(D),
    'ivfflat-l2': lambda: ivf_flat(faiss.METRIC_L2),
    'ivfflat-ip': lambda: ivf_flat(faiss.METRIC_INNER_PRODUCT),
    'ivfpq-l2': lambda: ivf_pq(faiss.METRIC_L2),
    'ivfpq-ip': lambda: ivf_pq(faiss.METRIC_INNER_PRODUCT),
    'refine-ivfpq-l2': refine_ivfpq,
    'hnsw-l2': lambda: hnsw(faiss.METRIC_L2),
    'hnsw-ip': lambda: hnsw(faiss.METRIC_INNER_PRODUCT),
    'pca-flat-l2': pca_flat,
}

os.makedirs(OUT, exist_ok=True)
expected = {'faiss': faiss.__version__, 'dim': D, 'k': K, 'queries': xq.ravel().tolist(), 'base': xb.ravel().tolist(), 'files': {}}
for name, build in builders.items():
    index = build()
    if index.ntotal == 0:
        index.add(xb)
    path = os.path.join(OUT, name + '.faiss')
    faiss.write_index(index, path)
    # Search the file as loaded, as a user of the file would.
    loaded = faiss.read_index(path)
    dist, ids = loaded.search(xq, K)
    expected['files'][name] = {'ids': ids.ravel().tolist(), 'distances': [float(v) for v in dist.ravel()]}
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f)
    f.write('\n')
print('wrote', len(builders), 'files to', os.path.normpath(OUT))
