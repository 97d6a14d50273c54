/**
 * Maps crescendos, swells and silences to a multiplier over time, for motion speed or
 * amplitude: 1 is neutral, crescendos ramp up to `crescendoPeak`, swells hold `swell`,
 * silences settle to `silence`. Edges ramp over `ramp` seconds so nothing jumps.
 */
import type { Crescendo, Interval, Swell } from './types';

export interface MotionEnvelopeOptions {
  /** Multiplier reached at the end of a crescendo (default 1.5). */
  crescendoPeak?: number;
  /** Multiplier held during a swell (default 1.3). */
  swell?: number;
  /** Multiplier during silence (default 0.5). */
  silence?: number;
  /** Seconds to fade a swell or silence in and out (default 0.3). */
  ramp?: number;
}

export interface DynamicEvents {
  crescendos: readonly Crescendo[];
  swells: readonly Swell[];
  silences: readonly Interval[];
}

/** The multiplier at time `t` (seconds). Always finite and > 0. */
export function motionMultiplierAt(t: number, events: DynamicEvents, opts: MotionEnvelopeOptions = {}): number {
  const peak = opts.crescendoPeak ?? 1.5;
  const swell = opts.swell ?? 1.3;
  const quiet = opts.silence ?? 0.5;
  const ramp = Math.max(1e-6, opts.ramp ?? 0.3);
  let boost = 1;
  for (const c of events.crescendos) {
    if (t < c.start || t > c.end + ramp) continue;
    const len = Math.max(1e-6, c.end - c.start);
    // Rise along the crescendo, then hand over (to a swell, or back to 1) over `ramp`.
    const v = t <= c.end ? 1 + (peak - 1) * ((t - c.start) / len) : peak + (1 - peak) * ((t - c.end) / ramp);
    boost = Math.max(boost, v);
  }
  for (const s of events.swells) boost = Math.max(boost, 1 + (swell - 1) * plateau(t, s, ramp));
  let value = boost;
  for (const q of events.silences) {
    const w = plateau(t, q, ramp);
    if (w > 0) value = Math.min(value, value + (quiet - value) * w);
  }
  return Number.isFinite(value) && value > 0 ? value : 1;
}

/** 0 outside the interval, 1 inside, linear ramps of `ramp` seconds just inside each edge. */
function plateau(t: number, iv: Interval, ramp: number): number {
  if (t <= iv.start || t >= iv.end) return 0;
  const r = Math.min(ramp, (iv.end - iv.start) / 2);
  return Math.min(1, (t - iv.start) / r, (iv.end - t) / r);
}

/** The multiplier sampled once per video frame, for `duration` seconds at `fps`. */
export function motionEnvelope(duration: number, fps: number, events: DynamicEvents, opts: MotionEnvelopeOptions = {}): number[] {
  const frames = Math.max(0, Math.ceil(duration * fps));
  return Array.from({ length: frames }, (_, i) => motionMultiplierAt(i / fps, events, opts));
}

/**
 * Integrates a speed multiplier: the motion progress (in "neutral seconds") reached at each
 * frame, so a camera move can run faster during a swell without jumping.
 */
export function motionProgress(multipliers: readonly number[], fps: number): number[] {
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < multipliers.length; i++) {
    out.push(acc);
    acc += multipliers[i]! / fps;
  }
  return out;
}
