import { describe, expect, it } from 'vitest';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { detectDynamics } from '../../src/audio/dynamics';
import { highBandFlux } from '../../src/audio/high-band-flux';
import { hat, rng, toneBursts } from './synth';
import { nearest } from './helpers';

describe('onsets', () => {
  it('finds each tone burst onset within 50 ms and nothing else', () => {
    const times = [0.5, 1.1, 1.45, 2.3, 3.0, 3.2, 4.4];
    const x = toneBursts(times, 0.12, 5.5);
    const a = analyzeSignal(x, 22050);
    expect(a.onsets.length).toBe(times.length);
    for (const t of times) expect(Math.abs(nearest(a.onsets, t) - t)).toBeLessThanOrEqual(0.05);
  });
});

describe('crescendos and swells', () => {
  const sr = 22050;
  /** Noise whose level follows `levelDb(t)`. */
  const shaped = (dur: number, levelDb: (t: number) => number) => {
    const r = rng(9);
    const x = new Float32Array(Math.round(dur * sr));
    for (let i = 0; i < x.length; i++) x[i] = 10 ** (levelDb(i / sr) / 20) * Math.sqrt(3) * (r() * 2 - 1);
    return x;
  };

  it('reports a sustained 5 s rise as a crescendo and the loud plateau after it as a swell', () => {
    // -40 dB until 4 s, ramp to -12 dB by 9 s, hold to 16 s, drop back to -40.
    const lvl = (t: number) => (t < 4 ? -40 : t < 9 ? -40 + (28 * (t - 4)) / 5 : t < 16 ? -12 : -40);
    const a = analyzeSignal(shaped(20, lvl), sr);
    expect(a.crescendos.length).toBe(1);
    const c = a.crescendos[0]!;
    expect(c.start).toBeGreaterThan(3.3);
    expect(c.start).toBeLessThan(5);
    expect(c.end).toBeGreaterThan(8);
    expect(c.end).toBeLessThan(10);
    expect(c.riseDb).toBeGreaterThan(18);
    expect(a.swells.length).toBe(1);
    expect(a.swells[0]!.start).toBeLessThan(10.5);
    expect(a.swells[0]!.end).toBeGreaterThan(15);
    expect(a.swells[0]!.end).toBeLessThan(17);
    expect(a.swells[0]!.peakDb).toBeCloseTo(-12, 0);
  });

  it('does not call a sudden step up a crescendo, nor a falling level', () => {
    const step = analyzeSignal(shaped(12, (t) => (t < 5 ? -40 : -12)), sr);
    expect(step.crescendos).toEqual([]);
    const fade = analyzeSignal(shaped(12, (t) => -12 - 3 * t), sr);
    expect(fade.crescendos).toEqual([]);
  });

  it('is empty for a flat curve and for an empty one', () => {
    expect(detectDynamics({ hop: 0.05, db: new Array(400).fill(-20) })).toEqual({ crescendos: [], swells: [] });
    expect(detectDynamics({ hop: 0.05, db: [] })).toEqual({ crescendos: [], swells: [] });
  });
});

describe('high-band onset flux', () => {
  it('peaks at hi-hat hits and stays ~0 for a loud low tone the mel spectra would see', () => {
    const sr = 22050;
    const hop = 640; // the mel frames' hop at the full analysis rate
    const x = new Float32Array(sr * 6);
    const hits = [1, 2.25, 3.5, 4.75];
    for (const t of hits) x.set(hat(sr, rng(Math.round(t * 10))).map((v) => 0.3 * v), Math.round(t * sr));
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + 0.5 * Math.sin((2 * Math.PI * 110 * i) / sr) * (i > 3 * sr ? 1 : 0.2);
    const count = Math.floor(x.length / hop) + 1;
    const env = highBandFlux(x, hop, count, hop / sr);
    const max = Math.max(...env);
    const frameOf = (t: number) => Math.round((t * sr) / hop);
    for (const t of hits) expect(Math.max(...[-1, 0, 1].map((d) => env[frameOf(t) + d]!))).toBeGreaterThan(0.5 * max);
    // The low tone's 14 dB step at 3 s is not a high-band onset.
    expect(Math.max(...[-1, 0, 1].map((d) => env[frameOf(3) + d]!))).toBeLessThan(0.1 * max);
  });
});
