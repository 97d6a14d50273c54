/**
 * Joint tempo and beat-phase tracking with a beat-pointer hidden Markov model, decoded by Viterbi:
 * the state space of Krebs, Böck & Widmer, "An efficient state-space model for joint tempo and
 * meter tracking" (ISMIR 2015), as madmom implements it for its DBNBeatTrackingProcessor
 * (madmom/features/beats_hmm.py: BeatStateSpace, BeatTransitionModel, exponential_transition,
 * RNNBeatTrackingObservationModel; read for the model, not copied).
 *
 * - States: (beat interval I in frames, position 0..I-1 within the beat). Intervals are log-spaced
 *   integers between the fastest and slowest tempo.
 * - Transitions: the position advances by one frame; from the last position of interval I to the
 *   first position of interval J with probability proportional to exp(-lambda * |J / I - 1|), so
 *   the tempo may only change at a beat and prefers to stay.
 * - Observations: positions in the first 1/OBS_LAMBDA of the beat are "beat" states and are scored
 *   with log(a), all others with log((1 - a) / (OBS_LAMBDA - 1)), where a is the activation scaled
 *   to 0..1.
 *
 * madmom runs it at 100 frames/s on a neural network's beat probability; here the activation is
 * the onset envelope (log-compressed multi-band flux plus the > 5 kHz flux), linearly interpolated
 * to UPSAMPLE times its ~34 frames/s so that intervals are fine enough (1 frame = 10 ms).
 */

export interface BeatHmmOptions {
  minBpm: number;
  maxBpm: number;
  /** Tempo-change lambda (madmom: 100). */
  transitionLambda: number;
}

/** Envelope frames are interpolated to this many sub-frames. */
const UPSAMPLE = 3;
/** At most this many tempo states, log-spaced (madmom: 60 when limited). */
const TEMPI = 60;
/** The first 1/OBS_LAMBDA of each beat is "beat" (madmom: 16). */
const OBS_LAMBDA = 16;

export interface BeatHmmResult {
  /** Beat times as fractional envelope frames (of the input activation). */
  beats: number[];
  /** Log-likelihood of the best path. */
  score: number;
  /** Each beat's interval state (sub-frames of 1/UPSAMPLE envelope frame): where the path changes tempo. */
  intervals: number[];
}

/**
 * Beats in activation[from, to) (activation >= 0, envelope frames of `frameSeconds`), by Viterbi
 * over the beat-pointer state space.
 */
