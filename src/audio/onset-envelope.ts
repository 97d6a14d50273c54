/**
 * Onset strength envelope: spectral flux of log-compressed mel bands, half-wave rectified
 * (only energy increases count), averaged over bands, then high-passed by subtracting a
 * local mean so slow swells and steady pads give ~0.
 */
import type { MelFrames } from './frame-features';

export interface OnsetEnvelope {
  /** Seconds per envelope frame. */
  frameSeconds: number;
  /** Onset strength per frame (>= 0). Frame i is centred on i * frameSeconds. */
  strength: Float32Array;
  /** The same from the low bands only (kick drum), used for bar accents. */
  low: Float32Array;
  /** The same from the bands below ~2 kHz (kick, snare, bass; little hi-hat), for the octave guard. */
  body: Float32Array;
}

/** Upper edge of the "body" bands. */
const BODY_HZ = 2000;

/**
 * Log compression log(1 + GAMMA * x / max): logarithmic for everything within ~60 dB of the
 * loudest band value, linear (so it barely moves) below that, which keeps room noise and quiet
 * hi-hats from outweighing drums the way a plain dB scale lets them.
 */
const GAMMA = 1000;

export function onsetEnvelope(frames: MelFrames): OnsetEnvelope {
  const { count, bands, mel } = frames;
  const frameSeconds = frames.hop / frames.sampleRate;
  let max = 0;
  for (let i = 0; i < mel.length; i++) if (mel[i]! > max) max = mel[i]!;
  const strength = new Float32Array(count);
  const low = new Float32Array(count);
  const body = new Float32Array(count);
  if (count < 2 || max <= 0) return { frameSeconds, strength, low, body };
  const bodyLimit = Math.max(frames.lowBandLimit, frames.centres.filter((c) => c <= BODY_HZ).length - 1);
  const k = GAMMA / max;
  const logMel = new Float32Array(mel.length);
  for (let i = 0; i < mel.length; i++) logMel[i] = Math.log1p(k * mel[i]!);
  const lowLimit = frames.lowBandLimit;
  for (let i = 1; i < count; i++) {
    let s = 0;
    let sl = 0;
    let sb = 0;
    const cur = i * bands;
    const prev = (i - 1) * bands;
    for (let b = 0; b < bands; b++) {
      const d = logMel[cur + b]! - logMel[prev + b]!;
      if (d > 0) {
        s += d;
        if (b <= lowLimit) sl += d;
        if (b <= bodyLimit) sb += d;
      }
    }
    strength[i] = s / bands;
    low[i] = sl / (lowLimit + 1);
    body[i] = sb / (bodyLimit + 1);
  }
  return {
    frameSeconds,
    strength: highPass(strength, frameSeconds),
    low: highPass(low, frameSeconds),
    body: highPass(body, frameSeconds),
  };
}

/** Subtracts a centred moving average (~0.5 s) and half-wave rectifies. */
function highPass(x: Float32Array, frameSeconds: number): Float32Array {
  const half = Math.max(1, Math.round(0.25 / frameSeconds));
  const out = new Float32Array(x.length);
  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) prefix[i + 1] = prefix[i]! + x[i]!;
  for (let i = 0; i < x.length; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(x.length, i + half + 1);
    const mean = (prefix[b]! - prefix[a]!) / (b - a);
    out[i] = Math.max(0, x[i]! - mean);
  }
  return out;
}
