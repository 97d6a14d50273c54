/**
 * Halves the sample rate with a 23-tap half-band low-pass (Blackman-windowed sinc, cut-off at
 * the new Nyquist): every other tap is zero, so each output sample costs 7 multiplies.
 * Output sample j corresponds to input sample 2j.
 */

const HALF = 11; // taps on each side of the centre
let odd: Float32Array | null = null;

/** Coefficients at offsets +-1, +-3, ... +-HALF (the even ones are 0, the centre is 0.5). */
function oddTaps(): Float32Array {
  if (odd) return odd;
  const taps = new Float32Array((HALF + 1) / 2);
  for (let k = 0; k < taps.length; k++) {
    const x = 2 * k + 1;
    const sinc = Math.sin((Math.PI * x) / 2) / (Math.PI * x);
    const n = x + HALF; // position in a (2*HALF+1)-long window
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (2 * HALF)) + 0.08 * Math.cos((4 * Math.PI * n) / (2 * HALF));
    taps[k] = sinc * w;
  }
  odd = taps;
  return taps;
}

export function decimateByTwo(x: Float32Array): Float32Array {
  const taps = oddTaps();
  let sumTaps = 0;
  for (const t of taps) sumTaps += t;
  const c0 = 1 - 2 * sumTaps; // centre tap so the gain at DC is exactly 1
  const n = Math.ceil(x.length / 2);
  const out = new Float32Array(n);
  const len = x.length;
  const t0 = taps[0]!;
  const t1 = taps[1]!;
  const t2 = taps[2]!;
  const t3 = taps[3]!;
  const t4 = taps[4]!;
  const t5 = taps[5]!;
  for (let j = 0; j < n; j++) {
    const c = 2 * j;
    if (c >= HALF && c + HALF < len) {
      out[j] =
        c0 * x[c]! +
        t0 * (x[c - 1]! + x[c + 1]!) +
        t1 * (x[c - 3]! + x[c + 3]!) +
        t2 * (x[c - 5]! + x[c + 5]!) +
        t3 * (x[c - 7]! + x[c + 7]!) +
        t4 * (x[c - 9]! + x[c + 9]!) +
        t5 * (x[c - 11]! + x[c + 11]!);
    } else {
      let s = c0 * (x[c] ?? 0);
      for (let k = 0; k < taps.length; k++) s += taps[k]! * ((x[c - 2 * k - 1] ?? 0) + (x[c + 2 * k + 1] ?? 0));
      out[j] = s;
    }
  }
  return out;
}
