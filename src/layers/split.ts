/** Choosing depth thresholds at natural gaps: multi-level Otsu on the depth histogram, snapped to nearby valleys. */

const BINS = 256;

export function depthHistogram(depth: Float32Array): Float64Array {
  const hist = new Float64Array(BINS);
  for (let i = 0; i < depth.length; i++) {
    const v = depth[i]!;
    hist[Math.min(BINS - 1, Math.max(0, Math.round(v * (BINS - 1))))]! += 1;
  }
  return hist;
}

/**
 * Multi-level Otsu: the `classes - 1` thresholds (0..1) that minimise the within-class variance of the
 * histogram (dynamic programming, O(classes * bins^2)). Threshold t means class boundary "value >= t".
 */
export function multiOtsu(hist: Float64Array, classes: number): number[] {
  const B = hist.length;
  const K = Math.max(1, Math.min(classes, B));
  const P = new Float64Array(B + 1);
  const S = new Float64Array(B + 1);
  const Q = new Float64Array(B + 1);
  for (let b = 0; b < B; b++) {
    P[b + 1] = P[b]! + hist[b]!;
    S[b + 1] = S[b]! + hist[b]! * b;
    Q[b + 1] = Q[b]! + hist[b]! * b * b;
  }
  const cost = (i: number, j: number): number => {
    // bins i..j-1
    const p = P[j]! - P[i]!;
    if (p <= 0) return 0;
    const s = S[j]! - S[i]!;
    return Q[j]! - Q[i]! - (s * s) / p;
  };
  // dp[k][j]: best cost splitting bins 0..j-1 into k classes.
  const dp: Float64Array[] = [];
  const arg: Int32Array[] = [];
  for (let k = 0; k <= K; k++) {
    dp.push(new Float64Array(B + 1).fill(Infinity));
    arg.push(new Int32Array(B + 1));
  }
  dp[0]![0] = 0;
  for (let k = 1; k <= K; k++) {
    for (let j = k; j <= B; j++) {
      let best = Infinity;
      let bi = k - 1;
      for (let i = k - 1; i < j; i++) {
        const c = dp[k - 1]![i]! + cost(i, j);
        if (c < best) {
          best = c;
          bi = i;
        }
      }
      dp[k]![j] = best;
      arg[k]![j] = bi;
    }
  }
  const cuts: number[] = [];
  let j = B;
  for (let k = K; k > 1; k--) {
    const i = arg[k]![j]!;
    cuts.push(i);
    j = i;
  }
  return cuts.reverse().map((b) => b / (B - 1));
}

/** Moves each threshold to the emptiest histogram bin within +-radius bins (a natural gap), keeping order. */
export function snapToValleys(hist: Float64Array, thresholds: number[], radius = 10): number[] {
  const B = hist.length;
  // Lightly smoothed histogram so single-bin noise does not decide.
  const sm = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    let n = 0;
    for (let d = -2; d <= 2; d++) {
      const k = b + d;
      if (k >= 0 && k < B) {
        s += hist[k]!;
        n++;
      }
    }
    sm[b] = s / n;
  }
  const out: number[] = [];
  let prev = 1;
  thresholds.forEach((t, idx) => {
    const c = Math.round(t * (B - 1));
    const next = idx + 1 < thresholds.length ? Math.round(thresholds[idx + 1]! * (B - 1)) : B - 1;
    let best = c;
    for (let b = Math.max(prev, c - radius); b <= Math.min(next - 1, c + radius); b++) {
      if (sm[b]! < sm[best]! * 0.85) best = b;
    }
    out.push(best / (B - 1));
    prev = best + 1;
  });
  return out;
}

/** Share of samples in each class for the given thresholds. */
export function classShares(hist: Float64Array, thresholds: number[]): number[] {
  const B = hist.length;
  const total = hist.reduce((a, b) => a + b, 0) || 1;
  const shares = new Array<number>(thresholds.length + 1).fill(0);
  for (let b = 0; b < B; b++) {
    const v = b / (B - 1);
    let k = 0;
    while (k < thresholds.length && v >= thresholds[k]!) k++;
    shares[k]! += hist[b]! / total;
  }
  return shares;
}

/** Thresholds at equal-population quantiles (fallback when Otsu leaves a class nearly empty). */
export function quantileThresholds(hist: Float64Array, classes: number): number[] {
  const B = hist.length;
  const total = hist.reduce((a, b) => a + b, 0) || 1;
  const out: number[] = [];
  let acc = 0;
  let k = 1;
  for (let b = 0; b < B && k < classes; b++) {
    acc += hist[b]!;
    while (k < classes && acc / total >= k / classes) {
      out.push(Math.min(1, (b + 1) / (B - 1)));
      k++;
    }
  }
  while (out.length < classes - 1) out.push(1);
  // Strictly increasing.
  for (let i = 1; i < out.length; i++) if (out[i]! <= out[i - 1]!) out[i] = Math.min(1, out[i - 1]! + 1 / (B - 1));
  return out;
}

/** Depth thresholds for `count` layers: Otsu + valley snapping; equal-population fallback when a layer would be tiny. */
export function chooseThresholds(depth: Float32Array, count: number, minShare = 0.02): { thresholds: number[]; method: 'otsu' | 'quantile' } {
  const hist = depthHistogram(depth);
  if (count <= 1) return { thresholds: [], method: 'otsu' };
  const t = snapToValleys(hist, multiOtsu(hist, count));
  if (classShares(hist, t).every((s) => s >= minShare)) return { thresholds: t, method: 'otsu' };
  return { thresholds: quantileThresholds(hist, count), method: 'quantile' };
}
