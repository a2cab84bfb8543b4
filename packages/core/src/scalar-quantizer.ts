/**
 * Scalar quantization: each component of a vector is mapped independently onto `2^bits`
 * evenly spaced levels between a per-dimension minimum and maximum learned from training
 * vectors, so a `dim`-vector becomes `dim` bytes (8-bit codes, 4× smaller than float32) or
 * `⌈dim / 2⌉` bytes (4-bit codes, 8× smaller). Distances from a float query to a code are
 * computed without decoding it (asymmetric distance, as with product quantization): one pass
 * over the code with a per-query prepared vector (see `sq-distance-computer.ts`).
 *
 * Reference behaviour: FAISS `ScalarQuantizer` with `QT_8bit` / `QT_4bit`, the
 * "non-uniform" quantizers (one [vmin, vmin + vdiff] range per dimension, as opposed to
 * `QT_8bit_uniform`'s one range for all dimensions), trained with range statistic
 * `RS_minmax` (default) or `RS_quantiles` (the `trim` option). Background: H. Jégou,
 * M. Douze, C. Schmid, "Product quantization for nearest neighbor search", IEEE TPAMI 33(1),
 * 2011, §II (quantization, distortion) and §III-A (asymmetric distance computation).
 *
 * Map:
 * - per-dimension ranges (FAISS `train_Uniform` per dimension) → {@link ScalarQuantizer.train}
 * - encode (`encode_component`) → {@link ScalarQuantizer.encodeInto}
 * - decode (`decode_component`) → {@link ScalarQuantizer.decodeInto}
 * - asymmetric distances, readable definitions → {@link ScalarQuantizer.l2SquaredRef},
 *   {@link ScalarQuantizer.dotRef}; fast kernels → `sq-distance-computer.ts` and
 *   `assembly/sq-kernels.ts`.
 *
 * Deviation from FAISS, chosen for a tighter bound: codes round to the *nearest* level and
 * level c decodes to `vmin + c · vdiff / (2^bits − 1)`, so both range ends are represented
 * (up to float32 rounding of the step) and the error of an in-range component is at most `vdiff / (2·(2^bits − 1))`
 * (half a step). FAISS truncates (`int(255·x)`) and decodes to the middle of the bucket,
 * `(c + 0.5) / 255`, which has the same worst case inside the range but overshoots vmax by
 * half a step. Components outside the trained range (new vectors, or trimmed outliers) are
 * clamped to it.
 *
 * @module
 */
import { BinaryWriter, BinaryReader } from './binary.js';
import { AnnlabError } from './errors.js';
import { asCorruptData, checkDim, checkKnownKeys, checkNumber, checkOptions, checkVectors } from './validate.js';

/** Bits per component of a {@link ScalarQuantizer} code. */
export type ScalarQuantizerBits = 8 | 4;

/** Options for {@link ScalarQuantizer}. */
export interface ScalarQuantizerOptions {
  /** Vector dimension (≥ 1). */
  dim: number;
  /**
   * Bits per component: 8 (`dim` bytes per vector, 255 steps per range, usually within
   * 1% of float32 recall after re-ranking) or 4 (`⌈dim/2⌉` bytes, 15 steps: half the memory
   * again, noticeably coarser distances, so it needs a larger re-rank). Distance speed is
   * about the same for both.
   * @defaultValue 8
   */
  bits?: ScalarQuantizerBits;
  /**
   * Fraction of training values cut from each end of every dimension's range (FAISS
   * `RS_quantiles`): 0 keeps the full min–max range (FAISS `RS_minmax`); 0.001 ignores the
   * most extreme 0.1% per side, which spends the levels on the bulk of the data (finer steps,
   * better recall for 4-bit codes on heavy-tailed data) while outliers are clamped. Range
   * [0, 0.5). Training with trim > 0 sorts each dimension's values (O(n log n) per dimension).
   * @defaultValue 0
   */
  trim?: number;
}

const OPTION_KEYS = ['dim', 'bits', 'trim'] as const;

/** A per-dimension scalar quantizer (FAISS `ScalarQuantizer`, `QT_8bit` / `QT_4bit`); see the module doc. */
export class ScalarQuantizer {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'sq';
  /** Format version written by {@link ScalarQuantizer.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Bits per component (8 or 4). */
  readonly bits: ScalarQuantizerBits;
  /** Highest code value, 2^bits − 1 (255 or 15). */
  readonly levels: number;
  /** Bytes per encoded vector: `dim` (8-bit) or `⌈dim / 2⌉` (4-bit). */
  readonly codeSize: number;
  /** Fraction trimmed from each end of every dimension's range while training. */
  readonly trim: number;
  /** Lower end of each dimension's range, length `dim`. */
  vmin: Float32Array;
  /** Width of each dimension's range (vmax − vmin, ≥ 0), length `dim`. */
  vdiff: Float32Array;
  /**
   * Step between adjacent levels per dimension, `vdiff / levels` rounded to float32, length
   * `dim`: level c of dimension j decodes to `vmin[j] + c · scale[j]`.
   */
  scale: Float32Array;
  /** True once trained (or loaded trained). */
  isTrained: boolean;

