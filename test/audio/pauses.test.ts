import { describe, expect, it } from 'vitest';
import { analyzeSignal } from '../../src/audio/analyze-signal';
import { quietRuns } from '../../src/audio/pause-detection';
import { rng, speechLike } from './synth';

describe('silences and speech pauses', () => {
  const planted = [0.25, 0.4, 0.9, 1.6];
  const s = speechLike([2.2, 1.8, 2.5, 2.0, 1.5], planted, 22050, 11);

  it('finds every planted pause (>= 250 ms) within 50 ms at both edges', () => {
    const a = analyzeSignal(s.samples, s.sampleRate);
    for (const p of s.pauses) {
      const hit = a.speechPauses.find((q) => Math.abs(q.start - p.start) <= 0.05 && Math.abs(q.end - p.end) <= 0.05);
      expect(hit, `pause ${p.start.toFixed(2)}-${p.end.toFixed(2)}`).toBeDefined();
      const sil = a.silences.find((q) => Math.abs(q.start - p.start) <= 0.05 && Math.abs(q.end - p.end) <= 0.05);
      expect(sil, `silence ${p.start.toFixed(2)}-${p.end.toFixed(2)}`).toBeDefined();
    }
    // Gaps between syllables (<= 20 ms) are not pauses.
    expect(a.speechPauses.length).toBe(planted.length);
  });

  it('still finds the pauses over a -55 dBFS noise floor, where nothing is silent', () => {
    const r = rng(5);
    const amp = 10 ** (-55 / 20) * Math.sqrt(3);
    const noisy = s.samples.map((v) => v + amp * (r() * 2 - 1));
    const a = analyzeSignal(noisy, s.sampleRate);
    expect(a.silences).toEqual([]);
    for (const p of s.pauses) {
      expect(a.speechPauses.some((q) => Math.abs(q.start - p.start) <= 0.05 && Math.abs(q.end - p.end) <= 0.05)).toBe(true);
    }
  });

  it('does not call a 150 ms gap a pause', () => {
    const short = speechLike([1.5, 1.5], [0.15], 22050, 2);
    expect(analyzeSignal(short.samples, short.sampleRate).speechPauses).toEqual([]);
  });

  it('hysteresis: a bump above enter but below exit does not split a run; most frames must be below enter', () => {
    const db = Float32Array.from([-20, -20, -70, -70, -58, -70, -70, -70, -20, -20]);
    expect(quietRuns(db, 0.1, { enterDb: -60, exitDb: -55, minSeconds: 0.25 })).toEqual([{ start: expect.closeTo(0.15, 6), end: expect.closeTo(0.75, 6) }]);
    const hovering = Float32Array.from([-20, -61, -58, -58, -58, -58, -58, -20]);
    expect(quietRuns(hovering, 0.1, { enterDb: -60, exitDb: -55, minSeconds: 0.25 })).toEqual([]);
  });
});
