/** Rounds an analysis into its JSON contract: ms-precision times, 0.1 dB / 0.1 BPM, never NaN. */
import type { AudioAnalysis, Interval } from './types';

const t = (x: number) => finite(Math.round(x * 1000) / 1000);
const d1 = (x: number) => finite(Math.round(x * 10) / 10);

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function valid<T extends Interval>(list: readonly T[]): T[] {
  return list.filter((v) => Number.isFinite(v.start) && Number.isFinite(v.end) && v.end > v.start);
}

export function toAnalysisJson(a: AudioAnalysis): AudioAnalysis {
  const times = (xs: readonly number[]) => xs.filter(Number.isFinite).map(t);
  return {
    duration: t(a.duration),
    sampleRate: Math.round(finite(a.sampleRate)),
    tempo: a.tempo !== null && Number.isFinite(a.tempo) ? d1(a.tempo) : null,
    beats: times(a.beats),
    downbeats: a.downbeats ? times(a.downbeats) : null,
    onsets: times(a.onsets),
    silences: valid(a.silences).map((v) => ({ start: t(v.start), end: t(v.end) })),
    speechPauses: valid(a.speechPauses).map((v) => ({ start: t(v.start), end: t(v.end) })),
    crescendos: valid(a.crescendos).map((v) => ({ start: t(v.start), end: t(v.end), riseDb: d1(v.riseDb) })),
    swells: valid(a.swells).map((v) => ({ start: t(v.start), end: t(v.end), peakDb: d1(v.peakDb) })),
    loudness: { hop: a.loudness.hop, db: a.loudness.db.map(d1) },
  };
}

/** An empty but valid analysis (zero-length audio). */
export function emptyAnalysis(sampleRate: number): AudioAnalysis {
  return {
    duration: 0,
    sampleRate,
    tempo: null,
    beats: [],
    downbeats: null,
    onsets: [],
    silences: [],
    speechPauses: [],
    crescendos: [],
    swells: [],
    loudness: { hop: 0.05, db: [] },
  };
}
