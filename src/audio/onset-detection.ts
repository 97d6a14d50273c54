/** Onset times from an onset envelope by adaptive-threshold peak picking. */
import type { OnsetEnvelope } from './onset-envelope';

export interface PeakPickOptions {
  /** A peak must be the maximum within +-this many seconds. */
  maxWindow?: number;
  /** Local threshold = median over +-avgWindow seconds ... */
  avgWindow?: number;
  /** ... times `thresholdRatio`, plus `delta` x the 90th percentile of the envelope's peak heights. */
  thresholdRatio?: number;
  delta?: number;
  /** Minimum seconds between onsets. */
  wait?: number;
}

/**
 * Returns frame indices of onset peaks. A frame is an onset when it is the local maximum,
 * exceeds an adaptive threshold (local median plus a fraction of the typical peak height),
 * and at least `wait` seconds passed since the previous onset.
 */
export function pickPeaks(env: Float32Array, frameSeconds: number, opts: PeakPickOptions = {}): number[] {
  const maxW = Math.max(1, Math.round((opts.maxWindow ?? 0.03) / frameSeconds));
  const avgW = Math.max(1, Math.round((opts.avgWindow ?? 0.3) / frameSeconds));
  const ratio = opts.thresholdRatio ?? 1.5;
  const delta = opts.delta ?? 0.15;
  const wait = Math.max(1, Math.round((opts.wait ?? 0.05) / frameSeconds));
  const n = env.length;
  if (n === 0) return [];
  // Global scale: the 90th percentile of the envelope's local peak heights, i.e. a clear onset
  // (robust to a few huge hits, to long stretches of zeros and to many tiny wiggles).
  const heights: number[] = [];
  for (let i = 1; i < n - 1; i++) if (env[i]! > 0 && env[i]! >= env[i - 1]! && env[i]! > env[i + 1]!) heights.push(env[i]!);
  heights.sort((a, b) => a - b);
  const scale = heights[Math.floor(0.9 * (heights.length - 1))] ?? 0;
  if (!(scale > 1e-6)) return [];
  const floor = delta * scale;
  const peaks: number[] = [];
  let last = -Infinity;
  for (let i = 1; i < n - 1; i++) {
    const v = env[i]!;
    if (v <= floor) continue;
    let isMax = true;
    for (let k = Math.max(0, i - maxW); k <= Math.min(n - 1, i + maxW); k++) {
      if (env[k]! > v || (env[k] === v && k < i)) {
        isMax = false;
        break;
      }
    }
    if (!isMax) continue;
    const localMedian = median(env, Math.max(0, i - avgW), Math.min(n, i + avgW + 1));
    if (v < ratio * localMedian + floor) continue;
    if (i - last < wait) continue;
    peaks.push(i);
    last = i;
  }
  return peaks;
}

export function detectOnsets(env: OnsetEnvelope, opts?: PeakPickOptions): number[] {
  return pickPeaks(env.strength, env.frameSeconds, opts).map((i) => refinePeak(env.strength, i) * env.frameSeconds);
}

/**
 * Sub-frame position of the envelope peak at or next to frame `f` (parabolic interpolation),
 * so times are not quantised to the hop. Returns `f` when there is no peak within +-1 frame.
 */
export function refinePeak(env: Float32Array, f: number): number {
  let p = f;
  if ((env[f + 1] ?? -Infinity) > (env[p] ?? -Infinity)) p = f + 1;
  if ((env[f - 1] ?? -Infinity) > (env[p] ?? -Infinity)) p = f - 1;
  const a = env[p - 1];
  const b = env[p];
  const c = env[p + 1];
  if (a === undefined || b === undefined || c === undefined || !(b > 0) || b < a || b < c) return f;
  const den = a - 2 * b + c;
  if (den >= 0) return p;
  const d = (0.5 * (a - c)) / den;
  return p + Math.max(-0.5, Math.min(0.5, d));
}

export function percentile(x: ArrayLike<number>, q: number): number {
  if (x.length === 0) return 0;
  const sorted = Float64Array.from(x as ArrayLike<number>).sort();
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[idx]!;
}

const scratch: number[] = [];
function median(x: Float32Array, a: number, b: number): number {
  scratch.length = 0;
  for (let i = a; i < b; i++) scratch.push(x[i]!);
  scratch.sort((p, q) => p - q);
  return scratch[scratch.length >> 1] ?? 0;
}
