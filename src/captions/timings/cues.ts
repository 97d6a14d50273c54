/**
 * Section-level cues: the text in short phrases spread over the narration's speech (over the whole
 * file when it has none), each phrase as long as its share of syllables. What `align` falls back to
 * when the text and the audio disagree: readable captions at about the right time, no word timing.
 */
import type { Caption } from '@remotion/captions';
import type { Interval } from '../../audio/types';
import type { SpeechRuns } from './speech-runs';
import type { WordTimings } from './types';
import type { TextWord } from './words';

const MAX_PHRASE_WORDS = 6;
const MAX_PHRASE_CHARS = 32;

/** Short phrases, broken after punctuation where possible. */
export function phrases(words: TextWord[]): TextWord[][] {
  const out: TextWord[][] = [];
  let cur: TextWord[] = [];
  let chars = 0;
  for (const w of words) {
    const len = [...w.text].length;
    if (cur.length && (cur.length >= MAX_PHRASE_WORDS || chars + 1 + len > MAX_PHRASE_CHARS)) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(w);
    chars += (chars ? 1 : 0) + len;
    if (w.pauseAfter && cur.length >= 2) {
      out.push(cur);
      cur = [];
      chars = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The time `x` seconds into the speech, counting only the speech stretches. */
export function speechTime(runs: Interval[], x: number): number {
  let left = x;
  for (const r of runs) {
    const len = r.end - r.start;
    if (left <= len) return r.start + left;
    left -= len;
  }
  return runs[runs.length - 1]!.end;
}

export function cueTimings(words: TextWord[], speech: Pick<SpeechRuns, 'runs' | 'duration'>): Omit<WordTimings, 'source' | 'warnings'> {
  const runs = speech.runs.length ? speech.runs : [{ start: 0, end: speech.duration }];
  const total = runs.reduce((s, r) => s + r.end - r.start, 0);
  const groups = phrases(words);
  // Unspoken tokens (emoji) still take a little room, so a phrase of them is shown too.
  const weight = (g: TextWord[]) => g.reduce((s, w) => s + Math.max(w.weight, 0.2), 0);
  const sum = groups.reduce((s, g) => s + weight(g), 0);
  let at = 0;
  const captions: Caption[] = groups.map((g, i) => {
    const from = speechTime(runs, (at / sum) * total);
    at += weight(g);
    const to = speechTime(runs, (at / sum) * total);
    const text = g.map((w) => w.text).join(' ');
    return { text: i === 0 ? text : ` ${text}`, startMs: Math.round(from * 1000), endMs: Math.round(to * 1000), timestampMs: Math.round(from * 1000), confidence: null };
  });
  return { level: 'cue', captions };
}
