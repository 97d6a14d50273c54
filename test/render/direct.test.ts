/**
 * The direct renderer's parts (src/render/direct/): filter weights, identity placement, the
 * one-pass layer blend against resample-then-blend, the AVI stream (header fields, and real frames
 * through Remotion's ffmpeg), Y'CbCr and layer conversion, blending and the vignette.
 */
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { aviFrameChunkHeader, aviHeader, i420FrameBytes } from '../../src/render/direct/avi-stream';
import { blendOver, drawImage, drawVignette, rgbToYuvSample } from '../../src/render/direct/draw-frame';
import { encodeFrames } from '../../src/render/direct/encode-frames';
import { drawLayer, drawLayers, LayerScratch, rgbaToLayer } from '../../src/render/direct/layer-image';
import { alphaRows, axisTaps, bilinearPairs, overSample, overSampleFast, pairs, Resampler, type Plane } from '../../src/render/direct/resample';
import { i420Frame, rgbToYuv, yuvPlanes, type YuvImage } from '../../src/render/direct/yuv-image';
import { mulberry32 } from '../../src/random/mulberry32';
import { tempDir } from '../helpers/fixtures';

const ONE = 1 << 14;

function plane(width: number, height: number, fill: (x: number, y: number) => number): Plane {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fill(x, y);
  return { width, height, stride: width, data };
}

function frame(width: number, height: number, y = 16, c = 128): YuvImage {
  const f = i420Frame(new Uint8Array(width * height * 1.5), width, height);
  f.y.data.fill(y);
  f.u.data.fill(c);
  f.v.data.fill(c);
  return f;
}

describe('resampler filter weights', () => {
  it('sum to exactly one per output sample, at every scale and offset', () => {
    for (const scale of [4, 1.7, 1, 0.75, 0.5, 0.33, 0.1]) {
      for (const offset of [0, 0.3, -7.25]) {
        const t = axisTaps(40, 50, offset, scale);
        for (let i = 0; i < 40; i++) {
          let sum = 0;
          for (let k = 0; k < t.taps; k++) sum += t.weight[i * t.taps + k]!;
          expect(sum, `scale ${scale} offset ${offset} sample ${i}`).toBe(ONE);
        }
      }
    }
  });

  it('are bilinear down to half size and a triangle of radius 1/scale below it', () => {
    expect(axisTaps(10, 20, 0, 0.5).taps).toBe(3);
    const t = axisTaps(10, 40, 0, 0.25);
    expect(t.taps).toBe(9);
    // Output 2 (centre 2.5) reads source centre 10 - 0.5 = 9.5: symmetric weights around it.
    const w = Array.from(t.weight.subarray(2 * t.taps, 3 * t.taps));
    const idx = Array.from(t.index.subarray(2 * t.taps, 3 * t.taps));
    const at = (i: number): number => w[idx.indexOf(i)] ?? 0;
    expect(Math.abs(at(9) - at(10))).toBeLessThanOrEqual(1);
    expect(Math.abs(at(8) - at(11))).toBeLessThanOrEqual(1);
    expect(at(9)).toBeGreaterThan(at(8));
  });
});

describe('bilinear pairs', () => {
  it('are the pairs of the general taps, at every scale, offset and size a frame asks for', () => {
    const random = mulberry32(5);
    const cases: [number, number, number, number][] = [
      [1920, 2208, 0, 1],
      [1920, 2208, -143.7, 0.9388],
      [960, 1104, -71.85, 0.9388],
      [7, 2, 0.5, 3.5],
      [8, 3, -1.25, 0.5],
      [9, 40, 100, 0.5],
    ];
    for (let k = 0; k < 400; k++) {
      const src = 2 + Math.floor(random() * 300);
      const scale = 0.5 + random() * 3.5;
      cases.push([1 + Math.floor(random() * 300), src, (random() - 0.5) * 2 * src * scale, k % 9 === 0 ? Math.round(scale * 4) / 4 : scale]);
    }
    for (const [out, src, offset, scale] of cases) {
      const general = pairs(axisTaps(out, src, offset, scale), src);
      const fast = bilinearPairs(out, src, offset, scale);
      expect(fast === null, `${out} ${src} ${offset} ${scale}`).toBe(general === null);
      if (!fast || !general) continue;
      for (const key of ['start', 'w0', 'w1'] as const) expect(Array.from(fast[key]), `${key}: ${out} ${src} ${offset} ${scale}`).toEqual(Array.from(general[key]));
    }
    // One source sample cannot be a pair; below half size the wide filter is asked for.
    expect(bilinearPairs(4, 1, 0, 2)).toBeNull();
    expect(bilinearPairs(10, 40, 0, 0.25)).toBeNull();
  });
});

