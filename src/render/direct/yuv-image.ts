/**
 * Images and frames as Y'CbCr 4:2:0 planes (BT.601, limited range: what ffmpeg makes of an RGB
 * or JPEG frame when it encodes yuv420p), so frames drawn in Node go to x264 without conversion.
 */
import sharp from 'sharp';
import type { Placement } from '../../timeline/placement';
import { type Plane, Resampler } from './resample';

export interface YuvImage {
  width: number;
  height: number;
  y: Plane;
  u: Plane;
  v: Plane;
}

function plane(width: number, height: number, data: Uint8Array = new Uint8Array(width * height)): Plane {
  return { width, height, stride: width, data };
}

const clampByte = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** RGB (3 bytes a pixel) to 4:2:0 planes; chroma is the mean of each 2x2 block. */
export function rgbToYuv(rgb: Uint8Array, width: number, height: number): YuvImage {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const y = plane(width, height);
  const u = plane(cw, ch);
  const v = plane(cw, ch);
  for (let i = 0, p = 0; i < width * height; i++, p += 3) {
    y.data[i] = clampByte(16 + 0.256788 * rgb[p]! + 0.504129 * rgb[p + 1]! + 0.097906 * rgb[p + 2]!);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let dy = 0; dy < 2; dy++) {
        const yy = 2 * cy + dy;
        if (yy >= height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const xx = 2 * cx + dx;
          if (xx >= width) continue;
          const p = (yy * width + xx) * 3;
          r += rgb[p]!;
          g += rgb[p + 1]!;
          b += rgb[p + 2]!;
          n++;
        }
      }
      r /= n;
      g /= n;
      b /= n;
      u.data[cy * cw + cx] = clampByte(128 - 0.148223 * r - 0.290993 * g + 0.439216 * b);
      v.data[cy * cw + cx] = clampByte(128 + 0.439216 * r - 0.367788 * g - 0.071427 * b);
    }
  }
  return { width, height, y, u, v };
}

/** The part of `plane` from (x, y), `width` x `height` (a view: same memory, same stride). */
export function planeRegion(p: Plane, x: number, y: number, width: number, height: number): Plane {
  return { width, height, stride: p.stride, data: p.data.subarray(y * p.stride + x) };
}

/** Decodes an image file flattened over black (the scenes' background), as 4:2:0 planes. */
export async function loadYuvImage(file: string): Promise<YuvImage> {
  const { data, info } = await sharp(file, { failOn: 'error' }).rotate().flatten({ background: '#000000' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return rgbToYuv(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** The Y, U and V planes of an I420 frame laid out in `buf` (sizes must be even). */
export function i420Frame(buf: Uint8Array, width: number, height: number): YuvImage {
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  return {
    width,
    height,
    y: plane(width, height, buf.subarray(0, ySize)),
    u: plane(width / 2, height / 2, buf.subarray(ySize, ySize + cSize)),
    v: plane(width / 2, height / 2, buf.subarray(ySize + cSize, ySize + 2 * cSize)),
  };
}

/** Draws `img` placed by `p` (in luma pixels) over the whole frame. */
export function drawYuv(r: Resampler, img: YuvImage, p: Placement, frame: YuvImage): void {
  r.drawPlane(img.y, p, frame.y);
  // Chroma planes are half size on both sides: the same scale, half the offset.
  const c: Placement = { tx: p.tx / 2, ty: p.ty / 2, sx: p.sx, sy: p.sy };
  r.drawPlane(img.u, c, frame.u);
  r.drawPlane(img.v, c, frame.v);
}
