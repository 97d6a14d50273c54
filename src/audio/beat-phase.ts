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

/**
 * Swing is long-short: the beat's note lasts about two triplets and the swung note one (swing
 * ratios of 1.5:1 to 3.5:1 in measured jazz, Friberg & Sundström, "Swing ratios and ensemble
 * timing in jazz performance", Music Perception 19(3), 2002; a shuffle is 2:1). A tracker that
 * follows the louder swung note has the mirror image: its pulse is followed by one strong onset a
 * triplet later (the real beat) and nothing else inside the beat. The onset profile of the
 * tracked beats tells: at 1/3 of the beat at least SWING_MIN of the strength at the beat, and
 * every other eighth, sixteenth or triplet position below SWING_ALONE of the one at 1/3 (straight
 * sixteenths, a backbeat on the "and", or a long-short pair at 2/3 are not this pattern).
 * Thresholds from the tuning half: `boogi_marabi` (tracked on its swung note) 0.20 at 1/3, at most
 * 0.04 elsewhere; the correctly tracked tracks with an onset at 1/3 (`keep_on_rolling`,
 * `blupi-006`, `blupi-002`, `the_fast_route`) also have 0.35-1.5 at 1/2 or 3/4 (either band).
 */
const SWING_SHIFT = 1 / 3;
const SWING_MIN = 0.1;
const SWING_ALONE = 0.5;
/** Positions inside the beat (fractions) compared with the one at 1/3. */
const OTHER_POSITIONS = [1 / 6, 1 / 4, 5 / 12, 1 / 2, 7 / 12, 2 / 3, 3 / 4, 5 / 6];

/** Mean onset strength at `fraction` of each inter-beat interval (linear interpolation between frames). */
function profileAt(env: Float32Array, beats: readonly number[], fraction: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < beats.length; i++) {
    const x = beats[i]! + fraction * (beats[i + 1]! - beats[i]!);
    const k = Math.floor(x);
    const f = x - k;
    sum += (env[k] ?? 0) * (1 - f) + (env[k + 1] ?? 0) * f;
  }
  return beats.length > 1 ? sum / (beats.length - 1) : 0;
}

/**
 * Whether the tracked beats sit on the swung (short) note of a long-short pair (see SWING_MIN), on
 * the all-band onsets or on the kick/bass band alone: where a loud snare or ride takes the swung
 * note, its decay can hide the beat's quiet kick and bass note in the all-band flux (a generated
 * shuffle: 0.04 at 1/3 there, 3.5 in the bass band), while the bass band shows them plainly.
 */
export function swungUpbeat(beats: readonly number[], envelopes: readonly Float32Array[]): boolean {
  return envelopes.some((env) => {
    const p0 = profileAt(env, beats, 0);
    const p3 = profileAt(env, beats, SWING_SHIFT);
    if (!(p0 > 0) || p3 < SWING_MIN * p0) return false;
    return OTHER_POSITIONS.every((fr) => profileAt(env, beats, fr) < SWING_ALONE * p3);
  });
}

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
  // On a swung note, the beat is one triplet later: taken unless the harmony says otherwise (the
  // onset terms are what put the tracker there, so they do not get a vote).
  if (swungUpbeat(beats, [cues.strength, cues.low]) && harmonyChange(cues.harmony, shifted(beats, SWING_SHIFT)) >= harm0) bestShift = SWING_SHIFT;
  else for (const s of SHIFTS) {
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

/**
 * A run of steady tempo ends where the tracker's beat interval leaves the run's median by more
 * than this. The HMM's tempo states are integers of 10 ms, so a steady pulse alternates between
 * two neighbours (51/52 at 120 BPM: 2%); a path that slips to another phase does so through a few
 * beats of a different interval (blupi-000: 51/52, then 50, 49 for four beats, then 51/52 half a
 * beat later), as does a real tempo change.
 */
const RUN_TOLERANCE = 0.03;

/** Index ranges [from, to) of `intervals` in which the interval stays within RUN_TOLERANCE of the run's median. */
export function steadyRuns(intervals: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= intervals.length; i++) {
    if (i < intervals.length) {
      const run = intervals.slice(start, i).sort((a, b) => a - b);
      const med = run[run.length >> 1]!;
      if (Math.abs(intervals[i]! / med - 1) <= RUN_TOLERANCE) continue;
    }
    runs.push([start, i]);
    start = i;
  }
  return runs;
}

/**
 * choosePhase on each steady run of the tracked beats separately (`intervals[i]`: the tracker's
 * beat interval at beats[i]): a path that is on the beat for half a minute and then slips to the
 * off-beat is corrected where it is wrong, not shifted as a whole. Runs shorter than MIN_BEATS
 * (the slip itself) keep their beats. Beats closer than half the run's median gap to the previous
 * one (where two runs at different phases meet) are dropped.
 */
export function choosePhaseInRuns(beats: number[], intervals: readonly number[], cues: PhaseCues, end: number): number[] {
  const out: number[] = [];
  for (const [a, b] of steadyRuns(intervals)) {
    const run = beats.slice(a, b);
    const gaps = run.slice(1).map((x, i) => x - run[i]!).sort((x, y) => x - y);
    const minGap = gaps.length ? 0.5 * gaps[gaps.length >> 1]! : 0;
    for (const f of choosePhase(run, cues, end)) if (out.length === 0 || f - out[out.length - 1]! > minGap) out.push(f);
  }
  return out;
}
