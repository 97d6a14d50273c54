/**
 * Pre-scales each image once with sharp (Lanczos) to the largest size a frame of a format needs,
 * so the browser never decodes oversized images and never upscales with its cheaper filter.
 * Results are cached by content hash and target size.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../cache/content-hash';
import { produceAtomic } from '../fs/atomic-write';
import type { LocatedImage } from '../plan/load-plan';
import { describeFrame, hasFrameDescription } from '../frame/describe-frame';
import { coverSize } from '../timeline/camera';
import { FULL_RECT, placement } from '../timeline/placement';
import type { Timeline, TimelineScene } from '../timeline/types';

/** Longest side a pre-scaled image may have (Chromium's texture limits and memory stay comfortable). */
export const MAX_PRESCALED_SIDE = 8192;
/** Within this ratio of the source size, the source file is used as it is. */
export const KEEP_TOLERANCE = 0.03;

export interface PrescaledImage {
  file: string;
  width: number;
  height: number;
}

/**
 * Widths read off the frame descriptions (src/frame/describe-frame.ts), at output scale: the widest
 * any frame of any scene draws each picture, so pre-scaled images and depth layers are never
 * upscaled by either renderer and never larger than a frame shows them. `images`: per image
 * reference, the whole image's drawn width (image items, the WebGL parallax's displaced image).
 * `layers`: per image reference, the drawn width of the image part of its depth layers (a layer
 * picture is larger than the image by its overscan margin, and dolly/push scale it up).
 * A scene drawn by its own React component has no description, and an image no frame draws (a CSS
 * parallax scene draws its layers) still needs a picture: both are sized as the camera frames them.
 */
export function drawnWidths(timeline: Timeline, scale: number): { images: Map<string, number>; layers: Map<string, number> } {
  const images = new Map<string, number>();
  const layers = new Map<string, number>();
  const W = timeline.width * scale;
  const H = timeline.height * scale;
  const keep = (m: Map<string, number>, ref: string, px: number): void => {
    m.set(ref, Math.max(m.get(ref) ?? 0, Math.ceil(px - 1e-6)));
  };
  // The image as the camera frames it at its tightest: for scenes without a description, and for
  // images no frame draws (their depth layers are drawn instead) - they still need a picture of
  // their own, and one as sharp as the scene would be if it fell back to the image.
  const cameraWidth = (s: TimelineScene): number => {
    const cover = coverSize(s.camera.imageAspect, s.camera.frameAspect);
    const zoom = Math.max(1, s.camera.from.zoom, s.camera.to.zoom);
    return placement({ x: 0, y: 0, w: cover.w / zoom, h: cover.h / zoom }, FULL_RECT, 1, 1, W, H).sx;
  };
  const undrawn = new Map<string, number>();
  for (const s of timeline.scenes) {
    const ref = s.image.src;
    if (!hasFrameDescription(s)) {
      keep(images, ref, cameraWidth(s));
      continue;
    }
    undrawn.set(ref, Math.max(undrawn.get(ref) ?? 0, cameraWidth(s)));
    for (let f = 0; f < s.durationInFrames; f++) {
      const d = describeFrame(s, f, timeline.fps);
      for (const item of d.items) {
        if (item.kind === 'image' && item.src === ref) {
          keep(images, ref, item.width * placement(d.crop, item.rect, item.width, item.height, W, H).sx);
        } else if (item.kind === 'depth-displacement' && item.src === ref) {
          const grow = Math.max(1, item.far.scale, item.near.scale);
          keep(images, ref, placement(d.crop, FULL_RECT, 1, 1, W, H).sx * grow);
        } else if (item.kind === 'layer' && s.layers) {
          // The layer picture spans 1 + 2 * overscan of the image: the image part is its share of that.
          const picture = item.width * placement(d.crop, item.rect, item.width, item.height, W, H).sx;
          keep(layers, ref, (picture * s.layers.width) / (s.layers.width + 2 * s.layers.overscanPx));
        }
      }
    }
  }
  for (const [ref, px] of undrawn) if (!images.has(ref)) keep(images, ref, px);
  return { images, layers };
}

/** Pixel width each image needs in this timeline (drawnWidths' images). */
export function neededWidths(timeline: Timeline, scale: number): Map<string, number> {
  return drawnWidths(timeline, scale).images;
}

export async function prescaleImage(image: LocatedImage, targetWidth: number, cacheDir: string): Promise<PrescaledImage> {
  const aspect = image.width / image.height;
  let width = Math.min(targetWidth, MAX_PRESCALED_SIDE, Math.floor(MAX_PRESCALED_SIDE * aspect));
  width = Math.max(16, Math.round(width));
  const height = Math.max(16, Math.round(width / aspect));
  const browserFriendly = ['jpeg', 'png', 'webp'].includes(image.format);
  if (browserFriendly && Math.abs(width / image.width - 1) <= KEEP_TOLERANCE) {
    return { file: image.file, width: image.width, height: image.height };
  }
  const bytes = await fs.readFile(image.file);
  const ext = image.hasAlpha ? 'png' : 'jpg';
  const file = path.join(cacheDir, 'images', `${contentHash('prescale-v1', bytes, width, height, ext)}.${ext}`);
  if (await fs.stat(file).catch(() => null)) return { file, width, height };
  await produceAtomic(file, async (tmp) => {
    const pipeline = sharp(bytes, { failOn: 'error' }).rotate().resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
    if (ext === 'png') await pipeline.png({ compressionLevel: 3 }).toFile(tmp);
    else await pipeline.jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toFile(tmp);
  });
  return { file, width, height };
}
