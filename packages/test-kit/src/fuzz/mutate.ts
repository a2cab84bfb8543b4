/**
 * Seeded mutations of a serialized annlab file, for adversarial loader tests: what a buggy
 * writer or a crafted file could hand to `deserialize`. The file layout is core's
 * (`packages/core/src/binary.ts`): a header (magic, container version, tag, format version),
 * 4-byte-aligned body fields (u32 scalars, a JSON parameter record, typed-array sections
 * whose u32 count precedes the elements), then a CRC-32 of everything before it. Files may
 * nest (a pre-transform holds its PCA's and its inner index's files in byte sections).
 *
 * Without the schema of each algorithm, the mutator finds the structure it needs from the
 * bytes: JSON records (a u32 length followed by a `{…}` that parses), nested files (an
 * "ANNL" magic at an aligned offset, preceded by its byte count, whose own CRC holds), and
 * float values (aligned words that decode to ordinary magnitudes, unlike counts and codes).
 *
 * Each mutation is one of:
 * - `flip`: 1–4 random bit flips anywhere after the magic;
 * - `truncate`: the file cut short;
 * - `u32`: an aligned word set to 0, 1, 2^31−1, 2^32−1, or its value ±1;
 * - `json`: one field of a parameter record set to an extreme (−1, 0, 1.5, 2^16, 2^20, 2^31, 2^53, 1e308,
 *   "NaN", null, true, a string, an array), or the field removed;
 * - `float`: a float32 or float64 value set to NaN, ±Infinity, ±1e30 or 3e38;
 *
 * and each comes in two forms: with the checksums left as they were (the loader must notice
 * the damage) and with every checksum recomputed innermost first (the checksum passes; only
 * the loader's structural checks stand between the bytes and the index).
 *
 * @module
 */
import { crc32, Rng } from '@annlab/core';

/** Mutation families; see the module doc. */
export type MutationKind = 'flip' | 'truncate' | 'u32' | 'json' | 'float';

/** Every mutation family, in the order {@link mutate} cycles through them. */
export const MUTATION_KINDS: readonly MutationKind[] = ['flip', 'truncate', 'u32', 'json', 'float'];

/** One mutated file and how it was made. */
export interface Mutation {
  /** The mutated bytes (a fresh array). */
  readonly bytes: Uint8Array;
  /** What was done, precise enough to reproduce by hand (offsets, values, checksum form). */
  readonly description: string;
  /** The family. */
  readonly kind: MutationKind;
  /** Whether the checksums were recomputed after the change. */
  readonly crcRecomputed: boolean;
}

/** An annlab file found inside a larger one (or the whole file). */
interface FileNode {
  /** Offset of the magic. */
  readonly start: number;
  /** Length in bytes, CRC included. */
  readonly length: number;
  /** Offset of the u32 byte count that precedes a nested file; −1 for the outermost. */
  readonly countAt: number;
  /** JSON records in this file (not in nested ones): offset of their u32 length. */
  readonly jsons: number[];
  /** Files nested in this one. */
  readonly children: FileNode[];
}

const MAGIC = [0x41, 0x4e, 0x4e, 0x4c];

