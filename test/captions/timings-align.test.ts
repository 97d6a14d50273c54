import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignTimer } from '../../src/captions/timings/align';
import { median, silentWav, synthNarration, type SynthNarration } from './helpers-narration';

const TEXT =
  'The night before launch, nobody slept. Engineers checked every valve twice, then a third time, while the rocket stood silent on the pad. ' +
  'At dawn the countdown began, and a quiet crowd gathered by the fence to watch history unfold.';
// Mostly short joins (inside a stretch of speech, where the aligner must place words itself), some pauses.
const GAPS_MS = [40, 90, 20, 160, 60, 380, 30, 120, 70, 10, 200, 50, 600, 80, 25];

// Words run straight into each other (0 ms) as often as not: the aligner must find those joins in the sound.
const TIGHT_GAPS_MS = [0, 0, 30, 0, 15, 300, 0, 50, 0, 0, 100, 0];

let dir: string;
let narration: SynthNarration;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-align-'));
  narration = await synthNarration(dir, 'launch', TEXT.split(' '), GAPS_MS, { noiseDb: -55 });
}, 60_000);

async function startErrors(n: SynthNarration, label: string): Promise<number> {
  const t = await alignTimer.time({ audioFile: n.file, text: TEXT, label });
  expect(t.level).toBe('word');
  expect(t.warnings).toEqual([]);
  expect(t.captions.map((c) => c.text.trim())).toEqual(n.words);
  const errors = t.captions.map((c, i) => Math.abs(c.startMs / 1000 - n.onsets[i]!) * 1000);
  const med = median(errors);
  const p90 = [...errors].sort((a, b) => a - b)[Math.floor(errors.length * 0.9)]!;
  console.log(`align, ${label} (${n.words.length} words, ${n.duration.toFixed(1)} s): median word-start error ${med.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, max ${Math.max(...errors).toFixed(0)} ms`);
  for (let i = 1; i < t.captions.length; i++) {
    expect(t.captions[i]!.startMs).toBeGreaterThanOrEqual(t.captions[i - 1]!.endMs);
    expect(t.captions[i]!.endMs).toBeGreaterThan(t.captions[i]!.startMs);
  }
  return med;
}
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('align: the section text on its narration', () => {
  it('places every word near its known onset, in order (espeak-ng words joined with known gaps, noise floor -55 dBFS)', async () => {
    expect(await startErrors(narration, 'gaps 10-600 ms')).toBeLessThan(120);
  });

  // Known limit: where words run straight into each other, dips inside words (stop closures) are as
  // deep as the joins; syllable nuclei (align-nuclei.ts) help (334 -> 312 ms here), but over a long
  // stretch without a pause a word that takes one nucleus too many shifts the rest. Guard what it does now.
  // These narrations are unlike real ones in two ways the aligner now relies on (align-v3): their
  // pauses fall after unpunctuated words ("a", "rocket"), and each word is synthesised on its own, so
  // function words are never reduced. Rewarding pauses after punctuation and expecting function words
  // short took real speech (bench/align-real.ts, LJ Speech against MFA) from 73 to 37 ms median and
  // these from 312 to 358 ms (mostly no gap) and 259/352 to 113/416 ms (no gap): bounds 330/380 -> 400/460.
  it('words that run into each other: in order, within a guarded error', async () => {
    const tight = await synthNarration(dir, 'tight', TEXT.split(' '), TIGHT_GAPS_MS, { noiseDb: -55 });
    expect(await startErrors(tight, 'mostly no gap')).toBeLessThan(400);
  }, 60_000);

  // No gap at all between any two words (each word's sound starts where the last one's stops), in two
  // voices and speeds: one 15-20 s stretch of speech, every boundary found in the sound. Same known limit.
  it('connected speech, two voices and speeds: in order, within a guarded error', async () => {
    const medians: number[] = [];
    for (const [voice, wpm] of [['en-us', 190], ['en-gb', 150]] as const) {
      const joined = await synthNarration(dir, `joined-${voice}`, TEXT.split(' '), [0], { noiseDb: -55, voice, wpm });
      medians.push(await startErrors(joined, `no gap, ${voice} ${wpm} wpm`));
    }
    expect(Math.max(...medians)).toBeLessThan(460);
  }, 120_000);

  it('falls back to section-level cues, with a warning, when the text is far longer than the speech', async () => {
    const long = Array.from({ length: 6 }, () => TEXT).join(' ');
    const t = await alignTimer.time({ audioFile: narration.file, text: long, label: 'launch' });
    expect(t.level).toBe('cue');
    expect(t.warnings.join(' ')).toMatch(/far longer than .* of speech/);
    // Every word is still shown, in phrases, inside the file.
    expect(t.captions.map((c) => c.text.trim()).join(' ')).toBe(long);
    expect(t.captions[t.captions.length - 1]!.endMs).toBeLessThanOrEqual(narration.duration * 1000);
  });

  it('falls back to cues when the text is far shorter than the speech', async () => {
    const t = await alignTimer.time({ audioFile: narration.file, text: 'Launch day.', label: 'launch' });
    expect(t.level).toBe('cue');
    expect(t.warnings.join(' ')).toMatch(/far shorter/);
  });

  it('narration of pure silence, or quiet noise: cues over the file and a warning, no crash', async () => {
    for (const noise of [undefined, -70]) {
      const file = await silentWav(path.join(dir, `silence${noise ?? ''}.wav`), 3, noise);
      const t = await alignTimer.time({ audioFile: file, text: 'Nothing is said here.', label: 'quiet' });
      expect(t.level).toBe('cue');
      expect(t.warnings.join(' ')).toMatch(/no speech/);
      expect(t.captions.length).toBeGreaterThan(0);
      expect(t.captions[t.captions.length - 1]!.endMs).toBeLessThanOrEqual(3000);
    }
  });

  it('emoji, right-to-left text and very long words do not break it', async () => {
    const text = 'The night 🚀 before שלום launch, Supercalifragilisticexpialidociousnessitudes nobody slept 😴. Engineers checked every valve twice, then a third time, while the rocket stood silent on the pad.';
    const t = await alignTimer.time({ audioFile: narration.file, text, label: 'mixed' });
    expect(t.captions.map((c) => c.text.trim()).join(' ')).toBe(text);
    for (const c of t.captions) expect(c.endMs).toBeGreaterThanOrEqual(c.startMs);
  });
});
