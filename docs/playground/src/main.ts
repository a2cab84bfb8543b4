/**
 * The playground page: data controls, one or two panels (side by side), each with an
 * algorithm, its knobs, a canvas, live counters, the result list and a play/step control
 * over the search the index recorded. Builds run in a Web Worker; the page loads the built
 * bytes and searches on its own thread, so a search knob or a dragged query answers at once.
 *
 * Hooks for the browser tests (and for anyone curious): each panel carries `data-status`
 * (`building`, `ready`, `error`), `data-build-ms`, and its result list carries `data-ids` and
 * `data-distances`; the canvas carries the query as `data-query` (its exact float32 values).
 *
 * @module
 */
import { FlatIndex } from '@annlab/flat';
import { resolveKernelBackend } from '@annlab/core';
import {
  ALGORITHMS,
  algorithmByName,
  initialParams,
  searchWithStats,
  type AlgorithmSpec,
  type LoadContext,
  type Model,
  type Params,
  type Step,
  type Trace,
} from './algorithms.ts';
import {
  fashionMnistDataset,
  maybeGunzip,
  parseIdxLabels,
  syntheticDataset,
  SYNTHETIC_KINDS,
  type Dataset,
  type SyntheticKind,
} from './data.ts';
import { boundingBox, Painter, View } from './draw.ts';
import type { BuildReply } from './worker.ts';

const CANVAS = 560;
const REAL = 'fashion-mnist';

interface Panel {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly controls: HTMLElement;
  readonly counters: HTMLElement;
  readonly results: HTMLOListElement;
  readonly stepLabel: HTMLElement;
  readonly stepRange: HTMLInputElement;
  readonly worker: Worker;
  spec: AlgorithmSpec;
  params: Params;
  model: Model | null;
  trace: Trace | null;
  step: number;
  buildId: number;
  timer: number;
  cache: { key: string; image: HTMLCanvasElement } | null;
}

const state = {
  kind: 'clusters' as string,
  n: 2000,
  seed: 42,
  k: 10,
  data: null as Dataset | null,
  ctx: null as LoadContext | null,
  exact: null as FlatIndex | null,
  query: new Float32Array([0.52, 0.48]),
  queryXy: [0.52, 0.48] as [number, number],
  realImages: null as Uint8Array | null,
  realLabels: null as Uint8Array | null,
};

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector(sel) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== '') e.textContent = text;
  return e;
}

function setStatus(text: string): void {
  $('#status').textContent = text;
}

// ---------------------------------------------------------------------------------------
// data

async function loadReal(): Promise<boolean> {
  if (state.realImages !== null) return true;
  setStatus('loading Fashion-MNIST …');
  try {
    const res = await fetch('data/fashion-mnist-t10k-images.bin');
    if (!res.ok) throw new Error(String(res.status));
    state.realImages = await maybeGunzip(new Uint8Array(await res.arrayBuffer()));
    const lab = await fetch('data/fashion-mnist-t10k-labels.bin');
    if (lab.ok) state.realLabels = parseIdxLabels(await maybeGunzip(new Uint8Array(await lab.arrayBuffer())));
    return true;
  } catch {
    setStatus('Fashion-MNIST is not bundled with this build: pick t10k-images-idx3-ubyte(.gz) with the file button.');
    return false;
  }
}

async function loadData(): Promise<void> {
  let data: Dataset;
  if (state.kind === REAL) {
    if (!(await loadReal()) || state.realImages === null) return;
    setStatus('projecting Fashion-MNIST with PCA …');
    await new Promise((r) => setTimeout(r, 0));
    data = fashionMnistDataset(state.realImages, state.realLabels, state.n, state.seed);
  } else {
    data = syntheticDataset(state.kind as SyntheticKind, state.n, state.seed);
  }
  setStatus('');
  state.data = data;
  const box = boundingBox(data.xy);
  state.ctx = { dim: data.dim, n: data.n, xy: data.xy, projected: data.projected, box };
  const exact = new FlatIndex({ dim: data.dim, metric: 'euclidean', seed: state.seed });
  exact.add(data.base);
  state.exact = exact;
  $('#data-note').textContent = data.projected
    ? `${data.name}: ${data.n} base images, searched in ${data.dim} dimensions. The picture is their projection on the first two principal components; links and cells live in ${data.dim}-D, so neighbours can look far apart here. Click to pick the held-out test image (of ${data.queries.length / data.dim}) nearest the click in the picture.`
    : `${data.name}: ${data.n} points, seed ${state.seed}. Click or drag to place the query.`;
  if (data.projected) placeQueryIndex(0);
  else if (state.query.length !== 2) setQuery2d(0.52, 0.48);
  for (const p of panels) {
    p.params = initialParams(p.spec, data.dim);
    renderControls(p);
    if (p.root.style.display === 'none') {
      p.buildId += 1;
      p.model = null;
      p.trace = null;
    } else rebuild(p);
  }
}

