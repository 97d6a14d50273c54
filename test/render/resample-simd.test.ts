/**
 * The resampler's bilinear filter runs in a WebAssembly SIMD kernel (src/render/direct/bilinear-simd.ts).
 * It must give exactly the two-pass fixed-point filter that axisTaps describes: here that filter
 * is evaluated the plain way (every tap, every row) and compared sample for sample, at scales from
 * half size up, offsets on and off the grid, odd sizes, strided planes and regions of a frame.
 */
import { describe, expect, it } from 'vitest';
import { axisTaps, Resampler, type Plane } from '../../src/render/direct/resample';
import { mulberry32 } from '../../src/random/mulberry32';

const WEIGHT_BITS = 14;
const MID_BITS = 6;

/** The filter by definition: horizontal pass over every source row (MID_BITS extra bits kept), then vertical, plus `add`. */
function reference(src: Plane, p: { tx: number; ty: number; sx: number; sy: number }, W: number, H: number, add: number): Uint8Array {
  const h = axisTaps(W, src.width, p.tx, p.sx);
  const v = axisTaps(H, src.height, p.ty, p.sy);
  const midShift = WEIGHT_BITS - MID_BITS;
  const mid = new Int32Array(src.height * W);
  for (let r = 0; r < src.height; r++) {
    for (let x = 0; x < W; x++) {
      let c = 1 << (midShift - 1);
      for (let t = 0; t < h.taps; t++) c += src.data[r * src.stride + h.index[x * h.taps + t]!]! * h.weight[x * h.taps + t]!;
      mid[r * W + x] = c >> midShift;
    }
  }
  const outShift = WEIGHT_BITS + MID_BITS;
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let c = 1 << (outShift - 1);
      for (let t = 0; t < v.taps; t++) c += mid[v.index[y * v.taps + t]! * W + x]! * v.weight[y * v.taps + t]!;
      out[y * W + x] = (c >> outShift) + add;
    }
  }
  return out;
}

describe('bilinear resampling in the SIMD kernel', () => {
  it('equals the two-pass filter of axisTaps sample for sample, from half size up, on strided planes and frame regions', () => {
    const rnd = mulberry32(17);
    const r = new Resampler();
    let compared = 0;
    for (let c = 0; c < 120; c++) {
      const add = c % 4 === 0 ? 16 : 0;
      const sw = 2 + Math.floor(rnd() * 120);
      const sh = 2 + Math.floor(rnd() * 90);
      const stride = sw + (c % 2 ? 0 : Math.floor(rnd() * 9));
      const data = new Uint8Array(stride * sh);
      // Values that stay bytes with `add` (as premultiplied luma does).
      for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * (256 - add));
      const src: Plane = { width: sw, height: sh, stride, data };
      const W = 1 + Math.floor(rnd() * 150);
      const H = 1 + Math.floor(rnd() * 100);
      // Half size (the bilinear filter's limit) to 6x; a third of the cases with unequal axes. Near
      // half size, 8 samples' taps can span more than the 16 bytes one SIMD load holds (done one by one).
      const sx = c < 8 ? 0.5 + c * 0.01 : 0.5 + rnd() * 5.5;
      const sy = c % 3 ? sx : 0.5 + rnd() * 3;
      const p = { tx: (rnd() - 0.5) * 60, ty: (rnd() - 0.5) * 60, sx, sy };
      // The destination is a region of a larger plane (stride wider than the region), or a whole plane.
      const inRegion = c % 2 === 1;
      const dstStride = inRegion ? W + 7 : W;
      const backing = new Uint8Array(dstStride * H + (inRegion ? dstStride + 3 : 0)).fill(99);
      const dst: Plane = { width: W, height: H, stride: dstStride, data: inRegion ? backing.subarray(dstStride + 3) : backing };
      r.drawPlane(src, p, dst, add);
      const ref = reference(src, p, W, H, add);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const got = dst.data[y * dstStride + x]!;
          if (got !== ref[y * W + x]) expect(got, `case ${c} (${sw}x${sh} -> ${W}x${H}, ${JSON.stringify(p)}) at ${x},${y}`).toBe(ref[y * W + x]);
        }
        // Samples right of the region are left alone.
        if (inRegion && y < H - 1) for (let x = W; x < dstStride; x++) expect(dst.data[y * dstStride + x]).toBe(99);
      }
      compared += W * H;
    }
    expect(compared).toBeGreaterThan(100_000);
  });

  it('keeps a copy of fixed planes across draws (decoded pictures), and reads other planes anew each time', () => {
    const rnd = mulberry32(23);
    const r = new Resampler();
    const make = (w: number, h: number, fixed: boolean): Plane => ({ width: w, height: h, stride: w, data: Uint8Array.from({ length: w * h }, () => Math.floor(rnd() * 256)), fixed });
    const pictures = [make(97, 61, true), make(40, 30, true), make(64, 48, false)];
    for (let round = 0; round < 3; round++) {
      for (const src of pictures) {
        const p = { tx: -3.7 + round, ty: 1.3 - round, sx: 1.4 + 0.3 * round, sy: 1.4 + 0.3 * round };
        const dst: Plane = { width: 70, height: 50, stride: 70, data: new Uint8Array(70 * 50) };
        r.drawPlane(src, p, dst);
        expect(Buffer.from(dst.data).equals(Buffer.from(reference(src, p, 70, 50, 0))), `round ${round}, ${src.width}x${src.height}`).toBe(true);
      }
      // A plane that is not fixed (a clip's frame buffer) changes between frames: the next draw sees it.
      pictures[2]!.data.forEach((_, i, d) => (d[i] = Math.floor(rnd() * 256)));
    }
  });
});
