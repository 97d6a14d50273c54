/**
 * Global tempo from the tempogram with an octave-error guard.
 *
 * Candidates come from the summed autocorrelation of the rhythmic windows weighted by a broad
 * log-normal prior around 120 BPM. The classic failure (an 87 BPM groove tracked at 174, or a
 * 180 BPM one at 90) is then checked on the envelope itself: at the right metrical level,
 * consecutive beats are comparably strong (kick vs snare) while the half-beat positions between
 * them are clearly weaker (hi-hats). Levels P/2, P, 2P are compared on exactly that, measured
 * on the onset envelope below ~2 kHz where hi-hats barely register.
 */
import { trackBeats } from './beat-tracker';
import { MAX_BPM, MIN_BPM, type Tempogram } from './tempogram';

export interface TempoEstimate {
  bpm: number;
  /** Beat period in envelope frames (fractional). */
  period: number;
}

const PRIOR_CENTRE_BPM = 120;
const PRIOR_OCTAVES = 1.0;

/**
 * `body` is the onset envelope of the bands below ~2 kHz: kick and snare (the beat) are strong
 * there, hi-hats (the subdivisions) weak, which is what separates the metrical levels.
 */
export function estimateTempo(body: Float32Array, tg: Tempogram, rhythmicWindows: number[]): TempoEstimate | null {
  if (rhythmicWindows.length === 0) return null;
  const fs = tg.frameSeconds;
  const minLag = Math.max(2, Math.floor(60 / MAX_BPM / fs));
  const maxLag = Math.min(tg.maxLag, Math.ceil(60 / MIN_BPM / fs));
  const sum = new Float64Array(tg.maxLag + 1);
  for (const w of rhythmicWindows) {
    const r = tg.acf[w]!;
    for (let l = 0; l <= tg.maxLag; l++) sum[l] = sum[l]! + r[l]!;
  }
  let bestLag = -1;
  let bestScore = -Infinity;
  for (let l = minLag; l <= maxLag; l++) {
    // Local maxima only (a lag next to a peak is the same candidate).
    if (!(sum[l]! >= sum[l - 1]! && sum[l]! >= (sum[l + 1] ?? -Infinity))) continue;
    const bpm = 60 / (l * fs);
    const prior = Math.exp(-0.5 * (Math.log2(bpm / PRIOR_CENTRE_BPM) / PRIOR_OCTAVES) ** 2);
    const score = sum[l]! * prior;
    if (score > bestScore) {
      bestScore = score;
      bestLag = l;
    }
  }
  if (bestLag < 0) return null;
  let period = refineLag(sum, bestLag);
  period = octaveGuard(body, period, fs);
  return { bpm: 60 / (period * fs), period };
}

/** Parabolic interpolation of the peak around an integer lag. */
function refineLag(sum: Float64Array, l: number): number {
  const a = sum[l - 1];
  const b = sum[l]!;
  const c = sum[l + 1];
  if (a === undefined || c === undefined) return l;
  const den = a - 2 * b + c;
  if (den >= 0) return l;
  const d = (0.5 * (a - c)) / den;
  return Math.abs(d) < 1 ? l + d : l;
}

export interface LevelEvidence {
  /** Strength half-way between consecutive beats relative to the beats (low is good). */
  sub: number;
  /** Weaker of the two alternating beat sets relative to the stronger (high is good). */
  alt: number;
}

/**
 * Tracks beats at `period` (so drift and jitter do not matter) and compares the envelope at the
 * beats, half-way between them, and on alternate beats.
 */
export function levelEvidence(env: Float32Array, period: number): LevelEvidence {
  const beats = trackBeats(env, period, 0, env.length);
  if (beats.length < 4) return { sub: 1, alt: 0 };
  const at = (f: number) => Math.max(env[f - 1] ?? 0, env[f] ?? 0, env[f + 1] ?? 0);
  let onBeat = 0;
  let mid = 0;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < beats.length; i++) {
    const v = at(beats[i]!);
    onBeat += v;
    if (i % 2 === 0) even += v;
    else odd += v;
    if (i + 1 < beats.length) mid += at(Math.round((beats[i]! + beats[i + 1]!) / 2));
  }
  onBeat /= beats.length;
  mid /= beats.length - 1;
  if (onBeat <= 0) return { sub: 1, alt: 0 };
  return { sub: mid / onBeat, alt: Math.min(even, odd) / Math.max(even, odd, 1e-12) };
}

/** Off-beats this strong (relative to the beats) mean the beat is really twice as fast. */
const SUB_MAX = 0.58;
/** Alternate beats weaker than this (relative) mean the beat is really half as fast. */
const ALT_MIN = 0.62;

function octaveGuard(env: Float32Array, period: number, fs: number): number {
  const inRange = (p: number) => {
    const bpm = 60 / (p * fs);
    return bpm >= MIN_BPM && bpm <= MAX_BPM;
  };
  const cache = new Map<number, LevelEvidence>();
  const ev = (p: number) => {
    let e = cache.get(p);
    if (!e) cache.set(p, (e = levelEvidence(env, p)));
    return e;
  };
  let p = period;
  for (let step = 0; step < 2; step++) {
    if (inRange(p / 2) && ev(p).sub >= SUB_MAX && ev(p / 2).alt >= ALT_MIN) p /= 2;
    else if (inRange(p * 2) && ev(p).alt < ALT_MIN && ev(p * 2).sub < SUB_MAX) p *= 2;
    else break;
  }
  return p;
}
