import { describe, expect, it } from 'vitest';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { fMeasure } from '../../src/audio/beat-scoring';
import { hmmBeats } from '../../src/audio/beat-hmm';
import { melFrames } from '../../src/audio/frame-features';
import { highBandFlux, withBand } from '../../src/audio/high-band-flux';
import { resolveMetricalLevel } from '../../src/audio/metrical-level';
import { onsetEnvelope } from '../../src/audio/onset-envelope';
import { drumLoop, hat, kick, rng, snare } from './synth';

/**
 * A drum part whose tempo glides from `from` to `to` BPM (a ritardando or accelerando like the
 * real-music set's waltz and swing charts): kick on 1 and 3, snare on 2 and 4, eighth-note hats.
 */
function gliding(from: number, to: number, duration: number, seed: number, sr = 22050) {
  const r = rng(seed);
  const out = new Float32Array(Math.round(duration * sr));
  const add = (src: Float32Array, at: number, gain: number) => {
    const i0 = Math.round(at * sr);
    for (let i = 0; i < src.length && i0 + i < out.length; i++) out[i0 + i]! += gain * src[i]!;
  };
  const k = kick(sr);
  const beats: number[] = [];
  for (let t = 0.5, n = 0; t < duration - 0.5; n++) {
    const bpm = from + ((to - from) * t) / duration;
    const period = 60 / bpm;
    beats.push(t);
    add(n % 2 === 0 ? k : snare(sr, r), t, 0.7);
    add(hat(sr, r), t, 0.3);
    add(hat(sr, r), t + period / 2, 0.2);
    t += period;
  }
  return { samples: out, sampleRate: sr, beats };
}

describe('beat tracking through tempo changes (beat-pointer HMM)', () => {
  // The fixed-period tracker this replaced scored 0.871, 0.934 and 0.797 here; the HMM 0.99-1.
  it.each([
    [150, 100],
    [90, 130],
    [160, 110],
  ])('follows a drum part gliding from %i to %i BPM in 40 s', (from, to) => {
    const tr = gliding(from, to, 40, from);
    const a = analyzeSignal(tr.samples, tr.sampleRate);
    expect(fMeasure(tr.beats, a.beats).f).toBeGreaterThanOrEqual(0.95);
  });
});

describe('metrical level (non-octave alternatives)', () => {
  const activation = (bpm: number) => {
    const tr = drumLoop({ bpm, duration: 30, seed: bpm });
    const mel = melFrames(tr.samples, tr.sampleRate);
    const env = onsetEnvelope(mel);
    const hop = Math.round((mel.hop * tr.sampleRate) / mel.sampleRate);
    return { act: withBand(env.strength, highBandFlux(tr.samples, hop, env.strength.length, env.frameSeconds)), fs: env.frameSeconds };
  };
  it('moves an estimate at 4/3 or 2/3 of a 96 BPM drum part back to the beat, and leaves the right one alone', () => {
    const { act, fs } = activation(96);
    const all = { from: 0, to: act.length };
    expect(Math.abs(resolveMetricalLevel(act, fs, all, 128) / 96 - 1)).toBeLessThan(0.03);
    expect(Math.abs(resolveMetricalLevel(act, fs, all, 64) / 96 - 1)).toBeLessThan(0.03);
    expect(resolveMetricalLevel(act, fs, all, 96)).toBe(96);
  });
});

/**
 * The textbook frame-by-frame Viterbi over every (interval, position) state, dense transitions,
 * on an activation already at the HMM's frame rate: the oracle for hmmBeats' entry-based recursion.
 * Returns the best path's log-likelihood.
 */
function referenceViterbi(a: Float32Array, intervals: number[], lambda: number, obsLambda: number): number {
  const states: { k: number; p: number }[] = [];
  intervals.forEach((I, k) => {
    for (let p = 0; p < I; p++) states.push({ k, p });
  });
  const obs = (s: { k: number; p: number }, t: number) => (s.p < intervals[s.k]! / obsLambda ? Math.log(a[t]!) : Math.log((1 - a[t]!) / (obsLambda - 1)));
  const tempo = intervals.map((I) => {
    const w = intervals.map((J) => Math.exp(-lambda * Math.abs(J / I - 1)));
    const sum = w.reduce((x, y) => x + y, 0);
    return w.map((x) => (x / sum > 1e-12 ? Math.log(x / sum) : -Infinity));
  });
  let v = states.map((s) => -Math.log(states.length) + obs(s, 0));
  for (let t = 1; t < a.length; t++) {
    v = states.map((s) => {
      if (s.p > 0) return v[states.findIndex((q) => q.k === s.k && q.p === s.p - 1)]! + obs(s, t);
      let best = -Infinity;
      states.forEach((q, i) => {
        if (q.p === intervals[q.k]! - 1) best = Math.max(best, v[i]! + tempo[q.k]![s.k]!);
      });
      return best + obs(s, t);
    });
  }
  return Math.max(...v);
}

describe('beat-pointer HMM decoding', () => {
  it('finds the same best path score as the frame-by-frame Viterbi', () => {
    const r = rng(11);
    // frameSeconds 0.03 and UPSAMPLE 3: 100 frames/s; 100-150 BPM are intervals 40-60.
    const fs = 0.03;
    for (const lambda of [100, 300]) {
      const env = new Float32Array(120);
      for (let i = 0; i < env.length; i++) env[i] = (i % 15 === 3 ? 1 : 0.15) * r();
      const got = hmmBeats(env, fs, 0, env.length, { minBpm: 100, maxBpm: 150, transitionLambda: lambda });
      // The same activation as hmmBeats builds: interpolated x3, scaled by its 98th percentile, floored.
      const sorted = Float32Array.from(env).sort();
      const scale = sorted[Math.floor(0.98 * (sorted.length - 1))]!;
      const up = new Float32Array(env.length * 3);
      for (let i = 0; i < up.length; i++) {
        const k = Math.floor(i / 3);
        const fr = i / 3 - k;
        const x = env[k]! * (1 - fr) + (env[k + 1] ?? env[k]!) * fr;
        up[i] = 0.05 + 0.9 * Math.min(1, x / scale);
      }
      const intervals = Array.from({ length: 21 }, (_, i) => 40 + i);
      expect(got.score).toBeCloseTo(referenceViterbi(up, intervals, lambda, 16), 6);
      expect(got.beats.length).toBeGreaterThan(5);
    }
  });
});