function setQuery2d(x: number, y: number): void {
  state.query = new Float32Array([x, y]);
  state.queryXy = [state.query[0], state.query[1]];
}

function placeQueryIndex(qi: number): void {
  const d = state.data as Dataset;
  state.query = d.queries.slice(qi * d.dim, (qi + 1) * d.dim);
  state.queryXy = [d.queriesXy[2 * qi], d.queriesXy[2 * qi + 1]];
  for (const p of panels) p.canvas.dataset.queryIndex = String(qi);
}

function placeQueryAt(x: number, y: number): void {
  const d = state.data;
  if (d === null) return;
  if (!d.projected) {
    setQuery2d(x, y);
    return;
  }
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < d.queriesXy.length / 2; i++) {
    const dx = d.queriesXy[2 * i] - x;
    const dy = d.queriesXy[2 * i + 1] - y;
    if (dx * dx + dy * dy < bestD) {
      bestD = dx * dx + dy * dy;
      best = i;
    }
  }
  placeQueryIndex(best);
}

// ---------------------------------------------------------------------------------------
// panels

function makePanel(slot: number, algorithm: string): Panel {
  const root = el('section', { class: 'panel', id: `panel-${slot}`, 'data-status': 'idle' });
  const head = el('div', { class: 'panel-head' });
  const select = el('select', { class: 'algorithm', 'aria-label': 'algorithm' });
  for (const a of ALGORITHMS) select.append(el('option', { value: a.name }, a.label));
  select.value = algorithm;
  head.append(select, el('span', { class: 'cite' }));
  const controls = el('div', { class: 'controls' });
  const canvas = el('canvas', { width: String(CANVAS), height: String(CANVAS), class: 'view' });
  const player = el('div', { class: 'player' });
  const buttons: [string, string][] = [
    ['restart', 'start'],
    ['back', '◀ back'],
    ['play', '▶ play'],
    ['step', 'step ▶'],
    ['end', 'end'],
  ];
  for (const [cls, label] of buttons) player.append(el('button', { class: cls, type: 'button', title: cls }, label));
  const stepRange = el('input', { type: 'range', class: 'step-range', min: '0', max: '0', value: '0' });
  const stepLabel = el('div', { class: 'step-label' });
  player.append(stepRange);
  const counters = el('dl', { class: 'counters' });
  const results = el('ol', { class: 'results' });
  root.append(head, controls, canvas, player, stepLabel, counters, el('h3', {}, 'results'), results);
  $('#panels').append(root);
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const spec = algorithmByName(algorithm);
  const panel: Panel = {
    root,
    canvas,
    controls,
    counters,
    results,
    stepLabel,
    stepRange,
    worker,
    spec,
    params: initialParams(spec, 2),
    model: null,
    trace: null,
    step: 0,
    buildId: 0,
    timer: 0,
    cache: null,
  };
  worker.onmessage = (e: MessageEvent<BuildReply>) => onBuilt(panel, e.data);
  select.addEventListener('change', () => {
    panel.spec = algorithmByName(select.value);
    panel.params = initialParams(panel.spec, state.data?.dim ?? 2);
    renderControls(panel);
    rebuild(panel);
  });
  player.querySelector('.restart')?.addEventListener('click', () => goto(panel, 0));
  player.querySelector('.back')?.addEventListener('click', () => goto(panel, panel.step - 1));
  player.querySelector('.step')?.addEventListener('click', () => goto(panel, panel.step + 1));
  player.querySelector('.end')?.addEventListener('click', () => goto(panel, Number.MAX_SAFE_INTEGER));
  player.querySelector('.play')?.addEventListener('click', () => togglePlay(panel));
  stepRange.addEventListener('input', () => goto(panel, Number(stepRange.value)));
  attachPointer(canvas);
  return panel;
}

