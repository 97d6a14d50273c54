/**
 * Composites an overlay's picture (premultiplied Y'CbCr with alpha at the frame's size, see
 * src/render/overlays/overlay-pictures.ts) over a frame drawn in Node: "over" as Chromium
 * composites the overlay's element over the scenes (exact in Y'CbCr: the conversion is affine),
 * only inside the box its visible pixels take.
 */
import { overSample } from './resample';
import type { LayerImage } from './layer-image';
import type { YuvImage } from './yuv-image';

export function blendOverlay(pic: LayerImage, frame: YuvImage): void {
  if (pic.width !== frame.width || pic.height !== frame.height) {
    throw new Error(`overlay picture is ${pic.width}x${pic.height}, the frame ${frame.width}x${frame.height}`);
  }
  const { box } = pic;
  if (box.x1 <= box.x0 || box.y1 <= box.y0) return;
  const W = pic.width;
  const luma = (): void => {
    for (let y = box.y0; y < box.y1; y++) {
      const s = y * W;
      const d = y * frame.y.stride;
      for (let x = box.x0; x < box.x1; x++) {
        const a = pic.a.data[s + x]!;
        if (a !== 0) frame.y.data[d + x] = overSample(pic.y.data[s + x]!, a, frame.y.data[d + x]!, 16);
      }
    }
  };
  const chroma = (): void => {
    const cw = pic.u.width;
    const cx0 = box.x0 >> 1;
    const cx1 = Math.min(frame.u.width, (box.x1 + 1) >> 1);
    for (let cy = box.y0 >> 1; cy < Math.min(frame.u.height, (box.y1 + 1) >> 1); cy++) {
      const s = cy * cw;
      const d = cy * frame.u.stride;
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
