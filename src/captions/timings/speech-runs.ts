/**
 * Where a narration speaks: stretches of sound between the pauses the audio analysis finds
 * (src/audio/pause-detection.ts, the same level and edge refinement as the timeline's speech
 * pauses), with the lead-in and tail trimmed at the same level, plus the frame levels the aligner
 * reads inside each stretch.
 */
import { decodeAudio } from '../../audio/decode-audio';
import { frameRms, toDb } from '../../audio/frame-features';
import { detectSpeechPauses, levelsDb, refineEdges, speechPauseLevel } from '../../audio/pause-detection';
import type { Interval } from '../../audio/types';

/** 10 ms level frames at the analysis rate (22.05 kHz): fine enough for word edges. */
export const LEVEL_FRAME = 512;
const LEVEL_HOP = 221;

export interface SpeechRuns {
  /** File length, seconds. */
  duration: number;
  /** Seconds between level frames; frame i is centred on i * hop. */
  hop: number;
  /** Frame levels, dBFS. */
  db: Float32Array;
  /** Below this level the narration is paused (dBFS). */
  pauseDb: number;
  /** Stretches of speech in order, seconds; empty when there is none. */
  runs: Interval[];
}

export function speechRuns(samples: Float32Array, sampleRate: number): SpeechRuns {
  const duration = samples.length / sampleRate;
  const rms = frameRms(samples, sampleRate, LEVEL_FRAME, LEVEL_HOP);
  const db = levelsDb(rms);
  const hop = rms.hop / sampleRate;
  const none = (pauseDb: number): SpeechRuns => ({ duration, hop, db, pauseDb, runs: [] });
  const pauseDb = speechPauseLevel(db);
  if (pauseDb === null) {
    // No quiet part to measure against: a file that is sound throughout is one run; silence is none.
    const peak = db.reduce((m, v) => Math.max(m, v), -Infinity);
    if (!(peak > toDb(10 ** (-50 / 20)))) return none(-50);
    return { duration, hop, db, pauseDb: -Infinity, runs: [{ start: 0, end: duration }] };
  }
  const first = db.findIndex((v) => v > pauseDb!);
  let last = db.length - 1;
  while (last >= 0 && !(db[last]! > pauseDb)) last--;
  if (first < 0 || last < first) return none(pauseDb);
  // Speech starts where the lead-in silence ends and stops where the tail begins: refine those edges
  // as the analysis refines a silence's (to ~6 ms blocks).
  const start = first === 0 ? 0 : refineEdges(samples, sampleRate, [{ start: 0, end: (first - 0.5) * hop }], pauseDb)[0]!.end;
  const end = last === db.length - 1 ? duration : refineEdges(samples, sampleRate, [{ start: (last + 0.5) * hop, end: duration }], pauseDb)[0]!.start;
  const runs: Interval[] = [];
  let at = start;
  for (const p of detectSpeechPauses(db, hop, samples, sampleRate)) {
    if (p.end <= start || p.start >= end) continue;
    if (p.start > at) runs.push({ start: at, end: p.start });
    at = Math.max(at, p.end);
  }
  if (end > at) runs.push({ start: at, end });
  return { duration, hop, db, pauseDb, runs: runs.filter((r) => r.end - r.start > 0.02) };
}

export async function speechRunsOfFile(file: string): Promise<SpeechRuns> {
  const decoded = await decodeAudio(file);
  return speechRuns(decoded.samples, decoded.sampleRate);
}
