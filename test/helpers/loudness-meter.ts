/**
 * An ITU-R BS.1770-4 / EBU R128 loudness meter, written for the tests so that they check the
 * product's loudness normalisation (ffmpeg's `loudnorm`) with a measurement that shares none of
 * its code: K-weighting, 400 ms gating blocks with 75 % overlap, an absolute gate at -70 LUFS and
 * a relative gate 10 LU below the ungated level; true peak from 4x oversampling.
 *
 * Only decoding uses ffmpeg (Remotion's bundled one, as the product does): a file is streamed as
 * 24-bit PCM at its own rate and channel count. 24-bit PCM clips at full scale, and an AAC
 * decoder's output can go above it, so the decoder attenuates by exactly 1/4 (-12.04 dB, a power
 * of two, so the scaling is exact) and the meter multiplies back.
 *
 * Checked against Debian ffmpeg's `ebur128` filter (a separate implementation, libebur128's
 * algorithm) on recorded material; see test/render/loudness.test.ts and the loudness notes in
 * README.md for the agreement measured.
 */
import { runFf } from '../../src/media/ffmpeg';
import { parseWav } from '../../src/audio/wav-codec';

export interface LoudnessReading {
  /** Integrated loudness, LUFS (-Infinity when every block is below the absolute gate). */
  integrated: number;
  /** True peak, dBTP (the largest 4x-oversampled sample of any channel). */
  truePeak: number;
  /** Largest sample as stored (no oversampling), dBFS. */
  samplePeak: number;
  sampleRate: number;
  channels: number;
  seconds: number;
}

/** Biquad coefficients [b0, b1, b2, a1, a2] (a0 = 1). */
type Biquad = [number, number, number, number, number];

/**
 * The two K-weighting stages of BS.1770 at any sample rate: a high-shelf (+4 dB above ~1.7 kHz,
 * the head's acoustic effect) and the RLB high-pass (~38 Hz). At 48 kHz these give the
 * coefficients tabulated in BS.1770-4 (b = 1.53512485958697, -2.69169618940638, 1.19839281085285;
 * a = -1.69065929318241, 0.73248077421585 for the shelf).
 */
export function kWeightingFilters(rate: number): [Biquad, Biquad] {
  // Shelf: analogue prototype parameters matching the 48 kHz table (as derived by libebur128).
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / rate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = [(Vh + (Vb * K) / Q + K * K) / a0, (2 * (K * K - Vh)) / a0, (Vh - (Vb * K) / Q + K * K) / a0, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / rate);
  a0 = 1 + K / Q + K * K;
  const highPass: Biquad = [1, -2, 1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  return [shelf, highPass];
}

function filter(x: Float64Array, [b0, b1, b2, a1, a2]: Biquad): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = b0 * x[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x[i]!;
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}

/** BS.1770 channel weights for up to 5 channels in the order L, R, C, Ls, Rs (LFE is not expected). */
const CHANNEL_WEIGHTS = [1, 1, 1, 1.41, 1.41];

const toLufs = (meanSquare: number): number => -0.691 + 10 * Math.log10(meanSquare);

/** Integrated loudness of planar channels (each an array of samples in [-1, 1] or beyond). */
export function integratedLoudness(channels: Float64Array[], rate: number): number {
  const [shelf, highPass] = kWeightingFilters(rate);
  const weighted = channels.map((c) => filter(filter(c, shelf), highPass));
  const n = channels[0]?.length ?? 0;
  // Running sums of squares make each 400 ms block O(1).
  const prefix = weighted.map((c) => {
    const p = new Float64Array(c.length + 1);
    for (let i = 0; i < c.length; i++) p[i + 1] = p[i]! + c[i]! * c[i]!;
    return p;
  });
  const block = Math.round(0.4 * rate);
  const step = Math.round(0.1 * rate);
  const powers: number[] = [];
  for (let start = 0; start + block <= n; start += step) {
    let z = 0;
    prefix.forEach((p, ch) => {
      z += (CHANNEL_WEIGHTS[ch] ?? 1) * ((p[start + block]! - p[start]!) / block);
    });
    powers.push(z);
  }
  const aboveAbsolute = powers.filter((z) => toLufs(z) > -70);
  if (aboveAbsolute.length === 0) return -Infinity;
  const mean = (zs: number[]): number => zs.reduce((a, b) => a + b, 0) / zs.length;
  const relativeGate = toLufs(mean(aboveAbsolute)) - 10;
  const gated = aboveAbsolute.filter((z) => toLufs(z) > relativeGate);
  return toLufs(mean(gated));
}

/**
 * A 4x interpolation filter: a windowed sinc (Kaiser, beta 8) cut at the input's Nyquist
 * frequency, 32 input samples long (128 taps), split into 4 phases.
 */
function interpolationPhases(): Float64Array[] {
  const factor = 4;
  const taps = 128;
  const beta = 8;
  const bessel0 = (x: number): number => {
    let sum = 1;
    let term = 1;
    for (let k = 1; k < 50; k++) {
      term *= (x / (2 * k)) ** 2;
      sum += term;
    }
    return sum;
  };
  const h = new Float64Array(taps);
  const centre = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) {
    const t = (i - centre) / factor;
    const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const r = (i - centre) / centre;
    h[i] = sinc * (bessel0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / bessel0(beta));
  }
  const phases = Array.from({ length: factor }, (_, p) => {
    const ph = new Float64Array(taps / factor);
    for (let k = 0; k < ph.length; k++) ph[k] = h[k * factor + p]!;
    // Each phase passes DC unchanged, so a constant signal keeps its level.
    const sum = ph.reduce((a, b) => a + b, 0);
    return ph.map((v) => v / sum);
  });
  return phases;
}

