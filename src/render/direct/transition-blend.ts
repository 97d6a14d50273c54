/**
 * One side of a transition drawn over the frame in Node, as src/frame/transition.ts's sideLook
 * describes it: its picture moved by the look's offset and shown inside the look's clip, or mixed
 * in whole at the look's opacity (the browser draws the same look, remotion/transitions/SideLook.tsx).
 */
import type { PixelGrid, SideLook } from '../../frame/transition';
import { blendOver } from './draw-frame';
import type { Plane } from './resample';
import type { YuvImage } from './yuv-image';

/** A look in output px: the offset and clip on even pixels, so 4:2:0 chroma moves and cuts whole. */
export interface PixelLook {
  opacity: number;
  dx: number;
  dy: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const even = (v: number): number => 2 * Math.round(v / 2);

/** The look at output pixels (it is snapped to even ones already; this only undoes the division by scale). */
export function pixelLook(look: SideLook, grid: PixelGrid, outW: number, outH: number): PixelLook {
  const s = grid.scale;
  const clamp = (v: number, max: number): number => Math.min(max, Math.max(0, even(v * s)));
  return {
    opacity: look.opacity,
    dx: even(look.offset.x * s),
    dy: even(look.offset.y * s),
    x0: clamp(look.clip.x0, outW),
    y0: clamp(look.clip.y0, outH),
    x1: clamp(look.clip.x1, outW),
    y1: clamp(look.clip.y1, outH),
  };
}

/** Whether the look shows its side unmoved over the whole frame. */
export function coversFrame(l: PixelLook, width: number, height: number): boolean {
  return l.dx === 0 && l.dy === 0 && l.x0 === 0 && l.y0 === 0 && l.x1 === width && l.y1 === height;
}

/** Whether the look shows its side at all (a slide or wipe's entering side at progress 0 does not). */
export function showsSide(l: PixelLook): boolean {
  return l.opacity > 0 && l.x1 > l.x0 && l.y1 > l.y0;
}

/** Copies src's samples that land on [x0, x1) x [y0, y1) of dst when src is moved by (dx, dy). */
function copyMoved(dst: Plane, src: Plane, dx: number, dy: number, x0: number, y0: number, x1: number, y1: number): void {
  // Only where the moved source lies: outside it the side shows nothing.
  const ax = Math.max(x0, dx);
  const bx = Math.min(x1, dx + src.width);
  const ay = Math.max(y0, dy);
  const by = Math.min(y1, dy + src.height);
  if (bx <= ax || by <= ay) return;
  for (let y = ay; y < by; y++) {
    const from = (y - dy) * src.stride + (ax - dx);
    dst.data.set(src.data.subarray(from, from + (bx - ax)), y * dst.stride + ax);
  }
}

/**
 * Draws `side` (its scene's whole frame, unmoved) over `frame` as `look` says. A side is either
 * moved and clipped (slides, wipes) or faded whole (crossfades): the looks never do both.
 */
export function drawSide(frame: YuvImage, side: YuvImage, look: PixelLook): void {
  if (look.opacity < 1) {
    if (!coversFrame(look, frame.width, frame.height)) throw new Error('a transition side that is faded must not be moved or clipped');
    blendOver(frame, side, look.opacity);
    return;
  }
  copyMoved(frame.y, side.y, look.dx, look.dy, look.x0, look.y0, look.x1, look.y1);
  for (const k of ['u', 'v'] as const) copyMoved(frame[k], side[k], look.dx / 2, look.dy / 2, look.x0 / 2, look.y0 / 2, look.x1 / 2, look.y1 / 2);
}
