/**
 * Composites an overlay's picture (premultiplied Y'CbCr with alpha at the frame's size, see
 * src/render/overlays/overlay-pictures.ts) over a frame drawn in Node: "over" as Chromium
 * composites the overlay's element over the scenes (exact in Y'CbCr: the conversion is affine),
 * only inside the box its visible pixels take. The picture covers part of the frame (the
 * overlay's band), placed on even output pixels.
 */
import { overSample } from './resample';
import type { LayerImage } from './layer-image';
import type { YuvImage } from './yuv-image';

/** Composites `pic` with its top-left corner at output pixel (ox, oy) of the frame (both even), clipped to the frame. */
export function blendOverlay(pic: LayerImage, ox: number, oy: number, frame: YuvImage): void {
  if (ox % 2 || oy % 2) throw new Error(`overlay picture placed at odd pixel ${ox},${oy} (chroma would be misaligned)`);
  const { box } = pic;
  // The picture's visible pixels, in picture coordinates, clipped to the frame.
  const x0 = Math.max(box.x0, -ox);
  const y0 = Math.max(box.y0, -oy);
  const x1 = Math.min(box.x1, frame.width - ox);
  const y1 = Math.min(box.y1, frame.height - oy);
  if (x1 <= x0 || y1 <= y0) return;
  const W = pic.width;
  const luma = (): void => {
    for (let y = y0; y < y1; y++) {
      const s = y * W;
      const d = (y + oy) * frame.y.stride + ox;
      for (let x = x0; x < x1; x++) {
        const a = pic.a.data[s + x]!;
        if (a !== 0) frame.y.data[d + x] = overSample(pic.y.data[s + x]!, a, frame.y.data[d + x]!, 16);
      }
    }
  };
  const chroma = (): void => {
    const cw = pic.u.width;
    const cox = ox >> 1;
    const coy = oy >> 1;
    const cx0 = x0 >> 1;
    const cx1 = Math.min(pic.u.width, frame.u.width - cox, (x1 + 1) >> 1);
    const cy1 = Math.min(pic.u.height, frame.u.height - coy, (y1 + 1) >> 1);
    for (let cy = y0 >> 1; cy < cy1; cy++) {
      const s = cy * cw;
      const d = (cy + coy) * frame.u.stride + cox;
      for (let cx = cx0; cx < cx1; cx++) {
        const a = pic.ac.data[s + cx]!;
        if (a === 0) continue;
        frame.u.data[d + cx] = overSample(pic.u.data[s + cx]!, a, frame.u.data[d + cx]!, 128);
        frame.v.data[d + cx] = overSample(pic.v.data[s + cx]!, a, frame.v.data[d + cx]!, 128);
      }
    }
  };
  luma();
  chroma();
}
