/**
 * Drawing on a 2-D canvas: a view that maps data coordinates into the canvas (y up), and a
 * painter that draws points by id (at their drawing positions), links between ids, segments,
 * cells and markers. Drawing only; every shape comes from an index's own output.
 *
 * @module
 */

/** A point in data coordinates. */
export type Point = readonly [number, number];

/** Ten distinguishable colours (Tableau 10), for cells and lists. */
export const PALETTE: readonly string[] = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Maps a data box onto a canvas of `width` × `height` CSS pixels, keeping the aspect ratio. */
export class View {
  /** Canvas width in CSS pixels. */
  readonly width: number;
  /** Canvas height in CSS pixels. */
  readonly height: number;
  /** The data box `[x0, y0, x1, y1]`. */
  readonly box: readonly [number, number, number, number];
  /** Pixels per data unit. */
  readonly scale: number;
  /** Pixel offset of data x0. */
  readonly ox: number;
  /** Pixel offset of data y0 (from the bottom). */
  readonly oy: number;

  constructor(width: number, height: number, box: readonly [number, number, number, number]) {
    this.width = width;
    this.height = height;
    this.box = box;
    const pad = 12;
    this.scale = Math.min((width - 2 * pad) / (box[2] - box[0]), (height - 2 * pad) / (box[3] - box[1]));
    this.ox = (width - this.scale * (box[2] - box[0])) / 2;
    this.oy = (height - this.scale * (box[3] - box[1])) / 2;
  }

  /** Pixel x of data x. */
  px(x: number): number {
    return this.ox + (x - this.box[0]) * this.scale;
  }

  /** Pixel y of data y (y up). */
  py(y: number): number {
    return this.height - this.oy - (y - this.box[1]) * this.scale;
  }

  /** Data x of pixel x. */
  dataX(px: number): number {
    return this.box[0] + (px - this.ox) / this.scale;
  }

  /** Data y of pixel y. */
  dataY(py: number): number {
    return this.box[1] + (this.height - this.oy - py) / this.scale;
  }
}

/** The bounding box of row-major 2-D points, with a margin. */
export function boundingBox(xy: Float32Array): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    if (xy[i] < x0) x0 = xy[i];
    if (xy[i] > x1) x1 = xy[i];
    if (xy[i + 1] < y0) y0 = xy[i + 1];
    if (xy[i + 1] > y1) y1 = xy[i + 1];
  }
  if (!Number.isFinite(x0)) return [0, 0, 1, 1];
  const m = 0.04 * Math.max(x1 - x0, y1 - y0, 1e-6);
  return [x0 - m, y0 - m, x1 + m, y1 + m];
}

/** Draws shapes in data coordinates and points by id. */
export class Painter {
  /** The canvas context. */
  readonly ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  /** The view. */
  readonly view: View;
  /** Drawing position of each point, n × 2. */
  readonly xy: Float32Array;
  private batch: boolean;
  private captionY: number;

  constructor(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, view: View, xy: Float32Array) {
    this.ctx = ctx;
    this.view = view;
    this.xy = xy;
    this.batch = false;
    this.captionY = 16;
  }

  /** Start one path of many lines (one stroke at `endLines`). */
  beginLines(color: string, width: number): void {
    this.ctx.beginPath();
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = width;
    this.batch = true;
  }

  /** A line between points `a` and `b` (inside `beginLines` / `endLines`). */
  lineTo(a: number, b: number): void {
    const v = this.view;
    this.ctx.moveTo(v.px(this.xy[2 * a]), v.py(this.xy[2 * a + 1]));
    this.ctx.lineTo(v.px(this.xy[2 * b]), v.py(this.xy[2 * b + 1]));
  }

  /** Stroke the lines since `beginLines`. */
  endLines(): void {
    this.ctx.stroke();
    this.batch = false;
  }

  /** A segment between two data points (part of the open batch, or stroked alone). */
  segment(p: Point, q: Point, color: string, width: number): void {
    const v = this.view;
    if (!this.batch) {
      this.ctx.beginPath();
      this.ctx.strokeStyle = color;
      this.ctx.lineWidth = width;
    }
    this.ctx.moveTo(v.px(p[0]), v.py(p[1]));
    this.ctx.lineTo(v.px(q[0]), v.py(q[1]));
    if (!this.batch) this.ctx.stroke();
  }

