/**
 * Draws a scaled, translated image into a frame: a separable resampler in fixed point, one plane
 * at a time (Y at full size, U and V at half size: the frame is already what x264 encodes).
 * This is what a browser does for `<Img>` with a CSS `translate() scale()` (bilinear down to
 * half size, mipmap-like area filtering below), without the browser: one horizontal pass over
 * the source rows the frame needs, one vertical pass into the frame.
 */
import type { Placement } from '../../timeline/placement';
import { BLOCK, BLOCK_BYTES, bilinearKernel, type BilinearKernel } from './bilinear-simd';

/** One 8-bit channel, rows packed (`stride` bytes a row). */
export interface Plane {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array<ArrayBufferLike>;
  /** Never written once made (a decoded picture): a resampler may keep its own copy across frames. */
  fixed?: boolean;
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
export interface Pairs {
  start: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

export function pairs(t: Taps, srcSize: number): Pairs | null {
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

/**
 * pairs(axisTaps(outSize, srcSize, offset, scale), srcSize) without the taps in between, for the
 * bilinear filter (scale >= MIPMAP_SCALE): the same arithmetic in the same order per sample (three
 * taps, the third always without weight), so the same values, with nothing allocated but the
 * result. Drawing a frame asks for these per plane and axis; the general path was most of the
 * direct renderer's JavaScript time per frame.
 */
export function bilinearPairs(outSize: number, srcSize: number, offset: number, scale: number): Pairs | null {
  if (scale < MIPMAP_SCALE) return pairs(axisTaps(outSize, srcSize, offset, scale), srcSize);
  if (srcSize < 2) return null;
  const start = new Int32Array(outSize);
  const w0 = new Int32Array(outSize);
  const w1 = new Int32Array(outSize);
  const last = srcSize - 1;
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5 - offset) / scale - 0.5;
    const first = Math.ceil(centre - 1);
    // axisTaps' weights at radius 1: tap t at first + t, 1 - distance (0 from a distance of 1 on).
    const d0 = Math.abs(first - centre);
    const d1 = Math.abs(first + 1 - centre);
    const d2 = Math.abs(first + 2 - centre);
    const f0 = d0 < 1 ? 1 - d0 : 0;
    const f1 = d1 < 1 ? 1 - d1 : 0;
    const f2 = d2 < 1 ? 1 - d2 : 0;
    const sum = 0 + f0 + f1 + f2;
    let q0 = sum > 0 ? Math.round((f0 / sum) * ONE) : ONE;
    let q1 = sum > 0 ? Math.round((f1 / sum) * ONE) : 0;
    let q2 = sum > 0 ? Math.round((f2 / sum) * ONE) : 0;
    // The heaviest tap (the first of equals) takes what rounding left over.
    const rest = ONE - (q0 + q1 + q2);
    if (q1 > q0 && q1 >= q2) q1 += rest;
    else if (q2 > q0 && q2 > q1) q2 += rest;
    else q0 += rest;
    const i0 = first < 0 ? 0 : first > last ? last : first;
    const i1 = first + 1 < 0 ? 0 : first + 1 > last ? last : first + 1;
    const i2 = first + 2 < 0 ? 0 : first + 2 > last ? last : first + 2;
    // pairs(): the first tap with weight starts the pair; the others must fall on it or the next sample.
    const from = q0 !== 0 ? i0 : q1 !== 0 ? i1 : i2;
    const s = from < srcSize - 2 ? from : srcSize - 2;
    const j0 = i0 - s;
    const j1 = i1 - s;
    const j2 = i2 - s;
    if ((q0 !== 0 && j0 !== 0 && j0 !== 1) || (q1 !== 0 && j1 !== 0 && j1 !== 1) || (q2 !== 0 && j2 !== 0 && j2 !== 1)) {
      return pairs(axisTaps(outSize, srcSize, offset, scale), srcSize);
    }
    start[i] = s < 0 ? 0 : s;
    w0[i] = (q0 !== 0 && j0 === 0 ? q0 : 0) + (q1 !== 0 && j1 === 0 ? q1 : 0) + (q2 !== 0 && j2 === 0 ? q2 : 0);
    w1[i] = (q0 !== 0 && j0 === 1 ? q0 : 0) + (q1 !== 0 && j1 === 1 ? q1 : 0) + (q2 !== 0 && j2 === 1 ? q2 : 0);
  }
  return { start, w0, w1 };
}

/**
 * "Over" for one sample of an offset plane: premultiplied `color` with alpha `a` (0-255) over
 * `under`. Luma (base 16) stores a * (Y' - 16); chroma (base 128) stores 128 + a * (C - 128).
 */
export function overSample(color: number, a: number, under: number, base: 16 | 128): number {
  const o = color + (base === 16 ? 16.5 : 0.5) + ((under - base) * (255 - a)) / 255;
  return o < 0 ? 0 : o > 255 ? 255 : o | 0;
}

/**
 * overSample without the division: everything but the (whole-number) colour, floored, per alpha
 * and sample below (index a * 256 + under). color + table = overSample before clamping, exactly
 * (floor(n + k) = n + floor(k) for whole n; no k is within rounding of a whole number but whole ones).
 */
function overTable(base: 16 | 128): Int16Array {
  const t = new Int16Array(256 * 256);
  for (let a = 0; a < 256; a++) {
    for (let under = 0; under < 256; under++) t[a * 256 + under] = Math.floor((base === 16 ? 16.5 : 0.5) + ((under - base) * (255 - a)) / 255);
  }
  return t;
}
const OVER_TABLES = { 16: overTable(16), 128: overTable(128) } as const;

/** overSample through the table (what the layer drawer uses; tested equal to overSample). */
export function overSampleFast(color: number, a: number, under: number, base: 16 | 128): number {
  const o = color + OVER_TABLES[base][a * 256 + under]!;
  return o < 0 ? 0 : o > 255 ? 255 : o;
}

/**
 * Per source row of a layer's alpha plane: the columns with alpha above 0, [any0, any1), and the
 * longest run of alpha 255, [full0, full1) (an empty row or run has from >= to). What the layer
 * drawer needs to leave transparent parts alone and to know where a layer hides what is below.
 */
export interface AlphaRows {
  any0: Int32Array;
  any1: Int32Array;
  full0: Int32Array;
  full1: Int32Array;
}

export function alphaRows(a: Plane): AlphaRows {
  const { width: W, height: H } = a;
  const rows: AlphaRows = { any0: new Int32Array(H), any1: new Int32Array(H), full0: new Int32Array(H), full1: new Int32Array(H) };
  for (let y = 0; y < H; y++) {
    const o = y * a.stride;
    let first = -1;
    let last = -1;
    let best0 = 0;
    let best1 = 0;
    let run = -1;
    for (let x = 0; x <= W; x++) {
      const v = x < W ? a.data[o + x]! : 0;
      if (v > 0) {
        if (first < 0) first = x;
        last = x;
      }
      if (v === 255) {
        if (run < 0) run = x;
      } else if (run >= 0) {
        if (x - run > best1 - best0) {
          best0 = run;
          best1 = x;
        }
        run = -1;
      }
    }
    rows.any0[y] = first < 0 ? 0 : first;
    rows.any1[y] = first < 0 ? 0 : last + 1;
    rows.full0[y] = best0;
    rows.full1[y] = best1;
  }
  return rows;
}

/** Per frame row, one column interval [from, to) (empty when from >= to). */
export interface RowSpans {
  from: Int32Array;
  to: Int32Array;
}

export function rowSpans(rows: number): RowSpans {
  return { from: new Int32Array(rows), to: new Int32Array(rows) };
}

/** Adds `b` to `a` row by row: their union where they touch, else the longer of the two (still only covered columns). */
export function mergeSpans(a: RowSpans, b: RowSpans): void {
  for (let y = 0; y < a.from.length; y++) {
    const a0 = a.from[y]!;
    const a1 = a.to[y]!;
    const b0 = b.from[y]!;
    const b1 = b.to[y]!;
    if (b1 <= b0) continue;
    if (a1 <= a0 || (b0 <= a1 && a0 <= b1)) {
      a.from[y] = a1 <= a0 ? b0 : Math.min(a0, b0);
      a.to[y] = a1 <= a0 ? b1 : Math.max(a1, b1);
    } else if (b1 - b0 > a1 - a0) {
      a.from[y] = b0;
      a.to[y] = b1;
    }
  }
}

/** First index i in [0, n) with sorted[i] >= value (n when none). */
function lowerBound(sorted: Int32Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One plane of a layer placed over a plane of the frame, bilinear (scales from half size up).
 * `dst` is a region of the frame plane, at (dx, dy) in it; `alpha` and `rows` are null for an
 * opaque layer.
 */
export interface OverPlane {
  color: Plane;
  alpha: Plane | null;
  rows: AlphaRows | null;
  dst: Plane;
  dx: number;
  dy: number;
  base: 16 | 128;
  h: Pairs;
  v: Pairs;
}

/** The bilinear taps of a layer plane placed by `p` (in `dst` px), or null at scales that need the wide filter. */
export function overPlane(color: Plane, alpha: Plane | null, rows: AlphaRows | null, p: Placement, dst: Plane, dx: number, dy: number, base: 16 | 128): OverPlane | null {
  const h = bilinearPairs(dst.width, color.width, p.tx, p.sx);
  const v = bilinearPairs(dst.height, color.height, p.ty, p.sy);
  return h && v ? { color, alpha, rows, dst, dx, dy, base, h, v } : null;
}

/**
 * Where, per frame row, every sample of `o` comes out fully opaque: the output columns whose four
 * source samples all lie in the longest opaque run of both source rows read. There the layer
 * replaces what is below whole (overSample at alpha 255 ignores `under`), so layers below need not
 * be drawn. Written into `out` (frame coordinates); other rows are left as they are.
 */
export function opaqueSpans(o: OverPlane, out: RowSpans): void {
  const W = o.dst.width;
  const hs = o.h.start;
  for (let y = 0; y < o.dst.height; y++) {
    const r0 = o.v.start[y]!;
    let f0 = 0;
    let f1 = W;
    if (o.rows) {
      const s0 = Math.max(o.rows.full0[r0]!, o.rows.full0[r0 + 1]!);
      const s1 = Math.min(o.rows.full1[r0]!, o.rows.full1[r0 + 1]!);
      // Both horizontal taps inside: start >= s0 and start + 1 <= s1 - 1.
      f0 = s1 - s0 >= 2 ? lowerBound(hs, W, s0) : 0;
      f1 = s1 - s0 >= 2 ? lowerBound(hs, W, s1 - 1) : 0;
    }
    out.from[o.dy + y] = f0 + o.dx;
    out.to[o.dy + y] = Math.max(f0, f1) + o.dx;
  }
}

const OUT_SHIFT = WEIGHT_BITS + MID_BITS;

/**
 * Draws `o` with "over" only where it can change the frame: per row, the columns its non-zero
 * alpha reaches, minus `skip` (frame coordinates: covered by an opaque layer drawn later, which
 * replaces what is drawn there whole). Colour and alpha are the two-pass filter's (resampled by
 * `r` over the layer's region, the same values); where all four source samples of a sample are
 * opaque the colour replaces what is below without looking at alpha. `sameAlpha`: the alpha and
 * taps are those of the previous call's plane (V after U), whose resampled alpha is reused.
 */
export function drawOver(r: Resampler, o: OverPlane, skip: RowSpans | null, sameAlpha = false): void {
  const { alpha, rows, dst, h, v } = o;
  const W = dst.width;
  const H = dst.height;
  const hs = h.start;
  const add = o.base === 16 ? 16 : 0;
  // The layer's colour over the region, with the luma offset added (what an opaque sample becomes), and its alpha.
  const col = r.scratch(0, W, H);
  r.drawPairs(o.color, h, v, col, add);
  const al = alpha ? r.scratch(1, W, H) : null;
  if (al && !sameAlpha) r.drawPairs(alpha!, h, v, al, 0);
  const cd = col.data;
  const ad = al?.data;
  const out = dst.data;
  const table = OVER_TABLES[o.base];
  const cuts = new Int32Array(6);
  for (let y = 0; y < H; y++) {
    const r0 = v.start[y]!;
    let xa = 0;
    let xb = W;
    let fa = 0;
    let fb = W;
    if (rows) {
      const a0 = Math.min(rows.any0[r0]! < rows.any1[r0]! ? rows.any0[r0]! : W, rows.any0[r0 + 1]! < rows.any1[r0 + 1]! ? rows.any0[r0 + 1]! : W);
      const a1 = Math.max(rows.any1[r0]!, rows.any1[r0 + 1]!);
      if (a1 <= a0) continue;
      // Columns whose taps (start, start + 1) reach [a0, a1): start >= a0 - 1 and start < a1.
      xa = lowerBound(hs, W, a0 - 1);
      xb = lowerBound(hs, W, a1);
      const s0 = Math.max(rows.full0[r0]!, rows.full0[r0 + 1]!);
      const s1 = Math.min(rows.full1[r0]!, rows.full1[r0 + 1]!);
      fa = s1 - s0 >= 2 ? lowerBound(hs, W, s0) : 0;
      fb = s1 - s0 >= 2 ? lowerBound(hs, W, s1 - 1) : 0;
    }
    let k0 = 0;
    let k1 = 0;
    if (skip) {
      k0 = skip.from[o.dy + y]! - o.dx;
      k1 = skip.to[o.dy + y]! - o.dx;
    }
    // Pieces of [xa, xb) between these cuts: skipped ones left alone, opaque ones copied.
    cuts[0] = xa;
    cuts[1] = xb;
    cuts[2] = Math.min(xb, Math.max(xa, fa));
    cuts[3] = Math.min(xb, Math.max(xa, fb));
    cuts[4] = Math.min(xb, Math.max(xa, k0));
    cuts[5] = Math.min(xb, Math.max(xa, k1));
    cuts.sort();
    const c = y * W;
    const d = y * dst.stride;
    for (let i = 0; i < 5; i++) {
      const x0 = cuts[i]!;
      const x1 = cuts[i + 1]!;
      if (x1 <= x0 || (x0 >= k0 && x1 <= k1)) continue;
      if (!ad || (x0 >= fa && x1 <= fb)) {
        out.set(cd.subarray(c + x0, c + x1), d + x0);
        continue;
      }
      for (let x = x0; x < x1; x++) {
        const a = ad[c + x]!;
        if (a === 0) continue;
        const e = cd[c + x]! - add + table[a * 256 + out[d + x]!]!;
        out[d + x] = e < 0 ? 0 : e > 255 ? 255 : e;
      }
    }
  }
}

const align16 = (n: number): number => (n + 15) & ~15;

/** Grows the kernel's memory to at least `bytes`. */
function growTo(k: BilinearKernel, bytes: number): void {
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / 65536));
}

