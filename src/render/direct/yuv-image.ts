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

export interface YuvaPlanes extends YuvImage {
  /** Alpha at full and at chroma resolution (null for 3-byte pixels: opaque). */
  a: Plane | null;
  ac: Plane | null;
}

/**
 * sRGB pixels (3 or 4 bytes a pixel) to 4:2:0 planes, premultiplied by alpha (3-byte pixels are
 * opaque): Y = lumaBase + a * (Y' - 16), Cb/Cr = 128 + a * (C - 128), chroma and its alpha the
 * mean of each 2x2 block. lumaBase 16 gives plain Y' for opaque images; 0 the premultiplied
 * layer form the compositor expects.
 */
export function yuvPlanes(px: Uint8Array, width: number, height: number, channels: 3 | 4, lumaBase: 0 | 16): YuvaPlanes {
  if (channels === 3 && width % 2 === 0 && height % 2 === 0) return opaquePlanes(px, width, height, lumaBase);
  if (channels === 4 && width % 2 === 0 && height % 2 === 0) return evenRgbaPlanes(px, width, height, lumaBase);
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const y = plane(width, height);
  const u = plane(cw, ch);
  const v = plane(cw, ch);
  const a = channels === 4 ? plane(width, height) : null;
  const ac = channels === 4 ? plane(cw, ch) : null;
  const alphaAt = (p: number): number => (channels === 4 ? px[p + 3]! : 255);
  for (let i = 0, p = 0; i < width * height; i++, p += channels) {
    const al = alphaAt(p);
    y.data[i] = clampByte(lumaBase + (al / 255) * (0.256788 * px[p]! + 0.504129 * px[p + 1]! + 0.097906 * px[p + 2]!));
    if (a) a.data[i] = al;
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      // Means of premultiplied R, G, B and of alpha over the 2x2 block (clipped at the edges).
      let r = 0;
      let g = 0;
      let b = 0;
      let al = 0;
      let n = 0;
      for (let yy = 2 * cy; yy < Math.min(height, 2 * cy + 2); yy++) {
        for (let xx = 2 * cx; xx < Math.min(width, 2 * cx + 2); xx++) {
          const p = (yy * width + xx) * channels;
          const f = alphaAt(p) / 255;
          r += px[p]! * f;
          g += px[p + 1]! * f;
          b += px[p + 2]! * f;
          al += alphaAt(p);
          n++;
        }
      }
      u.data[cy * cw + cx] = clampByte(128 + (-0.148223 * r - 0.290993 * g + 0.439216 * b) / n);
      v.data[cy * cw + cx] = clampByte(128 + (0.439216 * r - 0.367788 * g - 0.071427 * b) / n);
      if (ac) ac.data[cy * cw + cx] = clampByte(al / n);
    }
  }
  return { width, height, y, u, v, a, ac };
}

/**
 * yuvPlanes of RGBA of even size, in one pass over each 2x2 block: the same arithmetic in the same
 * order, so the same bytes, without the per-pixel closures (overlay pictures, depth layers).
 */
function evenRgbaPlanes(px: Uint8Array, width: number, height: number, lumaBase: 0 | 16): YuvaPlanes {
  const cw = width / 2;
  const ch = height / 2;
  const y = plane(width, height);
  const u = plane(cw, ch);
  const v = plane(cw, ch);
  const a = plane(width, height);
  const ac = plane(cw, ch);
  const yd = y.data;
  const ad = a.data;
  const row = width * 4;
  const luma = (p: number): number => {
    const l = lumaBase + (px[p + 3]! / 255) * (0.256788 * px[p]! + 0.504129 * px[p + 1]! + 0.097906 * px[p + 2]!);
    return l < 0 ? 0 : l > 255 ? 255 : Math.round(l);
  };
  for (let cy = 0; cy < ch; cy++) {
    const top = 2 * cy * row;
    const yTop = 2 * cy * width;
    for (let cx = 0; cx < cw; cx++) {
      const p0 = top + cx * 8;
      const p1 = p0 + row;
      const i0 = yTop + 2 * cx;
      const a00 = px[p0 + 3]!;
      const a01 = px[p0 + 7]!;
      const a10 = px[p1 + 3]!;
      const a11 = px[p1 + 7]!;
      if ((a00 | a01 | a10 | a11) === 0) {
        // Nothing here: what the arithmetic gives for alpha 0 (planes start at 0; chroma is 128).
        if (lumaBase !== 0) yd[i0] = yd[i0 + 1] = yd[i0 + width] = yd[i0 + width + 1] = lumaBase;
        u.data[cy * cw + cx] = 128;
        v.data[cy * cw + cx] = 128;
        continue;
      }
      yd[i0] = luma(p0);
      yd[i0 + 1] = luma(p0 + 4);
      yd[i0 + width] = luma(p1);
      yd[i0 + width + 1] = luma(p1 + 4);
      ad[i0] = a00;
      ad[i0 + 1] = a01;
      ad[i0 + width] = a10;
      ad[i0 + width + 1] = a11;
      // Premultiplied sums in yuvPlanes' order (top-left, top-right, bottom-left, bottom-right).
      const f00 = a00 / 255;
      const f01 = a01 / 255;
      const f10 = a10 / 255;
      const f11 = a11 / 255;
      let r = 0;
      let g = 0;
      let b = 0;
      r += px[p0]! * f00;
      g += px[p0 + 1]! * f00;
      b += px[p0 + 2]! * f00;
      r += px[p0 + 4]! * f01;
      g += px[p0 + 5]! * f01;
      b += px[p0 + 6]! * f01;
      r += px[p1]! * f10;
      g += px[p1 + 1]! * f10;
      b += px[p1 + 2]! * f10;
      r += px[p1 + 4]! * f11;
      g += px[p1 + 5]! * f11;
      b += px[p1 + 6]! * f11;
      const al = a00 + a01 + a10 + a11;
      u.data[cy * cw + cx] = clampByte(128 + (-0.148223 * r - 0.290993 * g + 0.439216 * b) / 4);
      v.data[cy * cw + cx] = clampByte(128 + (0.439216 * r - 0.367788 * g - 0.071427 * b) / 4);
      ac.data[cy * cw + cx] = clampByte(al / 4);
    }
  }
  return { width, height, y, u, v, a, ac };
}

