/**
 * Pure timing rules the timeline uses: snap cuts to beats without landing inside narration,
 * and place transitions inside speech pauses, never mid-word.
 */
import { complementIntervals, insideAny } from './intervals';
import type { Interval } from './types';

export const DEFAULT_SNAP_TOLERANCE = 0.25;

export interface SnapOptions {
  /** Largest move allowed, in seconds (default 0.25). */
  tolerance?: number;
  /** Intervals where narration is audible: a cut may not land strictly inside one. */
  speech?: readonly Interval[];
}

export interface SnapResult {
  time: number;
  /** True when the time moved onto a beat. */
  snapped: boolean;
  /** Index of the beat snapped to, or -1. */
  beatIndex: number;
}

/**
 * The beat nearest to `time` within the tolerance that is not inside narration. When there is
 * none, `time` is returned unchanged (`snapped: false`). Ties go to the earlier beat.
 */
export function snapToBeat(time: number, beats: readonly number[], opts: SnapOptions = {}): SnapResult {
  const tolerance = opts.tolerance ?? DEFAULT_SNAP_TOLERANCE;
  const speech = opts.speech ?? [];
  let best = -1;
  let bestDist = Infinity;
  for (let i = 0; i < beats.length; i++) {
    const b = beats[i]!;
    const d = Math.abs(b - time);
    if (d > tolerance + 1e-9 || d >= bestDist) continue;
    if (insideAny(b, speech)) continue;
    best = i;
    bestDist = d;
  }
  return best < 0 ? { time, snapped: false, beatIndex: -1 } : { time: beats[best]!, snapped: true, beatIndex: best };
}

export interface PauseChoiceOptions {
  /** Length of the transition, centred on the returned time; it must fit inside the pause (default 0). */
  transitionDuration?: number;
  /** Keep this far from the words on either side, in seconds (default 0.05). */
  margin?: number;
  /** Ignore pauses shorter than this (default 0.25 s). */
  minPause?: number;
  /** Only consider pauses whose chosen time is within this distance of `target` (default Infinity). */
  maxShift?: number;
  /** Beats to prefer inside the pause: the beat closest to the target wins if one fits. */
  beats?: readonly number[];
}

/**
 * A transition time inside a speech pause, as close to `target` as possible: the transition
 * (centred on the result) lies wholly inside the pause, `margin` away from the words. Returns
 * null when no pause fits (the caller must then not place a transition over this narration).
 */
export function chooseTransitionTime(target: number, pauses: readonly Interval[], opts: PauseChoiceOptions = {}): number | null {
  const half = (opts.transitionDuration ?? 0) / 2;
  const margin = opts.margin ?? 0.05;
  const minPause = opts.minPause ?? 0.25;
  const maxShift = opts.maxShift ?? Infinity;
  let best: number | null = null;
  let bestDist = Infinity;
  for (const p of pauses) {
    if (p.end - p.start < minPause) continue;
    const lo = p.start + margin + half;
    const hi = p.end - margin - half;
    if (lo > hi + 1e-9) continue;
    let t = Math.min(hi, Math.max(lo, target));
    const onBeat = (opts.beats ?? []).filter((b) => b >= lo && b <= hi).sort((a, b) => Math.abs(a - target) - Math.abs(b - target))[0];
    if (onBeat !== undefined) t = onBeat;
    const d = Math.abs(t - target);
    if (d <= maxShift && d < bestDist) {
      best = t;
      bestDist = d;
    }
  }
  return best;
}

/**
 * Where narration is audible, from an analysis of the narration file placed at `offset` on the
 * timeline: the file's extent minus its silences and speech pauses.
 */
export function speechIntervals(duration: number, gaps: readonly Interval[], offset = 0): Interval[] {
  return complementIntervals(gaps, 0, duration)
    .filter((iv) => iv.end > iv.start)
    .map((iv) => ({ start: iv.start + offset, end: iv.end + offset }));
}