/** The most bytes of fixed planes a resampler keeps in its kernel's memory (a segment's pictures: a few layers at 1080p take about 30 MB). */
const RESIDENT_BYTES = 128 << 20;

/** Reusable intermediate rows for the two-pass filter. */
export class Resampler {
  private mid = new Uint16Array(0);
  private kernel: BilinearKernel | null = null;
  private readonly scratches: Plane[] = [];
  /** Where fixed planes drawn before are copied in the kernel's memory (from 0, up to residentEnd; scratch areas follow). */
  private resident = new WeakMap<Uint8Array<ArrayBufferLike>, number>();
  private residentEnd = 0;

  /** Draws plane `src` placed by `p` (dst px = t + src px * s) over all of `dst`, plus `add`. */
  drawPlane(src: Plane, p: Placement, dst: Plane, add = 0): void {
    const hp = this.pairsFor(0, dst.width, src.width, p.tx, p.sx);
    const vp = hp && this.pairsFor(1, dst.height, src.height, p.ty, p.sy);
    if (hp && vp) this.drawPairs(src, hp, vp, dst, add);
    else this.generic(src, axisTaps(dst.width, src.width, p.tx, p.sx), axisTaps(dst.height, src.height, p.ty, p.sy), dst, add);
  }

  /** The last pairs asked for per axis (0 horizontal, 1 vertical): U and V planes are placed alike. */
  private readonly lastPairs: ({ key: string; pairs: Pairs | null } | null)[] = [null, null];