describe('identity placement', () => {
  it('copies a plane exactly at scale 1 and offset 0', () => {
    const rnd = mulberry32(7);
    const src = plane(37, 21, () => Math.floor(rnd() * 256));
    const dst = plane(37, 21, () => 0);
    new Resampler().drawPlane(src, { tx: 0, ty: 0, sx: 1, sy: 1 }, dst);
    expect(Buffer.from(dst.data).equals(Buffer.from(src.data))).toBe(true);
  });

  it('draws an image that covers the frame exactly, and one that does not only where it lands', () => {
    const rnd = mulberry32(3);
    const rgb = new Uint8Array(16 * 8 * 3).map(() => Math.floor(rnd() * 256));
    const img = rgbToYuv(rgb, 16, 8);
    const f = frame(16, 8);
    drawImage(new Resampler(), img, { tx: 0, ty: 0, sx: 1, sy: 1 }, f);
    expect(Buffer.from(f.y.data).equals(Buffer.from(img.y.data))).toBe(true);
    expect(Buffer.from(f.u.data).equals(Buffer.from(img.u.data))).toBe(true);
    const g = frame(32, 16);
    drawImage(new Resampler(), img, { tx: 8, ty: 4, sx: 1, sy: 1 }, g);
    expect(g.y.data[0]).toBe(16);
    expect(g.y.data[4 * 32 + 8]).toBe(img.y.data[0]);
    expect(g.y.data[11 * 32 + 23]).toBe(img.y.data[7 * 16 + 15]);
    expect(g.y.data[12 * 32 + 24]).toBe(16);
  });
});

describe('Y\'CbCr and layer conversion', () => {
  it('gives BT.601 limited-range values', () => {
    expect(rgbToYuvSample([0, 0, 0])).toEqual([16, 128, 128]);
    expect(rgbToYuvSample([255, 255, 255])).toEqual([235, 128, 128]);
    const [y, u, v] = rgbToYuvSample([255, 0, 0]);
    expect([y, u, v]).toEqual([81, 90, 240]);
  });

  it('converts opaque RGB of even size by its one-pass path to the same bytes as the general path', () => {
    const random = mulberry32(17);
    for (const [w, h] of [[2, 2], [6, 4], [38, 22]] as const) {
      const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i % 7 === 0 ? [0, 255][i % 2]! : Math.floor(random() * 256)));
      // The general path: the same pixels with alpha 255 (scaled by exactly 1).
      const rgba = new Uint8Array(w * h * 4).fill(255);
      for (let i = 0; i < w * h; i++) rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
      for (const base of [0, 16] as const) {
        const fast = yuvPlanes(rgb, w, h, 3, base);
        const general = yuvPlanes(rgba, w, h, 4, base);
        expect(fast.a).toBeNull();
        for (const k of ['y', 'u', 'v'] as const) expect(Buffer.from(fast[k].data).equals(Buffer.from(general[k].data))).toBe(true);
      }
    }
    // Odd sizes (clipped blocks) go the general way and still agree with the opaque sample colour.
    expect(rgbToYuv(new Uint8Array(3 * 3 * 3).fill(255), 3, 3).y.data[8]).toBe(235);
  });

  it('converts RGBA of even size by its one-pass path to the same bytes as the general path (transparent blocks included)', () => {
    const random = mulberry32(29);
    for (const [w, h] of [[2, 2], [6, 4], [38, 22]] as const) {
      // Left half transparent (whole blocks of alpha 0), the rest random with alpha 0, 255 and between.
      const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 !== 3 ? Math.floor(random() * 256) : (i >> 2) % w < w / 2 ? 0 : [0, 255, Math.floor(random() * 256)][i % 3]!));
      // The general path: the same pixels with one transparent column more (odd width); its first w columns must agree.
      const wide = new Uint8Array((w + 1) * h * 4);
      for (let y = 0; y < h; y++) wide.set(rgba.subarray(y * w * 4, (y + 1) * w * 4), y * (w + 1) * 4);
      for (const base of [0, 16] as const) {
        const fast = yuvPlanes(rgba, w, h, 4, base);
        const general = yuvPlanes(wide, w + 1, h, 4, base);
        const cut = (p: { data: Uint8Array; stride: number }, cols: number, rows: number): number[] => Array.from({ length: rows }, (_, y) => [...p.data.subarray(y * p.stride, y * p.stride + cols)]).flat();
        for (const k of ['y', 'a'] as const) expect(cut(fast[k]!, w, h)).toEqual(cut(general[k]!, w, h));
        for (const k of ['u', 'v', 'ac'] as const) expect(cut(fast[k]!, w / 2, h / 2)).toEqual(cut(general[k]!, w / 2, h / 2));
      }
    }
  });

  it('premultiplies layers by alpha, finds their visible box and whether they are opaque', () => {
    const w = 6;
    const h = 4;
    const rgba = new Uint8Array(w * h * 4);
    const set = (x: number, y: number, px: [number, number, number, number]): void => rgba.set(px, (y * w + x) * 4);
    set(2, 1, [255, 255, 255, 255]);
    set(3, 1, [255, 255, 255, 128]);
    const layer = rgbaToLayer(rgba, w, h);
    expect(layer.opaque).toBe(false);
    expect(layer.box).toEqual({ x0: 2, y0: 1, x1: 4, y1: 2 });
    // Luma stores a * (Y' - 16): white opaque 219, half 110, transparent 0; chroma stays neutral.
    expect(layer.y.data[1 * w + 2]).toBe(219);
    expect(layer.y.data[1 * w + 3]).toBe(110);
    expect(layer.y.data[0]).toBe(0);
    expect(layer.a.data[1 * w + 3]).toBe(128);
    expect(layer.u.data[0]).toBe(128);
    expect(layer.ac.data[1]).toBe(Math.round((255 + 128) / 4));
    const solid = rgbaToLayer(new Uint8Array(w * h * 4).fill(255), w, h);
    expect(solid.opaque).toBe(true);
    expect(solid.box).toEqual({ x0: 0, y0: 0, x1: w, y1: h });
  });
});

