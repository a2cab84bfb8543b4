/**
 * A few helpers to write SVG by hand for `annlab explain`: a viewport that maps 2-D data
 * coordinates into a panel, element builders that escape their text, and the document
 * wrapper. Every picture is a plain string; no DOM and no dependency.
 *
 * @module
 */

/** Escape text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A point in data coordinates. */
export type Point = readonly [number, number];

/** Round for compact output (two decimals are plenty at screen resolution). */
export function fmt(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/** Maps data coordinates (a bounding box) into a square-ish panel at (x, y) of size w × h, y pointing up. */
export class Viewport {
  /** Left edge of the panel in SVG pixels. */
  readonly x: number;
  /** Top edge of the panel in SVG pixels. */
  readonly y: number;
  /** Panel width in pixels. */
  readonly w: number;
  /** Panel height in pixels. */
  readonly h: number;
  /** Data bounding box: minimum x. */
  readonly x0: number;
  /** Data bounding box: minimum y. */
  readonly y0: number;
  /** Data bounding box: maximum x. */
  readonly x1: number;
  /** Data bounding box: maximum y. */
  readonly y1: number;

  /** @param box - data bounding box `[x0, y0, x1, y1]`. */
  constructor(x: number, y: number, w: number, h: number, box: readonly [number, number, number, number]) {
    this.x = x;
    this.y = y;
    this.w = w;
    this.h = h;
    [this.x0, this.y0, this.x1, this.y1] = box;
  }

  /** Pixel x of data x. */
  px(vx: number): number {
    return this.x + ((vx - this.x0) / (this.x1 - this.x0)) * this.w;
  }

  /** Pixel y of data y (y up). */
  py(vy: number): number {
    return this.y + this.h - ((vy - this.y0) / (this.y1 - this.y0)) * this.h;
  }

  /** The data box as a polygon (counter-clockwise). */
  boxPolygon(): Point[] {
    return [
      [this.x0, this.y0],
      [this.x1, this.y0],
      [this.x1, this.y1],
      [this.x0, this.y1],
    ];
  }
}

/** Attributes of an element; undefined values are left out. */
export type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : v)}"`;
  return s;
}

/** A circle at data point p. */
export function circle(v: Viewport, p: Point, r: number, a: Attrs = {}): string {
  return `<circle${attrs({ cx: v.px(p[0]), cy: v.py(p[1]), r, ...a })}/>`;
}

/** A line between two data points. */
export function line(v: Viewport, p: Point, q: Point, a: Attrs = {}): string {
  return `<line${attrs({ x1: v.px(p[0]), y1: v.py(p[1]), x2: v.px(q[0]), y2: v.py(q[1]), ...a })}/>`;
}

/** An open polyline through data points. */
export function polyline(v: Viewport, pts: readonly Point[], a: Attrs = {}): string {
  const p = pts.map((q) => `${fmt(v.px(q[0]))},${fmt(v.py(q[1]))}`).join(' ');
  return `<polyline${attrs({ points: p, fill: 'none', ...a })}/>`;
}

/** A closed polygon through data points. */
export function polygon(v: Viewport, pts: readonly Point[], a: Attrs = {}): string {
  const p = pts.map((q) => `${fmt(v.px(q[0]))},${fmt(v.py(q[1]))}`).join(' ');
  return `<polygon${attrs({ points: p, ...a })}/>`;
}

/** Text at pixel coordinates (not data coordinates). */
export function textAt(x: number, y: number, content: string, a: Attrs = {}): string {
  return `<text${attrs({ x, y, 'font-family': 'sans-serif', 'font-size': 12, ...a })}>${escapeXml(content)}</text>`;
}

/** A panel frame with a title above it. */
export function panelFrame(v: Viewport, title: string): string {
  return (
    `<rect${attrs({ x: v.x, y: v.y, width: v.w, height: v.h, fill: '#fcfcfc', stroke: '#bbb' })}/>` +
    textAt(v.x, v.y - 8, title, { 'font-weight': 'bold' })
  );
}

/** A small legend: coloured markers with labels, one per line, at pixel (x, y). */
export function legend(x: number, y: number, items: readonly { color: string; label: string; shape?: 'dot' | 'line' | 'ring' }[]): string {
  let s = '';
  items.forEach((it, i) => {
    const cy = y + i * 16;
    if (it.shape === 'line') s += `<line${attrs({ x1: x, y1: cy, x2: x + 14, y2: cy, stroke: it.color, 'stroke-width': 2.5 })}/>`;
    else if (it.shape === 'ring') s += `<circle${attrs({ cx: x + 7, cy, r: 5, fill: 'none', stroke: it.color, 'stroke-width': 2 })}/>`;
    else s += `<circle${attrs({ cx: x + 7, cy, r: 4, fill: it.color })}/>`;
    s += textAt(x + 20, cy + 4, it.label, { 'font-size': 11 });
  });
  return s;
}

/** Wrap a body into a standalone SVG document with a title and description (accessibility). */
export function svgDocument(width: number, height: number, title: string, description: string, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">\n` +
    `<title>${escapeXml(title)}</title>\n<desc>${escapeXml(description)}</desc>\n` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>\n${body}\n</svg>\n`
  );
}

/** A qualitative palette (colour-blind friendly, Okabe–Ito and Tableau mixes), cycled. */
export const PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f77b4',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#17becf',
  '#bcbd22',
];

/** Colour number i of the palette. */
export function colorOf(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