  private pairsFor(axis: 0 | 1, outSize: number, srcSize: number, offset: number, scale: number): Pairs | null {
    const key = `${outSize} ${srcSize} ${offset} ${scale}`;
    const last = this.lastPairs[axis];
    if (last?.key === key) return last.pairs;
    const pairs = bilinearPairs(outSize, srcSize, offset, scale);
    this.lastPairs[axis] = { key, pairs };
    return pairs;
  }

  /** Scratch plane `i` of this resampler, `width` x `height` packed (contents left from earlier use). */
  scratch(i: number, width: number, height: number): Plane {
    let p = this.scratches[i];
    if (!p || p.data.length < width * height) p = this.scratches[i] = { width, height, stride: width, data: new Uint8Array(width * height) };
    return { width, height, stride: width, data: p.data };
  }

  private rows(n: number, width: number): Uint16Array {
    if (this.mid.length < n * width) this.mid = new Uint16Array(n * width);
    return this.mid;
  }

  /**
   * Draws `src` through bilinear taps over all of `dst`, plus `add`. Both passes run in
   * bilinear-simd.ts's kernel: the source rows read are copied into its memory (a fixed plane once,
   * kept for the next frames) with tables (each output block's taps and weights, each output row's
   * two intermediate rows and weight), and the result copied out.
   */
  drawPairs(src: Plane, h: Pairs, v: Pairs, dst: Plane, add: number): void {
    const W = dst.width;
    const H = dst.height;
    const y0 = v.start[0]!;
    const rows = v.start[H - 1]! + 2 - y0;
    const k = (this.kernel ??= bilinearKernel({ weightBits: WEIGHT_BITS, midBits: MID_BITS }));
    const blocks = Math.ceil(W / BLOCK);
    const srcFrom = y0 * src.stride;
    const srcBytes = Math.min(rows * src.stride, src.data.length - srcFrom);
    // A fixed plane is copied into the kernel's memory once, then read there every frame.
    const kept = src.fixed ? this.residentAt(k, src.data) : -1;
    // Layout after the kept planes, 16-byte aligned; each area has room for the kernel's reads and writes past its end.
    const vtab = this.residentEnd;
    const tab = align16(vtab + H * 8);
    const srcAt = kept >= 0 ? kept + srcFrom : align16(tab + blocks * BLOCK_BYTES);
    const mid = align16(kept >= 0 ? tab + blocks * BLOCK_BYTES : srcAt + srcBytes + 32);
    const midStride = W * 2;
    const out = align16(mid + rows * midStride + 64);
    growTo(k, out + H * W + 32);
    const buf = k.memory.buffer;
    const bytes = new Uint8Array(buf);
    const i16 = new Int16Array(buf);
    const i32 = new Int32Array(buf);
    const hs = h.start;
    for (let b = 0; b < blocks; b++) {
      const e = tab + b * BLOCK_BYTES;
      const first = hs[b * BLOCK]!;
      let fits = 1;
      for (let j = 0; j < BLOCK; j++) {
        const x = b * BLOCK + j;
        // Samples past W (the last block's) read the block's first tap with no weight.
        const off = x < W ? hs[x]! - first : 0;
        if (off + 1 > 15) fits = 0;
        bytes[e + 2 * j] = off;
        bytes[e + 2 * j + 1] = off + 1;
        i16[(e + 16) / 2 + 2 * j] = x < W ? h.w0[x]! : 0;
        i16[(e + 16) / 2 + 2 * j + 1] = x < W ? h.w1[x]! : 0;
      }
      i32[(e + 48) / 4] = first;
      i32[(e + 52) / 4] = fits;
    }
    for (let y = 0; y < H; y++) {
      i32[vtab / 4 + 2 * y] = (v.start[y]! - y0) * midStride;
      i32[vtab / 4 + 2 * y + 1] = v.w0[y]!;
    }
    if (kept < 0) bytes.set(src.data.subarray(srcFrom, srcFrom + srcBytes), srcAt);
    k.h(srcAt, src.stride, rows, tab, blocks, mid, midStride);
    k.v(mid, midStride, vtab, H, W, out, W, (1 << (OUT_SHIFT - 1)) + (add << OUT_SHIFT));
    if (dst.stride === W) dst.data.set(bytes.subarray(out, out + H * W));
    else for (let y = 0; y < H; y++) dst.data.set(bytes.subarray(out + y * W, out + (y + 1) * W), y * dst.stride);
  }

  /**
   * Lets go of the pictures kept in the kernel's memory (their space is reused by the next ones);
   * the kernel itself, with its memory, goes too when that memory is over `keepBytes` (it cannot
   * shrink). For a resampler that is kept for other segments (DrawScratchPool).
   */
  forgetPictures(keepBytes: number): void {
    this.resident = new WeakMap();
    this.residentEnd = 0;
    if (this.kernel && this.kernel.memory.buffer.byteLength > keepBytes) this.kernel = null;
  }

  /** Where `data` (a fixed plane's) is copied in the kernel's memory; copied now when it is not yet. */
  private residentAt(k: BilinearKernel, data: Uint8Array<ArrayBufferLike>): number {
    let at = this.resident.get(data);
    if (at !== undefined) return at;
    if (this.residentEnd + data.length > RESIDENT_BYTES) {
      // Pictures of earlier segments, most likely: start again with the ones drawn now.
      this.resident = new WeakMap();
      this.residentEnd = 0;
    }
    at = this.residentEnd;
    // Room past the end for a SIMD load from the last row.
    this.residentEnd = align16(at + data.length + 32);
    growTo(k, this.residentEnd);
    new Uint8Array(k.memory.buffer).set(data, at);
    this.resident.set(data, at);
    return at;
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
