/**
 * Decoding images for depth, layers and focus: one place that turns any input (grey, alpha, EXIF-rotated,
 * huge, tiny, broken) into upright 8-bit RGB, or a StillmotionError that names the file.
 */
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { StillmotionError } from '../errors';

export interface RgbImage {
  /** Interleaved RGB, 3 bytes a pixel. */
  rgb: Uint8Array;
  width: number;
  height: number;
  /** Alpha plane (0..255) when the source had a non-trivial alpha channel; colours are flattened onto white. */
  alpha?: Uint8Array;
}

export interface LoadedImage extends RgbImage {
  /** Displayed size of the file itself (after EXIF rotation). */
  sourceWidth: number;
  sourceHeight: number;
  /** The raw file bytes (for content hashing). */
  bytes: Uint8Array;
  warnings: string[];
}

export interface LoadImageOptions {
  /** Longest side to decode to; larger images are downscaled (with a warning). Default 2048. */
  maxSide?: number;
  /** Pixel count above which decoding is refused (decompression-bomb guard). Default 1 gigapixel. */
  maxInputPixels?: number;
  /** Name used in messages (defaults to the path). */
  label?: string;
  /** Warn when downscaling more than this long side (default: maxSide). */
  quiet?: boolean;
}

const DEFAULT_MAX_SIDE = 2048;
export const DEFAULT_MAX_INPUT_PIXELS = 1_000_000_000;

function describe(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).replace(/^Input (file|buffer) /, '').split('\n')[0]!;
}

/** Reads and decodes an image file; throws StillmotionError (naming the file) for anything unusable. */
export async function loadImage(file: string, opts: LoadImageOptions = {}): Promise<LoadedImage> {
  const label = opts.label ?? file;
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StillmotionError(code === 'ENOENT' ? `${label}: file not found` : `${label}: cannot read file: ${describe(err)}`);
  }
  if (bytes.byteLength === 0) throw new StillmotionError(`${label}: file is empty, not an image`);
  return decodeImage(bytes, { ...opts, label });
}

async function decodeImage(bytes: Uint8Array, opts: LoadImageOptions & { label: string }): Promise<LoadedImage> {
  const { label } = opts;
  const maxSide = Math.max(1, Math.floor(opts.maxSide ?? DEFAULT_MAX_SIDE));
  const maxPixels = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new StillmotionError(`${label}: not an image sharp can read (${describe(err)})`);
  }
  if (!meta.width || !meta.height) throw new StillmotionError(`${label}: image has no size`);
  const rotated = (meta.orientation ?? 1) >= 5;
  const sw = rotated ? meta.height : meta.width;
  const sh = rotated ? meta.width : meta.height;
  const pixels = meta.width * meta.height;
  if (pixels > maxPixels) {
    throw new StillmotionError(
      `${label}: image is too large to decode safely (${sw}x${sh} = ${(pixels / 1e6).toFixed(0)} megapixels; limit ${(maxPixels / 1e6).toFixed(0)})`,
    );
  }
  const warnings: string[] = [];
  const scale = Math.min(1, maxSide / Math.max(sw, sh));
  const tw = Math.max(1, Math.round(sw * scale));
  const th = Math.max(1, Math.round(sh * scale));
  if (scale < 1 && !opts.quiet) warnings.push(`${label}: ${sw}x${sh} image downscaled to ${tw}x${th} for depth/layers/focus`);
  try {
    let img = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true }).rotate();
    if (scale < 1) img = img.resize(tw, th, { fit: 'fill', kernel: 'lanczos3' });
    let alpha: Uint8Array | undefined;
    if (meta.hasAlpha) {
      // Read the alpha channel separately (same geometry), then flatten the colours onto white.
      let a = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels }).rotate();
      if (scale < 1) a = a.resize(tw, th, { fit: 'fill' });
      const ab = await a.ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
      let min = 255;
      for (let i = 0; i < ab.data.length; i++) if (ab.data[i]! < min) min = ab.data[i]!;
      if (min < 250) {
        alpha = new Uint8Array(ab.data.buffer, ab.data.byteOffset, ab.data.byteLength);
        warnings.push(`${label}: transparent areas flattened onto white`);
      }
      img = img.flatten({ background: '#ffffff' });
    }
    const { data, info } = await img.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let rgb: Uint8Array;
    if (info.channels === 3) rgb = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      // Defensive: expand 1/2/4-channel output to RGB.
      rgb = new Uint8Array(info.width * info.height * 3);
      for (let i = 0, n = info.width * info.height; i < n; i++) {
        for (let c = 0; c < 3; c++) rgb[i * 3 + c] = data[i * info.channels + (info.channels >= 3 ? c : 0)]!;
      }
    }
    return { rgb, width: info.width, height: info.height, alpha, sourceWidth: sw, sourceHeight: sh, bytes, warnings };
  } catch (err) {
    throw new StillmotionError(`${label}: cannot decode image (truncated or corrupt?): ${describe(err)}`);
  }
}

/** Luminance plane 0..1 (Rec. 709 weights on sRGB values). */
export function luminance(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const { rgb } = img;
  for (let i = 0; i < n; i++) out[i] = (0.2126 * rgb[i * 3]! + 0.7152 * rgb[i * 3 + 1]! + 0.0722 * rgb[i * 3 + 2]!) / 255;
  return out;
}

/** Resizes RGB (and alpha) with sharp. */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const kernel = width < img.width ? 'lanczos3' : 'cubic';
  const rgb = await sharp(img.rgb, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer();
  let alpha: Uint8Array | undefined;
  if (img.alpha) {
    alpha = await sharp(img.alpha, { raw: { width: img.width, height: img.height, channels: 1 } })
      .resize(width, height, { fit: 'fill' })
      .raw()
      .toBuffer();
  }
  return { rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), width, height, alpha };
}

/** Encodes a 0..1 plane as an 8-bit greyscale PNG. */
export async function planeToPng(data: Float32Array, width: number, height: number): Promise<Buffer> {
  const g = new Uint8Array(width * height);
  for (let i = 0; i < g.length; i++) g[i] = Math.round(Math.min(1, Math.max(0, data[i]!)) * 255);
  return sharp(g, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 6 }).toBuffer();
}

/** Decodes a greyscale PNG (e.g. a cached depth map) into a 0..1 plane. */
export async function pngToPlane(buf: Uint8Array): Promise<{ data: Float32Array; width: number; height: number }> {
  const { data, info } = await sharp(buf).toColourspace('b-w').extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / 255;
  return { data: out, width: info.width, height: info.height };
}
