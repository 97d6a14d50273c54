/**
 * The two passes of the bilinear resampler (resample.ts) as a WebAssembly SIMD kernel: the same
 * fixed-point arithmetic, so the same values, 8 or 16 samples an instruction. The module is a few
 * hundred bytes, assembled here from the instructions below (what each function does is written
 * beside it in the text format), so it needs no toolchain and compiles synchronously.
 *
 * - `h` (horizontal pass): per block of 8 output samples, the 16 source bytes from the block's
 *   first tap are loaded, shuffled into (a, b) pairs by a per-block index vector (`i8x16.swizzle`),
 *   widened, and dotted with the pairs' weights (`i32x4.dot_i16x8_s`: a * w0 + b * w1); a block
 *   whose taps span more than 16 bytes is done one sample at a time.
 * - `v` (vertical pass): per output row, (row0 * w0 + row1 * w1) of two intermediate rows, 16
 *   samples at a time (`i32x4.extmul_*_i16x8_s`), narrowed with saturation to bytes.
 */

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

// Instructions (opcodes from the WebAssembly core and SIMD specifications).
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32 = (n: number): number[] => [0x41, ...sleb(n)];
const mem = (op: number, align: number, offset = 0): number[] => [op, align, ...uleb(offset)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const simdMem = (op: number, offset = 0): number[] => [...simd(op), 4, ...uleb(offset)];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  geU: [0x4f],
  ltU: [0x49],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  shrU: [0x76],
  load: (offset = 0) => mem(0x28, 2, offset),
  load8U: (offset = 0) => mem(0x2d, 0, offset),
  load16S: (offset = 0) => mem(0x2e, 1, offset),
  store16: (offset = 0) => mem(0x3b, 1, offset),
  v128Load: (offset = 0) => simdMem(0x00, offset),
  v128Store: (offset = 0) => simdMem(0x0b, offset),
  swizzle: simd(0x0e),
  i16x8Splat: simd(0x10),
  i32x4Splat: simd(0x11),
  i8x16NarrowU: simd(0x66),
  i16x8NarrowS: simd(0x85),
  i16x8NarrowU: simd(0x86),
  extendLowU8: simd(0x89),
  extendHighU8: simd(0x8a),
  i32x4ShrS: simd(0xac),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  dot: simd(0xba),
  extmulLow: simd(0xbc),
  extmulHigh: simd(0xbd),
};

/** Bytes a horizontal-pass block table entry takes: index vector, weights, first tap, whether SIMD fits. */
export const BLOCK_BYTES = 64;
/** Output samples a horizontal block covers. */
export const BLOCK = 8;

/**
 * h(src, srcStride, rows, tab, blocks, mid, midStride): for each of `rows` source rows, each
 * block b (table entry at tab + 64 b: 16 index bytes, 8 i16 weights (w0, w1 per sample) twice,
 * i32 first tap at 48, i32 "fits" at 52) writes 8 u16 samples (a * w0 + b * w1 + round) >> shift at
 * mid + r * midStride + 16 b (shift = weightBits - midBits, round half of 1 << shift).
 */