const PHASES = interpolationPhases();

/** The largest absolute value of the signal oversampled 4x (linear). */
export function truePeakLinear(x: Float64Array): number {
  const len = PHASES[0]!.length;
  // Zeros on both sides, so every output sample is a full dot product (the filter's tails included).
  const padded = new Float64Array(x.length + 2 * len);
  padded.set(x, len);
  let peak = 0;
  for (let i = 0; i < x.length + len; i++) {
    for (const ph of PHASES) {
      let v = 0;
      for (let k = 0; k < len; k++) v += ph[k]! * padded[i + len - k]!;
      const a = Math.abs(v);
      if (a > peak) peak = a;
    }
  }
  // Oversampling never reports less than the stored samples.
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!));
  return peak;
}

const DECODE_GAIN = 4;

/** Decodes the first audio stream of a file to planar float channels at its own rate. */
export async function decodePlanar(file: string, stream = 'a:0'): Promise<{ channels: Float64Array[]; rate: number }> {
  const r = await runFf('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-map', `0:${stream}`, '-vn', '-af', `volume=${1 / DECODE_GAIN}:precision=double`, '-f', 'wav', '-acodec', 'pcm_s24le', 'pipe:1']);
  if (r.code !== 0) throw new Error(`${file}: cannot decode audio (${r.stderr.trim().split('\n')[0]})`);
  const wav = parseWav(r.stdout);
  const frames = Math.floor(wav.samples.length / wav.channels);
  const channels = Array.from({ length: wav.channels }, () => new Float64Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < wav.channels; c++) channels[c]![i] = wav.samples[i * wav.channels + c]! * DECODE_GAIN;
  }
  return { channels, rate: wav.sampleRate };
}

const dB = (linear: number): number => 20 * Math.log10(linear);

/** Measures a file's integrated loudness and true peak (its first audio stream). */
export async function measureFile(file: string): Promise<LoudnessReading> {
  const { channels, rate } = await decodePlanar(file);
  let samplePeak = 0;
  for (const c of channels) for (let i = 0; i < c.length; i++) samplePeak = Math.max(samplePeak, Math.abs(c[i]!));
  return {
    integrated: integratedLoudness(channels, rate),
    truePeak: dB(Math.max(...channels.map(truePeakLinear))),
    samplePeak: dB(samplePeak),
    sampleRate: rate,
    channels: channels.length,
    seconds: (channels[0]?.length ?? 0) / rate,
  };
}
