/**
 * Tier 3 clip timing: maps a frame of the section to a time in the provider's clip. The clip is
 * fitted to the section: trimmed when long, slowed down (to half speed at most) when short, and
 * then held on its last frame, never a black tail. Its speed is eased at both ends (motion
 * ramping) so cutting into and out of a generated clip is not jarring. Pure module.
 */
import { bezierFunction, type Bezier } from './easing';

/** Softer than ease-in-out: the clip starts and ends moving slowly, not frozen. */
const CLIP_RAMP: Bezier = [0.3, 0.12, 0.7, 0.88];
const MIN_CLIP_RATE = 0.5;

export function clipPlaybackRate(durationInFrames: number, clipSeconds: number, fps: number): number {
  const span = Math.max(1, durationInFrames - 1) / fps;
  const playable = Math.max(0, clipSeconds - 1 / fps);
  return Math.min(1, Math.max(MIN_CLIP_RATE, playable / span));
}

/** Seconds into the clip to show at `frame` of a section `durationInFrames` long. */
export function clipTimeAt(frame: number, durationInFrames: number, clipSeconds: number, fps: number): number {
  const span = Math.max(1, durationInFrames - 1) / fps;
  const playable = Math.max(0, clipSeconds - 1 / fps);
  const rate = clipPlaybackRate(durationInFrames, clipSeconds, fps);
  const t = Math.min(1, Math.max(0, frame / Math.max(1, durationInFrames - 1)));
  return Math.min(playable, rate * span * bezierFunction(CLIP_RAMP)(t));
}
