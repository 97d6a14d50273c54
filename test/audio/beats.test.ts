import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { analyzeAudioFile } from '../../src/audio/analyze-audio-file';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { fMeasure } from '../../src/audio/beat-scoring';
import { band, clickTrack, drumLoop, rng, speechLike, writeWav } from './synth';
import { tempDir } from './helpers';

let dir = '';
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('beat tracking', () => {
  it('finds every click of a 120 BPM click track through the ffmpeg decode path (44.1 kHz stereo WAV)', async () => {
    const c = clickTrack(120, 20, 44100);
    const stereo = new Float32Array(c.samples.length * 2);
    c.samples.forEach((v, i) => {
      stereo[2 * i] = v;
      stereo[2 * i + 1] = v;
    });
    const file = await writeWav(dir, 'click120.wav', stereo, 44100, 2);
    const a = await analyzeAudioFile(file);
    expect(a.sampleRate).toBe(44100);
    expect(a.duration).toBeCloseTo(20, 1);
    expect(a.tempo).not.toBeNull();
    expect(Math.abs(a.tempo! - 120)).toBeLessThan(2);
    expect(fMeasure(c.beats, a.beats).f).toBeGreaterThanOrEqual(0.95);
    // Beat times land on the clicks (within 30 ms), not just within the scoring window.
    for (const b of a.beats) expect(Math.min(...c.beats.map((t) => Math.abs(t - b)))).toBeLessThan(0.03);
  });

  it.each([
    [87, {}],
    [87, { hatsPerBeat: 4 as const }],
    [70, { jitter: 0.015 }],
    [180, { swing: 0.66 }],
    [140, { jitter: 0.015 }],
  ])('tracks a %i BPM drum loop at the right metrical level (%j)', (bpm, v) => {
    const tr = drumLoop({ bpm, duration: 25, seed: bpm, ...v });
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(a.tempo).not.toBeNull();
    // No octave error: within 4% of the true tempo, not half or double.
    expect(Math.abs(a.tempo! / bpm - 1)).toBeLessThan(0.04);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.9);
  });

  it('reports no beats in a pad-only breakdown, and none in the pad intro', () => {
    const tr = drumLoop({ bpm: 100, duration: 40, seed: 3, pad: true, start: 6, breakdown: [18, 28] });
    // Pad alone before the drums: silence them before 6 s by construction (start: 6).
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(a.beats.filter((t) => t < 5.8)).toEqual([]);
    expect(a.beats.filter((t) => t > 18.2 && t < 27.8)).toEqual([]);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.9);
  });

  it('reports no beats and no tempo for speech-like audio or silence', () => {
    const s = speechLike([3, 2.5, 4, 3], [0.4, 0.8, 0.3]);
    const a = analyzeSignal(s.samples, s.sampleRate);
    expect(a.beats).toEqual([]);
    expect(a.tempo).toBeNull();
    expect(a.downbeats).toBeNull();
    const quiet = analyzeSignal(new Float32Array(22050 * 5), 22050);
    expect(quiet.beats).toEqual([]);
    expect(quiet.tempo).toBeNull();
  });

  // The example's music bed (a copy of the shared sample) with its ground-truth beat file.
  const samples = process.env.STILLMOTION_SAMPLES ?? 'examples/launch-day/audio';
  const music = path.join(samples, 'music-96bpm.wav');
  it('finds the sample music bed beats and leaves its breakdown empty', async () => {
    const a = await analyzeAudioFile(music);
    const truth = (await fs.readFile(path.join(samples, 'music-96bpm.beats.txt'), 'utf8')).split(/\s+/).filter(Boolean).map(Number);
    expect(a.tempo).toBeCloseTo(96, 0);
    expect(fMeasure(truth, a.beats).f).toBeGreaterThanOrEqual(0.95);
    expect(a.beats.filter((t) => t < 5.12 || (t > 25.6 && t < 33.28))).toEqual([]);
    expect(a.crescendos.some((c) => c.start < 39.68 && c.end > 33.28)).toBe(true);
  });
});

describe('downbeats', () => {
  it('finds bar starts marked by a crash, and is null (never wrong) for a plain kick/snare loop', () => {
    for (const bpm of [90, 120]) {
      const tr = drumLoop({ bpm, duration: 30, seed: 2 });
      const bars = tr.beats.filter((_, i) => i % 4 === 0);
      const plain = analyzeSignal(tr.samples, tr.sampleRate);
      if (plain.downbeats !== null) expect(fMeasure(bars, plain.downbeats).f).toBeGreaterThan(0.9);
      const sr = tr.sampleRate;
      const r = rng(1);
      const x = tr.samples.slice();
      for (const b of bars) {
        const o = Math.round(b * sr);
        for (let i = 0; i < sr * 0.8 && o + i < x.length; i++) x[o + i] = x[o + i]! + 0.25 * (r() * 2 - 1) * Math.exp(-i / sr / 0.3);
      }
      const crash = analyzeSignal(x, sr);
      expect(crash.downbeats).not.toBeNull();
      expect(fMeasure(bars, crash.downbeats!).f).toBeGreaterThanOrEqual(0.95);
    }
  });
});

describe('rhythm presence in real-sounding music', () => {
  // A steady drum part (varied sampled-kit-like hits, ghost notes, swing, human timing) under a
  // loud free melody: the all-band onset envelope is busy and irregular, the kick's low bands are
  // not. The analysis before the autocovariance tempogram and low-band periodicity reported no
  // beats at all for every one of these.
  it.each([
    [100, 0.5, 1],
    [120, 0.66, 3],
    [88, 0.6, 4],
    [140, 0.5, 5],
  ])('finds the beat of a %i BPM band (swing %f) under a loud free melody', (bpm, swing, seed) => {
    const tr = band({ bpm, duration: 25, swing, seed, comping: 0.03, lead: 1.2 });
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(a.tempo).not.toBeNull();
    expect(Math.abs(a.tempo! / bpm - 1)).toBeLessThan(0.04);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.9);
  });

  it('still reports no beats for the same free melody without the rhythm section', () => {
    // Seeds 3 and 8 end in a stretch that a shortened last tempogram window took for rhythm
    // (beats in their last 4-9 s) before the windows at the end were kept full length.
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const tr = band({ bpm: 100, duration: 25, seed, lead: 1.2, rhythmSection: false });
      expect(analyzeSignal(tr.samples, tr.sampleRate).beats).toEqual([]);
    }
  });
});
