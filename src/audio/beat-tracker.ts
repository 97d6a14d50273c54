/**
 * Ellis-style dynamic-programming beat tracker ("Beat tracking by dynamic programming", 2007) at a
 * fixed period: the octave guard (tempo-estimate.ts) compares metrical levels on its beats. The
 * reported beats come from the beat-pointer HMM (beat-hmm.ts), which follows tempo changes;
 * `trimUnsupported` trims either at the section edges to the beats that onsets support.
 */

export interface BeatTrackOptions {
  /** Penalty weight for deviating from the beat period (Ellis: 100). */
  tightness?: number;
}

/**
 * Beat frames (fractional frame indices are not needed: frames are ~23 ms) within
 * env[from, to) for beat period `period` (frames).
 */
export function trackBeats(env: Float32Array, period: number, from: number, to: number, opts: BeatTrackOptions = {}): number[] {
  const tightness = opts.tightness ?? 100;
  const n = to - from;
  if (n < period * 2) return [];
  // Local score: envelope normalised by its std, smoothed by a Gaussian of width period/32.
  const seg = env.subarray(from, to);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += seg[i]!;
  mean /= n;
  let varSum = 0;
  for (let i = 0; i < n; i++) varSum += (seg[i]! - mean) ** 2;
  const std = Math.sqrt(varSum / n) || 1;
  const radius = Math.max(1, Math.round(period));
  const sigma = Math.max(0.5, period / 32);
  const kernel: number[] = [];
  for (let d = -radius; d <= radius; d++) kernel.push(Math.exp(-0.5 * (d / sigma) ** 2));
  const local = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = -radius; d <= radius; d++) {
      const v = seg[i + d];
      if (v !== undefined) s += kernel[d + radius]! * v;
    }
    local[i] = s / std;
  }
  // Transition penalty for an interval of `k` frames.
  const minK = Math.max(1, Math.round(period / 2));
  const maxK = Math.round(period * 2);
  const penalty = new Float64Array(maxK + 1);
  for (let k = minK; k <= maxK; k++) penalty[k] = -tightness * Math.log(k / period) ** 2;
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let arg = -1;
    for (let k = minK; k <= maxK && i - k >= 0; k++) {
      const v = cum[i - k]! + penalty[k]!;
      if (v > best) {
        best = v;
        arg = i - k;
      }
    }
    cum[i] = local[i]! + (arg >= 0 ? Math.max(0, best) : 0);
    back[i] = arg >= 0 && best > 0 ? arg : -1;
  }
  // Last beat: the best-scoring frame within the last two periods. (Picking "the last local
  // maximum above half the median", as librosa does, can start the backtrace on a hi-hat after
  // the last beat, since cumulative scores keep growing along the track.)
  let last = n - 1;
  for (let i = Math.max(0, n - 2 * Math.round(period)); i < n; i++) if (cum[i]! > cum[last]!) last = i;
  const beats: number[] = [];
  for (let i = last; i >= 0; i = back[i]!) beats.push(i + from);
  return beats.reverse();
}

/**
 * Trims beats at both ends of a section until it starts (and ends) with onset-supported beats:
 * a beat is supported when the envelope within +-2 frames reaches `ratio` x the median support
 * of the section's beats (in any of the envelopes, when several are given: each against its own
 * median); an edge is accepted where 2 of its 3 nearest beats are supported.
 */
export function trimUnsupported(envs: Float32Array | readonly Float32Array[], beats: number[], ratio = 0.25): number[] {
  if (beats.length < 3) return [];
  const ok = beats.map(() => false);
  for (const env of envs instanceof Float32Array ? [envs] : envs) {
    const support = beats.map((b) => Math.max(env[b - 2] ?? 0, env[b - 1] ?? 0, env[b] ?? 0, env[b + 1] ?? 0, env[b + 2] ?? 0));
    const med = [...support].sort((a, b) => a - b)[support.length >> 1]!;
    support.forEach((s, i) => {
      if (s >= ratio * med && s > 0) ok[i] = true;
    });
  }
  const good = (i: number) => ok[i]! && [i - 1, i, i + 1].filter((j) => ok[j]).length >= 2;
  let a = 0;
  while (a < beats.length && !good(a)) a++;
  let b = beats.length - 1;
  while (b > a && !good(b)) b--;
  return b - a >= 2 ? beats.slice(a, b + 1) : [];
}
