/** Music bed gain per frame: fade in, fade out, and ducking under narration. Pure module. */
import type { MusicTrack } from './types';

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Ducking envelope at a frame: 1 outside narration, `gain` inside, linear ramps before and after. */
export function duckGainAt(duck: NonNullable<MusicTrack['duck']>, frame: number): number {
  let depth = 0; // 0 = no ducking, 1 = fully ducked
  for (const [start, end] of duck.ranges) {
    let d: number;
    if (frame >= start && frame <= end) d = 1;
    else if (frame < start) d = duck.attackFrames > 0 ? clamp01(1 - (start - frame) / duck.attackFrames) : 0;
    else d = duck.releaseFrames > 0 ? clamp01(1 - (frame - end) / duck.releaseFrames) : 0;
    if (d > depth) depth = d;
    if (depth === 1) break;
  }
  return 1 + (duck.gain - 1) * depth;
}

/** Linear gain of the music at a frame of a video of `totalFrames`. */
export function musicVolumeAt(track: MusicTrack, frame: number, totalFrames: number): number {
  const fadeIn = track.fadeInFrames > 0 ? clamp01(frame / track.fadeInFrames) : 1;
  const fadeOut = track.fadeOutFrames > 0 ? clamp01((totalFrames - 1 - frame) / track.fadeOutFrames) : 1;
  const duck = track.duck ? duckGainAt(track.duck, frame) : 1;
  return track.volume * Math.min(fadeIn, fadeOut) * duck;
}