function u32At(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function setU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

function isMagic(b: Uint8Array, at: number): boolean {
  return b[at] === MAGIC[0] && b[at + 1] === MAGIC[1] && b[at + 2] === MAGIC[2] && b[at + 3] === MAGIC[3];
}

/** Offset just past the header of the file at `start` (magic, container version, tag, format version). */
function headerEnd(b: Uint8Array, start: number): number {
  const tagLen = u32At(b, start + 8);
  return start + 12 + Math.ceil(tagLen / 4) * 4 + 4;
}

/** The structure of the well-formed file `b[start, start + length)`. */
function parseFile(b: Uint8Array, start: number, length: number, countAt: number): FileNode {
  const node: FileNode = { start, length, countAt, jsons: [], children: [] };
  const end = start + length - 4;
  let p = headerEnd(b, start);
  while (p + 4 <= end) {
    const n = u32At(b, p);
    if (n >= 2 && p + 4 + n <= end && b[p + 4] === 0x7b && b[p + 4 + n - 1] === 0x7d) {
      try {
        JSON.parse(new TextDecoder().decode(b.subarray(p + 4, p + 4 + n)));
        node.jsons.push(p);
        p += 4 + Math.ceil(n / 4) * 4;
        continue;
      } catch {
        // not a record: keep scanning
      }
    }
    if (n >= 24 && p + 4 + n <= end && isMagic(b, p + 4) && u32At(b, p + n) === crc32(b, p + 4, p + n)) {
      node.children.push(parseFile(b, p + 4, n, p));
      p += 4 + Math.ceil(n / 4) * 4;
      continue;
    }
    p += 4;
  }
  return node;
}

/** Every node of the tree, outermost first. */
function allNodes(root: FileNode): FileNode[] {
  const out: FileNode[] = [root];
  for (let i = 0; i < out.length; i++) out.push(...out[i].children);
  return out;
}

/** Recompute every checksum of the (possibly resized) tree, innermost first. */
function recomputeCrcs(b: Uint8Array, node: FileNode, shift: (offset: number) => number, lengthOf: (n: FileNode) => number): void {
  for (const child of node.children) recomputeCrcs(b, child, shift, lengthOf);
  const start = shift(node.start);
  const length = lengthOf(node);
  if (start < 0 || start + length > b.length || length < 8) return;
  setU32(b, start + length - 4, crc32(b, start, start + length - 4));
}

/** JSON values a parameter record's field is set to. */
const JSON_EXTREMES: readonly unknown[] = [
  -1,
  0,
  1.5,
  2 ** 16,
  2 ** 20,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  1e308,
  -1e308,
  'NaN',
  'Infinity',
  null,
  true,
  false,
  'x',
  [],
  {},
  -0.5,
];
/** u32 values written over an aligned word (besides the word ±1). */
const U32_EXTREMES: readonly number[] = [0, 1, 2 ** 31 - 1, 2 ** 32 - 1, 2 ** 31];
/** float32 values written over a float (as raw bits, so NaN payloads stay canonical). */
const F32_EXTREMES: readonly number[] = [NaN, Infinity, -Infinity, 1e30, -1e30, 3e38];
/** float64 values written over a double. */
const F64_EXTREMES: readonly number[] = [NaN, Infinity, -Infinity, 1e300, -1e300, 1e30];

/** A float that looks like data rather than a count, a code or padding. */
function plausible(v: number): boolean {
  const a = Math.abs(v);
  return Number.isFinite(v) && a >= 1e-6 && a <= 1e7;
}

/** Seed of mutation `index` of a run seeded `seed` (kept a safe integer). */
function mutationSeed(seed: number, index: number): number {
  return ((seed >>> 0) * 1_000_003 + index * 7_919) % Number.MAX_SAFE_INTEGER;
}

/**
 * Mutation number `index` of the run seeded `seed` over the well-formed file `base`.
 * Deterministic: the same (base, seed, index) always gives the same bytes. `kinds` restricts
 * the families (default: all, chosen at random); the checksum form alternates with `index`.
 */
export function mutate(base: Uint8Array, seed: number, index: number, kinds: readonly MutationKind[] = MUTATION_KINDS): Mutation {
  const rng = new Rng(mutationSeed(seed, index));
  const kind = kinds[rng.nextInt(kinds.length)];
  const crcRecomputed = index % 2 === 1;
  const root = parseFile(base, 0, base.length, -1);
  const made = apply(base, root, kind, rng, crcRecomputed);
  return { bytes: made.bytes, description: `${made.what}, checksums ${crcRecomputed ? 'recomputed' : 'kept'}`, kind, crcRecomputed };
}

function apply(base: Uint8Array, root: FileNode, kind: MutationKind, rng: Rng, crc: boolean): { bytes: Uint8Array; what: string } {
  const bodyStart = headerEnd(base, 0);
  const same = (o: number): number => o;
  const sameLength = (n: FileNode): number => n.length;
  switch (kind) {
    case 'flip': {
      const b = base.slice();
      const flips = 1 + rng.nextInt(4);
      const parts: string[] = [];
      for (let i = 0; i < flips; i++) {
        const at = 4 + rng.nextInt(b.length - 4);
        const bit = 1 << rng.nextInt(8);
        b[at] ^= bit;
        parts.push(`${at}^0x${bit.toString(16)}`);
      }
      if (crc) recomputeCrcs(b, root, same, sameLength);
      return { bytes: b, what: `flip ${parts.join(' ')}` };
    }
    case 'truncate': {
      const keep = rng.nextInt(base.length);
      if (!crc || keep < 8) return { bytes: base.slice(0, keep), what: `truncate to ${keep} bytes` };
      // Cut the body and append a fresh checksum: a short file that still verifies.
      const cut = Math.max(bodyStart, keep - (keep % 4));
      const b = new Uint8Array(cut + 4);
      b.set(base.subarray(0, cut));
      setU32(b, cut, crc32(b, 0, cut));
      return { bytes: b, what: `truncate body to ${cut} bytes + fresh checksum` };
    }
    case 'u32': {
      const b = base.slice();
      const words = (b.length - 4 - bodyStart) / 4;
      const at = bodyStart + 4 * rng.nextInt(Math.max(1, words));
      const old = u32At(b, at);
      const choice = rng.nextInt(U32_EXTREMES.length + 2);
      const value = choice < U32_EXTREMES.length ? U32_EXTREMES[choice] : (old + (choice === U32_EXTREMES.length ? 1 : -1)) >>> 0;
      setU32(b, at, value);
      if (crc) recomputeCrcs(b, root, same, sameLength);
      return { bytes: b, what: `u32 at ${at}: ${old} -> ${value}` };
    }
    case 'json':
      return mutateJson(base, root, rng, crc);
    case 'float':
      return mutateFloat(base, root, rng, crc);
  }
}

function mutateJson(base: Uint8Array, root: FileNode, rng: Rng, crc: boolean): { bytes: Uint8Array; what: string } {
  const nodes = allNodes(root).filter((n) => n.jsons.length > 0);
  if (nodes.length === 0) return apply(base, root, 'u32', rng, crc);
  const node = nodes[rng.nextInt(nodes.length)];
  const at = node.jsons[rng.nextInt(node.jsons.length)];
  const oldLen = u32At(base, at);
  const record = JSON.parse(new TextDecoder().decode(base.subarray(at + 4, at + 4 + oldLen))) as Record<string, unknown>;
  const keys = Object.keys(record);
  const key = keys[rng.nextInt(keys.length)];
  const roll = rng.nextInt(JSON_EXTREMES.length + 1);
  let what: string;
  if (roll === JSON_EXTREMES.length) {
    delete record[key];
    what = `json field '${key}' removed`;
  } else {
    record[key] = JSON_EXTREMES[roll];
    what = `json field '${key}' = ${JSON.stringify(JSON_EXTREMES[roll])}`;
  }
  return { bytes: rewriteJson(base, root, at, JSON.stringify(record), crc), what };
}

/** `base` with the JSON record at `at` replaced by `text`: sizes, nested counts and (when `crc`) checksums fixed up. */
function rewriteJson(base: Uint8Array, root: FileNode, at: number, text: string, crc: boolean): Uint8Array {
  const oldLen = u32At(base, at);
  // Keep every later section's alignment (8 for float64): the padded record may only grow or
  // shrink by a multiple of 8 bytes, so pad the text with spaces (valid JSON whitespace).
  const oldPadded = Math.ceil(oldLen / 4) * 4;
  while ((Math.ceil(text.length / 4) * 4 - oldPadded) % 8 !== 0) text += ' ';
  const enc = new TextEncoder().encode(text);
  const newPadded = Math.ceil(enc.length / 4) * 4;
  const delta = newPadded - oldPadded;
  const b = new Uint8Array(base.length + delta);
  b.set(base.subarray(0, at));
  setU32(b, at, enc.length);
  b.set(enc, at + 4);
  b.set(base.subarray(at + 4 + oldPadded), at + 4 + newPadded);
  // Enclosing nested files grow by delta: patch their byte counts.
  const containing = (n: FileNode): boolean => n.start <= at && at < n.start + n.length;
  for (const n of allNodes(root)) if (n.countAt >= 0 && containing(n)) setU32(b, n.countAt, u32At(base, n.countAt) + delta);
  if (crc) {
    const shift = (o: number): number => (o > at ? o + delta : o);
    const lengthOf = (n: FileNode): number => n.length + (containing(n) ? delta : 0);
    recomputeCrcs(b, root, shift, lengthOf);
  }
  return b;
}

function mutateFloat(base: Uint8Array, root: FileNode, rng: Rng, crc: boolean): { bytes: Uint8Array; what: string } {
  const view = new DataView(base.buffer, base.byteOffset, base.byteLength);
  const bodyStart = headerEnd(base, 0);
  const f32: number[] = [];
  const f64: number[] = [];
  for (let p = bodyStart; p + 4 <= base.length - 4; p += 4) {
    if (plausible(view.getFloat32(p, true))) f32.push(p);
    if (p % 8 === 0 && p + 8 <= base.length - 4 && plausible(view.getFloat64(p, true))) f64.push(p);
  }
  if (f32.length + f64.length === 0) return apply(base, root, 'u32', rng, crc);
  const b = base.slice();
  const out = new DataView(b.buffer);
  let what: string;
  if (f64.length > 0 && (f32.length === 0 || rng.nextInt(3) === 0)) {
    const at = f64[rng.nextInt(f64.length)];
    const v = F64_EXTREMES[rng.nextInt(F64_EXTREMES.length)];
    what = `f64 at ${at}: ${view.getFloat64(at, true)} -> ${v}`;
    out.setFloat64(at, v, true);
  } else {
    const at = f32[rng.nextInt(f32.length)];
    const v = F32_EXTREMES[rng.nextInt(F32_EXTREMES.length)];
    what = `f32 at ${at}: ${view.getFloat32(at, true)} -> ${v}`;
    out.setFloat32(at, v, true);
  }
  if (crc)
    recomputeCrcs(
      b,
      root,
      (o) => o,
      (n) => n.length,
    );
  return { bytes: b, what };
}

/**
 * A copy of `bytes` with the float32 at `at` (a multiple of 4) set to `value` and every
 * checksum recomputed: for focused tests of one crafted value.
 */
export function withFloat32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const root = parseFile(bytes, 0, bytes.length, -1);
  const b = bytes.slice();
  new DataView(b.buffer).setFloat32(at, value, true);
  recomputeCrcs(
    b,
    root,
    (o) => o,
    (n) => n.length,
  );
  return b;
}

