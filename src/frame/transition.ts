/**
 * Transition timing and what each side of a transition looks like at a frame, once for both
 * renderers: the browser's presentation (remotion/transitions/SideLook.tsx) and the direct
 * renderer (src/render/direct/direct-scenes.ts, transition-blend.ts). Pure module.
 */
import { Easing, interpolate } from 'remotion';
import type { ResolvedTransition, TransitionKind } from '../timeline/types';

/** Crossfades are linear (constant dissolve); slides and wipes ease in and out. */
const EASING: Record<TransitionKind, (t: number) => number> = {
  crossfade: (t) => t,
  slide: Easing.inOut(Easing.cubic),
  wipe: Easing.inOut(Easing.cubic),
};

/** Progress 0..1 of a transition at `frame` of it (0 = its first frame). */
export function transitionProgress(t: Pick<ResolvedTransition, 'type' | 'durationInFrames'>, frame: number): number {
  return interpolate(frame, [0, t.durationInFrames], [0, 1], { easing: EASING[t.type], extrapolateLeft: 'clamp', extrapolateRight: 'clamp' });
}

export type TransitionSide = 'exiting' | 'entering';

/**
 * Opacity of one side of a crossfade: the entering scene fades in over the exiting one, which stays
 * opaque (so the picture never dips towards the background).
 */
export function crossfadeOpacity(side: TransitionSide, progress: number): number {
  return side === 'entering' ? progress : 1;
}

/** A rectangle of the frame, [x0, x1) x [y0, y1), in composition px. */
export interface FrameRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * What one side of a transition looks like at a progress: its scene's picture moved by `offset`,
 * shown only inside `clip` (frame coordinates, after the move), at `opacity`, over the video's
 * black background; the entering side is drawn over the exiting one. All in composition px.
 */
export interface SideLook {
  opacity: number;
  offset: { x: number; y: number };
  clip: FrameRect;
}

/**
 * The output pixel grid the looks are snapped to: the composition's size and the render scale
 * (output px per composition px).
 */
export interface PixelGrid {
  width: number;
  height: number;
  scale: number;
}

/**
 * Moved and clipped edges land on even output pixels: both renderers then draw the same whole
 * pixels (no anti-aliased seam, no resampling of a moved scene), and 4:2:0 chroma samples, which
 * cover 2x2 pixels, are moved or cut whole. At slide and wipe speeds (dozens of px a frame) the
 * 2 px steps are invisible.
 */
const SNAP_PX = 2;

type Axis = 'x' | 'y';
/** The axis a direction moves along, and the sign of the entering side's travel on it. */
function travel(direction: ResolvedTransition['direction']): { axis: Axis; sign: 1 | -1 } {
  switch (direction) {
    case 'from-left':
      return { axis: 'x', sign: 1 };
    case 'from-right':
      return { axis: 'x', sign: -1 };
    case 'from-top':
      return { axis: 'y', sign: 1 };
    case 'from-bottom':
      return { axis: 'y', sign: -1 };
  }
}

/**
 * One side of a transition at `progress` (transitionProgress), as data both renderers draw:
 * - crossfade: the entering side fades in over the opaque exiting one (crossfadeOpacity);
 * - slide: the entering side slides in from `direction`, pushing the exiting one out the other way
 *   (the two abut: no gap, no overlap);
 * - wipe: neither moves; the entering side is revealed from the `direction` edge, the exiting one
 *   keeps the rest of the frame.
 */
export function sideLook(t: Pick<ResolvedTransition, 'type' | 'direction'>, side: TransitionSide, progress: number, grid: PixelGrid): SideLook {
  const full: FrameRect = { x0: 0, y0: 0, x1: grid.width, y1: grid.height };
  if (t.type === 'crossfade') return { opacity: crossfadeOpacity(side, progress), offset: { x: 0, y: 0 }, clip: full };
  const { axis, sign } = travel(t.direction);
  const size = axis === 'x' ? grid.width : grid.height;
  const outSize = Math.round(size * grid.scale);
  // The leading edge of the entering side, from its start edge, in whole (snapped) output px.
  const p = Math.min(1, Math.max(0, progress));
  const edgeOut = Math.min(outSize, SNAP_PX * Math.round((p * outSize) / SNAP_PX));
  const edge = edgeOut / grid.scale;
  const lo = axis === 'x' ? 'x0' : 'y0';
  const hi = axis === 'x' ? 'x1' : 'y1';
  // The entering side covers [0, edge) from its start edge, the exiting one the rest.
  const enteringPart = sign > 0 ? { [lo]: 0, [hi]: edge } : { [lo]: size - edge, [hi]: size };
  const exitingPart = sign > 0 ? { [lo]: edge, [hi]: size } : { [lo]: 0, [hi]: size - edge };
  const clip: FrameRect = { ...full, ...(side === 'entering' ? enteringPart : exitingPart) };
  // Slide: the entering picture ends where it would be without a transition; it travels `edge`
  // (`|| 0` keeps -0 out of the description).
  const move = t.type === 'slide' ? (side === 'entering' ? sign * (edge - size) : sign * edge) || 0 : 0;
  return { opacity: 1, offset: { x: axis === 'x' ? move : 0, y: axis === 'y' ? move : 0 }, clip };
}
