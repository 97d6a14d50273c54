/**
 * Beat phase: which position inside the beat the tracked pulse sits on.
 *
 * The beat tracker (beat-hmm.ts) follows the strongest onsets at the beat period, and in real
 * arrangements those are often on the off-beat: comping and bass on the "and", a swung hi-hat or
 * shaker at two thirds of the beat. Onsets alone cannot tell the two apart; harmony can. Chords
 * and bass notes change on beats (Goto & Muraoka's chord-change cue, "Real-time beat tracking for
 * drumless audio signals: chord change detection for musical decisions", Speech Communication 27,
 * 1999; also used for beat/bar level decisions by Goto 2001, J. New Music Research 30(2)), so the
 * spectrum averaged over one beat differs most from the one over the next beat when the windows
 * are bounded by the true beats; shifted by half a beat, each window straddles the change and the
 * difference halves.
 *
 * The tracked beats are compared with the same pulse shifted by 1/4, 1/3, 1/2, 2/3 and 3/4 of a
 * beat on log ratios of: onset strength (all bands and the kick/bass bands) at the beats, and that
 * beat-synchronous spectral difference (bands 80 Hz - 2 kHz, where chords and bass lines live and
 * hi-hats do not). The harmony term is weighted far above the onset terms (its ratios stay within
 * ~0.6-1.4 while onset ratios span 0.05-3), but a shift must keep most of the onset strength
 * (GATE). Weights, gate and margin chosen on the tuning half of the real-music bench
 * (`npx tsx bench/audio.ts --real-music-only`): at the truth's own beats, the truth's phase beats all
 * five shifts on 21 of its 23 tracks with harmony, 17 of 23 on onsets alone.
 */
import type { MelFrames } from './frame-features';

/** Shifts tried, in beats. */
const SHIFTS = [1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4];
const W_ONSET = 1;
const W_LOW = 1;
const W_HARMONY = 24;
/** The winning shift must beat the tracker's phase by this much (log-ratio units). */
const MARGIN = 1;
/** Onset ratios are floored here: "no onset at all" should not outvote everything else. */
const RATIO_FLOOR = 0.05;
/** Bands the harmony cue uses. */
const HARMONY_LO_HZ = 80;
const HARMONY_HI_HZ = 2000;
/**
 * A shift is only considered where the onsets allow it: onset + kick/bass log ratios together at
 * least this (about 0.67x the tracker's phase's onset strength at each). On drums alone the
 * harmony cue measures drum decays, not chords, and would move beats onto hi-hats.
 */
const GATE = -0.8;
/** Fewer beats than this in a section: keep the tracker's phase. */
const MIN_BEATS = 8;

/** Per-band prefix sums of log-mel magnitudes, for beat-window means in O(bands). */
export interface HarmonyFrames {
  bands: number[];
  /** prefix[k][t] = sum of log-mel band bands[k] over frames < t. */
  prefix: Float64Array[];
  count: number;
}

export function harmonyFrames(mel: MelFrames): HarmonyFrames {
  let max = 0;
  for (let i = 0; i < mel.mel.length; i++) if (mel.mel[i]! > max) max = mel.mel[i]!;
  const bands = mel.centres.flatMap((c, b) => (c >= HARMONY_LO_HZ && c <= HARMONY_HI_HZ ? [b] : []));
  const k = max > 0 ? 1000 / max : 0;
  const n = mel.count;
  const prefix = bands.map((band) => {
    const p = new Float64Array(n + 1);
    for (let t = 0; t < n; t++) p[t + 1] = p[t]! + Math.log1p(k * mel.mel[t * mel.bands + band]!);
    return p;
  });
  return { bands, prefix, count: n };
}

/** Mean over beats of the L1 distance between the mean spectra of the beat before and the beat after. */
export function harmonyChange(h: HarmonyFrames, beats: readonly number[]): number {
  const clamp = (f: number) => Math.min(h.count, Math.max(0, Math.round(f)));
  let sum = 0;
  let n = 0;
  for (let i = 1; i + 1 < beats.length; i++) {
    const a = clamp(beats[i - 1]!);
    const b = clamp(beats[i]!);
    const c = clamp(beats[i + 1]!);
    if (b <= a || c <= b) continue;
    let d = 0;
    for (const p of h.prefix) d += Math.abs((p[c]! - p[b]!) / (c - b) - (p[b]! - p[a]!) / (b - a));
    sum += d;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

function meanAt(env: Float32Array, beats: readonly number[]): number {
  let s = 0;
  for (const b of beats) {
    const f = Math.round(b);
    s += Math.max(env[f - 1] ?? 0, env[f] ?? 0, env[f + 1] ?? 0);
  }
  return beats.length ? s / beats.length : 0;
}

/** Beats moved by `shift` of each inter-beat interval (the last one by the previous interval). */
function shifted(beats: readonly number[], shift: number): number[] {
  return beats.map((b, i) => {
    const next = beats[i + 1];
    const gap = next !== undefined ? next - b : b - beats[i - 1]!;
    return b + shift * gap;
  });
}

export interface PhaseCues {
  /** Onset envelope (all bands). */
  strength: Float32Array;
  /** Onset envelope of the kick/bass bands. */
  low: Float32Array;
  harmony: HarmonyFrames;
}

/**
 * The section's beats (envelope frames, ascending) at the phase the cues favour: unchanged, or
 * shifted and snapped to the strongest onset within +-2 frames, dropping any past `end`.
 */
export function choosePhase(beats: number[], cues: PhaseCues, end: number): number[] {
  if (beats.length < MIN_BEATS) return beats;
  const ratio = (a: number, b: number) => Math.log(Math.max(RATIO_FLOOR, b > 0 ? a / b : a > 0 ? 1 / RATIO_FLOOR : 1));
  const on0 = meanAt(cues.strength, beats);
  const low0 = meanAt(cues.low, beats);
  const harm0 = harmonyChange(cues.harmony, beats);
  let best = MARGIN;
  let bestShift = 0;
  for (const s of SHIFTS) {
    const cand = shifted(beats, s);
    const onset = W_ONSET * ratio(meanAt(cues.strength, cand), on0) + W_LOW * ratio(meanAt(cues.low, cand), low0);
    if (onset < GATE) continue;
    const score =
      onset +
      W_HARMONY * Math.log(Math.max(1e-9, harmonyChange(cues.harmony, cand)) / Math.max(1e-9, harm0));
    if (score > best) {
      best = score;
      bestShift = s;
    }
  }
  if (bestShift === 0) return beats;
  const out: number[] = [];
  for (const b of shifted(beats, bestShift)) {
    let f = Math.round(b);
    let arg = f;
    for (let d = -2; d <= 2; d++) if ((cues.strength[f + d] ?? -1) > (cues.strength[arg] ?? -1)) arg = f + d;
    f = arg;
    if (f < end && (out.length === 0 || f > out[out.length - 1]!)) out.push(f);
  }
  return out;
}
