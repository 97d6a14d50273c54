/**
 * Local autocovariance of the onset envelope in sliding windows (a tempogram), normalised so
 * lag 0 is 1. Used for the global tempo and to tell rhythmic passages from ones without rhythm.
 */

export const MIN_BPM = 55;
/**
 * Fastest beat reported. Above ~190 BPM the notated beat of real music is, in practice, the half
 * tempo (a drum part at 200-212 tracked there was at 100-106 in the score on the real-music bench;
 * none of its tracks is notated above 180).
 */
export const MAX_BPM = 190;

export interface Tempogram {
  frameSeconds: number;
  /** Window length and hop, in envelope frames. */
  window: number;
  hop: number;
  /** Centre frame of each window. */
  centres: number[];
  /** acf[w][lag] for lag 0..maxLag (lag 0 = 1 unless the window is silent, then all 0). */
  acf: Float32Array[];
  /** Mean envelope value in each window (to gate out near-silent windows). */
  mean: number[];
  maxLag: number;
}

export function tempogram(env: Float32Array, frameSeconds: number, windowSeconds = 6, hopSeconds = 0.5): Tempogram {
  const window = Math.max(8, Math.round(windowSeconds / frameSeconds));
  const hop = Math.max(1, Math.round(hopSeconds / frameSeconds));
  // Two beat periods at the slowest tempo, for the 2P check.
  const maxLag = Math.min(window - 1, Math.ceil((2 * 60) / MIN_BPM / frameSeconds) + 2);
  const centres: number[] = [];
  const acf: Float32Array[] = [];
  const mean: number[] = [];
  const n = env.length;
  for (let c = 0; c < Math.max(n, 1); c += hop) {
    // Full-length windows at the end too (shifted inwards): a shorter one has a noisier
    // normalised autocovariance, which let the last seconds of a free melody pass as rhythmic.
    const a = Math.max(0, Math.min(c - (window >> 1), n - window));
    const b = Math.min(n, a + window);
    const r = new Float32Array(maxLag + 1);
    let sum = 0;
    for (let t = a; t < b; t++) sum += env[t]!;
    const m = b > a ? sum / (b - a) : 0;
    // Autocovariance (the window's mean removed): an envelope that is busy but not periodic
    // (speech, dense textures) gives ~0 at every lag instead of a floor of mean^2 / power.
    let e0 = 0;
    for (let t = a; t < b; t++) e0 += (env[t]! - m) ** 2;
    if (e0 > 0) {
      for (let lag = 0; lag <= maxLag; lag++) {
        let s = 0;
        for (let t = a; t + lag < b; t++) s += (env[t]! - m) * (env[t + lag]! - m);
        r[lag] = s / e0;
      }
    }
    centres.push(c);
    acf.push(r);
    mean.push(m);
  }
  return { frameSeconds, window, hop, centres, acf, mean, maxLag };
}

/** Max of r over lag +-1 around a fractional lag (tolerates tempo drift and jitter). */
export function acfAt(r: Float32Array, lag: number): number {
  const l = Math.round(lag);
  let best = 0;
  for (let d = -1; d <= 1; d++) {
    const v = r[l + d];
    if (v !== undefined && l + d > 0 && v > best) best = v;
  }
  return best;
}

/**
 * How periodic window w is at period `lag` (frames): mean of the normalised ACF at one and two
 * periods (autocovariance, so a busy but aperiodic envelope scores ~0): 0.6-0.9 for clean drum
 * loops, 0.3-0.7 for most real music with drums, under ~0.27 for speech, ~0 for pads and noise.
 */
export function periodicity(tg: Tempogram, w: number, lag: number): number {
  const r = tg.acf[w]!;
  const two = 2 * lag <= tg.maxLag ? acfAt(r, 2 * lag) : acfAt(r, lag);
  return (acfAt(r, lag) + two) / 2;
}
