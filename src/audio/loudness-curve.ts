/** Loudness over time: RMS in dBFS of centred windows, on a regular hop. */
import { toDb } from './frame-features';
import { meanSquare, powerPrefix } from './power-prefix';
import type { LoudnessCurve } from './types';

export const LOUDNESS_HOP = 0.05;

/** RMS level (dBFS, floored at -100) of `windowSeconds` windows centred every `hop` seconds. */
export function loudnessCurve(samples: Float32Array, sampleRate: number, windowSeconds = 0.1, hop = LOUDNESS_HOP, prefix = powerPrefix(samples)): LoudnessCurve {
  const n = samples.length;
  const count = n === 0 ? 0 : Math.floor(n / sampleRate / hop) + 1;
  const half = Math.round((windowSeconds * sampleRate) / 2);
  const db: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = Math.round(i * hop * sampleRate);
    db.push(toDb(Math.sqrt(meanSquare(prefix, c - half, c + half))));
  }
  return { hop, db };
}
