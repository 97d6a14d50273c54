/**
 * Draws a scaled, translated image into a frame: a separable resampler in fixed point, one plane
 * at a time (Y at full size, U and V at half size: the frame is already what x264 encodes).
 * This is what a browser does for `<Img>` with a CSS `translate() scale()` (bilinear down to
 * half size, mipmap-like area filtering below), without the browser: one horizontal pass over
 * the source rows the frame needs, one vertical pass into the frame.
 */
import type { Placement } from '../../timeline/placement';

/** One 8-bit channel, rows packed (`stride` bytes a row). */
export interface Plane {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array<ArrayBufferLike>;
}

const WEIGHT_BITS = 14;
const ONE = 1 << WEIGHT_BITS;
/** Bits of extra precision kept between the two passes. */
const MID_BITS = 6;
/** Below this scale the filter widens to 1/scale source pixels (area-correct, like mipmapping). */
export const MIPMAP_SCALE = 0.5;

/** Filter taps for one axis: per output sample, `taps` source indices (clamped) and weights summing to ONE. */
export interface Taps {
  taps: number;
  index: Int32Array;
  weight: Int32Array;
}

/**
 * Output sample i (centre i + 0.5) reads source position (i + 0.5 - offset) / scale. Down to
 * half size: bilinear (radius 1 source px, 2 taps), as a browser draws a scaled image; smaller:
 * a triangle of radius 1/scale, so every source pixel contributes (no aliasing).
 */
export function axisTaps(outSize: number, srcSize: number, offset: number, scale: number): Taps {
  const radius = scale >= MIPMAP_SCALE ? 1 : 1 / scale;
  const taps = Math.ceil(radius * 2) + 1;
  const index = new Int32Array(outSize * taps);
  const weight = new Int32Array(outSize * taps);
  const w = new Float64Array(taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5 - offset) / scale - 0.5; // in source pixel-centre coordinates
    const first = Math.ceil(centre - radius);
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      const d = Math.abs(first + t - centre) / radius;
      w[t] = d < 1 ? 1 - d : 0;
      sum += w[t]!;
    }
    let acc = 0;
    let heaviest = 0;
    for (let t = 0; t < taps; t++) {
      const q = sum > 0 ? Math.round((w[t]! / sum) * ONE) : t === 0 ? ONE : 0;
      index[i * taps + t] = Math.min(srcSize - 1, Math.max(0, first + t));
      weight[i * taps + t] = q;
      acc += q;
      if (q > weight[i * taps + heaviest]!) heaviest = t;
    }
    weight[i * taps + heaviest]! += ONE - acc; // weights sum to exactly ONE: flat areas stay flat
  }
  return { taps, index, weight };
}

/** Two consecutive source samples per output sample (bilinear), or null when the filter is wider. */
interface Pairs {
  start: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

function pairs(t: Taps, srcSize: number): Pairs | null {
  if (srcSize < 2) return null;
  const n = t.index.length / t.taps;
  const start = new Int32Array(n);
  const w0 = new Int32Array(n);
  const w1 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let first = -1;
    for (let k = 0; k < t.taps; k++) {
      const wt = t.weight[i * t.taps + k]!;
      if (wt === 0) continue;
      const idx = t.index[i * t.taps + k]!;
      if (first < 0) first = Math.min(idx, srcSize - 2);
      const j = idx - first;
      if (j === 0) w0[i]! += wt;
      else if (j === 1) w1[i]! += wt;
      else return null;
    }
    start[i] = Math.max(0, first);
  }
  return { start, w0, w1 };
}

/** The bilinear horizontal pass: `rows` source rows from `y0`, resampled to `W` samples each, into `mid` from `offset`. */
function horizontalPass(src: Plane, h: Pairs, y0: number, rows: number, mid: Uint16Array, offset: number, W: number): void {
  const data = src.data;
  const hs = h.start;
  const hw0 = h.w0;
  const hw1 = h.w1;
  const midShift = WEIGHT_BITS - MID_BITS;
  const midRound = 1 << (midShift - 1);
  for (let r = 0; r < rows; r++) {
    const srow = (y0 + r) * src.stride;
    const m = offset + r * W;
    for (let x = 0; x < W; x++) {
      const s = srow + hs[x]!;
      mid[m + x] = (data[s]! * hw0[x]! + data[s + 1]! * hw1[x]! + midRound) >> midShift;
    }
  }
}

/**
 * "Over" for one sample of an offset plane: premultiplied `color` with alpha `a` (0-255) over
 * `under`. Luma (base 16) stores a * (Y' - 16); chroma (base 128) stores 128 + a * (C - 128).
 */
export function overSample(color: number, a: number, under: number, base: 16 | 128): number {
  const o = color + (base === 16 ? 16.5 : 0.5) + ((under - base) * (255 - a)) / 255;
  return o < 0 ? 0 : o > 255 ? 255 : o | 0;
}

/** Reusable intermediate rows for the two-pass filter. */
export class Resampler {
  private mid = new Uint16Array(0);