/**
 * A copy of `bytes` with the u32 at `at` (a multiple of 4) set to `value` and every checksum
 * recomputed.
 */
export function withU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const root = parseFile(bytes, 0, bytes.length, -1);
  const b = bytes.slice();
  setU32(b, at, value >>> 0);
  recomputeCrcs(
    b,
    root,
    (o) => o,
    (n) => n.length,
  );
  return b;
}

/**
 * A copy of `bytes` with the first JSON parameter record's field `key` set to `value` (or
 * removed when `value` is undefined), sizes and checksums fixed up.
 */
export function withJsonField(bytes: Uint8Array, key: string, value: unknown): Uint8Array {
  const root = parseFile(bytes, 0, bytes.length, -1);
  const at = root.jsons[0];
  if (at === undefined) throw new Error('no JSON record in the file');
  const oldLen = u32At(bytes, at);
  const record = JSON.parse(new TextDecoder().decode(bytes.subarray(at + 4, at + 4 + oldLen))) as Record<string, unknown>;
  if (value === undefined) delete record[key];
  else record[key] = value;
  return rewriteJson(bytes, root, at, JSON.stringify(record), true);
}

/** Byte offset of the first float32 equal to `value` after the header (−1 if none). */
export function offsetOfFloat32(bytes: Uint8Array, value: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = headerEnd(bytes, 0); p + 8 <= bytes.length; p += 4) if (view.getFloat32(p, true) === Math.fround(value)) return p;
  return -1;
}

/**
 * A copy of `bytes` with the float64 at `at` (a multiple of 8) set to `value` and every
 * checksum recomputed.
 */
export function withFloat64(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const root = parseFile(bytes, 0, bytes.length, -1);
  const b = bytes.slice();
  new DataView(b.buffer).setFloat64(at, value, true);
  recomputeCrcs(
    b,
    root,
    (o) => o,
    (n) => n.length,
  );
  return b;
}

/** Byte offset of the first 8-aligned float64 equal to `value` after the header (−1 if none). */
export function offsetOfFloat64(bytes: Uint8Array, value: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = headerEnd(bytes, 0); p + 12 <= bytes.length; p += 4) if (p % 8 === 0 && view.getFloat64(p, true) === value) return p;
  return -1;
}