export function hmmBeats(activation: Float32Array, frameSeconds: number, from: number, to: number, opts: BeatHmmOptions): BeatHmmResult {
  const up = UPSAMPLE;
  const n = (to - from) * up;
  const fps = up / frameSeconds;
  const intervals = logIntervals((60 / opts.maxBpm) * fps, (60 / opts.minBpm) * fps, TEMPI);
  const K = intervals.length;
  if (K === 0 || n < 2 * intervals[K - 1]!) return { beats: [], score: -Infinity, intervals: [] };
  const lambda = opts.transitionLambda;
  const obsLambda = OBS_LAMBDA;

  // Activation scaled to 0..1 by a high percentile of the section (a robust maximum).
  const seg = activation.subarray(from, to);
  const sorted = Float32Array.from(seg).sort();
  const scale = sorted[Math.floor(0.98 * (sorted.length - 1))]! || sorted[sorted.length - 1]! || 1;
  // Floor and ceiling: log(a) of an empty frame is then -3, not -inf, so a few missing onsets
  // (a fill, a break) do not outweigh the rest of the beat (0.05 vs 1e-4: tuning-half F +0.01).
  const EPS = 0.05;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = i / up;
    const k = Math.floor(x);
    const fr = x - k;
    const v = (seg[k] ?? 0) * (1 - fr) + (seg[k + 1] ?? seg[k] ?? 0) * fr;
    a[i] = EPS + (1 - 2 * EPS) * Math.min(1, v / scale);
  }

  // Positions p < I / obsLambda of a beat of interval I are "beat" states: the first nb[k].
  const nb = intervals.map((I) => Math.ceil(I / obsLambda));
  const S = intervals.reduce((x, y) => x + y, 0);
  const init = -Math.log(S);
  // Tempo transitions (log) into each interval j from the intervals i with a probability above
  // 1e-12 after normalising each row i (madmom: np.spacing(1)): sparse, |I_j / I_i - 1| < ~0.1.
  const rowSum = intervals.map((I) => intervals.reduce((sum, J) => sum + Math.exp(-lambda * Math.abs(J / I - 1)), 0));
  const fromStart = new Int32Array(K + 1);
  const fromList: number[] = [];
  const fromLog: number[] = [];
  for (let j = 0; j < K; j++) {
    fromStart[j] = fromList.length;
    for (let i = 0; i < K; i++) {
      const p = Math.exp(-lambda * Math.abs(intervals[j]! / intervals[i]! - 1)) / rowSum[i]!;
      if (p > 1e-12) {
        fromList.push(i);
        fromLog.push(Math.log(p));
      }
    }
  }
  fromStart[K] = fromList.length;
  const fromIdx = Int32Array.from(fromList);
  const fromP = Float64Array.from(fromLog);
  // Prefix sums of the two observation log-likelihoods.
  const cumBeat = new Float64Array(n + 1);
  const cumOther = new Float64Array(n + 1);
  for (let t = 0; t < n; t++) {
    cumBeat[t + 1] = cumBeat[t]! + Math.log(a[t]!);
    cumOther[t + 1] = cumOther[t]! + Math.log((1 - a[t]!) / (obsLambda - 1));
  }
  /** Observations of frames u0..u1 for a beat whose position 0 was at frame t0 (first nbk are "beat"). */
  const obsSum = (t0: number, nbk: number, u0: number, u1: number) => {
    if (u1 < u0) return 0;
    const split = Math.min(u1 + 1, Math.max(u0, t0 + nbk));
    return cumBeat[split]! - cumBeat[u0]! + cumOther[u1 + 1]! - cumOther[split]!;
  };
  // Viterbi. Inside a beat the path is fixed (one position a frame), so only the entries into
  // position 0 carry a choice: enter[t * K + k] is the best log-probability of being at (k, 0) at
  // frame t, and a beat's last position is scored from its entry by the prefix sums (O(K x
  // fan-in) a frame instead of O(states)). The same path as the frame-by-frame recursion.
  const enter = new Float64Array(n * K);
  const back = new Int16Array(n * K);
  /** Best score at the last position of interval i at frame t. */
  const lastScore = (i: number, t: number) => {
    const t0 = t - intervals[i]! + 1;
    return t0 >= 0 ? enter[t0 * K + i]! + obsSum(t0, nb[i]!, t0 + 1, t) : init + obsSum(t0, nb[i]!, 0, t);
  };
  for (let k = 0; k < K; k++) enter[k] = init + Math.log(a[0]!);
  const last = new Float64Array(K);
  for (let t = 1; t < n; t++) {
    const lb = cumBeat[t + 1]! - cumBeat[t]!;
    for (let i = 0; i < K; i++) last[i] = lastScore(i, t - 1);
    for (let k = 0; k < K; k++) {
      let best = -Infinity;
      let arg = 0;
      for (let e = fromStart[k]!; e < fromStart[k + 1]!; e++) {
        const i = fromIdx[e]!;
        const v = last[i]! + fromP[e]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      enter[t * K + k] = best + lb;
      back[t * K + k] = arg;
    }
  }
  // Best final state (interval k, entered at t0 = n - 1 - position; t0 < 0: never entered).
  let score = -Infinity;
  let k = 0;
  let t0 = 0;
  for (let j = 0; j < K; j++) {
    for (let p = 0; p < intervals[j]!; p++) {
      const e0 = n - 1 - p;
      const v = e0 >= 0 ? enter[e0 * K + j]! + obsSum(e0, nb[j]!, e0 + 1, n - 1) : init + obsSum(e0, nb[j]!, 0, n - 1);
      if (v > score) {
        score = v;
        k = j;
        t0 = e0;
      }
    }
  }
  // Back along the entries; a beat in each run of "beat" states, at the activation's maximum
  // inside it (madmom's `correct`), as a fractional envelope frame.
  const beats: number[] = [];
  const beatIntervals: number[] = [];
  for (;;) {
    let arg = -1;
    for (let u = Math.max(0, t0); u <= Math.min(n - 1, t0 + nb[k]! - 1); u++) if (arg < 0 || a[u]! > a[arg]!) arg = u;
    if (arg >= 0) {
      beats.push(from + arg / up);
      beatIntervals.push(intervals[k]!);
    }
    if (t0 <= 0) break;
    const i = back[t0 * K + k]!;
    t0 -= intervals[i]!;
    k = i;
  }
  beats.reverse();
  beatIntervals.reverse();
  return { beats, score, intervals: beatIntervals };
}

/** Log-spaced integer intervals between lo and hi (at most `count`, duplicates merged). */
function logIntervals(lo: number, hi: number, count: number): number[] {
  const a = Math.max(2, Math.round(lo));
  const b = Math.max(a, Math.round(hi));
  if (b - a + 1 <= count) return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.round(a * (b / a) ** (i / (count - 1))));
  return [...out].sort((x, y) => x - y);
}
