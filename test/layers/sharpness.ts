/**
 * Sharpness of rendered frames, for the layer tests and the render bench: the variance of the
 * Laplacian (the classic focus measure, Pech-Pacheco et al. 2000) of the luma around the subject,
 * on frames drawn by the real direct renderer and encoded by the real encoder, read back with
 * Remotion's ffmpeg. The luma is first smoothed with a Gaussian of sigma 1 px (a Laplacian of
 * Gaussian): on an upscaled picture the plain 3x3 Laplacian mostly sees pixel noise and the kinks
 * that bilinear interpolation leaves every source pixel, and scores a soft frame as sharp as a
 * crisp one (measured on the rocket photo at 1080p, parallax from 640 px layers against Ken Burns:
 * plain Laplacian 28.5 / 30.5 = 0.94, Laplacian of Gaussian 8.25 / 11.35 = 0.73, the softness one sees).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { runFf } from '../../src/media/ffmpeg';
import type { LoadedPlan } from '../../src/plan/load-plan';
import type { FormatId } from '../../src/plan/formats';
import { DirectImages, renderDirectSegment } from '../../src/render/direct/direct-scenes';
import { formatLayerFiles } from '../../src/render/format-layers';
import { planMediaFacts } from '../../src/render/media-facts';
import type { PreparedAssets } from '../../src/render/prepare-assets';
import { neededWidths, prescaleImage } from '../../src/render/prescale-images';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { cropAtFrame, pointInFrame } from '../../src/timeline/camera';
import type { Timeline, TimelineScene } from '../../src/timeline/types';

export interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Pixel rectangle, end exclusive. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Luma smoothed by a normalised Gaussian of standard deviation `sigma` (separable, edges clamped). */
function gaussian(g: Gray, sigma: number): Gray & { data: Float32Array } {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const { width: w, height: h } = g;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r]! * g.data[y * w + Math.min(w - 1, Math.max(0, x + t))]!;
      tmp[y * w + x] = s / sum;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = -r; t <= r; t++) s += k[t + r]! * tmp[Math.min(h - 1, Math.max(0, y + t)) * w + x]!;
      out[y * w + x] = s / sum;
    }
  }
  return { data: out, width: w, height: h } as Gray & { data: Float32Array };
}

/** The sharpness measure: variance of the Laplacian of the luma smoothed with a Gaussian of sigma 1 px, over `rect`. */
export function sharpness(g: Gray, rect: Rect): number {
  // Smooth a margin around the rectangle too, so its border pixels see real neighbours.
  const m = 4;
  const x0 = Math.max(0, rect.x0 - m);
  const y0 = Math.max(0, rect.y0 - m);
  const x1 = Math.min(g.width, rect.x1 + m);
  const y1 = Math.min(g.height, rect.y1 + m);
  const crop = new Uint8Array((x1 - x0) * (y1 - y0));
  for (let y = y0; y < y1; y++) crop.set(g.data.subarray(y * g.width + x0, y * g.width + x1), (y - y0) * (x1 - x0));
  const smooth = gaussian({ data: crop, width: x1 - x0, height: y1 - y0 }, 1);
  return laplacianVariance(smooth, { x0: rect.x0 - x0, y0: rect.y0 - y0, x1: rect.x1 - x0, y1: rect.y1 - y0 });
}

/** Variance of the 4-neighbour Laplacian over `rect` (pixels on the rectangle's border excluded). */
export function laplacianVariance(g: { data: ArrayLike<number>; width: number; height: number }, rect: Rect): number {
  const { data, width: w } = g;
  const x0 = Math.max(1, rect.x0);
  const y0 = Math.max(1, rect.y0);
  const x1 = Math.min(g.width - 1, rect.x1);
  const y1 = Math.min(g.height - 1, rect.y1);
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * w + x;
      const l = data[i - 1]! + data[i + 1]! + data[i - w]! + data[i + w]! - 4 * data[i]!;
      n++;
      s += l;
      s2 += l * l;
    }
  }
  if (n === 0) return 0;
  const m = s / n;
  return s2 / n - m * m;
}

/** A square of `share` of the frame's short side around the scene's subject (its focus) at scene frame `f`. */
export function subjectRect(scene: TimelineScene, f: number, width: number, height: number, share = 0.3): Rect {
  const p = pointInFrame(cropAtFrame(scene.camera, f), scene.focus);
  const half = (Math.min(width, height) * share) / 2;
  const cx = Math.min(width - half, Math.max(half, p.x * width));
  const cy = Math.min(height - half, Math.max(half, p.y * height));
  return { x0: Math.round(cx - half), y0: Math.round(cy - half), x1: Math.round(cx + half), y1: Math.round(cy + half) };
}

/** Luma of frame `index` of a video file (Remotion's ffmpeg, which writes PNG but not raw video). */
export async function readLuma(file: string, index: number, fps: number): Promise<Gray> {
  const png = `${file}-${index}.png`;
  // Accurate seek: the first frame at or after a quarter frame before frame `index`'s time.
  const at = Math.max(0, (index - 0.25) / fps).toFixed(6);
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', at, '-i', file, '-frames:v', '1', '-pix_fmt', 'gray', png]);
  if (r.code !== 0) throw new Error(`${file}: frame ${index}: ${r.stderr}`);
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  await fs.rm(png, { force: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/**
 * The timeline of a format laid out as a render lays it out (images pre-scaled for the scenes
 * that use them, layers sized for the format, as RenderSession.prepare does), without a browser: enough for frames drawn in Node.
 */
export async function directTimeline(loaded: LoadedPlan, assets: PreparedAssets, format: FormatId, scale: number, cacheDir: string): Promise<Timeline> {
  const layerFiles = await formatLayerFiles(loaded, assets, format, scale, cacheDir);
  const media = planMediaFacts(loaded, assets, (file) => layerFiles.get(path.resolve(file)) ?? file);
  for (const [ref, width] of neededWidths(buildTimeline(loaded.plan, media, format), scale)) {
    const scaled = await prescaleImage(loaded.images[ref]!, width, cacheDir);
    media.images[ref] = { ...media.images[ref]!, src: scaled.file, width: scaled.width, height: scaled.height };
  }
  return buildTimeline(loaded.plan, media, format);
}

/** One frame of one scene drawn by the direct renderer and encoded losslessly; its luma, and the subject's sharpness. */
export async function sceneFrameSharpness(
  timeline: Timeline,
  sceneId: string,
  f: number,
  scale: number,
  dir: string,
): Promise<{ luma: Gray; rect: Rect; sharpness: number; laplacian: number; kind: string }> {
  const scene = timeline.scenes.find((s) => s.id === sceneId);
  if (!scene) throw new Error(`no scene "${sceneId}"`);
  const width = Math.round(timeline.width * scale);
  const height = Math.round(timeline.height * scale);
  const out = path.join(dir, `${sceneId}-${f}-${width}x${height}.mp4`);
  await renderDirectSegment({
    scenes: [{ scene, localFrom: f }],
    frames: 1,
    fps: timeline.fps,
    x264Preset: 'ultrafast',
    crf: 0,
    outputLocation: out,
    fileFor: (u) => u,
    images: new DirectImages(),
    width: timeline.width,
    height: timeline.height,
    scale,
  });
  const luma = await readLuma(out, 0, timeline.fps);
  const rect = subjectRect(scene, f, width, height);
  return { luma, rect, sharpness: sharpness(luma, rect), laplacian: laplacianVariance(luma, rect), kind: scene.kind };
}