describe('blending', () => {
  it('"over" on offset planes: opaque replaces, transparent keeps, half mixes', () => {
    expect(overSample(219, 255, 40, 16)).toBe(235);
    expect(overSample(0, 0, 40, 16)).toBe(40);
    expect(overSample(128, 0, 90, 128)).toBe(90);
    // Half-transparent white over black Y' 16: 16 + 110 = 126.
    expect(overSample(110, 128, 16, 16)).toBe(126);
    // Chroma: 128 + a * (C - 128) over C = 200 at half alpha: 128 + 0 + 72 * 127/255.
    expect(overSample(128, 128, 200, 128)).toBe(Math.floor(128.5 + (72 * 127) / 255));
  });

  it('mixes whole frames by opacity', () => {
    const a = frame(4, 4, 16, 128);
    blendOver(a, frame(4, 4, 216, 28), 0.5);
    expect(a.y.data[0]).toBe(116);
    expect(a.u.data[0]).toBe(78);
    const b = frame(4, 4, 50, 100);
    blendOver(b, frame(4, 4, 216, 28), 0);
    expect(b.y.data[0]).toBe(50);
  });

  it('one-pass layer blending equals resampling colour and alpha apart, then blending', () => {
    const rnd = mulberry32(11);
    const w = 64;
    const h = 48;
    // A soft-edged disc of random colours: partial alpha everywhere along the edge.
    const rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // Transparent at the border: the reference below clamps to the edge, the layer draw does not.
        const d = x < 3 || y < 3 || x >= w - 3 || y >= h - 3 ? 2 : Math.hypot(x - 30, y - 22) / 18;
        rgba.set([Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.max(0, Math.min(255, Math.round((1.3 - d) * 255)))], (y * w + x) * 4);
      }
    }
    const layer = rgbaToLayer(rgba, w, h);
    const W = 80;
    const H = 60;
    const under = (): YuvImage => {
      const f = frame(W, H);
      const r2 = mulberry32(5);
      for (const k of ['y', 'u', 'v'] as const) f[k].data.forEach((_, i, arr) => (arr[i] = 16 + Math.floor(r2() * 200)));
      return f;
    };
    for (const p of [
      { tx: 3.3, ty: -2.7, sx: 1.17, sy: 1.17 },
      { tx: 10, ty: 5, sx: 0.8, sy: 0.8 },
    ]) {
      const r = new Resampler();
      const onePass = under();
      drawLayer(r, layer, p, onePass, new LayerScratch(W, H));
      // Reference: colour and alpha resampled over the whole frame, then "over" per sample.
      const ref = under();
      const pc = { tx: p.tx / 2, ty: p.ty / 2, sx: p.sx, sy: p.sy };
      for (const [k, src, alpha, pl, base] of [
        ['y', layer.y, layer.a, p, 16],
        ['u', layer.u, layer.ac, pc, 128],
        ['v', layer.v, layer.ac, pc, 128],
      ] as const) {
        const c = { ...ref[k], data: new Uint8Array(ref[k].data.length) };
        const a = { ...ref[k], data: new Uint8Array(ref[k].data.length) };
        r.drawPlane(src, pl, c);
        r.drawPlane(alpha, pl, a);
        for (let i = 0; i < c.data.length; i++) if (a.data[i]! > 0) ref[k].data[i] = overSample(c.data[i]!, a.data[i]!, ref[k].data[i]!, base);
      }
      for (const k of ['y', 'u', 'v'] as const) {
        let maxDiff = 0;
        for (let i = 0; i < ref[k].data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[k].data[i]! - onePass[k].data[i]!));
        expect(maxDiff, `${k} at scale ${p.sx}`).toBe(0);
      }
    }
  });

  it('"over" through the table equals overSample for every alpha, sample below and colour', () => {
    for (const base of [16, 128] as const) {
      for (let a = 0; a < 256; a++) {
        for (let under = 0; under < 256; under++) {
          for (let color = 0; color < 256; color += 3) {
            if (overSampleFast(color, a, under, base) !== overSample(color, a, under, base)) {
              expect(overSampleFast(color, a, under, base), `base ${base} a ${a} under ${under} colour ${color}`).toBe(overSample(color, a, under, base));
            }
          }
        }
      }
    }
  });

  it('finds per row where alpha is above zero and its longest opaque run', () => {
    const a = plane(8, 3, (x, y) => (y === 0 ? 0 : y === 1 ? [0, 9, 255, 255, 40, 255, 255, 255][x]! : 255));
    const r = alphaRows(a);
    expect([r.any0[0]! >= r.any1[0]!, r.full0[0]! >= r.full1[0]!]).toEqual([true, true]);
    expect([r.any0[1], r.any1[1], r.full0[1], r.full1[1]]).toEqual([1, 8, 5, 8]);
    expect([r.any0[2], r.any1[2], r.full0[2], r.full1[2]]).toEqual([0, 8, 0, 8]);
  });

  it('a stack of layers drawn at once equals its layers drawn one by one (hidden parts skipped, not changed)', () => {
    const rnd = mulberry32(29);
    const w = 90;
    const h = 70;
    // Back: opaque; then two layers with opaque cores, soft edges and transparent surroundings.
    const layerOf = (cx: number, cy: number, r: number, opaque: boolean) => {
      const rgba = new Uint8Array(w * h * 4);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const d = Math.hypot(x - cx, (y - cy) * 1.4) / r;
          const al = opaque ? 255 : Math.max(0, Math.min(255, Math.round((1.25 - d) * 4 * 255)));
          rgba.set([Math.floor(rnd() * 256), Math.floor(rnd() * 256), Math.floor(rnd() * 256), al], (y * w + x) * 4);
        }
      }
      return rgbaToLayer(rgba, w, h);
    };
    const layers = [layerOf(0, 0, 1, true), layerOf(40, 30, 30, false), layerOf(55, 40, 18, false)];
    const W = 96;
    const H = 64;
    for (const ps of [
      [{ tx: -3.3, ty: -2.7, sx: 1.13, sy: 1.13 }, { tx: -1.1, ty: -4.2, sx: 1.13, sy: 1.13 }, { tx: 2.6, ty: -3.9, sx: 1.13, sy: 1.13 }],
      [{ tx: 0, ty: 0, sx: 0.8, sy: 0.8 }, { tx: 7.5, ty: 3.25, sx: 0.9, sy: 0.9 }, { tx: -6.4, ty: 1.1, sx: 1.05, sy: 1.05 }],
      // The nearest layer strongly reduced: drawn apart (two-pass), hiding nothing.
      [{ tx: 0, ty: 0, sx: 1.1, sy: 1.1 }, { tx: 2, ty: 1, sx: 1, sy: 1 }, { tx: 20, ty: 10, sx: 0.3, sy: 0.3 }],
    ]) {
      const one = frame(W, H, 30, 100);
      const r = new Resampler();
      layers.forEach((layer, i) => drawLayer(r, layer, ps[i]!, one, new LayerScratch(W, H)));
      const all = frame(W, H, 30, 100);
      drawLayers(r, layers.map((layer, i) => ({ layer, p: ps[i]! })), all, new LayerScratch(W, H));
      for (const k of ['y', 'u', 'v'] as const) expect(Buffer.from(all[k].data).equals(Buffer.from(one[k].data)), `${k} at ${JSON.stringify(ps[1])}`).toBe(true);
    }
  });

  it('the vignette keeps the centre and darkens towards the farthest corner', () => {
    const f = frame(40, 20, 200, 60);
    drawVignette({ kind: 'vignette', center: { x: 0.25, y: 0.5 }, inner: 0.3, outer: 0.9, strength: 0.8 }, f);
    expect(f.y.data[10 * 40 + 10]).toBe(200);
    // The far right corner is past `outer`: 16 + 184 * 0.2.
    expect(f.y.data[0 * 40 + 39]).toBe(Math.round(16 + 184 * 0.2));
    expect(f.u.data[0 * 20 + 19]).toBe(Math.round(128 - 68 * 0.2));
    const mid = f.y.data[10 * 40 + 25]!;
    expect(mid).toBeLessThan(200);
    expect(mid).toBeGreaterThan(16 + 184 * 0.2);
  });
});

