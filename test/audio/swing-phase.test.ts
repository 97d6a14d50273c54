import { describe, expect, it } from 'vitest';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { fMeasure } from '../../src/audio/beat-scoring';
import { steadyRuns } from '../../src/audio/beat-phase';
import { addAt, hat, kick, rng, snare } from './synth';

/**
 * A shuffle whose swung note is louder than the beat (as in `boogi_marabi` of the real-music
 * bench): a quiet kick, hi-hat and walking-bass note on every beat, and a loud snare plus hi-hat on
 * the swung note two triplets later. The chord (a pad) changes every two beats, on the beat.
 * The onsets are strongest on the swung note, so the tracker follows it; the swing check moves
 * it a triplet later, onto the beat (F 0 before it).
 */
function loudSwungNote(bpm: number, duration: number, seed: number, sr = 22050) {
  const r = rng(seed);
  const out = new Float32Array(Math.round(duration * sr));
  const period = 60 / bpm;
  const add = (src: Float32Array, at: number, gain: number) => addAt(out, sr, at, src, gain);
  const tone = (f: number, at: number, len: number, gain: number) => {
    const a = Math.round(at * sr);
    const n = Math.round(len * sr);
    for (let i = 0; i < n && a + i < out.length; i++) {
      const env = Math.min(1, i / (0.005 * sr)) * Math.min(1, (n - i) / (0.01 * sr));
      out[a + i]! += gain * env * Math.sin((2 * Math.PI * f * i) / sr);
    }
  };
  const chords = [
    [220, 277.2, 329.6],
    [196, 246.9, 293.7],
    [174.6, 220, 261.6],
    [164.8, 207.7, 246.9],
  ];
  const walk = [110, 123.5, 138.6, 146.8, 98, 110, 123.5, 130.8];
  const k = kick(sr);
  const sn = snare(sr, r);
  const beats: number[] = [];
  for (let t = 0.5, n = 0; t + period < duration; t += period, n++) {
    beats.push(t);
    add(k, t, 0.25);
    add(hat(sr, r), t, 0.15);
    tone(walk[n % walk.length]!, t, 0.9 * period, 0.12);
    add(sn, t + (2 / 3) * period, 0.6);
    add(hat(sr, r), t + (2 / 3) * period, 0.5);
    if (n % 2 === 0) for (const f of chords[Math.floor(n / 2) % chords.length]!) tone(f, t, 2 * period, 0.05);
  }
  return { samples: out, sampleRate: sr, beats };
}

describe('swing phase', () => {
  it.each([[100], [130], [153]])('puts the beats on the beat, not on a louder swung note (%i BPM)', (bpm) => {
    const tr = loudSwungNote(bpm, 30, bpm);
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(a.tempo).not.toBeNull();
    expect(Math.abs(a.tempo! / bpm - 1)).toBeLessThan(0.04);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.9);
  });
});

describe('steady runs', () => {
  it('splits the tracked intervals where the path leaves its tempo, not at the two-state alternation', () => {
    // 51/52 alternation (a steady 120 BPM at 10 ms), then a slip through 50 and 49 (50 is 3.8% off
    // the run's median 52), then steady again.
    const steady = [51, 52, 51, 52, 52, 51, 52, 51, 52, 51];
    const runs = steadyRuns([...steady, 50, 49, 49, 49, ...steady]);
    expect(runs).toEqual([
      [0, 10],
      [10, 14],
      [14, 24],
    ]);
  });
});
