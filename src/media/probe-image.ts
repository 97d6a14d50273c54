/** Image facts (size, alpha) from sharp, with a full decode so corrupt or truncated files are caught early. */
import sharp from 'sharp';
import { StillmotionError } from '../errors';

export interface ImageFacts {
  width: number;
  height: number;
  format: string;
  hasAlpha: boolean;
}

/** Largest image accepted before decoding (pixels); bigger ones are rejected with a clear message. */
const MAX_INPUT_PIXELS = 268_402_689; // sharp's default (16383 x 16383)

export async function probeImage(file: string, label = file): Promise<ImageFacts> {
  try {
    const img = sharp(file, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS });
    const meta = await img.metadata();
    if (!meta.width || !meta.height) throw new Error('image has no size');
    // Decode a small version to prove the whole file is readable (catches truncation).
    await img.resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    // EXIF-rotated photos are shown upright: report the displayed size.
    const rotated = (meta.orientation ?? 1) >= 5;
    return {
      width: rotated ? meta.height : meta.width,
      height: rotated ? meta.width : meta.height,
      format: meta.format ?? 'unknown',
      hasAlpha: Boolean(meta.hasAlpha),
    };
  } catch (err) {
    throw new StillmotionError(`${label}: cannot decode image: ${(err as Error).message.replace(/^Input file /, '')}`);
  }
}
