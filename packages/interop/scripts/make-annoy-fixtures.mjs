#!/usr/bin/env node
/**
 * Write the Annoy fixtures of @annlab/interop's unit tests (test/fixtures/annoy-*): small
 * indexes saved by Annoy itself (the npm `annoy` binding, Angular and Euclidean), plus the
 * queries and the ids Annoy returned for them (annoy-expected.json).
 *
 * Run from the repository root: node packages/interop/scripts/make-annoy-fixtures.mjs
 * The dot-product fixture comes from make-annoy-dot-fixture.cpp (the binding has no dot).
 */
import { createRequire } from 'node:module';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', '..', 'benchmarks', 'package.json'));
const Annoy = require('annoy');
const OUT = join(here, '..', 'test', 'fixtures');
const N = 100,
  DIM = 8,
  NQ = 20,
  K = 5,
  TREES = 5;

// A small seeded generator (mulberry32) so the data never changes.
let state = 12345;
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gauss() {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
const centres = Array.from({ length: 5 }, () => Array.from({ length: DIM }, () => 2 * gauss()));
const point = () => {
  const c = centres[Math.floor(rand() * 5)];
  return c.map((x) => Math.fround(x + 0.3 * gauss()));
};
const base = Array.from({ length: N }, point);
const queries = Array.from({ length: NQ }, point);

const expectedFile = join(OUT, 'annoy-expected.json');
const expected = existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, 'utf8')) : { files: {} };
Object.assign(expected, { dim: DIM, k: K, queries: queries.flat() });

function make(name, metric, skip) {
  const index = new Annoy(DIM, metric);
  for (let i = 0; i < N; i++) if (!skip.includes(i)) index.addItem(i, base[i]);
  index.build(TREES);
  const file = join(OUT, name);
  index.save(file);
  const results = {};
  for (const searchK of [20, 60, -1]) {
    results[searchK] = queries.flatMap((q) => {
      const ids = index.getNNsByVector(q, K, searchK, false);
      return [...ids, ...Array(K - ids.length).fill(-1)];
    });
  }
  expected.files[name] = { metric, results };
}

make('annoy-angular.ann', 'Angular', []);
make('annoy-euclidean.ann', 'Euclidean', []);
make('annoy-euclidean-holes.ann', 'Euclidean', [5, 40]);
writeFileSync(expectedFile, JSON.stringify(expected));
