/**
 * The parameter ranges the documentation states are the ones the code enforces.
 *
 * Each package README has a parameter table with a `range` column. This test reads every such
 * table and, for each parameter with a numeric range (`2–1000`, `1–2^20`, `1–dim`, `≥ 1`) or a
 * list of literals (`'heuristic'`, `'simple'`), probes the constructor or the search at the
 * bounds: the bounds are accepted, one past them is refused with INVALID_PARAMETER (or, where
 * the table says so, clamped), and every listed literal is accepted. The options' doc comments
 * (anywhere under the package's `src/`) that state a range (`Range a–b`, `in [a, b]`,
 * `Integer ≥ a`) must state the same one. A numeric or literal row without a probe here, or a
 * probe whose row is gone, fails too, so the table and this file move together.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { Pca, PreTransformIndex } from '@annlab/pca';
import { RpForestIndex } from '@annlab/rpforest';
import { VamanaIndex } from '@annlab/vamana';
import { expectCode } from '@annlab/test-kit';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

// ---------------------------------------------------------------------------------------------
// Reading the tables

/** A bound: a number, or a symbol (`dim`, `nlist`) the probe binds to a number. */
type Bound = number | string;

/** What a range cell says. */
type Range = { kind: 'int'; lo: number; hi: Bound; clamped: boolean } | { kind: 'enum'; values: string[] } | { kind: 'text' };

interface Row {
  /** `packages/hnsw/README.md › Parameters › M` */
  key: string;
  file: string;
  name: string;
  cell: string;
  range: Range;
}

function bound(token: string): Bound {
  if (/^\d+$/.test(token)) return Number(token);
  const pow = /^(\d+)\^(\d+)$/.exec(token);
  if (pow) return Number(pow[1]) ** Number(pow[2]);
  return token;
}

