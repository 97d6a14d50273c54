/**
 * Onset strength above ~5 kHz (hi-hats, ride, snare wires, the click of a kick's beater) from the
 * full-rate signal: the mel spectra are taken at half the analysis rate and cannot see it.
 * Second-difference high-pass, frame energy on the mel frames' grid, log-compressed, half-wave
 * rectified difference, then the same local-mean high-pass as the other envelopes.
 */
export function highBandFlux(samples: Float32Array, frameHop: number, count: number, frameSeconds: number): Float32Array {
  const energy = new Float64Array(count);
  let p1 = 0;
  let p2 = 0;
  const half = frameHop >> 1;
  for (let i = 0; i < count; i++) {
    const a = Math.max(0, i * frameHop - half);
    const b = Math.min(samples.length, i * frameHop + half);
    let e = 0;
    for (let t = a; t < b; t++) {
      const x = samples[t]!;
      // y = x - 2 x[-1] + x[-2]: +12 dB/octave, unity gain at a quarter of the sample rate.
      const y = (x - 2 * p1 + p2) / 4;
      p2 = p1;
      p1 = x;
      e += y * y;
    }
    energy[i] = b > a ? e / (b - a) : 0;
  }
  let max = 0;
  for (let i = 0; i < count; i++) max = Math.max(max, energy[i]!);
  const out = new Float32Array(count);
  if (max <= 0) return out;
  const k = 1000 / max;
  let prev = Math.log1p(k * energy[0]!);
  for (let i = 1; i < count; i++) {
    const v = Math.log1p(k * energy[i]!);
    out[i] = Math.max(0, v - prev);
    prev = v;
  }
  const radius = Math.max(1, Math.round(0.25 / frameSeconds));
  const prefix = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) prefix[i + 1] = prefix[i]! + out[i]!;
  const hp = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const a = Math.max(0, i - radius);
    const b = Math.min(count, i + radius + 1);
    hp[i] = Math.max(0, out[i]! - (prefix[b]! - prefix[a]!) / (b - a));
  }
  return hp;
}

/**
 * `strength` plus one band's onsets (`band`) scaled to the same mean. With the > 5 kHz flux: the
 * envelope the beat tracker follows (where comping or a bass line puts its onsets on the
 * off-beats, the hi-hats and cymbals that keep time on the beat are often only audible up there).
 */
export function withBand(strength: Float32Array, band: Float32Array): Float32Array {
  let a = 0;
  let b = 0;
  for (let i = 0; i < strength.length; i++) {
    a += strength[i]!;
    b += band[i] ?? 0;
  }
  const scale = b > 0 ? a / b : 0;
  return strength.map((v, i) => v + scale * (band[i] ?? 0));
}
