/**
 * `align` on real recorded speech with word timings this project did not make: an LJ Speech clip
 * (public domain) against the Montreal Forced Aligner's word boundaries (test/captions/real-speech/
 * README.md). bench/align-real.ts measures the same on 32 clips.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { matchWords, score, type RefWord } from '../../bench/align-real';
import { alignTimer } from '../../src/captions/timings/align';
import { median } from './helpers-narration';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'real-speech');

describe('align on real speech', () => {
  it('places the words of an LJ Speech clip near the forced aligner\'s word starts, in order', async () => {
    const clip = JSON.parse(await fs.readFile(path.join(DIR, 'LJ001-0029.words.json'), 'utf8')) as { text: string; words: RefWord[] };
    const t = await alignTimer.time({ audioFile: path.join(DIR, 'LJ001-0029.wav'), text: clip.text, label: 'LJ001-0029' });
    expect(t.level).toBe('word');
    expect(t.warnings).toEqual([]);
    expect(t.captions.map((c) => c.text).join('')).toBe(clip.text);
    const pairs = matchWords(t.captions.map((c) => c.text.trim()), clip.words);
    expect(pairs.length).toBe(clip.words.length);
    const s = score(t.captions.map((c) => c.startMs / 1000), clip, pairs);
    const p90 = [...s.errors].sort((a, b) => a - b)[Math.floor(s.errors.length * 0.9)]!;
    console.log(`align, LJ001-0029 (${s.errors.length} words): median word-start error ${median(s.errors).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms`);
    expect(s.outOfOrder).toBe(0);
    // Measured 40 / 160 ms (align-v3); the even split by syllables over the speech (bench:align) is about 180 / 280 ms.
    expect(median(s.errors)).toBeLessThan(100);
    expect(p90).toBeLessThan(300);
  }, 60_000);
});