describe('AVI stream', () => {
  it('has exact RIFF sizes and the stream format in its header', () => {
    const w = 64;
    const h = 48;
    const frames = 5;
    const hdr = aviHeader(w, h, 29.97, frames);
    const bytes = i420FrameBytes(w, h);
    expect(bytes).toBe(w * h * 1.5);
    expect(() => i420FrameBytes(63, 48)).toThrow(/even/);
    const total = hdr.length + frames * (8 + bytes);
    expect(hdr.toString('latin1', 0, 4)).toBe('RIFF');
    expect(hdr.readUInt32LE(4)).toBe(total - 8);
    expect(hdr.toString('latin1', 8, 12)).toBe('AVI ');
    const avih = hdr.indexOf('avih', 0, 'latin1');
    expect(hdr.readUInt32LE(avih + 8)).toBe(Math.round(1e6 / 29.97));
    expect(hdr.readUInt32LE(avih + 8 + 16)).toBe(frames);
    expect(hdr.readUInt32LE(avih + 8 + 32)).toBe(w);
    const strh = hdr.indexOf('strh', 0, 'latin1');
    expect(hdr.toString('latin1', strh + 8, strh + 16)).toBe('vidsI420');
    expect([hdr.readUInt32LE(strh + 8 + 20), hdr.readUInt32LE(strh + 8 + 24)]).toEqual([1000, 29970]);
    const strf = hdr.indexOf('strf', 0, 'latin1');
    expect([hdr.readInt32LE(strf + 12), hdr.readInt32LE(strf + 16), hdr.readUInt16LE(strf + 22)]).toEqual([w, h, 12]);
    const movi = hdr.indexOf('movi', 0, 'latin1');
    expect(movi).toBe(hdr.length - 4);
    expect(hdr.readUInt32LE(movi - 4)).toBe(4 + frames * (8 + bytes));
    const chunk = aviFrameChunkHeader(w, h);
    expect(chunk.toString('latin1', 0, 4)).toBe('00db');
    expect(chunk.readUInt32LE(4)).toBe(bytes);
  });

  it('carries real frames through Remotion\'s ffmpeg: frame count, size and colours survive', async () => {
    const dir = await tempDir('stillmotion-direct-');
    const out = path.join(dir, 'frames.mp4');
    const colours: [number, number, number][] = [
      [235, 128, 128],
      [82, 90, 240],
      [16, 128, 128],
    ];
    await encodeFrames({
      width: 64,
      height: 48,
      fps: 30,
      frames: 3,
      x264Preset: 'ultrafast',
      crf: 1,
      outputLocation: out,
      draw: (i, f) => {
        f.y.data.fill(colours[i]![0]);
        f.u.data.fill(colours[i]![1]);
        f.v.data.fill(colours[i]![2]);
      },
    });
    const facts = await probeVideo(out, { countFrames: true });
    expect([facts.frames, facts.width, facts.height]).toEqual([3, 64, 48]);
    const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-i', out, path.join(dir, 'f%d.png')]);
    expect(r.code, r.stderr).toBe(0);
    const { data } = await sharp(path.join(dir, 'f2.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // The second frame is red (Y' 82, Cb 90, Cr 240).
    expect(data[0]).toBeGreaterThan(245);
    expect(data[1]).toBeLessThan(10);
    expect(data[2]).toBeLessThan(10);
  });
});
