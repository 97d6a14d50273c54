/**
 * Depth layers (RGBA PNGs) as premultiplied 4:2:0 planes with alpha, and "over" compositing in
 * Y'CbCr (exact: the RGB -> Y'CbCr conversion is affine, so blending commutes with it). Layers
 * are resampled premultiplied, as a browser does, so edges carry no dark or bright fringes.
 * Premultiplied planes keep the video offsets: Y = a * (Y' - 16), U = 128 + a * (Cb - 128).
 */
import sharp from 'sharp';
import type { Placement } from '../../timeline/placement';
import { MIPMAP_SCALE, overSample, type Plane, type Resampler } from './resample';
import { planeRegion, yuvPlanes, type YuvImage } from './yuv-image';

export interface LayerImage {
  width: number;
  height: number;
  y: Plane;
  u: Plane;
  v: Plane;
  /** Alpha at full and at chroma resolution. */
  a: Plane;
  ac: Plane;
  /** Every pixel opaque: drawn like a plain image, no blending. */
  opaque: boolean;
  /** Bounding box of the pixels that are not fully transparent (source px, end exclusive). */
  box: { x0: number; y0: number; x1: number; y1: number };
}

const plane = (width: number, height: number): Plane => ({ width, height, stride: width, data: new Uint8Array(width * height) });

export function rgbaToLayer(rgba: Uint8Array, width: number, height: number): LayerImage {
  const { y, u, v, a, ac } = yuvPlanes(rgba, width, height, 4, 0);
  let opaque = true;
  const box = { x0: width, y0: height, x1: 0, y1: 0 };
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const al = a!.data[py * width + px]!;
      if (al < 255) opaque = false;
      if (al > 0) {
        if (px < box.x0) box.x0 = px;
        if (py < box.y0) box.y0 = py;
        if (px + 1 > box.x1) box.x1 = px + 1;
        if (py + 1 > box.y1) box.y1 = py + 1;
      }
    }
  }
  if (box.x1 <= box.x0) Object.assign(box, { x0: 0, y0: 0, x1: 0, y1: 0 });
  return { width, height, y, u, v, a: a!, ac: ac!, opaque, box };
}

export async function loadLayerImage(file: string): Promise<LayerImage> {
  const { data, info } = await sharp(file, { failOn: 'error' }).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return rgbaToLayer(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** Scratch planes for one frame size (a layer is resampled here, then blended into the frame). */
export class LayerScratch {
  readonly frame: YuvImage & { a: Plane; ac: Plane };
  constructor(width: number, height: number) {
    const y = plane(width, height);
    this.frame = { width, height, y, u: plane(width / 2, height / 2), v: plane(width / 2, height / 2), a: plane(width, height), ac: plane(width / 2, height / 2) };
  }
}

/** "Over" for a region: premultiplied `src` with `alpha` composited onto `dst` (see overSample). */
function blend(dst: Plane, src: Plane, alpha: Plane, base: 16 | 128): void {
  for (let y = 0; y < dst.height; y++) {
    const d0 = y * dst.stride;
    const s0 = y * src.stride;
    const a0 = y * alpha.stride;
    for (let x = 0; x < dst.width; x++) {
      const a = alpha.data[a0 + x]!;
      if (a !== 0) dst.data[d0 + x] = overSample(src.data[s0 + x]!, a, dst.data[d0 + x]!, base);
    }
  }
}

/**
 * Draws a layer placed by `p` over `frame`: only the screen area its visible pixels can reach
 * is resampled and blended.
 */
export function drawLayer(r: Resampler, layer: LayerImage, p: Placement, frame: YuvImage, scratch: LayerScratch): void {
  const W = frame.width;
  const H = frame.height;
  if (layer.box.x1 <= layer.box.x0) return;
  // Screen box of the visible pixels (filters reach one source pixel further), on even coordinates.
  const sx0 = Math.max(0, Math.floor((p.tx + (layer.box.x0 - 2) * p.sx) / 2) * 2);
  const sy0 = Math.max(0, Math.floor((p.ty + (layer.box.y0 - 2) * p.sy) / 2) * 2);
  const sx1 = Math.min(W, Math.ceil((p.tx + (layer.box.x1 + 2) * p.sx) / 2) * 2);
  const sy1 = Math.min(H, Math.ceil((p.ty + (layer.box.y1 + 2) * p.sy) / 2) * 2);
  if (sx1 <= sx0 || sy1 <= sy0) return;
  const rw = sx1 - sx0;
  const rh = sy1 - sy0;
  const at: Placement = { tx: p.tx - sx0, ty: p.ty - sy0, sx: p.sx, sy: p.sy };
  const atC: Placement = { tx: at.tx / 2, ty: at.ty / 2, sx: p.sx, sy: p.sy };
  const s = scratch.frame;
  const region = (pl: Plane, chroma: boolean): Plane => (chroma ? planeRegion(pl, sx0 / 2, sy0 / 2, rw / 2, rh / 2) : planeRegion(pl, sx0, sy0, rw, rh));
  if (layer.opaque) {
    // Premultiplied Y' of an opaque layer is Y' - 16.
    r.drawPlane(layer.y, at, region(frame.y, false), 16);
    r.drawPlane(layer.u, atC, region(frame.u, true));
    r.drawPlane(layer.v, atC, region(frame.v, true));
    return;
  }
  if (p.sx >= MIPMAP_SCALE && p.sy >= MIPMAP_SCALE && layer.u.width >= 2 && layer.u.height >= 2) {
    // Bilinear scales: resample and blend in one pass per plane.
    r.drawPlaneOver(layer.y, layer.a, at, region(frame.y, false), 16);
    r.drawPlaneOver(layer.u, layer.ac, atC, region(frame.u, true), 128);
    r.drawPlaneOver(layer.v, layer.ac, atC, region(frame.v, true), 128);
    return;
  }
  // Strong reductions: resample colour and alpha apart, then blend (the same result, slower).
  r.drawPlane(layer.y, at, region(s.y, false));
  r.drawPlane(layer.a, at, region(s.a, false));
  r.drawPlane(layer.u, atC, region(s.u, true));
  r.drawPlane(layer.v, atC, region(s.v, true));
  r.drawPlane(layer.ac, atC, region(s.ac, true));
  blend(region(frame.y, false), region(s.y, false), region(s.a, false), 16);
  blend(region(frame.u, true), region(s.u, true), region(s.ac, true), 128);
  blend(region(frame.v, true), region(s.v, true), region(s.ac, true), 128);
}