  /** Draws plane `src` placed by `p` (dst px = t + src px * s) over all of `dst`, plus `add`. */
  drawPlane(src: Plane, p: Placement, dst: Plane, add = 0): void {
    const h = axisTaps(dst.width, src.width, p.tx, p.sx);
    const v = axisTaps(dst.height, src.height, p.ty, p.sy);
    const hp = pairs(h, src.width);
    const vp = pairs(v, src.height);
    if (hp && vp) this.bilinear(src, hp, vp, dst, add);
    else this.generic(src, h, v, dst, add);
  }

  /**
   * Composites premultiplied `color` with its `alpha` (same size), placed by `p`, over `dst`
   * ("over"), resampling both and blending in one pass. `base` is the plane's offset: 16 for luma
   * (color = a * (Y' - 16)), 128 for chroma (color = 128 + a * (C - 128)). Returns false (drawing
   * nothing) at scales that need the wide filter; the caller then resamples and blends apart.
   */
  drawPlaneOver(color: Plane, alpha: Plane, p: Placement, dst: Plane, base: 16 | 128): boolean {
    const h = pairs(axisTaps(dst.width, color.width, p.tx, p.sx), color.width);
    const v = pairs(axisTaps(dst.height, color.height, p.ty, p.sy), color.height);
    if (!h || !v) return false;
    const W = dst.width;
    const H = dst.height;
    const y0 = v.start[0]!;
    const rows = v.start[H - 1]! + 2 - y0;
    const midC = this.rows(rows * 2, W);
    const aOff = rows * W; // alpha rows after the colour rows
    horizontalPass(color, h, y0, rows, midC, 0, W);
    horizontalPass(alpha, h, y0, rows, midC, aOff, W);
    const outShift = WEIGHT_BITS + MID_BITS;
    const outRound = 1 << (outShift - 1);
    const out = dst.data;
    for (let y = 0; y < H; y++) {
      const d = y * dst.stride;
      const r0 = (v.start[y]! - y0) * W;
      const r1 = r0 + W;
      const w0 = v.w0[y]!;
      const w1 = v.w1[y]!;
      for (let x = 0; x < W; x++) {
        const a = (midC[aOff + r0 + x]! * w0 + midC[aOff + r1 + x]! * w1 + outRound) >> outShift;
        if (a === 0) continue;
        const c = (midC[r0 + x]! * w0 + midC[r1 + x]! * w1 + outRound) >> outShift;
        out[d + x] = overSample(c, a, out[d + x]!, base);
      }
    }
    return true;
  }

  private rows(n: number, width: number): Uint16Array {
    if (this.mid.length < n * width) this.mid = new Uint16Array(n * width);
    return this.mid;
  }

  private bilinear(src: Plane, h: Pairs, v: Pairs, dst: Plane, add: number): void {
    const W = dst.width;
    const H = dst.height;
    const y0 = v.start[0]!;
    const rows = v.start[H - 1]! + 2 - y0;
    const mid = this.rows(rows, W);
    horizontalPass(src, h, y0, rows, mid, 0, W);
    const outShift = WEIGHT_BITS + MID_BITS;
    const outRound = (1 << (outShift - 1)) + (add << outShift);
    const out = dst.data;
    for (let y = 0; y < H; y++) {
      const d = y * dst.stride;
      const r0 = (v.start[y]! - y0) * W;
      const r1 = r0 + W;
      const w0 = v.w0[y]!;
      const w1 = v.w1[y]!;
      for (let x = 0; x < W; x++) out[d + x] = (mid[r0 + x]! * w0 + mid[r1 + x]! * w1 + outRound) >> outShift;
    }
  }

  /** Any scale (strong reductions need more taps): the same filter, generic loops. */
  private generic(src: Plane, h: Taps, v: Taps, dst: Plane, add: number): void {
    const W = dst.width;
    const H = dst.height;
    let y0 = src.height;
    let y1 = 0;
    for (let i = 0; i < v.index.length; i++) {
      y0 = Math.min(y0, v.index[i]!);
      y1 = Math.max(y1, v.index[i]!);
    }
    const rows = y1 - y0 + 1;
    const mid = this.rows(rows, W);
    const data = src.data;
    const midShift = WEIGHT_BITS - MID_BITS;
    const midRound = 1 << (midShift - 1);
    for (let r = 0; r < rows; r++) {
      const srow = (y0 + r) * src.stride;
      for (let x = 0, o = 0; x < W; x++, o += h.taps) {
        let c = midRound;
        for (let t = 0; t < h.taps; t++) c += data[srow + h.index[o + t]!]! * h.weight[o + t]!;
        mid[r * W + x] = c >> midShift;
      }
    }
    const outShift = WEIGHT_BITS + MID_BITS;
    const outRound = (1 << (outShift - 1)) + (add << outShift);
    const out = dst.data;
    for (let y = 0; y < H; y++) {
      const base = y * v.taps;
      for (let x = 0; x < W; x++) {
        let c = outRound;
        for (let t = 0; t < v.taps; t++) c += mid[(v.index[base + t]! - y0) * W + x]! * v.weight[base + t]!;
        out[y * dst.stride + x] = Math.min(255, c >> outShift);
      }
    }
  }
}
