/**
 * Where an image (or any element of natural size pw x ph) is drawn so that `crop` (0..1 image
 * coordinates, frame aspect) fills a frame of width x height: a scale and a translation. One
 * function for the browser (CSS transform of <Img>) and the direct frame renderer (the same
 * mapping, resampled in Node), so both draw the same pixels.
 */
import type { Crop } from './camera';

/** Scale-up about the frame centre that hides sub-pixel seams at the frame edges (about 1 px). */
const SEAM_OVERSCAN_PX = 1;

export interface ImageRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const FULL_RECT: ImageRect = { x: 0, y: 0, w: 1, h: 1 };

/** Element pixel (px, py) lands at frame pixel (tx + px * sx, ty + py * sy). */
export interface Placement {
  tx: number;
  ty: number;
  sx: number;
  sy: number;
}

export function placement(crop: Crop, rect: ImageRect, pw: number, ph: number, width: number, height: number): Placement {
  const overscan = 1 + (2 * SEAM_OVERSCAN_PX) / Math.min(width, height);
  // Size of the whole image (0..1) on screen.
  const imageW = (width / crop.w) * overscan;
  const imageH = (height / crop.h) * overscan;
  return {
    tx: (rect.x - crop.x) * imageW - (width * (overscan - 1)) / 2,
    ty: (rect.y - crop.y) * imageH - (height * (overscan - 1)) / 2,
    sx: (rect.w * imageW) / pw,
    sy: (rect.h * imageH) / ph,
  };
}