/** Parse a range cell: the text before any parenthesised remark. */
export function parseRange(cell: string): Range {
  const clamped = /clamped/.test(cell);
  const head = cell.replace(/\s*\(.*$/, '').trim();
  const span = /^(?:`'[^']*'` or )?([\w^]+)\s*(?:–|…)\s*([\w^]+)(?:,.*)?$/.exec(head);
  if (span && /^\d+$/.test(span[1])) return { kind: 'int', lo: Number(span[1]), hi: bound(span[2]), clamped };
  const atLeast = /^≥\s*(\d+)$/.exec(head);
  if (atLeast) return { kind: 'int', lo: Number(atLeast[1]), hi: Number.POSITIVE_INFINITY, clamped };
  if (/^`'[^']*'`(?:,\s*`'[^']*'`)*$/.test(head)) {
    return { kind: 'enum', values: [...head.matchAll(/`'([^']*)'`/g)].map((m) => m[1]) };
  }
  return { kind: 'text' };
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** Every row of every table with a `range` column in one markdown file. */
function rangeRows(file: string): Row[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const rows: Row[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6}\s+(.+)$/.exec(lines[i]);
    if (h) heading = h[1].trim();
    if (!lines[i].startsWith('|') || !lines[i + 1]?.startsWith('|---')) continue;
    const header = cells(lines[i]);
    const col = header.indexOf('range');
    i += 2;
    for (; i < lines.length && lines[i].startsWith('|'); i++) {
      if (col < 0) continue;
      const c = cells(lines[i]);
      const name = /^`(\w+)`$/.exec(c[0]);
      if (!name) continue;
      rows.push({ key: `${file} › ${heading} › ${name[1]}`, file, name: name[1], cell: c[col], range: parseRange(c[col]) });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Reading the doc comments

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.generated.ts')) out.push(p);
  }
  return out;
}

/** The ranges stated in doc comments on members called `name` under `srcDir`, with where. */
function docRanges(srcDir: string, name: string): { where: string; lo: number; hi: Bound }[] {
  const out: { where: string; lo: number; hi: Bound }[] = [];
  const member = new RegExp(String.raw`/\*\*((?:(?!\*/)[\s\S])*)\*/\s*(?:readonly\s+)?${name}\??:`, 'g');
  for (const file of sourceFiles(join(root, srcDir))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(member)) {
      const doc = m[1].replace(/\s*\n\s*\*\s?/g, ' ');
      const where = `${file.slice(root.length + 1)}: ${name}`;
      for (const r of doc.matchAll(/\bRange ([\w^]+)\s*(?:–|…)\s*([\w^]+)/g)) out.push({ where, lo: Number(r[1]), hi: bound(r[2]) });
      for (const r of doc.matchAll(/\bin \[([\w^]+), ([\w^]+)\]/g)) out.push({ where, lo: Number(r[1]), hi: bound(r[2]) });
      for (const r of doc.matchAll(/(?:\bRange|\b[Ii]nteger|\() ≥ (\d+)/g)) {
        out.push({ where, lo: Number(r[1]), hi: Number.POSITIVE_INFINITY });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Probes: one per documented parameter; each calls the code with one value and throws on refusal

const DIM = 8;
const N = 64;
const NLIST = 4;
const data = new Float32Array(N * DIM);
for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 1.7) * 3 + (i % 5);
const query = data.slice(0, DIM);

type Probe = (value: unknown) => void;

interface Spec {
  /** Calls of the code under test, one per class the row covers. */
  probes: Probe[];
  /** Values of the symbolic bounds (`dim`, `nlist`) in the probes' setting. */
  symbols?: Record<string, number>;
}

let hnsw: HnswIndex | null = null;
let forest: RpForestIndex | null = null;
let ivfFlat: IvfFlatIndex | null = null;
let ivfPq: IvfPqIndex | null = null;
let preTransform: PreTransformIndex | null = null;
let vamana: VamanaIndex | null = null;

function builtHnsw(): HnswIndex {
  if (hnsw === null) {
    hnsw = new HnswIndex({ dim: DIM, seed: 1 });
    hnsw.add(data);
  }
  return hnsw;
}
function builtForest(): RpForestIndex {
  if (forest === null) {
    forest = new RpForestIndex({ dim: DIM, seed: 1, nTrees: 4 });
    forest.add(data);
  }
  return forest;
}
function builtIvfFlat(): IvfFlatIndex {
  if (ivfFlat === null) {
    ivfFlat = new IvfFlatIndex({ dim: DIM, seed: 1, nlist: NLIST });
    ivfFlat.add(data);
  }
  return ivfFlat;
}
let ivfFlatSq: IvfFlatIndex | null = null;
function builtIvfFlatSq(): IvfFlatIndex {
  if (ivfFlatSq === null) {
    ivfFlatSq = new IvfFlatIndex({ dim: DIM, seed: 1, nlist: NLIST, encoding: 'sq8' });
    ivfFlatSq.add(data);
  }
  return ivfFlatSq;
}
let hnswSq: HnswIndex | null = null;
function builtHnswSq(): HnswIndex {
  if (hnswSq === null) {
    hnswSq = new HnswIndex({ dim: DIM, seed: 1, quantizer: 'sq8' });
    hnswSq.add(data);
  }
  return hnswSq;
}
function builtIvfPq(): IvfPqIndex {
  if (ivfPq === null) {
    ivfPq = new IvfPqIndex({ dim: DIM, seed: 1, nlist: NLIST, m: 2, nbits: 4, keepVectors: true });
    ivfPq.add(data);
  }
  return ivfPq;
}
function builtPreTransform(): PreTransformIndex {
  if (preTransform === null) {
    preTransform = new PreTransformIndex({ dim: DIM, seed: 1, components: 4, inner: (o) => new FlatIndex(o) });
    preTransform.add(data);
  }
  return preTransform;
}

function builtVamana(): VamanaIndex {
  if (vamana === null) {
    vamana = new VamanaIndex({ dim: DIM, seed: 1, R: 8, L: 16 });
    vamana.add(data);
  }
  return vamana;
}

// The probes pass values the option types do not admit (that is the point), hence `as never`.
const hnswOption =
  (key: string): Probe =>
  (v) =>
    void new HnswIndex({ dim: DIM, [key]: v as never });
const forestOption =
  (key: string): Probe =>
  (v) =>
    void new RpForestIndex({ dim: DIM, [key]: v as never });
const ivfFlatOption =
  (key: string): Probe =>
  (v) =>
    void new IvfFlatIndex({ dim: DIM, [key]: v as never });
const ivfPqOption =
  (key: string): Probe =>
  (v) =>
    void new IvfPqIndex({ dim: DIM, m: 2, [key]: v as never });
const pcaOption =
  (key: string): Probe =>
  (v) =>
    void new Pca({ dim: DIM, components: 2, [key]: v as never });
const preTransformOption =
  (key: string): Probe =>
  (v) =>
    void new PreTransformIndex({ dim: DIM, components: 2, inner: (o) => new FlatIndex(o), [key]: v as never });

const vamanaOption =
  (key: string): Probe =>
  (v) =>
    void new VamanaIndex({ dim: DIM, [key]: v as never });

// LSH: a small K keeps every table's probing sequence short (3^4 buckets), so probes at its
// upper bound stays quick.
let lsh: LshIndex | null = null;
function builtLsh(): LshIndex {
  if (lsh === null) {
    lsh = new LshIndex({ dim: DIM, seed: 1, L: 2, K: 4 });
    lsh.add(data);
  }
  return lsh;
}
const lshOption =
  (key: string): Probe =>
  (v) =>
    void new LshIndex({ dim: DIM, [key]: v as never });
const LSH = 'packages/lsh/README.md › Parameters';

let nnd: NnDescentIndex | null = null;
function builtNnDescent(): NnDescentIndex {
  if (nnd === null) {
    nnd = new NnDescentIndex({ dim: DIM, seed: 1, nNeighbors: 8 });
    nnd.add(data);
  }
  return nnd;
}
const nndOption =
  (key: string): Probe =>
  (v) =>
    void new NnDescentIndex({ dim: DIM, [key]: v as never });
const NND = 'packages/nndescent/README.md › Parameters';

const HNSW = 'packages/hnsw/README.md › Parameters';
const VAMANA = 'packages/vamana/README.md › Parameters';
const FOREST = 'packages/rpforest/README.md › Parameters';
const IVF = 'packages/ivfpq/README.md › Parameters';
const PCA = 'packages/pca/README.md › `Pca` options';
const PRE = 'packages/pca/README.md › `PreTransformIndex` options and search parameters';

const SPECS: Record<string, Spec> = {
  [`${HNSW} › M`]: { probes: [hnswOption('M')] },
  [`${HNSW} › efConstruction`]: { probes: [hnswOption('efConstruction')] },
  [`${HNSW} › neighborSelection`]: { probes: [hnswOption('neighborSelection')] },
  // 2^20 nodes × (dim + 2M + 1) values fit the 1 GiB up-front limit at DIM = 8, M = 16.
  [`${HNSW} › capacity`]: { probes: [hnswOption('capacity')] },
  [`${HNSW} › kernels`]: { probes: [hnswOption('kernels')] },
  [`${HNSW} › efSearch`]: { probes: [(v) => void builtHnsw().search(query, 5, { efSearch: v as number })] },
  [`${HNSW} › quantizer`]: { probes: [hnswOption('quantizer')] },
  [`${HNSW} › rerank`]: { probes: [(v) => void builtHnswSq().search(query, 5, { rerank: v as number })] },

  [`${VAMANA} › R`]: { probes: [vamanaOption('R')] },
  [`${VAMANA} › L`]: { probes: [vamanaOption('L')] },
  [`${VAMANA} › metric`]: { probes: [vamanaOption('metric')] },
  [`${VAMANA} › kernels`]: { probes: [vamanaOption('kernels')] },
  [`${VAMANA} › searchL`]: { probes: [(v) => void builtVamana().search(query, 5, { searchL: v as number })] },

  [`${FOREST} › nTrees`]: { probes: [forestOption('nTrees')] },
  [`${FOREST} › leafSize`]: { probes: [forestOption('leafSize')] },
  [`${FOREST} › metric`]: { probes: [forestOption('metric')] },
  [`${FOREST} › kernels`]: { probes: [forestOption('kernels')] },
  [`${FOREST} › searchK`]: { probes: [(v) => void builtForest().search(query, 5, { searchK: v as number })] },

  [`${IVF} › nlist`]: { probes: [ivfFlatOption('nlist'), ivfPqOption('nlist')] },
  [`${IVF} › niter`]: { probes: [ivfFlatOption('niter'), ivfPqOption('niter')] },
  [`${IVF} › init`]: { probes: [ivfFlatOption('init'), ivfPqOption('init')] },
  [`${IVF} › maxPointsPerCentroid`]: { probes: [ivfFlatOption('maxPointsPerCentroid'), ivfPqOption('maxPointsPerCentroid')] },
  [`${IVF} › m`]: { probes: [(v) => void new IvfPqIndex({ dim: DIM, m: v as number })], symbols: { dim: DIM } },
  [`${IVF} › nbits`]: { probes: [ivfPqOption('nbits')] },
  [`${IVF} › pqNiter`]: { probes: [ivfPqOption('pqNiter')] },
  [`${IVF} › precomputedTableMaxBytes`]: { probes: [ivfPqOption('precomputedTableMaxBytes')] },
  [`${IVF} › kernels`]: { probes: [ivfFlatOption('kernels'), ivfPqOption('kernels')] },
  [`${IVF} › nprobe`]: {
    probes: [
      (v) => void builtIvfFlat().search(query, 5, { nprobe: v as number }),
      (v) => void builtIvfPq().search(query, 5, { nprobe: v as number }),
    ],
    symbols: { nlist: NLIST },
  },
  [`${IVF} › rerank`]: {
    probes: [
      (v) => void builtIvfPq().search(query, 5, { rerank: v as number }),
      (v) => void builtIvfFlatSq().search(query, 5, { rerank: v as number }),
    ],
  },
  [`${IVF} › encoding`]: { probes: [ivfFlatOption('encoding')] },

  [`${PCA} › dim`]: { probes: [(v) => void new Pca({ dim: v as number, components: 1 })] },
  [`${PCA} › components`]: { probes: [(v) => void new Pca({ dim: DIM, components: v as number })], symbols: { dim: DIM } },
  [`${PCA} › solver`]: { probes: [pcaOption('solver')] },
  [`${PCA} › oversampling`]: { probes: [pcaOption('oversampling'), preTransformOption('oversampling')] },
  [`${PCA} › powerIterations`]: { probes: [pcaOption('powerIterations'), preTransformOption('powerIterations')] },

  [`${PRE} › components`]: { probes: [preTransformOption('components')], symbols: { dim: DIM } },
  [`${PRE} › rerank`]: { probes: [(v) => void builtPreTransform().search(query, 5, { rerank: v as number })] },
  [`${LSH} › L`]: { probes: [lshOption('L')] },
  [`${LSH} › K`]: { probes: [lshOption('K')] },
  [`${LSH} › metric`]: { probes: [lshOption('metric')] },
  [`${LSH} › kernels`]: { probes: [lshOption('kernels')] },
  [`${LSH} › probes`]: { probes: [(v) => void builtLsh().search(query, 5, { probes: v as number })] },
  [`${LSH} › maxCandidates`]: { probes: [(v) => void builtLsh().search(query, 5, { maxCandidates: v as number })] },
  [`${NND} › nNeighbors`]: { probes: [nndOption('nNeighbors')] },
  [`${NND} › maxIterations`]: { probes: [nndOption('maxIterations')] },
  [`${NND} › nTrees`]: { probes: [nndOption('nTrees')] },
  [`${NND} › leafSize`]: { probes: [nndOption('leafSize')] },
  [`${NND} › metric`]: { probes: [nndOption('metric')] },
  [`${NND} › kernels`]: { probes: [nndOption('kernels')] },
  [`${NND} › efSearch`]: { probes: [(v) => void builtNnDescent().search(query, 5, { efSearch: v as number })] },
};

const READMES = [
  'packages/flat/README.md',
  'packages/rpforest/README.md',
  'packages/hnsw/README.md',
  'packages/ivfpq/README.md',
  'packages/pca/README.md',
  'packages/lsh/README.md',
  'packages/vamana/README.md',
  'packages/nndescent/README.md',
];

const rows = READMES.flatMap(rangeRows);
const checked = rows.filter((r) => r.range.kind !== 'text');

function resolveBound(b: Bound, spec: Spec, key: string): number {
  if (typeof b === 'number') return b;
  const v = spec.symbols?.[b];
  if (v === undefined) throw new Error(`${key}: the probe does not say what '${b}' is (symbols)`);
  return v;
}

function accepts(probe: Probe, value: unknown, what: string): void {
  expect(() => probe(value), what).not.toThrow();
}

describe('documented parameter ranges', () => {
  it('the range cells parse', () => {
    expect(parseRange('2–1000 (8–48 typical)')).toEqual({ kind: 'int', lo: 2, hi: 1000, clamped: false });
    expect(parseRange('1–2^20')).toEqual({ kind: 'int', lo: 1, hi: 1 << 20, clamped: false });
    expect(parseRange('1–nlist (larger values are clamped to nlist)')).toEqual({ kind: 'int', lo: 1, hi: 'nlist', clamped: true });
    expect(parseRange("`'auto'` or 0–1000")).toEqual({ kind: 'int', lo: 0, hi: 1000, clamped: false });
    expect(parseRange('≥ 1')).toEqual({ kind: 'int', lo: 1, hi: Number.POSITIVE_INFINITY, clamped: false });
    expect(parseRange("`'auto'`, `'js'`, `'simd'`")).toEqual({ kind: 'enum', values: ['auto', 'js', 'simd'] });
    expect(parseRange('any safe integer')).toEqual({ kind: 'text' });
  });

  it('every README states ranges in a table, and every numeric or literal row has a probe here', () => {
    for (const file of READMES.filter((f) => !f.includes('/flat/'))) {
      expect(
        rows.some((r) => r.file === file),
        `${file} has no parameter table with a range column`,
      ).toBe(true);
    }
    const missing = checked.filter((r) => SPECS[r.key] === undefined).map((r) => `${r.key} (${r.cell})`);
    expect(missing, 'rows without a probe in docs-parameters.test.ts').toEqual([]);
    const stale = Object.keys(SPECS).filter((k) => !checked.some((r) => r.key === k));
    expect(stale, 'probes whose README row is gone or no longer states a range').toEqual([]);
  });

  for (const row of checked) {
    const spec = SPECS[row.key];
    if (spec === undefined) continue;
    const range = row.range;
    it(`${row.key}: ${row.cell}`, () => {
      for (const probe of spec.probes) {
        if (range.kind === 'enum') {
          for (const v of range.values) accepts(probe, v, `${row.name} = '${v}' is documented`);
          expectCode(() => probe('no-such-value'), 'INVALID_PARAMETER');
          continue;
        }
        if (range.kind !== 'int') continue;
        const lo = range.lo;
        const hi = resolveBound(range.hi, spec, row.key);
        accepts(probe, lo, `${row.name} = ${lo} (the lower bound) is documented`);
        expectCode(() => probe(lo - 1), 'INVALID_PARAMETER');
        expectCode(() => probe(lo + 0.5), 'INVALID_PARAMETER');
        if (hi === Number.POSITIVE_INFINITY) {
          accepts(probe, lo + (1 << 20), `${row.name} has no documented upper bound`);
        } else if (range.clamped) {
          accepts(probe, hi, `${row.name} = ${hi} (the upper bound) is documented`);
          accepts(probe, hi + 1, `${row.name} above ${hi} is documented as clamped`);
        } else {
          accepts(probe, hi, `${row.name} = ${hi} (the upper bound) is documented`);
          expectCode(() => probe(hi + 1), 'INVALID_PARAMETER');
        }
      }
    });
  }

  it('doc comments that state a range state the README one', () => {
    const wrong: string[] = [];
    let seen = 0;
    for (const row of checked) {
      if (row.range.kind !== 'int') continue;
      const src = row.file.replace(/README\.md$/, 'src');
      for (const d of docRanges(src, row.name)) {
        seen++;
        if (d.lo !== row.range.lo || d.hi !== row.range.hi) wrong.push(`${d.where} says ${d.lo}–${d.hi}, ${row.key} says ${row.cell}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(seen, 'no doc comment stated a range: has the pattern stopped matching?').toBeGreaterThan(5);
  });
});