  /** @param options - see {@link ScalarQuantizerOptions}. */
  constructor(options: ScalarQuantizerOptions) {
    checkOptions(options, 'ScalarQuantizer');
    checkKnownKeys(options, OPTION_KEYS, 'ScalarQuantizer');
    this.dim = checkDim(options.dim);
    const bits = options.bits ?? 8;
    if (bits !== 8 && bits !== 4) {
      throw new AnnlabError('INVALID_PARAMETER', `ScalarQuantizer bits must be 8 or 4, got ${String(bits)}.`);
    }
    this.bits = bits;
    this.levels = (1 << bits) - 1;
    this.codeSize = bits === 8 ? this.dim : (this.dim + 1) >> 1;
    this.trim = checkNumber('trim', options.trim ?? 0, 0, 0.4999);
    this.vmin = new Float32Array(this.dim);
    this.vdiff = new Float32Array(this.dim);
    this.scale = new Float32Array(this.dim);
    this.isTrained = false;
  }

  /**
   * Learn every dimension's range from `n × dim` vectors (n ≥ 1): the minimum and maximum, or
   * with `trim` the `trim` and `1 − trim` quantiles (the sorted values at ⌊trim·(n−1)⌋ and
   * ⌈(1 − trim)·(n−1)⌉). Deterministic: no sampling.
   */
  train(x: Float32Array): void {
    const n = checkVectors(x, this.dim, 'training vectors');
    if (n === 0) throw new AnnlabError('EMPTY_INDEX', 'ScalarQuantizer.train needs at least one training vector.');
    this.trainRows(x, 0, n);
  }

  /**
   * {@link ScalarQuantizer.train} over rows `start … start + n` of a row-major array, without
   * validating (for indexes that train on their own stored rows).
   */
  trainRows(x: Float32Array, start: number, n: number): void {
    const dim = this.dim;
    const vmin = new Float32Array(dim);
    const vdiff = new Float32Array(dim);
    if (this.trim === 0) {
      const lo = new Float64Array(dim).fill(Infinity);
      const hi = new Float64Array(dim).fill(-Infinity);
      for (let i = 0; i < n; i++) {
        const off = (start + i) * dim;
        for (let j = 0; j < dim; j++) {
          const v = x[off + j];
          if (v < lo[j]) lo[j] = v;
          if (v > hi[j]) hi[j] = v;
        }
      }
      for (let j = 0; j < dim; j++) {
        vmin[j] = lo[j];
        vdiff[j] = Math.max(0, Math.fround(hi[j] - vmin[j]));
      }
    } else {
      const col = new Float32Array(n);
      const iLo = Math.floor(this.trim * (n - 1));
      const iHi = Math.ceil((1 - this.trim) * (n - 1));
      for (let j = 0; j < dim; j++) {
        for (let i = 0; i < n; i++) col[i] = x[(start + i) * dim + j];
        col.sort();
        vmin[j] = col[iLo];
        vdiff[j] = Math.max(0, Math.fround(col[iHi] - vmin[j]));
      }
    }
    this.setRanges(vmin, vdiff);
  }

  /** Install ranges (training or loading) and derive the per-dimension steps. */
  private setRanges(vmin: Float32Array, vdiff: Float32Array): void {
    const scale = new Float32Array(this.dim);
    for (let j = 0; j < this.dim; j++) scale[j] = vdiff[j] / this.levels;
    this.vmin = vmin;
    this.vdiff = vdiff;
    this.scale = scale;
    this.isTrained = true;
  }

  private requireTrained(what: string): void {
    if (!this.isTrained) throw new AnnlabError('NOT_TRAINED', `ScalarQuantizer.${what} needs trained ranges: call train(x) first.`);
  }

  /** Encode `n × dim` vectors: returns `n × codeSize` bytes, row-major. */
  encode(x: Float32Array): Uint8Array {
    this.requireTrained('encode');
    const n = checkVectors(x, this.dim, 'vectors');
    const codes = new Uint8Array(n * this.codeSize);
    for (let i = 0; i < n; i++) this.encodeInto(x, i * this.dim, codes, i * this.codeSize);
    return codes;
  }

  /**
   * Encode one vector `x[xOff … xOff + dim)` into `codes[cOff … cOff + codeSize)`: component
   * j becomes the nearest level, round((x_j − vmin_j) / scale_j), clamped to [0, levels]
   * (0 for a zero-width range). 4-bit codes put component 2i in the low nibble of byte i.
   */
  encodeInto(x: Float32Array, xOff: number, codes: Uint8Array, cOff: number): void {
    const { dim, levels, vmin, scale } = this;
    const four = this.bits === 4;
    if (four) codes.fill(0, cOff, cOff + this.codeSize);
    for (let j = 0; j < dim; j++) {
      const s = scale[j];
      let c = s > 0 ? Math.round((x[xOff + j] - vmin[j]) / s) : 0;
      if (!(c >= 0))
        c = 0; // also NaN-safe
      else if (c > levels) c = levels;
      if (four) codes[cOff + (j >> 1)] |= c << ((j & 1) << 2);
      else codes[cOff + j] = c;
    }
  }