function renderControls(p: Panel): void {
  const d = state.data;
  const dim = d?.dim ?? 2;
  const n = d?.n ?? state.n;
  (p.root.querySelector('.cite') as HTMLElement).textContent = p.spec.cite;
  p.controls.replaceChildren();
  if (p.spec.params.length === 0) p.controls.append(el('span', { class: 'hint' }, 'no knobs: exact search'));
  for (const s of p.spec.params) {
    const label = el('label', { title: s.doc, class: `param ${s.stage}` });
    const input = el('input', {
      type: 'range',
      name: s.key,
      min: String(s.min),
      max: String(s.max(dim, n)),
      step: String(s.step),
      value: String(p.params[s.key]),
    });
    const out = el('output', {}, String(p.params[s.key]));
    input.addEventListener('input', () => {
      p.params[s.key] = Number(input.value);
      out.textContent = input.value;
      if (s.stage === 'search') research(p);
    });
    input.addEventListener('change', () => {
      if (s.stage === 'build') rebuild(p);
    });
    label.append(el('span', {}, `${s.key}${s.stage === 'build' ? ' (build)' : ''}`), input, out);
    p.controls.append(label);
  }
}

function rebuild(p: Panel): void {
  const d = state.data;
  if (d === null) return;
  stopPlay(p);
  p.buildId += 1;
  p.model = null;
  p.root.dataset.status = 'building';
  p.stepLabel.textContent = `building ${p.spec.label} over ${d.n} vectors in a worker …`;
  const buildParams: Params = {};
  for (const s of p.spec.params) if (s.stage === 'build') buildParams[s.key] = p.params[s.key];
  p.root.dataset.params = JSON.stringify(p.params);
  p.worker.postMessage({ id: p.buildId, algorithm: p.spec.name, dim: d.dim, seed: state.seed, params: buildParams, base: d.base.slice() });
}

function onBuilt(p: Panel, reply: BuildReply): void {
  if (reply.id !== p.buildId || state.ctx === null) return;
  if ('error' in reply) {
    p.root.dataset.status = 'error';
    p.stepLabel.textContent = `build failed: ${reply.error}`;
    p.results.replaceChildren();
    return;
  }
  const t0 = performance.now();
  p.model = p.spec.load(reply.bytes, state.ctx);
  const loadMs = performance.now() - t0;
  p.cache = null;
  p.root.dataset.buildMs = reply.buildMs.toFixed(1);
  p.root.dataset.buildInfo = `${p.model.describe()}; built in ${reply.buildMs.toFixed(0)} ms (worker), loaded in ${loadMs.toFixed(0)} ms`;
  p.root.dataset.status = 'ready';
  research(p);
}

function research(p: Panel): void {
  const m = p.model;
  const d = state.data;
  if (m === null || d === null || state.exact === null) return;
  p.root.dataset.params = JSON.stringify(p.params);
  const k = Math.min(state.k, d.n);
  let trace: Trace;
  let found: ReturnType<typeof searchWithStats>;
  try {
    trace = m.trace(state.query, k, p.params);
    found = searchWithStats(m, state.query, k, p.params);
  } catch (err) {
    p.stepLabel.textContent = `search failed: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  // Time: repeat the search until 20 ms have passed.
  let reps = 0;
  const t0 = performance.now();
  do {
    m.index.search(state.query, k, m.searchParams(p.params));
    reps++;
  } while (performance.now() - t0 < 20 && reps < 10_000);
  const us = ((performance.now() - t0) / reps) * 1000;
  const truth = state.exact.search(state.query, k);
  const kth = truth.distances[k - 1];
  let hits = 0;
  for (let j = 0; j < k; j++) if (found.result.ids[j] >= 0 && found.result.distances[j] <= kth + 1e-6) hits++;
  p.trace = trace;
  p.step = trace.steps.length - 1;
  const rows: [string, string][] = [
    ['distance computations', String(found.stats.distanceComputations)],
    ['hops / visited', String(found.stats.hops)],
    [`recall@${k}`, (hits / k).toFixed(3)],
    ['search time', `${us < 1000 ? `${us.toFixed(1)} µs` : `${(us / 1000).toFixed(2)} ms`}`],
    ['trace steps', String(trace.steps.length)],
    ['build', p.root.dataset.buildInfo ?? ''],
    ['trace', trace.summary],
    ['kernels', resolveKernelBackend('auto') === 'simd' ? 'WebAssembly SIMD' : 'JavaScript'],
  ];
  p.counters.replaceChildren();
  for (const [k2, v] of rows) p.counters.append(el('dt', {}, k2), el('dd', { 'data-counter': k2 }, v));
  const ids: number[] = [];
  const dists: number[] = [];
  p.results.replaceChildren();
  for (let j = 0; j < k; j++) {
    const id = found.result.ids[j];
    ids.push(id);
    dists.push(found.result.distances[j]);
    if (id < 0) continue;
    const li = el('li');
    if (d.imageSide > 0) li.append(thumbnail(d, id));
    li.append(el('span', { class: 'rid' }, `#${id}`), el('span', { class: 'rdist' }, found.result.distances[j].toFixed(4)));
    p.results.append(li);
  }
  p.results.dataset.ids = JSON.stringify(ids);
  p.results.dataset.distances = JSON.stringify(dists);
  p.canvas.dataset.query = JSON.stringify(Array.from(state.query));
  goto(p, p.step);
}

