/**
 * Composites an overlay's picture (premultiplied Y'CbCr with alpha at the frame's size, see
 * src/render/overlays/overlay-pictures.ts) over a frame drawn in Node: "over" as Chromium
 * composites the overlay's element over the scenes (exact in Y'CbCr: the conversion is affine),
 * at an opacity (a card's fades: the element's CSS opacity scales its premultiplied colour and
 * its alpha alike). The picture covers part of the frame (the overlay's band), placed on even
 * output pixels.
 *
 * It runs on every frame that shows a caption, so it touches only samples with alpha above 0
 * (each picture row's span of them, found once per picture: LayerImage.rows), in the frame's own
 * 4:2:0 planes, with whole-number table look-ups (overSampleFast) and no allocation per frame.
 */
import { overSampleFast, type AlphaRows, type Plane } from './resample';
import type { LayerImage } from './layer-image';
import type { YuvImage } from './yuv-image';

/** Per-opacity tables (reused: filled per call when the opacity is below 1). */
const scaledAlpha = new Uint8Array(256);
const scaledLuma = new Uint8Array(256);
const scaledChroma = new Uint8Array(256);

/** Fills the tables: alpha and premultiplied luma times `opacity`; chroma's offset from 128 times `opacity`. */
function fillScaled(opacity: number): void {
  for (let v = 0; v < 256; v++) {
    scaledAlpha[v] = Math.round(v * opacity);
    scaledLuma[v] = Math.round(v * opacity);
    scaledChroma[v] = 128 + Math.round((v - 128) * opacity);
  }
}

/**
 * Blends rows [r0, r1) of picture plane `src` (alpha `alpha`, its spans `rows`) over `dst`, picture
 * row r and column c landing on dst row r + dy, column c + dx; columns clipped to [c0, c1).
 * `colour` and `alphaOf` map the picture's samples (the opacity tables) or are null (opacity 1).
 */
function blendPlane(
  src: Plane,
  alpha: Plane,
  rows: AlphaRows,
  dst: Plane,
  dx: number,
  dy: number,
  c0: number,
  c1: number,
  r0: number,
  r1: number,
  base: 16 | 128,
  colour: Uint8Array | null,
  alphaOf: Uint8Array | null,
): void {
  const S = src.data;
  const A = alpha.data;
  const D = dst.data;
  for (let r = r0; r < r1; r++) {
    const x0 = Math.max(c0, rows.any0[r]!);
    const x1 = Math.min(c1, rows.any1[r]!);
    if (x1 <= x0) continue;
    const s = r * src.stride;
    const a0 = r * alpha.stride;
    const d = (r + dy) * dst.stride + dx;
    if (colour && alphaOf) {
      for (let x = x0; x < x1; x++) {
        const a = alphaOf[A[a0 + x]!]!;
        if (a !== 0) D[d + x] = overSampleFast(colour[S[s + x]!]!, a, D[d + x]!, base);
      }
    } else {
      // Where alpha is 255 the sample is the picture's (overSample: colour + base, what is below drops out).
      const opaque = base === 16 ? 16 : 0;
      for (let x = x0; x < x1; x++) {
        const a = A[a0 + x]!;
        if (a === 255) D[d + x] = Math.min(255, S[s + x]! + opaque);
        else if (a !== 0) D[d + x] = overSampleFast(S[s + x]!, a, D[d + x]!, base);
      }
    }
  }
}

/** Composites `pic` at `opacity` (0..1) with its top-left corner at output pixel (ox, oy) of the frame (both even), clipped to the frame. */
export function blendOverlay(pic: LayerImage, ox: number, oy: number, frame: YuvImage, opacity = 1): void {
  if (ox % 2 || oy % 2) throw new Error(`overlay picture placed at odd pixel ${ox},${oy} (chroma would be misaligned)`);
  if (!(opacity > 0)) return;
  const { box } = pic;
  // The picture's visible pixels, in picture coordinates, clipped to the frame.
  const x0 = Math.max(box.x0, -ox);
  const y0 = Math.max(box.y0, -oy);
  const x1 = Math.min(box.x1, frame.width - ox);
  const y1 = Math.min(box.y1, frame.height - oy);
  if (x1 <= x0 || y1 <= y0) return;
  const faded = opacity < 1;
  if (faded) fillScaled(opacity);
  blendPlane(pic.y, pic.a, pic.rows, frame.y, ox, oy, x0, x1, y0, y1, 16, faded ? scaledLuma : null, faded ? scaledAlpha : null);
  const cox = ox >> 1;
  const coy = oy >> 1;
  const cx1 = Math.min(pic.u.width, frame.u.width - cox, (x1 + 1) >> 1);
  const cy1 = Math.min(pic.u.height, frame.u.height - coy, (y1 + 1) >> 1);
  for (const k of ['u', 'v'] as const) {
    blendPlane(pic[k], pic.ac, pic.rowsC, frame[k], cox, coy, x0 >> 1, cx1, y0 >> 1, cy1, 128, faded ? scaledChroma : null, faded ? scaledAlpha : null);
  }
}
