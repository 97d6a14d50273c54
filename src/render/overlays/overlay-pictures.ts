/**
 * Overlays (captions, cards) for frames drawn in Node: each distinct overlay (its key: everything
 * that changes its pixels) is drawn once, by the drawing the browser uses (src/frame/draw-overlay.ts)
 * on Node's canvas (@napi-rs/canvas: Skia, with the same font files), converted to premultiplied
 * Y'CbCr with alpha - only the part its visible pixels take - and composited over every frame that
 * shows it (src/render/direct/overlay-blend.ts). A fading card is one picture, at full opacity
 * (`pictureOverlay`), blended at each frame's opacity. Drawing a caption state takes a few
 * milliseconds, so nothing is cached on disk; a render keeps the pictures its frames are showing.
 */
import { createCanvas, Path2D, type SKRSContext2D } from '@napi-rs/canvas';
import { RecentMap } from '../../cache/recent-map';
import { drawOverlay } from '../../frame/draw-overlay';
import { pictureOverlay, type Overlay } from '../../frame/overlay';
import { rgbaToLayer, type LayerImage } from '../direct/layer-image';
import { registerOverlayFonts } from './node-fonts';

/**
 * An overlay's picture: the part of its band its visible pixels take (visibleCrop), at the output
 * size, premultiplied 4:2:0 with alpha, and where it goes in the frame (output px, even).
 */
export interface OverlayPicture {
  image: LayerImage;
  x: number;
  y: number;
}

/** The part of the output frame an overlay's picture covers: its band, widened to even output pixels (chroma stays aligned). */
export function pictureRegion(o: Overlay, scale: number): { x: number; y: number; width: number; height: number } {
  const even = (v: number, up: boolean): number => (up ? Math.ceil(v / 2) : Math.floor(v / 2)) * 2;
  const x = Math.max(0, even(o.box.x * scale, false));
  const y = Math.max(0, even(o.box.y * scale, false));
  const x1 = Math.min(Math.round(o.frame.width * scale), even((o.box.x + o.box.w) * scale, true));
  const y1 = Math.min(Math.round(o.frame.height * scale), even((o.box.y + o.box.h) * scale, true));
  return { x, y, width: Math.max(2, x1 - x), height: Math.max(2, y1 - y) };
}

/**
 * The part of an RGBA picture its visible pixels take (alpha above 0), widened to even pixels
 * (chroma stays aligned) and at least 2x2: text fills a fraction of its band, so converting and
 * blending only this part saves most of the work.
 */
export function visibleCrop(rgba: Uint8Array, width: number, height: number): { x: number; y: number; width: number; height: number } {
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4 + 3;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (rgba[row + x * 4] === 0) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    if (first < x0) x0 = first;
    if (last + 1 > x1) x1 = last + 1;
    if (y < y0) y0 = y;
    y1 = y + 1;
  }
  if (x1 <= x0) return { x: 0, y: 0, width: Math.min(2, width), height: Math.min(2, height) };
  const ex0 = x0 & ~1;
  const ey0 = y0 & ~1;
  const ex1 = Math.min(width, x1 + (x1 & 1));
  const ey1 = Math.min(height, y1 + (y1 & 1));
  return { x: ex0, y: ey0, width: ex1 - ex0, height: ey1 - ey0 };
}

/**
 * The RGBA (not premultiplied) of an overlay's band as drawn at `scale`: its picture region
 * (pictureRegion: the band on even output pixels), `out` where that region is in the frame (output px).
 */
export function overlayRgba(o: Overlay, scale: number): { rgba: Uint8Array; width: number; height: number; out: { x: number; y: number } } {
  registerOverlayFonts();
  const { width, height, ...out } = pictureRegion(o, scale);
  const ctx = canvasOf(width, height);
  ctx.clearRect(0, 0, width, height);
  drawOverlay(ctx, o, { scale, originX: out.x, originY: out.y, path: pathOf });
  const data = ctx.getImageData(0, 0, width, height).data;
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height, out };
}

/** The canvas of the last picture size drawn (a canvas costs more to make than a caption state to draw). */
let lastCanvas: { width: number; height: number; ctx: SKRSContext2D } | null = null;

function canvasOf(width: number, height: number): SKRSContext2D {
  if (lastCanvas?.width !== width || lastCanvas.height !== height) lastCanvas = { width, height, ctx: createCanvas(width, height).getContext('2d') };
  return lastCanvas.ctx;
}

/** Path2D objects made lately, by their path data (a page's word states draw the same words). */
const recentPaths = new RecentMap<string, Path2D>(256);

function pathOf(d: string): Path2D {
  return recentPaths.get(d, () => new Path2D(d));
}

/** An overlay's picture, drawn at `scale`. */
export function drawPicture(o: Overlay, scale: number): OverlayPicture {
  const { rgba, width, height, out } = overlayRgba(o, scale);
  const c = visibleCrop(rgba, width, height);
  const part = new Uint8Array(c.width * c.height * 4);
  for (let y = 0; y < c.height; y++) part.set(rgba.subarray(((c.y + y) * width + c.x) * 4, ((c.y + y) * width + c.x + c.width) * 4), y * c.width * 4);
  return { image: rgbaToLayer(part, c.width, c.height), x: out.x + c.x, y: out.y + c.y };
}

/** Pictures kept at once: the states of the few pages around the frames being drawn (segments draw in order). */
const KEPT = 48;

/** The pictures of a render's overlays at one scale, each drawn once while it is being shown. */
export class OverlayPictures {
  private readonly pictures = new RecentMap<string, OverlayPicture>(KEPT);
  /** Pictures drawn so far (for benchmarks and tests). */
  drawn = 0;

  constructor(private readonly scale: number) {}

  /** The picture of `o`'s `pictureOverlay` (blend it at `overlayOpacity`). */
  picture(o: Overlay): OverlayPicture {
    const shown = pictureOverlay(o);
    return this.pictures.get(shown.key, () => {
      this.drawn++;
      return drawPicture(shown, this.scale);
    });
  }
}