function thumbnail(d: Dataset, id: number): HTMLCanvasElement {
  const s = d.imageSide;
  const c = el('canvas', { width: String(s), height: String(s), class: 'thumb' });
  const g = c.getContext('2d') as CanvasRenderingContext2D;
  const img = g.createImageData(s, s);
  for (let i = 0; i < s * s; i++) {
    const v = 255 - Math.round(255 * d.base[id * d.dim + i]);
    img.data[4 * i] = v;
    img.data[4 * i + 1] = v;
    img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return c;
}

// ---------------------------------------------------------------------------------------
// playing the trace

function goto(p: Panel, step: number): void {
  if (p.trace === null) return;
  const last = p.trace.steps.length - 1;
  p.step = Math.max(0, Math.min(last, step));
  p.stepRange.max = String(last);
  p.stepRange.value = String(p.step);
  p.root.dataset.step = String(p.step);
  p.root.dataset.steps = String(p.trace.steps.length);
  p.stepLabel.textContent = `step ${p.step + 1} / ${p.trace.steps.length}: ${p.trace.steps[p.step].label}`;
  draw(p);
}

function togglePlay(p: Panel): void {
  if (p.timer !== 0) {
    stopPlay(p);
    return;
  }
  if (p.trace !== null && p.step >= p.trace.steps.length - 1) goto(p, 0);
  (p.root.querySelector('.play') as HTMLElement).textContent = '⏸ pause';
  p.timer = window.setInterval(() => {
    if (p.trace === null || p.step >= p.trace.steps.length - 1) stopPlay(p);
    else goto(p, p.step + 1);
  }, 120);
}

function stopPlay(p: Panel): void {
  if (p.timer !== 0) window.clearInterval(p.timer);
  p.timer = 0;
  (p.root.querySelector('.play') as HTMLElement).textContent = '▶ play';
}

// ---------------------------------------------------------------------------------------
// drawing

function draw(p: Panel): void {
  const d = state.data;
  const ctx = state.ctx;
  if (d === null || ctx === null) return;
  const dpr = window.devicePixelRatio || 1;
  const size = Math.round(CANVAS * dpr);
  if (p.canvas.width !== size) {
    p.canvas.width = size;
    p.canvas.height = size;
    p.canvas.style.width = `${CANVAS}px`;
    p.canvas.style.height = `${CANVAS}px`;
  }
  const view = new View(CANVAS, CANVAS, ctx.box);
  const g2 = p.canvas.getContext('2d') as CanvasRenderingContext2D;
  g2.setTransform(dpr, 0, 0, dpr, 0, 0);
  const steps = p.trace?.steps ?? [];
  const current: Step | null = steps.length > 0 ? steps[p.step] : null;
  // The structure (links, splits, cells, points) is drawn once per structure key.
  const key = `${p.buildId}|${p.model?.structureKey(current) ?? ''}|${size}`;
  if (p.cache === null || p.cache.key !== key) {
    const image = document.createElement('canvas');
    image.width = size;
    image.height = size;
    const gi = image.getContext('2d') as CanvasRenderingContext2D;
    gi.setTransform(dpr, 0, 0, dpr, 0, 0);
    gi.fillStyle = '#fff';
    gi.fillRect(0, 0, CANVAS, CANVAS);
    const painter = new Painter(gi, view, d.xy);
    p.model?.drawStructure(painter, current);
    if (d.labels !== null) painter.dotsColoured(d.labels, 1.3);
    else painter.dots(null, '#777', d.n > 5000 ? 1 : 1.6);
    p.cache = { key, image };
  }
  g2.setTransform(1, 0, 0, 1, 0, 0);
  g2.drawImage(p.cache.image, 0, 0);
  g2.setTransform(dpr, 0, 0, dpr, 0, 0);
  const g = new Painter(g2, view, d.xy);
  const last = current !== null && current.kind === 'result' ? p.step - 1 : p.step;
  for (let s = 0; s <= last && s < steps.length; s++) {
    const st = steps[s];
    if (st.kind !== 'visit') continue;
    const now = s === p.step;
    for (const cell of st.cells) g.polygon(cell, now ? 'rgba(242,142,43,0.35)' : 'rgba(242,142,43,0.14)', now ? '#c15f00' : null, 1.2);
    if (st.from >= 0 && st.ids.length > 0) {
      g.beginLines(now ? '#e15759' : 'rgba(225,87,89,0.7)', now ? 2.5 : 1.6);
      g.lineTo(st.from, st.ids[0]);
      g.endLines();
    }
    if (st.ids.length < d.n) g.dots(st.ids, now ? '#e15759' : '#f28e2b', now ? 3.6 : 2.4);
  }
  if (current !== null && current.kind === 'result') g.rings(current.ids, '#2f8a3e', 6, 2.2);
  g.marker(state.queryXy[0], state.queryXy[1], '#111');
  if (current !== null) g.footer(current.label);
}

function redrawAll(): void {
  for (const p of panels) if (p.root.style.display !== 'none') research(p);
}

function attachPointer(canvas: HTMLCanvasElement): void {
  let dragging = false;
  const place = (e: PointerEvent): void => {
    if (state.ctx === null) return;
    const r = canvas.getBoundingClientRect();
    const view = new View(CANVAS, CANVAS, state.ctx.box);
    const x = view.dataX(((e.clientX - r.left) / r.width) * CANVAS);
    const y = view.dataY(((e.clientY - r.top) / r.height) * CANVAS);
    placeQueryAt(x, y);
    redrawAll();
  };
  canvas.addEventListener('pointerdown', (e) => {
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    place(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (dragging) place(e);
  });
  canvas.addEventListener('pointerup', () => {
    dragging = false;
  });
}

// ---------------------------------------------------------------------------------------
// page controls

const panels: Panel[] = [];

function init(): void {
  const kind = $<HTMLSelectElement>('#kind');
  for (const k of SYNTHETIC_KINDS) kind.append(el('option', { value: k }, k));
  kind.append(el('option', { value: REAL }, 'Fashion-MNIST (784-D, PCA view)'));
  const n = $<HTMLInputElement>('#n');
  const nOut = $<HTMLOutputElement>('#n-out');
  const seed = $<HTMLInputElement>('#seed');
  const k = $<HTMLInputElement>('#k');
  const side = $<HTMLInputElement>('#side');
  const file = $<HTMLInputElement>('#file');
  kind.addEventListener('change', () => {
    state.kind = kind.value;
    void loadData();
  });
  n.addEventListener('input', () => {
    nOut.textContent = n.value;
  });
  n.addEventListener('change', () => {
    state.n = Number(n.value);
    void loadData();
  });
  seed.addEventListener('change', () => {
    state.seed = Number(seed.value) >>> 0;
    void loadData();
  });
  k.addEventListener('change', () => {
    state.k = Math.max(1, Math.min(100, Number(k.value) | 0));
    redrawAll();
  });
  side.addEventListener('change', () => {
    panels[1].root.style.display = side.checked ? '' : 'none';
    if (side.checked && panels[1].model === null) rebuild(panels[1]);
    else if (side.checked) research(panels[1]);
  });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (f === undefined) return;
    state.realImages = await maybeGunzip(new Uint8Array(await f.arrayBuffer()));
    state.kind = REAL;
    kind.value = REAL;
    await loadData();
  });
  panels.push(makePanel(0, 'hnsw'), makePanel(1, 'rpforest'));
  panels[1].root.style.display = 'none';
  for (const p of panels) renderControls(p);
  setStatus('');
  void loadData();
}

init();
