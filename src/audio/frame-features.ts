/**
 * Per-frame features: mel-band magnitudes from meyda's amplitude spectrum, and frame RMS levels.
 *
 * meyda 5.6.3 pitfalls handled here:
 * - the frame must be a power of two and equal to `Meyda.bufferSize` (else silently wrong);
 * - its filter banks are cached globally and never rebuilt, so sampleRate and bufferSize are set to
 *   the same values before every call (all analysis runs at ANALYSIS_SAMPLE_RATE);
 * - `spectralFlux` throws: flux is computed from the spectra in onset-envelope.ts;
 * - time-domain features are computed on the *windowed* frame: rms needs windowingFunction 'rect'.
 *   meyda also runs a full FFT for every call, even for rms, which would double the cost of a
 *   3-minute track; `frameRms` therefore computes the same quantity directly (equal to meyda's
 *   rms with 'rect' windowing; the tests check that).
 */
import Meyda from 'meyda';
import { decimateByTwo } from './decimate';
import { meanSquare, powerPrefix } from './power-prefix';

/**
 * Spectra are taken at half the analysis rate (11.025 kHz: kick, snare, voice and the body of
 * hi-hats stay), 512-sample Hann frames (46 ms) every 320 samples (29 ms). meyda's FFT (fftjs)
 * costs ~40 us a frame, which is most of the analysis time: this rate keeps a 3-minute track
 * well under a second while beat times, refined between frames, stay within ~10 ms.
 */
export const SPECTRUM_FRAME = 512;
export const SPECTRUM_HOP = 320;
export const RMS_FRAME = 512;
export const RMS_HOP = 256;
export const MEL_BANDS = 40;

export interface MelFrames {
  /** Frame i is centred on sample i * hop. */
  hop: number;
  sampleRate: number;
  count: number;
  bands: number;
  /** Mel-band magnitudes, frame-major: value (i, b) at i * bands + b. */
  mel: Float32Array;
  /** Index of the highest band at or below ~200 Hz (kick drum region). */
  lowBandLimit: number;
  /** Centre frequency of each band, Hz. */
  centres: number[];
}

let configuredFor = '';

function configureMeyda(sampleRate: number, bufferSize: number, windowing: 'hanning' | 'rect'): void {
  const key = `${sampleRate}/${bufferSize}`;
  if (configuredFor && configuredFor !== key) {
    // Filter banks would be stale (meyda never rebuilds them); we only use the spectrum, but keep it honest.
    throw new Error(`meyda was configured for ${configuredFor} and cannot be reconfigured to ${key}`);
  }
  configuredFor = key;
  Meyda.sampleRate = sampleRate;
  Meyda.bufferSize = bufferSize;
  (Meyda as unknown as { windowingFunction: string }).windowingFunction = windowing;
}

/** Triangular mel filter bank over `bins` FFT bins (HTK mel scale), as sparse rows. */
export function melFilterBank(bands: number, frameSize: number, sampleRate: number, fMin = 30, fMax = sampleRate / 2) {
  const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const bins = frameSize / 2;
  const mMin = hzToMel(fMin);
  const mMax = hzToMel(fMax);
  const edges: number[] = [];
  for (let i = 0; i < bands + 2; i++) edges.push(melToHz(mMin + ((mMax - mMin) * i) / (bands + 1)));
  const binHz = sampleRate / frameSize;
  const rows: { from: number; weights: Float32Array }[] = [];
  for (let b = 0; b < bands; b++) {
    const lo = edges[b]!;
    const mid = edges[b + 1]!;
    const hi = edges[b + 2]!;
    const from = Math.max(0, Math.floor(lo / binHz));
    const to = Math.min(bins - 1, Math.ceil(hi / binHz));
    const w = new Float32Array(to - from + 1);
    for (let k = from; k <= to; k++) {
      const f = k * binHz;
      const v = f <= mid ? (f - lo) / Math.max(mid - lo, 1e-9) : (hi - f) / Math.max(hi - mid, 1e-9);
      w[k - from] = Math.max(0, v);
    }
    // Narrow low bands may fall between bins: give them the nearest bin.
    if (w.every((x) => x === 0)) w[Math.min(w.length - 1, Math.max(0, Math.round(mid / binHz) - from))] = 1;
    rows.push({ from, weights: w });
  }
  return { rows, centres: edges.slice(1, -1) };
}