  /** Code value of component `j` of the code at `codes[cOff]`. */
  codeAt(codes: Uint8Array, cOff: number, j: number): number {
    return this.bits === 8 ? codes[cOff + j] : (codes[cOff + (j >> 1)] >> ((j & 1) << 2)) & 15;
  }

  /** Decode `n × codeSize` bytes into `n × dim` reproduction vectors. */
  decode(codes: Uint8Array): Float32Array {
    this.requireTrained('decode');
    if (!(codes instanceof Uint8Array) || codes.length % this.codeSize !== 0) {
      throw new AnnlabError('INVALID_PARAMETER', `codes must be a Uint8Array of n × codeSize = n × ${this.codeSize} bytes.`);
    }
    const n = codes.length / this.codeSize;
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i++) this.decodeInto(codes, i * this.codeSize, out, i * this.dim);
    return out;
  }

  /** Decode one code `codes[cOff …]` into `out[outOff … outOff + dim)`: `vmin_j + c_j · scale_j`. */
  decodeInto(codes: Uint8Array, cOff: number, out: Float32Array, outOff: number): void {
    const { dim, vmin, scale } = this;
    for (let j = 0; j < dim; j++) out[outOff + j] = vmin[j] + this.codeAt(codes, cOff, j) * scale[j];
  }

  /**
   * The readable asymmetric squared L2: Σ_j (q_j − (vmin_j + c_j·scale_j))², the exact
   * squared distance from the query `q[qOff …]` to the decoded code (float64 arithmetic).
   */
  l2SquaredRef(q: Float32Array, qOff: number, codes: Uint8Array, cOff: number): number {
    let s = 0;
    for (let j = 0; j < this.dim; j++) {
      const d = q[qOff + j] - (this.vmin[j] + this.codeAt(codes, cOff, j) * this.scale[j]);
      s += d * d;
    }
    return s;
  }

  /** The readable asymmetric inner product: Σ_j q_j · (vmin_j + c_j·scale_j). */
  dotRef(q: Float32Array, qOff: number, codes: Uint8Array, cOff: number): number {
    let s = 0;
    for (let j = 0; j < this.dim; j++) s += q[qOff + j] * (this.vmin[j] + this.codeAt(codes, cOff, j) * this.scale[j]);
    return s;
  }

  /** Bytes held by the ranges (vmin, vdiff, scale). */
  memoryBytes(): number {
    return this.vmin.byteLength + this.vdiff.byteLength + this.scale.byteLength;
  }

  /** The quantizer as an annlab file: parameters, then vmin and vdiff (`dim` f32 each). */
  serialize(): Uint8Array {
    const w = new BinaryWriter(ScalarQuantizer.TAG, ScalarQuantizer.FORMAT_VERSION);
    w.json({ dim: this.dim, bits: this.bits, trim: this.trim, trained: this.isTrained });
    w.array(this.vmin);
    w.array(this.vdiff);
    return w.finish();
  }

  /**
   * Load a quantizer written by {@link ScalarQuantizer.serialize}. Damaged or foreign bytes
   * throw `AnnlabError` (`CORRUPT_DATA` naming the field for inconsistent parameters,
   * section lengths, negative range widths, or an untrained file with non-zero ranges).
   */
  static deserialize(bytes: Uint8Array): ScalarQuantizer {
    const what = 'scalar quantizer file';
    const r = BinaryReader.open(bytes, ScalarQuantizer.TAG);
    r.expectVersion(ScalarQuantizer.FORMAT_VERSION);
    const p = r.json<Record<string, unknown>>();
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      throw new AnnlabError('CORRUPT_DATA', `${what} has no parameter record (found ${String(p)}).`);
    }
    if (typeof p.trained !== 'boolean') {
      throw new AnnlabError('CORRUPT_DATA', `${what}: trained must be true or false, got ${JSON.stringify(p.trained)}.`);
    }
    const sq = asCorruptData(
      what,
      () => new ScalarQuantizer({ dim: p.dim as number, bits: p.bits as ScalarQuantizerBits, trim: p.trim as number }),
    );
    const vmin = r.f32array(sq.dim);
    const vdiff = r.f32array(sq.dim);
    r.finish();
    for (let j = 0; j < sq.dim; j++) {
      if (!(vdiff[j] >= 0) || !Number.isFinite(vmin[j] + vdiff[j])) {
        throw new AnnlabError(
          'CORRUPT_DATA',
          `${what}: dimension ${j} has range [${vmin[j]}, ${vmin[j]} + ${vdiff[j]}]; widths are never negative.`,
        );
      }
      if (!p.trained && (vmin[j] !== 0 || vdiff[j] !== 0)) {
        throw new AnnlabError('CORRUPT_DATA', `${what}: an untrained quantizer holds ranges (dimension ${j}).`);
      }
    }
    if (p.trained) sq.setRanges(vmin.slice(), vdiff.slice());
    return sq;
  }
}