function horizontal(f: FixedPoint): number[] {
  const shift = f.weightBits - f.midBits;
  const [src, srcStride, rows, tab, blocks, mid, midStride] = [0, 1, 2, 3, 4, 5, 6];
  const [r, b, srow, mrow, t, base, k, s] = [7, 8, 9, 10, 11, 12, 13, 14];
  const [p, rnd] = [15, 16];
  const half = (extend: number[], weights: number): number[] => [
    ...get(p), ...extend, ...get(t), ...op.v128Load(weights), ...op.dot, ...get(rnd), ...op.i32x4Add, ...i32(shift), ...op.i32x4ShrU,
  ];
  const body = [
    ...i32(1 << (shift - 1)), ...op.i32x4Splat, ...set(rnd),
    ...i32(0), ...set(r),
    ...op.block, ...op.loop,
    ...get(r), ...get(rows), ...op.geU, ...op.brIf(1),
    ...get(src), ...get(r), ...get(srcStride), ...op.mul, ...op.add, ...set(srow),
    ...get(mid), ...get(r), ...get(midStride), ...op.mul, ...op.add, ...set(mrow),
    ...i32(0), ...set(b),
    ...op.block, ...op.loop,
    ...get(b), ...get(blocks), ...op.geU, ...op.brIf(1),
    ...get(tab), ...get(b), ...i32(6), ...op.shl, ...op.add, ...set(t),
    ...get(t), ...op.load(48), ...set(base),
    ...get(t), ...op.load(52),
    ...op.if,
    // p = swizzle(load(srow + base), load(t)); store(mrow + 16 b, narrow_u(dot(lo(p), w[0..3]) ..., dot(hi(p), w[4..7]) ...))
    ...get(srow), ...get(base), ...op.add, ...op.v128Load(), ...get(t), ...op.v128Load(), ...op.swizzle, ...set(p),
    ...get(mrow), ...get(b), ...i32(4), ...op.shl, ...op.add,
    ...half(op.extendLowU8, 16), ...half(op.extendHighU8, 32), ...op.i16x8NarrowU,
    ...op.v128Store(),
    ...op.else,
    // for k in 0..7: s = srow + base + idx[2k]; mid[k] = (src[s] * w0 + src[s + 1] * w1 + round) >> shift
    ...i32(0), ...set(k),
    ...op.loop,
    ...get(srow), ...get(base), ...op.add, ...get(t), ...get(k), ...i32(1), ...op.shl, ...op.add, ...op.load8U(), ...op.add, ...set(s),
    ...get(mrow), ...get(b), ...i32(4), ...op.shl, ...op.add, ...get(k), ...i32(1), ...op.shl, ...op.add,
    ...get(s), ...op.load8U(), ...get(t), ...get(k), ...i32(2), ...op.shl, ...op.add, ...op.load16S(16), ...op.mul,
    ...get(s), ...op.load8U(1), ...get(t), ...get(k), ...i32(2), ...op.shl, ...op.add, ...op.load16S(18), ...op.mul,
    ...op.add, ...i32(1 << (shift - 1)), ...op.add, ...i32(shift), ...op.shrU,
    ...op.store16(),
    ...get(k), ...i32(1), ...op.add, ...set(k),
    ...get(k), ...i32(BLOCK), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...get(b), ...i32(1), ...op.add, ...set(b), ...op.br(0),
    ...op.end, ...op.end,
    ...get(r), ...i32(1), ...op.add, ...set(r), ...op.br(0),
    ...op.end, ...op.end,
  ];
  return func([[8, I32], [2, V128]], body);
}

/**
 * v(mid, midStride, vtab, H, W, out, outStride, round): output row y (vtab + 8 y: i32 byte offset
 * of its first intermediate row from mid, i32 w0) gets, 16 samples at a time up to W rounded up,
 * (row0 * w0 + row1 * ((1 << weightBits) - w0) + round) >> (weightBits + midBits) saturated to a byte.
 */