/**
 * Mel-band magnitudes of centred, Hann-windowed frames (meyda amplitudeSpectrum) of the signal
 * decimated to half `inputRate`.
 */
export function melFrames(input: Float32Array, inputRate: number): MelFrames {
  const samples = decimateByTwo(input);
  const sampleRate = inputRate / 2;
  const frame = SPECTRUM_FRAME;
  const hop = SPECTRUM_HOP;
  const count = samples.length === 0 ? 0 : Math.floor(samples.length / hop) + 1;
  const bank = melFilterBank(MEL_BANDS, frame, sampleRate);
  const mel = new Float32Array(count * MEL_BANDS);
  configureMeyda(sampleRate, frame, 'hanning');
  const padded = new Float32Array(samples.length + frame);
  padded.set(samples, frame / 2);
  let silentFrame: Float32Array | null = null;
  for (let i = 0; i < count; i++) {
    const chunk = padded.subarray(i * hop, i * hop + frame);
    // An all-zero frame has an all-zero spectrum: skip meyda (digital silence is common).
    let energy = 0;
    for (let k = 0; k < frame; k += 8) energy += Math.abs(chunk[k]!);
    let spec: ArrayLike<number>;
    if (energy === 0 && isZero(chunk)) {
      silentFrame ??= new Float32Array(frame / 2);
      spec = silentFrame;
    } else {
      // With a single feature name, extract returns that feature itself (the typings say otherwise).
      spec = Meyda.extract('amplitudeSpectrum', chunk) as unknown as ArrayLike<number>;
    }
    const base = i * MEL_BANDS;
    for (let b = 0; b < MEL_BANDS; b++) {
      const row = bank.rows[b]!;
      let s = 0;
      for (let k = 0; k < row.weights.length; k++) s += row.weights[k]! * (spec[row.from + k] ?? 0);
      mel[base + b] = s;
    }
  }
  let lowBandLimit = 0;
  bank.centres.forEach((c, b) => {
    if (c <= 200) lowBandLimit = b;
  });
  return { hop, sampleRate, count, bands: MEL_BANDS, mel, lowBandLimit, centres: bank.centres };
}

function isZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return false;
  return true;
}

export interface RmsFrames {
  hop: number;
  frame: number;
  sampleRate: number;
  /** RMS of rectangular (un-windowed) frames; frame i is centred on sample i * hop. */
  rms: Float32Array;
}

/** Frame RMS with a rectangular window (what meyda's rms gives with windowingFunction 'rect'). */
export function frameRms(samples: Float32Array, sampleRate: number, frame = RMS_FRAME, hop = RMS_HOP, prefix = powerPrefix(samples)): RmsFrames {
  const count = samples.length === 0 ? 0 : Math.floor(samples.length / hop) + 1;
  const rms = new Float32Array(count);
  const half = frame / 2;
  // Frames at the ends hold fewer samples: average over the ones they hold (zero padding would
  // make every file start and end with a fake quiet frame).
  for (let i = 0; i < count; i++) rms[i] = Math.sqrt(meanSquare(prefix, i * hop - half, i * hop + half));
  return { hop, frame, sampleRate, rms };
}

/** Amplitude to dBFS, floored so that silence gives `floor` instead of -Infinity. */
export function toDb(amplitude: number, floor = -100): number {
  return amplitude > 0 ? Math.max(floor, 20 * Math.log10(amplitude)) : floor;
}
