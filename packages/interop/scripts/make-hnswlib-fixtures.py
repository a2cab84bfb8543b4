#!/usr/bin/env python3
"""Write the hnswlib fixtures of @annlab/interop's unit tests (test/fixtures/hnswlib-*).

Run from the repository root with a Python that has hnswlib and numpy (Debian:
python3-hnswlib):  /usr/bin/python3 packages/interop/scripts/make-hnswlib-fixtures.py

Each fixture is a small index saved by hnswlib's own saveIndex, plus the queries and the
labels hnswlib returned for them (test/fixtures/hnswlib-expected.json), so the unit tests
check annlab's reader and search against hnswlib without hnswlib installed.
"""
import json
import os

import hnswlib
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
N, DIM, NQ, K, EF, M = 100, 8, 20, 5, 10, 6

rng = np.random.default_rng(7)
centres = rng.normal(size=(5, DIM)) * 2
base = (centres[rng.integers(0, 5, N)] + rng.normal(size=(N, DIM)) * 0.3).astype(np.float32)
queries = (centres[rng.integers(0, 5, NQ)] + rng.normal(size=(NQ, DIM)) * 0.3).astype(np.float32)

expected = {'dim': DIM, 'k': K, 'ef': EF, 'queries': queries.ravel().tolist(), 'files': {}}


def build(space, labels=None):
    index = hnswlib.Index(space=space, dim=DIM)
    index.init_index(max_elements=N, ef_construction=40, M=M, random_seed=100)
    index.add_items(base, labels if labels is not None else np.arange(N), num_threads=1)
    return index


def save(name, index, space):
    path = os.path.join(OUT, name)
    index.save_index(path)
    index.set_ef(EF)
    labels, _ = index.knn_query(queries, k=K, num_threads=1)
    expected['files'][name] = {'space': space, 'labels': labels.astype(int).ravel().tolist()}


for space in ('l2', 'ip', 'cosine'):
    save(f'hnswlib-{space}.bin', build(space), space)

# Non-dense labels and deletions: labels 1000 + 7·i, three elements marked deleted.
sparse = build('l2', labels=1000 + 7 * np.arange(N))
for label in (1000 + 7 * 3, 1000 + 7 * 50, 1000 + 7 * 77):
    sparse.mark_deleted(label)
save('hnswlib-l2-sparse-deleted.bin', sparse, 'l2')

with open(os.path.join(OUT, 'hnswlib-expected.json'), 'w') as f:
    json.dump(expected, f)
