/**
 * Depth layers (RGBA PNGs) as premultiplied 4:2:0 planes with alpha, and "over" compositing in
 * Y'CbCr (exact: the RGB -> Y'CbCr conversion is affine, so blending commutes with it). Layers
 * are resampled premultiplied, as a browser does, so edges carry no dark or bright fringes.
 * Premultiplied planes keep the video offsets: Y = a * (Y' - 16), U = 128 + a * (Cb - 128).
 */
import sharp from 'sharp';
import type { Placement } from '../../timeline/placement';
import { alphaRows, drawOver, MIPMAP_SCALE, mergeSpans, opaqueSpans, overPlane, overSample, rowSpans, type AlphaRows, type OverPlane, type Plane, type Resampler, type RowSpans } from './resample';
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
  /** Per row of `a` and of `ac`: where alpha is above 0 and its longest opaque run. */
  rows: AlphaRows;
  rowsC: AlphaRows;
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
  return { width, height, y, u, v, a: a!, ac: ac!, opaque, box, rows: alphaRows(a!), rowsC: alphaRows(ac!) };
}

export async function loadLayerImage(file: string): Promise<LayerImage> {
  const { data, info } = await sharp(file, { failOn: 'error' }).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const layer = rgbaToLayer(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
  for (const p of [layer.y, layer.u, layer.v, layer.a, layer.ac]) p.fixed = true;
  return layer;
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

/** The screen box a layer's visible pixels can reach (filters reach one source pixel further), on even coordinates; null when off screen. */
function screenBox(layer: LayerImage, p: Placement, W: number, H: number): { x0: number; y0: number; x1: number; y1: number } | null {
  if (layer.box.x1 <= layer.box.x0) return null;
  const x0 = Math.max(0, Math.floor((p.tx + (layer.box.x0 - 2) * p.sx) / 2) * 2);
  const y0 = Math.max(0, Math.floor((p.ty + (layer.box.y0 - 2) * p.sy) / 2) * 2);
  const x1 = Math.min(W, Math.ceil((p.tx + (layer.box.x1 + 2) * p.sx) / 2) * 2);
  const y1 = Math.min(H, Math.ceil((p.ty + (layer.box.y1 + 2) * p.sy) / 2) * 2);
  return x1 <= x0 || y1 <= y0 ? null : { x0, y0, x1, y1 };
}

/** A layer and where it is drawn (luma px of the frame). */
export interface PlacedLayer {
  layer: LayerImage;
  p: Placement;
}

/**
 * Draws a stack of layers, back to front, over `frame`: as drawing each with drawLayer in turn,
 * sample for sample, with less work. Each layer is drawn only where its alpha reaches, and not
 * where a layer above it comes out fully opaque (that one replaces the sample whole, whatever was
 * below). Layers at scales that need the wide filter are drawn apart (and hide nothing).
 */
export function drawLayers(r: Resampler, stack: readonly PlacedLayer[], frame: YuvImage, scratch: LayerScratch): void {
  const W = frame.width;
  const H = frame.height;
  // Per layer: its three planes for the one-sample-at-a-time drawer, or null (drawn apart).
  const planes = stack.map(({ layer, p }): OverPlane[] | null => {
    const b = screenBox(layer, p, W, H);
    if (!b || p.sx < MIPMAP_SCALE || p.sy < MIPMAP_SCALE || layer.u.width < 2 || layer.u.height < 2) return null;
    const at: Placement = { tx: p.tx - b.x0, ty: p.ty - b.y0, sx: p.sx, sy: p.sy };
    const atC: Placement = { tx: at.tx / 2, ty: at.ty / 2, sx: p.sx, sy: p.sy };
    const cx = b.x0 / 2;
    const cy = b.y0 / 2;
    const cw = (b.x1 - b.x0) / 2;
    const ch = (b.y1 - b.y0) / 2;
    const a = layer.opaque ? null : layer.a;
    const ac = layer.opaque ? null : layer.ac;
    const rows = layer.opaque ? null : layer.rows;
    const rowsC = layer.opaque ? null : layer.rowsC;
    const y = overPlane(layer.y, a, rows, at, planeRegion(frame.y, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0), b.x0, b.y0, 16);
    const u = overPlane(layer.u, ac, rowsC, atC, planeRegion(frame.u, cx, cy, cw, ch), cx, cy, 128);
    const v = overPlane(layer.v, ac, rowsC, atC, planeRegion(frame.v, cx, cy, cw, ch), cx, cy, 128);
    return y && u && v ? [y, u, v] : null;
  });
  // Front to back: what the layers above a layer hide, per frame row (luma, and chroma for U and V).
  const hidden: (RowSpans[] | null)[] = new Array<RowSpans[] | null>(stack.length).fill(null);
  const covered = [rowSpans(H), rowSpans(H / 2)];
  for (let i = stack.length - 1; i >= 0; i--) {
    const pl = planes[i];
    if (!pl) continue;
    hidden[i] = covered.map((c) => ({ from: c.from.slice(), to: c.to.slice() }));
    if (i === 0) break;
    const own = [rowSpans(H), rowSpans(H / 2)];
    opaqueSpans(pl[0]!, own[0]!);
    opaqueSpans(pl[1]!, own[1]!);
    mergeSpans(covered[0]!, own[0]!);
    mergeSpans(covered[1]!, own[1]!);
  }
  stack.forEach(({ layer, p }, i) => {
    const pl = planes[i];
    if (!pl) return drawLayer(r, layer, p, frame, scratch);
    drawOver(r, pl[0]!, hidden[i]![0]!);
    drawOver(r, pl[1]!, hidden[i]![1]!);
    drawOver(r, pl[2]!, hidden[i]![1]!, true);
  });
}

/**
 * Draws one layer placed by `p` over `frame`: only the screen area its visible pixels can reach
 * is resampled and blended (strong reductions resample colour and alpha apart, then blend).
 */
export function drawLayer(r: Resampler, layer: LayerImage, p: Placement, frame: YuvImage, scratch: LayerScratch): void {
  const b = screenBox(layer, p, frame.width, frame.height);
  if (!b) return;
  if (p.sx >= MIPMAP_SCALE && p.sy >= MIPMAP_SCALE && layer.u.width >= 2 && layer.u.height >= 2) return drawLayers(r, [{ layer, p }], frame, scratch);
  const { x0: sx0, y0: sy0 } = b;
  const rw = b.x1 - b.x0;
  const rh = b.y1 - b.y0;
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
  // Strong reductions: resample colour and alpha apart, then blend.
  r.drawPlane(layer.y, at, region(s.y, false));
  r.drawPlane(layer.a, at, region(s.a, false));
  r.drawPlane(layer.u, atC, region(s.u, true));
  r.drawPlane(layer.v, atC, region(s.v, true));
  r.drawPlane(layer.ac, atC, region(s.ac, true));
  blend(region(frame.y, false), region(s.y, false), region(s.a, false), 16);
  blend(region(frame.u, true), region(s.u, true), region(s.ac, true), 128);
  blend(region(frame.v, true), region(s.v, true), region(s.ac, true), 128);
}
