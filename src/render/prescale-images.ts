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
import { coverSize } from '../timeline/camera';
import type { Timeline } from '../timeline/types';

/** Longest side a pre-scaled image may have (Chromium's texture limits and memory stay comfortable). */
export const MAX_PRESCALED_SIDE = 8192;
/** Within this ratio of the source size, the source file is used as it is. */
export const KEEP_TOLERANCE = 0.03;

export interface PrescaledImage {
  file: string;
  width: number;
  height: number;
}

/** Pixel width each image needs in this timeline: the widest its crop is ever drawn, at output scale. */
export function neededWidths(timeline: Timeline, scale: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of timeline.scenes) {
    const cover = coverSize(s.camera.imageAspect, s.camera.frameAspect);
    const zoom = Math.max(1, s.camera.from.zoom, s.camera.to.zoom);
    const px = Math.ceil(((timeline.width * scale * zoom) / cover.w) * 1.002);
    out.set(s.image.src, Math.max(out.get(s.image.src) ?? 0, px));
  }
  return out;
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
