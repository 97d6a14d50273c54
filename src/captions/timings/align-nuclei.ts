/**
 * Syllable nuclei for `align` (after de Jong & Wempe 2009, "Praat script to detect syllable nuclei"):
 * the level of the 300-3000 Hz band, where vowels carry their energy and fricatives and bursts
 * carry little, peaks once per syllable. Inside connected speech, where words run into each other
 * without a pause, the nuclei are what tell syllables apart: a word holds about as many nuclei as
 * it has syllables, and a word boundary falls in the band's dip between two nuclei.
 */
import { frameRms } from '../../audio/frame-features';
import { levelsDb } from '../../audio/pause-detection';

/** The band of vowel energy, Hz. */
const BAND_LOW = 300;
const BAND_HIGH = 3000;
/** A peak must rise this far (dB) above the dips on either side of it, and stand within this range of the loudest. */
const MIN_PROMINENCE_DB = 3;
const PEAK_RANGE_DB = 25;
/** Nuclei closer than this (seconds) are one syllable. */
const MIN_NUCLEUS_GAP = 0.08;

export interface BandLevels {
  /** Frame levels of the vowel band, dBFS, on the same frames as the speech levels. */
  db: Float32Array;
  /** 1 at frames that hold a syllable nucleus, else 0. */
  nuclei: Uint8Array;
}

/** Second-order sections (RBJ cookbook) run in place: a high-pass then a low-pass, twice each (24 dB/octave). */
function bandPass(samples: Float32Array, rate: number): Float32Array {
  const out = Float32Array.from(samples);
  const run = (f0: number, high: boolean): void => {
    const w = (2 * Math.PI * f0) / rate;
    const alpha = Math.sin(w) / (2 * Math.SQRT1_2);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    const b0 = (high ? (1 + cos) / 2 : (1 - cos) / 2) / a0;
    const b1 = (high ? -(1 + cos) : 1 - cos) / a0;
    const a1 = (-2 * cos) / a0;
    const a2 = (1 - alpha) / a0;
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < out.length; i++) {
      const x = out[i]!;
      const y = b0 * x + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
      x2 = x1; x1 = x; y2 = y1; y1 = y;
      out[i] = y;
    }
  };
  for (let k = 0; k < 2; k++) {
    run(BAND_LOW, true);
    run(Math.min(BAND_HIGH, rate * 0.45), false);
  }
  return out;
}

/** The vowel band's levels and its syllable nuclei, on frames of `frame` samples every `hop` (those of the speech levels). */
export function bandLevels(samples: Float32Array, rate: number, frame: number, hop: number, pauseDb: number): BandLevels {
  const raw = levelsDb(frameRms(bandPass(samples, rate), rate, frame, hop));
  // A light smoothing (3 frames) so that pitch ripples are not taken for syllables.
  const db = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) db[i] = (raw[Math.max(0, i - 1)]! + raw[i]! + raw[Math.min(raw.length - 1, i + 1)]!) / 3;
  const nuclei = new Uint8Array(db.length);
  const top = db.reduce((m, v) => Math.max(m, v), -Infinity);
  const minGap = Math.max(1, Math.round(MIN_NUCLEUS_GAP / (hop / rate)));
  let lastPeak = -Infinity;
  let lastPeakDb = -Infinity;
  // Walk the local maxima; each needs a dip of MIN_PROMINENCE_DB to the previous nucleus and after it.
  for (let t = 1; t < db.length - 1; t++) {
    const v = db[t]!;
    if (!(v >= db[t - 1]! && v > db[t + 1]!) || v < top - PEAK_RANGE_DB || v < pauseDb) continue;
    let after = v;
    for (let u = t + 1; u < db.length && db[u]! <= v; u++) after = Math.min(after, db[u]!);
    if (v - after < MIN_PROMINENCE_DB && t < db.length - 2) continue;
    let before = v;
    for (let u = t - 1; u > lastPeak && u >= 0; u--) before = Math.min(before, db[u]!);
    if (lastPeak >= 0 && (t - lastPeak < minGap || v - before < MIN_PROMINENCE_DB)) {
      // Too close to the last nucleus, or no dip between them: the louder of the two stands.
      if (v > lastPeakDb) {
        nuclei[lastPeak] = 0;
        nuclei[t] = 1;
        lastPeak = t;
        lastPeakDb = v;
      }
      continue;
    }
    nuclei[t] = 1;
    lastPeak = t;
    lastPeakDb = v;
  }
  return { db, nuclei };
}