  /** Dots at points `ids` (all points when null). */
  dots(ids: ArrayLike<number> | null, color: string, r: number): void {
    const v = this.view;
    const xy = this.xy;
    this.ctx.fillStyle = color;
    this.ctx.beginPath();
    const n = ids === null ? xy.length / 2 : ids.length;
    for (let j = 0; j < n; j++) {
      const i = ids === null ? j : ids[j];
      const x = v.px(xy[2 * i]);
      const y = v.py(xy[2 * i + 1]);
      this.ctx.moveTo(x + r, y);
      this.ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    this.ctx.fill();
  }

  /** Dots at explicit row-major 2-D positions. */
  dotsAt(positions: ArrayLike<number>, color: string, r: number): void {
    const v = this.view;
    this.ctx.fillStyle = color;
    this.ctx.beginPath();
    for (let i = 0; i < positions.length; i += 2) {
      const x = v.px(positions[i]);
      const y = v.py(positions[i + 1]);
      this.ctx.moveTo(x + r, y);
      this.ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    this.ctx.fill();
  }

  /** Every point, coloured by a group number (e.g. its IVF list or its class). */
  dotsColoured(group: ArrayLike<number>, r: number): void {
    for (let c = 0; c < PALETTE.length; c++) {
      const ids: number[] = [];
      for (let i = 0; i < group.length; i++) if (group[i] >= 0 && group[i] % PALETTE.length === c) ids.push(i);
      this.dots(ids, PALETTE[c], r);
    }
  }

  /** Rings around points `ids`. */
  rings(ids: ArrayLike<number>, color: string, r: number, width: number): void {
    const v = this.view;
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = width;
    this.ctx.beginPath();
    for (let j = 0; j < ids.length; j++) {
      const i = ids[j];
      const x = v.px(this.xy[2 * i]);
      const y = v.py(this.xy[2 * i + 1]);
      this.ctx.moveTo(x + r, y);
      this.ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    this.ctx.stroke();
  }

  /** A polygon in data coordinates, filled (when `fill` is given) and outlined. */
  polygon(poly: readonly Point[], fill: string | null, stroke: string | null, width: number): void {
    if (poly.length < 3) return;
    const v = this.view;
    this.ctx.beginPath();
    this.ctx.moveTo(v.px(poly[0][0]), v.py(poly[0][1]));
    for (let i = 1; i < poly.length; i++) this.ctx.lineTo(v.px(poly[i][0]), v.py(poly[i][1]));
    this.ctx.closePath();
    if (fill !== null) {
      this.ctx.fillStyle = fill;
      this.ctx.fill();
    }
    if (stroke !== null) {
      this.ctx.strokeStyle = stroke;
      this.ctx.lineWidth = width;
      this.ctx.stroke();
    }
  }

  /** A plus sign at a data position (a centroid). */
  cross(x: number, y: number, color: string): void {
    const px = this.view.px(x);
    const py = this.view.py(y);
    this.ctx.beginPath();
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = 2;
    this.ctx.moveTo(px - 5, py);
    this.ctx.lineTo(px + 5, py);
    this.ctx.moveTo(px, py - 5);
    this.ctx.lineTo(px, py + 5);
    this.ctx.stroke();
  }

  /** A marker at a data position: a filled disc with a white edge (the query). */
  marker(x: number, y: number, color: string): void {
    const px = this.view.px(x);
    const py = this.view.py(y);
    this.ctx.beginPath();
    this.ctx.arc(px, py, 6, 0, 2 * Math.PI);
    this.ctx.fillStyle = color;
    this.ctx.fill();
    this.ctx.strokeStyle = '#fff';
    this.ctx.lineWidth = 2;
    this.ctx.stroke();
  }

  /** A line of text along the bottom edge (what the current step did). */
  footer(text: string): void {
    this.ctx.font = '12px system-ui, sans-serif';
    this.ctx.fillStyle = 'rgba(255,255,255,0.85)';
    this.ctx.fillRect(0, this.view.height - 20, this.view.width, 20);
    this.ctx.fillStyle = '#8a3a00';
    this.ctx.fillText(text, 8, this.view.height - 6);
  }

  /** A line of text in the top-left corner (stacked). */
  caption(text: string): void {
    this.ctx.font = '12px system-ui, sans-serif';
    this.ctx.fillStyle = '#444';
    this.ctx.fillText(text, 8, this.captionY);
    this.captionY += 15;
  }
}
