/**
 * Audio-driven motion on the timeline (pure module):
 *   - cuts, and the starts of transitions, snap to the nearest music beat within a tolerance,
 *     never landing inside narration;
 *   - a transition that would cross narration moves into a speech pause;
 *   - silences slow the camera to a near hold, crescendos speed it up, swells deepen parallax;
 *   - an optional zoom pulse on strong beats.
 * Every cut records where it landed and why (`stillmotion render --explain`).
 */
import { chooseTransitionTime, snapToBeat, speechIntervals } from '../audio/snap';
import { motionMultiplierAt } from '../audio/motion-envelope';
import { complementIntervals } from '../audio/intervals';
import type { Interval } from '../audio/types';
import type { AudioEvents, Plan, Section } from '../plan/schema';

export type SyncFeature = 'beats' | 'pulse' | 'silence' | 'crescendo' | 'speechPauses' | 'swell';

export function syncOn(plan: Plan, section: Section | undefined, feature: SyncFeature): boolean {
  return section?.sync?.[feature] ?? plan.sync[feature];
}

/** Music events in video seconds: the file starts at `offset`, plays from video time 0, and loops if asked. */
export interface TimelineEvents {
  beats: number[];
  strongBeats: number[];
  silences: Interval[];
  crescendos: (Interval & { riseDb: number })[];
  swells: (Interval & { peakDb: number })[];
}

export function musicOnTimeline(music: AudioEvents, offset: number, loop: boolean, videoSeconds: number): TimelineEvents {
  const period = music.duration - offset;
  const out: TimelineEvents = { beats: [], strongBeats: [], silences: [], crescendos: [], swells: [] };
  if (!(period > 0)) return out;
  const copies = loop ? Math.ceil(videoSeconds / period) : 1;
  const shiftTime = (t: number, k: number): number => t - offset + k * period;
  const inFile = (t: number): boolean => t >= offset && t < music.duration;
  for (let k = 0; k < copies; k++) {
    for (const b of music.beats) if (inFile(b)) out.beats.push(shiftTime(b, k));
    for (const b of music.downbeats ?? []) if (inFile(b)) out.strongBeats.push(shiftTime(b, k));
    const spans = <T extends Interval>(list: T[]): T[] =>
      list.filter((iv) => iv.end > offset).map((iv) => ({ ...iv, start: shiftTime(Math.max(iv.start, offset), k), end: shiftTime(iv.end, k) }));
    out.silences.push(...spans(music.silences));
    out.crescendos.push(...spans(music.crescendos));
    out.swells.push(...spans(music.swells));
  }
  const within = (t: number): boolean => t >= 0 && t <= videoSeconds;
  out.beats = out.beats.filter(within);
  out.strongBeats = out.strongBeats.filter(within);
  return out;
}

export interface NarrationSpan {
  sectionIndex: number;
  start: number;
  end: number;
  /** Where words are audible (the span minus its pauses), in video seconds. */
  speech: Interval[];
}

export function narrationSpan(sectionIndex: number, start: number, duration: number, events: AudioEvents | undefined): NarrationSpan {
  const gaps = events ? [...events.speechPauses, ...events.silences] : [];
  return { sectionIndex, start, end: start + duration, speech: speechIntervals(duration, gaps, start) };
}

export interface CutExplanation {
  /** The cut between section `index - 1` and section `index`. */
  index: number;
  from: string;
  to: string;
  plannedSeconds: number;
  seconds: number;
  transition: string;
  reason: string;
}

export interface CutInput {
  index: number;
  planned: number;
  /** Seconds of the transition before the cut (0 for a cut). */
  before: number;
  /** Whole transition length in seconds (0 for a cut). */
  length: number;
  /** The earliest and latest the cut may move to (neighbouring sections keep a minimum length). */
  min: number;
  max: number;
  beats: boolean;
  speechPauses: boolean;
}

/**
 * Places one cut. `speech` lists where narration is audible around it (the previous section's,
 * already placed). Returns the time and the reason.
 */
