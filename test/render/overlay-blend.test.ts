/**
 * The overlay compositor (src/render/direct/overlay-blend.ts) against the "over" formula written out
 * sample by sample in floating point: equal at full opacity, within one level at a card's fade
 * opacities; a picture cut to its visible pixels (visibleCrop) composites to the same frame as the
 * whole band; pictures at the frame's edges are clipped.
 */
import { describe, expect, it } from 'vitest';
import { rgbaToLayer, type LayerImage } from '../../src/render/direct/layer-image';
import { blendOverlay } from '../../src/render/direct/overlay-blend';
import type { Plane } from '../../src/render/direct/resample';
import type { YuvImage } from '../../src/render/direct/yuv-image';
import { visibleCrop } from '../../src/render/overlays/overlay-pictures';

/** A deterministic pseudo-random byte source (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGBA band like a caption's: transparent, with opaque text-like blocks, anti-aliased edges (partial alpha) and a soft shadow. */
function band(width: number, height: number, seed: number): Uint8Array {
  const rnd = random(seed);
  const px = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inText = y > height * 0.3 && y < height * 0.7 && x > width * 0.2 && x < width * 0.8 && (x >> 3) % 3 !== 0;
      const edge = !inText && y > height * 0.25 && y < height * 0.75 && x > width * 0.15 && x < width * 0.85;
      const a = inText ? 255 : edge ? Math.floor(rnd() * 256) : 0;
      px[i] = Math.floor(rnd() * 256);
      px[i + 1] = Math.floor(rnd() * 256);
      px[i + 2] = Math.floor(rnd() * 256);
      px[i + 3] = a;
    }
  }
  return px;
}

function frameOf(width: number, height: number, seed: number): YuvImage {
  const rnd = random(seed);
  const plane = (w: number, h: number): Plane => ({ width: w, height: h, stride: w, data: Uint8Array.from({ length: w * h }, () => 16 + Math.floor(rnd() * 220)) });
  return { width, height, y: plane(width, height), u: plane(width / 2, height / 2), v: plane(width / 2, height / 2) };
}

const copy = (f: YuvImage): YuvImage => ({ ...f, y: { ...f.y, data: f.y.data.slice() }, u: { ...f.u, data: f.u.data.slice() }, v: { ...f.v, data: f.v.data.slice() } });

/** "Over" at `opacity`, per sample in floating point (the element's opacity scales premultiplied colour and alpha alike). */
function reference(pic: LayerImage, ox: number, oy: number, frame: YuvImage, opacity: number): void {
  const over = (dst: Plane, src: Plane, alpha: Plane, dx: number, dy: number, base: number): void => {
    for (let y = 0; y < src.height; y++) {
      for (let x = 0; x < src.width; x++) {
        const fx = x + dx;
        const fy = y + dy;
        if (fx < 0 || fy < 0 || fx >= dst.width || fy >= dst.height) continue;
        const a = alpha.data[y * alpha.stride + x]! * opacity;
        if (a === 0) continue;
        const c = (src.data[y * src.stride + x]! - (base === 16 ? 0 : 128)) * opacity;
        const under = dst.data[fy * dst.stride + fx]!;
        dst.data[fy * dst.stride + fx] = Math.max(0, Math.min(255, Math.floor(base + c + ((under - base) * (255 - a)) / 255 + 0.5)));
      }
    }
  };
  over(frame.y, pic.y, pic.a, ox, oy, 16);
  over(frame.u, pic.u, pic.ac, ox / 2, oy / 2, 128);
  over(frame.v, pic.v, pic.ac, ox / 2, oy / 2, 128);
}

function maxDiff(a: YuvImage, b: YuvImage): number {
  let m = 0;
  for (const k of ['y', 'u', 'v'] as const) for (let i = 0; i < a[k].data.length; i++) m = Math.max(m, Math.abs(a[k].data[i]! - b[k].data[i]!));
  return m;
}

describe('blendOverlay', () => {
  const W = 160;
  const H = 120;
  const pic = rgbaToLayer(band(100, 60, 1), 100, 60);

  it('equals the float formula at full opacity, and is within one level of it at fade opacities', () => {
    for (const [ox, oy] of [[20, 30], [-40, -10], [100, 90]] as const) {
      for (const opacity of [1, 0.999, 0.62, 0.4, 0.077]) {
        const base = frameOf(W, H, 7);
        const got = copy(base);
        const want = copy(base);
        blendOverlay(pic, ox, oy, got, opacity);
        reference(pic, ox, oy, want, opacity);
        expect(maxDiff(got, want), `at ${ox},${oy} opacity ${opacity}`).toBeLessThanOrEqual(opacity === 1 ? 0 : 1);
        if (ox === 20) expect(maxDiff(got, base), 'something was drawn').toBeGreaterThan(10);
      }
    }
  });

  it('opacity 0 draws nothing; an odd position is refused', () => {
    const f = frameOf(W, H, 3);
    const before = copy(f);
    blendOverlay(pic, 20, 20, f, 0);
    expect(maxDiff(f, before)).toBe(0);
    expect(() => blendOverlay(pic, 21, 20, f)).toThrow(/odd pixel 21,20/);
  });

  it('a picture cut to its visible pixels composites to the same frame as its whole band', () => {
    const w = 90;
    const h = 50;
    const rgba = band(w, h, 5);
    const c = visibleCrop(rgba, w, h);
    expect(c.x % 2 + (c.y % 2)).toBe(0);
    expect(c.width * c.height).toBeLessThan(0.8 * w * h);
    const part = new Uint8Array(c.width * c.height * 4);
    for (let y = 0; y < c.height; y++) part.set(rgba.subarray(((c.y + y) * w + c.x) * 4, ((c.y + y) * w + c.x + c.width) * 4), y * c.width * 4);
    for (const opacity of [1, 0.5]) {
      const whole = frameOf(W, H, 9);
      const cut = copy(whole);
      blendOverlay(rgbaToLayer(rgba, w, h), 10, 40, whole, opacity);
      blendOverlay(rgbaToLayer(part, c.width, c.height), 10 + c.x, 40 + c.y, cut, opacity);
      expect(maxDiff(whole, cut), `opacity ${opacity}`).toBe(0);
    }
    // Nothing visible: a 2x2 transparent picture.
    expect(visibleCrop(new Uint8Array(8 * 6 * 4), 8, 6)).toEqual({ x: 0, y: 0, width: 2, height: 2 });
  });
});
