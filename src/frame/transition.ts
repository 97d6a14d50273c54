/**
 * Transition timing and what each side of a transition looks like at a frame, once for both
 * renderers: the browser's presentations (remotion/transitions/presentation.ts) and the direct
 * renderer's crossfades (src/render/direct/direct-scenes.ts). Pure module.
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
