/**
 * Silences (absolute: below -60 dBFS) and speech pauses (relative to the speech level) from
 * frame RMS (512-sample rectangular frames, 256 hop at 22.05 kHz), each with hysteresis:
 * a quiet run starts when the level drops below `enter` and ends once it rises above `exit`.
 */
import { toDb, type RmsFrames } from './frame-features';
import { percentile } from './onset-detection';
import type { Interval } from './types';

export interface QuietRunOptions {
  enterDb: number;
  exitDb: number;
  minSeconds: number;
}

/** Quiet runs with hysteresis, in seconds; edges at the midpoint between the last loud and first quiet frame. */
export function quietRuns(db: Float32Array, frameSeconds: number, opts: QuietRunOptions): Interval[] {
  const out: Interval[] = [];
  let start = -1;
  const close = (endFrame: number) => {
    const s = start === 0 ? 0 : (start - 0.5) * frameSeconds;
    const e = endFrame >= db.length ? (db.length - 1) * frameSeconds : (endFrame - 0.5) * frameSeconds;
    // Hysteresis only bridges brief bumps: most of a quiet run must be below `enter` (a noise
    // floor sitting between enter and exit is not silence).
    let below = 0;
    for (let i = start; i < Math.min(endFrame, db.length); i++) if (db[i]! < opts.enterDb) below++;
    const frames = Math.min(endFrame, db.length) - start;
    if (e - s >= opts.minSeconds - 1e-9 && below >= 0.5 * frames) out.push({ start: Math.max(0, s), end: e });
    start = -1;
  };
  for (let i = 0; i < db.length; i++) {
    const v = db[i]!;
    if (start < 0) {
      if (v < opts.enterDb) start = i;
    } else if (v > opts.exitDb) {
      close(i);
    }
  }
  if (start >= 0) close(db.length);
  // Hysteresis moves the start late by the frames between enter and exit: move it back to where
  // the level first went below `exit` (the symmetrical edge to where it rises above `exit`).
  for (const iv of out) {
    if (iv.start === 0) continue;
    let i = Math.round(iv.start / frameSeconds + 0.5);
    while (i > 0 && db[i - 1]! <= opts.exitDb && db[i - 1]! > opts.enterDb) i--;
    iv.start = i === 0 ? 0 : (i - 0.5) * frameSeconds;
  }
  return out;
}

export function levelsDb(frames: RmsFrames): Float32Array {
  return Float32Array.from(frames.rms, (r) => toDb(r));
}

export const SILENCE_DB = -60;
export const MIN_PAUSE_SECONDS = 0.25;
/** Edges are measured to a few ms, so a planted 250 ms pause may measure a little shorter. */
const MIN_MEASURED_SECONDS = MIN_PAUSE_SECONDS - 0.02;

/**
 * Moves frame-resolution edges to where 128-sample (~6 ms) blocks, hopping by 32, cross
 * `thresholdDb`: the start to the end of the last loud block near it, the end to the start of
 * the first loud block near it. Edges with no loud block nearby stay where they were.
 */
export function refineEdges(samples: Float32Array, sampleRate: number, runs: Interval[], thresholdDb: number, reach = 0.035): Interval[] {
  const block = 128;
  const step = 32;
  const thr = 10 ** (thresholdDb / 20);
  const thrMs = thr * thr * block;
  const loud = (a: number) => {
    let s = 0;
    for (let i = Math.max(0, a); i < Math.min(samples.length, a + block); i++) s += samples[i]! * samples[i]!;
    return s > thrMs;
  };
  const r = Math.round(reach * sampleRate);
  const total = samples.length / sampleRate;
  return runs.map((iv) => {
    let start = iv.start;
    let end = iv.end;
    if (iv.start > 0) {
      const c = Math.round(iv.start * sampleRate);
      let lastLoud = -1;
      for (let a = c - r; a <= c + r; a += step) if (loud(a)) lastLoud = a;
      if (lastLoud >= 0) start = Math.min((lastLoud + block) / sampleRate, iv.end);
    }
    if (iv.end < total - 1e-9) {
      const c = Math.round(iv.end * sampleRate);
      for (let a = c - r; a <= c + r; a += step) {
        if (loud(a)) {
          end = Math.max(a / sampleRate, start);
          break;
        }
      }
    }
    return { start, end };
  });
}

export function detectSilences(db: Float32Array, frameSeconds: number, samples?: Float32Array, sampleRate?: number): Interval[] {
  let runs = quietRuns(db, frameSeconds, { enterDb: SILENCE_DB, exitDb: SILENCE_DB + 4, minSeconds: MIN_MEASURED_SECONDS });
  if (samples && sampleRate) runs = refineEdges(samples, sampleRate, runs, SILENCE_DB);
  return runs.filter((r) => r.end - r.start >= MIN_MEASURED_SECONDS);
}

/**
 * The level below which speech counts as paused: 30 dB below the 95th percentile level (at most
 * -40 dBFS, at least 6 dB above the noise floor); null when the audio has no dynamic range to tell
 * speech from pauses (silence, or a steady noise).
 */
export function speechPauseLevel(db: Float32Array): number | null {
  if (db.length === 0) return null;
  const audible = db.filter((v) => v > -80);
  if (audible.length === 0) return null;
  const ref = percentile(audible, 0.95);
  const floor = percentile(db, 0.05);
  let enter = Math.min(ref - 30, -40);
  enter = Math.max(enter, floor + 6);
  return enter >= ref - 10 ? null : enter;
}

/**
 * Pauses between stretches of sound, relative to the active level: 30 dB below the 95th
 * percentile level (at most -40 dBFS, at least 6 dB above the noise floor). Pauses touching
 * the start or end of the file are lead-in/out, not pauses, and are left out.
 */
export function detectSpeechPauses(db: Float32Array, frameSeconds: number, samples?: Float32Array, sampleRate?: number): Interval[] {
  const enter = speechPauseLevel(db);
  if (enter === null) return [];
  let runs = quietRuns(db, frameSeconds, { enterDb: enter, exitDb: enter + 4, minSeconds: MIN_MEASURED_SECONDS });
  const end = (db.length - 1) * frameSeconds;
  runs = runs.filter((r) => r.start > 0 && r.end < end - 1e-9);
  if (samples && sampleRate) runs = refineEdges(samples, sampleRate, runs, enter);
  return runs.filter((r) => r.end - r.start >= MIN_MEASURED_SECONDS);
}