/**
 * yuvPlanes of opaque RGB of even size, in one pass over each 2x2 block: the same arithmetic in
 * the same order (alpha 255 scales by exactly 1), so the same bytes, about three times faster
 * (decoding a picture for every segment drawn in Node converts it).
 */
function opaquePlanes(px: Uint8Array, width: number, height: number, lumaBase: 0 | 16): YuvaPlanes {
  const cw = width / 2;
  const ch = height / 2;
  const y = plane(width, height);
  const u = plane(cw, ch);
  const v = plane(cw, ch);
  const yd = y.data;
  const ud = u.data;
  const vd = v.data;
  const row = width * 3;
  const luma = (p: number): number => {
    const l = lumaBase + 1 * (0.256788 * px[p]! + 0.504129 * px[p + 1]! + 0.097906 * px[p + 2]!);
    return l < 0 ? 0 : l > 255 ? 255 : Math.round(l);
  };
  for (let cy = 0; cy < ch; cy++) {
    const top = 2 * cy * row;
    const yTop = 2 * cy * width;
    for (let cx = 0; cx < cw; cx++) {
      const p0 = top + cx * 6;
      const p1 = p0 + row;
      const i0 = yTop + 2 * cx;
      yd[i0] = luma(p0);
      yd[i0 + 1] = luma(p0 + 3);
      yd[i0 + width] = luma(p1);
      yd[i0 + width + 1] = luma(p1 + 3);
      // The block's sums in yuvPlanes' order (top-left, top-right, bottom-left, bottom-right).
      const r = px[p0]! + px[p0 + 3]! + px[p1]! + px[p1 + 3]!;
      const g = px[p0 + 1]! + px[p0 + 4]! + px[p1 + 1]! + px[p1 + 4]!;
      const b = px[p0 + 2]! + px[p0 + 5]! + px[p1 + 2]! + px[p1 + 5]!;
      const cu = 128 + (-0.148223 * r - 0.290993 * g + 0.439216 * b) / 4;
      const cv = 128 + (0.439216 * r - 0.367788 * g - 0.071427 * b) / 4;
      ud[cy * cw + cx] = cu < 0 ? 0 : cu > 255 ? 255 : Math.round(cu);
      vd[cy * cw + cx] = cv < 0 ? 0 : cv > 255 ? 255 : Math.round(cv);
    }
  }
  return { width, height, y, u, v, a: null, ac: null };
}

/** RGB (3 bytes a pixel) to 4:2:0 planes; chroma is the mean of each 2x2 block. */
export function rgbToYuv(rgb: Uint8Array, width: number, height: number): YuvImage {
  const { y, u, v } = yuvPlanes(rgb, width, height, 3, 16);
  return { width, height, y, u, v };
}

/** The part of `plane` from (x, y), `width` x `height` (a view: same memory, same stride). */
export function planeRegion(p: Plane, x: number, y: number, width: number, height: number): Plane {
  return { width, height, stride: p.stride, data: p.data.subarray(y * p.stride + x) };
}

/** Decodes an image file flattened over black (the scenes' background), as 4:2:0 planes. */
export async function loadYuvImage(file: string): Promise<YuvImage> {
  const { data, info } = await sharp(file, { failOn: 'error' }).rotate().flatten({ background: '#000000' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const img = rgbToYuv(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
  for (const p of [img.y, img.u, img.v]) p.fixed = true;
  return img;
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
