import { describe, expect, it } from 'vitest';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { fMeasure } from '../../src/audio/beat-scoring';
import { hat, kick, rng } from './synth';

/** Kick level on the beat; the open hi-hat (0.6) and chord stab on every "and" are louder. */
const KICK = 0.4;

/**
 * Off-beat comping over chord changes on the beat: each chord (three sustained sines and a bass
 * note) starts on a beat and lasts two beats, a quieter kick marks every beat, and chord stabs plus
 * open hi-hats sit on every "and". Onset energy is strongest on the off-beats (the tracker alone
 * lands there: F 0 with the phase check switched off); the harmony says where the beat is.
 */
function offBeatComping(bpm: number, duration: number, seed: number, sr = 22050) {
  const r = rng(seed);
  const out = new Float32Array(Math.round(duration * sr));
  const period = 60 / bpm;
  const add = (src: Float32Array, at: number, gain: number) => {
    const i0 = Math.round(at * sr);
    for (let i = 0; i < src.length && i0 + i < out.length; i++) out[i0 + i]! += gain * src[i]!;
  };
  const chords = [
    [220, 277.2, 329.6, 110],
    [196, 246.9, 293.7, 98],
    [174.6, 220, 261.6, 87.3],
    [164.8, 207.7, 246.9, 82.4],
  ];
  const beats: number[] = [];
  const k = kick(sr);
  for (let t = 0.5, n = 0; t + period < duration; t += period, n++) {
    beats.push(t);
    add(k, t, KICK);
    // Stab and open hat on the "and".
    add(hat(sr, r, 0.12), t + period / 2, 0.6);
    const stabLen = Math.round(0.12 * sr);
    const chord = chords[Math.floor(n / 2) % chords.length]!;
    const s0 = Math.round((t + period / 2) * sr);
    for (let i = 0; i < stabLen && s0 + i < out.length; i++) {
      const env = Math.exp(-i / (0.04 * sr));
      for (const f of chord.slice(0, 3)) out[s0 + i]! += 0.25 * env * Math.sin((2 * Math.PI * 2 * f * i) / sr);
    }
    if (n % 2 === 0) {
      // The chord itself (pad and bass) changes on the beat and holds for two beats.
      const a = Math.round(t * sr);
      const len = Math.round(2 * period * sr);
      for (let i = 0; i < len && a + i < out.length; i++) {
        const env = Math.min(1, i / (0.01 * sr)) * Math.min(1, (len - i) / (0.01 * sr));
        for (const f of chord) out[a + i]! += 0.08 * env * Math.sin((2 * Math.PI * f * i) / sr);
      }
    }
  }
  return { samples: out, sampleRate: sr, beats };
}

describe('beat phase', () => {
  it.each([[100], [120]])('puts the beats on the chord changes, not on loud off-beat comping (%i BPM)', (bpm) => {
    const tr = offBeatComping(bpm, 30, bpm);
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(a.tempo).not.toBeNull();
    expect(Math.abs(a.tempo! / bpm - 1)).toBeLessThan(0.04);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.9);
  });
});