function vertical(f: FixedPoint): number[] {
  const shift = f.weightBits + f.midBits;
  const [mid, midStride, vtab, H, W, out, outStride, round] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [y, t, m0, m1, o, x] = [8, 9, 10, 11, 12, 13];
  const [w0, w1, rnd] = [14, 15, 16];
  // ((a * w0 + b * w1 + rnd) >> shift) for one half (low or high 4 lanes) of 8 samples at byte offset `at` of both rows.
  const half = (mul: number[], at: number): number[] => [
    ...get(m0), ...get(x), ...op.add, ...op.v128Load(at), ...get(w0), ...mul,
    ...get(m1), ...get(x), ...op.add, ...op.v128Load(at), ...get(w1), ...mul,
    ...op.i32x4Add, ...get(rnd), ...op.i32x4Add, ...i32(shift), ...op.i32x4ShrS,
  ];
  const eight = (at: number): number[] => [...half(op.extmulLow, at), ...half(op.extmulHigh, at), ...op.i16x8NarrowS];
  const body = [
    ...get(round), ...op.i32x4Splat, ...set(rnd),
    ...i32(0), ...set(y),
    ...op.block, ...op.loop,
    ...get(y), ...get(H), ...op.geU, ...op.brIf(1),
    ...get(vtab), ...get(y), ...i32(3), ...op.shl, ...op.add, ...set(t),
    ...get(mid), ...get(t), ...op.load(), ...op.add, ...set(m0),
    ...get(m0), ...get(midStride), ...op.add, ...set(m1),
    ...get(t), ...op.load(4), ...op.i16x8Splat, ...set(w0),
    ...i32(1 << f.weightBits), ...get(t), ...op.load(4), ...op.sub, ...op.i16x8Splat, ...set(w1),
    ...get(out), ...get(y), ...get(outStride), ...op.mul, ...op.add, ...set(o),
    ...i32(0), ...set(x),
    ...op.block, ...op.loop,
    // x counts intermediate bytes (2 a sample): 16 samples are 32 bytes of each row, 16 bytes out.
    ...get(x), ...get(W), ...i32(1), ...op.shl, ...op.geU, ...op.brIf(1),
    ...get(o), ...get(x), ...i32(1), ...op.shrU, ...op.add,
    ...eight(0), ...eight(16), ...op.i8x16NarrowU,
    ...op.v128Store(),
    ...get(x), ...i32(32), ...op.add, ...set(x), ...op.br(0),
    ...op.end, ...op.end,
    ...get(y), ...i32(1), ...op.add, ...set(y), ...op.br(0),
    ...op.end, ...op.end,
  ];
  return func([[6, I32], [3, V128]], body);
}

function func(locals: [number, number][], body: number[]): number[] {
  const code = [...uleb(locals.length), ...locals.flatMap(([n, type]) => [...uleb(n), type]), ...body, ...op.end];
  return [...uleb(code.length), ...code];
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s)];

function moduleBytes(f: FixedPoint): Uint8Array<ArrayBuffer> {
  const fnType = (params: number): number[] => [0x60, ...uleb(params), ...new Array<number>(params).fill(I32), 0];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([fnType(7), fnType(8)])),
    ...section(3, vec([[0], [1]])),
    ...section(5, vec([[0x00, 1]])), // one memory, 1 page at first, grown by the caller
    ...section(7, vec([[...name('h'), 0x00, 0], [...name('v'), 0x00, 1], [...name('mem'), 0x02, 0]])),
    ...section(10, vec([horizontal(f), vertical(f)])),
  ]);
}

export interface BilinearKernel {
  memory: WebAssembly.Memory;
  h(src: number, srcStride: number, rows: number, tab: number, blocks: number, mid: number, midStride: number): void;
  v(mid: number, midStride: number, vtab: number, H: number, W: number, out: number, outStride: number, round: number): void;
}

/** The resampler's fixed point: weights sum to 1 << weightBits; the intermediate keeps midBits extra bits. */
export interface FixedPoint {
  weightBits: number;
  midBits: number;
}

const compiled = new Map<string, WebAssembly.Module>();

/** A new instance (its own memory) of the kernel for this fixed point. */
export function bilinearKernel(f: FixedPoint): BilinearKernel {
  const key = `${f.weightBits}/${f.midBits}`;
  let m = compiled.get(key);
  if (!m) {
    m = new WebAssembly.Module(moduleBytes(f));
    compiled.set(key, m);
  }
  const e = new WebAssembly.Instance(m).exports as unknown as { h: BilinearKernel['h']; v: BilinearKernel['v']; mem: WebAssembly.Memory };
  return { memory: e.mem, h: e.h, v: e.v };
}