export function placeCut(cut: CutInput, beats: readonly number[], speech: readonly Interval[], tolerance: number): { seconds: number; reason: string } {
  let t = cut.planned;
  let reason = 'as planned';
  if (cut.beats && beats.length) {
    // For transitions, the transition's start lands on the beat; for cuts, the cut itself.
    const anchor = t - cut.before;
    const r = snapToBeat(anchor, beats, { tolerance, speech });
    const snapped = r.time + cut.before;
    if (r.snapped && snapped >= cut.min && snapped <= cut.max) {
      const shift = snapped - t;
      t = snapped;
      reason = `${cut.length ? 'transition start' : 'cut'} snapped to beat ${r.beatIndex + 1} at ${r.time.toFixed(3)} s (${shift >= 0 ? '+' : ''}${shift.toFixed(3)} s)`;
    } else {
      const near = beats.some((b) => Math.abs(b - anchor) <= tolerance);
      reason = near
        ? `kept: the beats within ±${tolerance} s would cut narration or squeeze a section`
        : `kept: no beat within ±${tolerance} s`;
    }
  } else if (cut.beats) {
    reason = 'beat sync on, but the music has no beats here';
  }
  if (cut.speechPauses && cut.length > 0) {
    const window: Interval = { start: t - cut.before, end: t - cut.before + cut.length };
    const crosses = speech.some((s) => s.start < window.end && s.end > window.start);
    if (crosses) {
      const gaps = complementIntervals(speech, cut.min, cut.max);
      const moved = chooseTransitionTime(t - cut.before + cut.length / 2, gaps, { transitionDuration: cut.length, maxShift: 1.5, beats });
      if (moved !== null) {
        const next = moved - cut.length / 2 + cut.before;
        reason = `moved ${(next - t >= 0 ? '+' : '')}${(next - t).toFixed(3)} s into a speech pause (the transition crossed narration)`;
        t = next;
      } else {
        reason += '; warning: the transition crosses narration and no speech pause fits it';
      }
    }
  }
  return { seconds: t, reason };
}

/** Per-frame speed multipliers of a scene (silence, crescendo, swell), 1 where sync is off. */
export function speedMultipliers(events: TimelineEvents, fromFrame: number, frames: number, fps: number, on: { silence: boolean; crescendo: boolean; swell: boolean }): number[] | null {
  if (!on.silence && !on.crescendo && !on.swell) return null;
  const dyn = {
    crescendos: on.crescendo ? events.crescendos : [],
    swells: on.swell ? events.swells : [],
    silences: on.silence ? events.silences : [],
  };
  if (!dyn.crescendos.length && !dyn.swells.length && !dyn.silences.length) return null;
  return Array.from({ length: frames }, (_, f) => motionMultiplierAt((fromFrame + f) / fps, dyn, { silence: 0.15 }));
}

/** Normalised cumulative progress (0 at the first frame, 1 at the last) of per-frame speeds. */
export function warpFromSpeeds(speeds: readonly number[]): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < speeds.length; i++) {
    out.push(acc);
    if (i < speeds.length - 1) acc += (speeds[i]! + speeds[i + 1]!) / 2;
  }
  return acc > 0 ? out.map((v) => v / acc) : out.map((_, i) => i / Math.max(1, out.length - 1));
}

/** Zoom multipliers (>= 1) for a pulse on each strong beat: quick rise, exponential decay. */
export function beatPulse(strongBeats: readonly number[], fromFrame: number, frames: number, fps: number, depth = 0.02, decaySeconds = 0.3): number[] {
  return Array.from({ length: frames }, (_, f) => {
    const t = (fromFrame + f) / fps;
    let v = 0;
    for (const b of strongBeats) {
      const dt = t - b;
      if (dt < -0.05 || dt > decaySeconds * 4) continue;
      v = Math.max(v, dt < 0 ? 1 + dt / 0.05 : Math.exp(-dt / decaySeconds));
    }
    return 1 + depth * v;
  });
}
