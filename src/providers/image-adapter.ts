/**
 * Makes a start image acceptable to a provider before the request (constraints.ts says what each
 * accepts): crops an over-wide or over-tall image around the focal point to the largest aspect the
 * provider takes, upscales one whose short side is too small, re-encodes an encoding it cannot read
 * (WebP for Kling, GIF/TIFF/HEIF for everyone: the first frame), and shrinks a file that is too
 * large. An image that already fits is left byte for byte as it is.
 */
import sharp from 'sharp';
import type { ImageConstraints, ImageEncoding } from './constraints';

export interface ImageFacts {
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif, ... */
  format: string;
  /** Upright (EXIF orientation applied) size. */
  width: number;
  height: number;
  bytes: number;
  hasAlpha: boolean;
  /** EXIF orientation other than 1: the pixels must be turned before a provider sees them. */
  rotated: boolean;
}

export interface AdaptedImage {
  bytes: Buffer;
  encoding: ImageEncoding;
  width: number;
  height: number;
  /** What was done, for messages ("converted webp to jpeg", ...); empty when the original fits. */
  changes: string[];
}

export interface AdaptOptions {
  /** The subject, in 0..1 of the width and height (the plan's `focus`); default the centre. */
  focus?: { x: number; y: number };
  /** Byte limit for the result (default: the constraints' maxBytes). */
  maxBytes?: number;
}

export async function imageFacts(input: Buffer): Promise<ImageFacts> {
  const m = await sharp(input).metadata();
  if (!m.width || !m.height || !m.format) throw new Error('not a readable image');
  const turned = (m.orientation ?? 1) >= 5;
  return {
    format: m.format === 'jpg' ? 'jpeg' : m.format,
    width: turned ? m.height : m.width,
    height: turned ? m.width : m.height,
    bytes: input.length,
    hasAlpha: !!m.hasAlpha,
    rotated: (m.orientation ?? 1) !== 1,
  };
}

/** Why the image cannot go to the provider as it is; empty when it can. */
export function imageProblems(f: ImageFacts, c: ImageConstraints, maxBytes = c.maxBytes): string[] {
  const out: string[] = [];
  if (!(c.encodings as readonly string[]).includes(f.format)) out.push(`${f.format} is not accepted (${c.encodings.join('/')} only)`);
  const short = Math.min(f.width, f.height);
  const aspect = Math.max(f.width, f.height) / short;
  if (c.minSide && short < c.minSide) out.push(`${f.width}x${f.height} is under ${c.minSide} px on a side`);
  if (c.maxAspect && aspect > c.maxAspect + 1e-9) out.push(`aspect ${aspect.toFixed(2)}:1 is over ${c.maxAspect}:1`);
  if (f.bytes > maxBytes) out.push(`${mb(f.bytes)} is over ${mb(maxBytes)}`);
  if (f.rotated) out.push('EXIF orientation is not applied by every provider');
  return out;
}

export async function adaptImage(input: Buffer, c: ImageConstraints, opts: AdaptOptions = {}): Promise<AdaptedImage> {
  const f = await imageFacts(input);
  const limit = Math.min(opts.maxBytes ?? c.maxBytes, c.maxBytes);
  if (imageProblems(f, c, limit).length === 0) return { bytes: input, encoding: f.format as ImageEncoding, width: f.width, height: f.height, changes: [] };

  const changes: string[] = [];
  if (f.rotated) changes.push('applied the EXIF orientation');
  // 1. Aspect: crop the long side around the focal point (floor keeps the result within the limit).
  let crop: { left: number; top: number; width: number; height: number } | undefined;
  let w = f.width;
  let h = f.height;
  if (c.maxAspect && Math.max(w, h) / Math.min(w, h) > c.maxAspect + 1e-9) {
    const fx = opts.focus?.x ?? 0.5;
    const fy = opts.focus?.y ?? 0.5;
    if (w > h) {
      const cw = Math.floor(h * c.maxAspect);
      crop = { left: clamp(Math.round(fx * w - cw / 2), 0, w - cw), top: 0, width: cw, height: h };
    } else {
      const ch = Math.floor(w * c.maxAspect);
      crop = { left: 0, top: clamp(Math.round(fy * h - ch / 2), 0, h - ch), width: w, height: ch };
    }
    changes.push(`cropped ${w}x${h} to ${crop.width}x${crop.height} around the focal point (aspect over ${c.maxAspect}:1)`);
    w = crop.width;
    h = crop.height;
  }
  // 2. Short side: upscale (Lanczos) until it reaches the minimum.
  if (c.minSide && Math.min(w, h) < c.minSide) {
    const s = c.minSide / Math.min(w, h);
    const nw = Math.max(c.minSide, Math.ceil(w * s));
    const nh = Math.max(c.minSide, Math.ceil(h * s));
    changes.push(`upscaled ${w}x${h} to ${nw}x${nh} (at least ${c.minSide} px a side)`);
    w = nw;
    h = nh;
  }
  // 3. Encoding: keep an accepted one; else PNG for images with transparency (where accepted), else JPEG.
  const accepted = c.encodings as readonly string[];
  let encoding: ImageEncoding = accepted.includes(f.format) ? (f.format as ImageEncoding) : f.hasAlpha && accepted.includes('png') ? 'png' : 'jpeg';
  if (encoding !== f.format) changes.push(`converted ${f.format} to ${encoding}`);

  // 4. Size: encode; while too large, switch PNG to JPEG, then shrink (never under minSide), then lower quality.
  let quality = 90;
  for (let attempt = 0; ; attempt++) {
    const bytes = await render(input, crop, w, h, encoding, quality);
    if (bytes.length <= limit) return { bytes, encoding, width: w, height: h, changes };
    if (attempt >= 10) throw new Error(`cannot bring the image under ${mb(limit)} (${mb(bytes.length)} at ${w}x${h})`);
    if (encoding === 'png' && accepted.includes('jpeg')) {
      encoding = 'jpeg';
      changes.push(`re-encoded as jpeg to fit ${mb(limit)}`);
      continue;
    }
    const floor = c.minSide ?? 64;
    const s = Math.min(0.9, Math.sqrt(limit / bytes.length) * 0.95);
    const nw = Math.round(w * s);
    const nh = Math.round(h * s);
    if (Math.min(nw, nh) >= floor) {
      changes.push(`downscaled ${w}x${h} to ${nw}x${nh} to fit ${mb(limit)}`);
      w = nw;
      h = nh;
    } else if (encoding !== 'png' && quality > 50) {
      quality -= 15;
    } else {
      throw new Error(`cannot bring the image under ${mb(limit)} without going under ${floor} px a side`);
    }
  }
}

async function render(
  input: Buffer,
  crop: { left: number; top: number; width: number; height: number } | undefined,
  w: number,
  h: number,
  encoding: ImageEncoding,
  quality: number,
): Promise<Buffer> {
  // rotate(): apply the EXIF orientation first, so crop and focus are in upright coordinates.
  // (sharp applies rotate -> extract -> resize in the order they are called)
  let img = sharp(input, { pages: 1 }).rotate();
  if (crop) img = img.extract(crop);
  img = img.resize(w, h, { fit: 'fill', kernel: 'lanczos3' });
  if (encoding === 'jpeg') return img.flatten({ background: '#ffffff' }).jpeg({ quality, mozjpeg: true }).toBuffer();
  if (encoding === 'webp') return img.webp({ quality }).toBuffer();
  return img.png({ compressionLevel: 9 }).toBuffer();
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}
