/** Running sum of squared samples (float64), so the RMS of any window costs O(1). */

export type PowerPrefix = Float64Array;

export function powerPrefix(samples: Float32Array): PowerPrefix {
  const prefix = new Float64Array(samples.length + 1);
  let acc = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    acc += v * v;
    prefix[i + 1] = acc;
  }
  return prefix;
}

/** Mean square of samples [a, b) (clamped to the signal), divided by `len` (zero padding) or b - a. */
export function meanSquare(prefix: PowerPrefix, a: number, b: number, len?: number): number {
  const n = prefix.length - 1;
  const lo = Math.max(0, Math.min(n, a));
  const hi = Math.max(lo, Math.min(n, b));
  const div = len ?? hi - lo;
  return div > 0 ? Math.max(0, prefix[hi]! - prefix[lo]!) / div : 0;
}
