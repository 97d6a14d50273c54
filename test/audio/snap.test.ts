import { describe, expect, it } from 'vitest';
import { chooseTransitionTime, snapToBeat, speechIntervals } from '../../src/audio/snap';
import { motionEnvelope, motionMultiplierAt, motionProgress } from '../../src/audio/motion-envelope';

const beats = [1.0, 1.5, 2.0, 2.5, 3.0];

describe('snapToBeat', () => {
  it('moves a cut to the nearest beat within the default 0.25 s tolerance', () => {
    expect(snapToBeat(1.9, beats)).toEqual({ time: 2.0, snapped: true, beatIndex: 2 });
    expect(snapToBeat(2.26, beats)).toEqual({ time: 2.5, snapped: true, beatIndex: 3 });
  });

  it('leaves the cut alone when no beat is within tolerance', () => {
    expect(snapToBeat(4.0, beats)).toEqual({ time: 4.0, snapped: false, beatIndex: -1 });
    expect(snapToBeat(1.9, beats, { tolerance: 0.05 })).toEqual({ time: 1.9, snapped: false, beatIndex: -1 });
    expect(snapToBeat(1.0, [])).toEqual({ time: 1.0, snapped: false, beatIndex: -1 });
  });

  it('never lands inside narration: takes the next-nearest beat outside speech instead', () => {
    const speech = [{ start: 1.8, end: 2.2 }];
    expect(snapToBeat(1.95, beats, { speech, tolerance: 0.5 })).toEqual({ time: 1.5, snapped: true, beatIndex: 1 });
    // Nothing outside speech within tolerance: unchanged.
    expect(snapToBeat(2.0, beats, { speech, tolerance: 0.2 }).snapped).toBe(false);
    // A beat exactly on a speech edge is not inside it.
    expect(snapToBeat(2.1, beats, { speech: [{ start: 2.0, end: 2.4 }] }).time).toBe(2.0);
  });

  it('breaks ties toward the earlier beat', () => {
    expect(snapToBeat(1.25, beats).time).toBe(1.0);
  });
});

describe('chooseTransitionTime', () => {
  const pauses = [
    { start: 2.0, end: 2.6 },
    { start: 5.0, end: 5.3 },
    { start: 8.0, end: 9.5 },
  ];

  it('returns the target itself when it lies inside a pause', () => {
    expect(chooseTransitionTime(2.3, pauses)).toBe(2.3);
  });

  it('moves a mid-word target into the nearest pause, keeping a margin from the words', () => {
    expect(chooseTransitionTime(3.0, pauses)).toBeCloseTo(2.55, 9);
    expect(chooseTransitionTime(4.9, pauses)).toBeCloseTo(5.05, 9);
  });

  it('only uses pauses long enough for the whole transition', () => {
    // A 0.4 s transition does not fit the 0.3 s pause at 5.0: it goes to 8.0-9.5.
    const t = chooseTransitionTime(5.1, pauses, { transitionDuration: 0.4 })!;
    expect(t).toBeCloseTo(2.35, 9);
    const later = chooseTransitionTime(7.0, pauses, { transitionDuration: 0.4 })!;
    expect(later - 0.2).toBeGreaterThanOrEqual(8.05 - 1e-9);
    expect(later + 0.2).toBeLessThanOrEqual(9.45 + 1e-9);
  });

  it('prefers a beat inside the pause, and returns null when nothing fits', () => {
    expect(chooseTransitionTime(8.1, pauses, { beats: [8.4, 9.0] })).toBe(8.4);
    expect(chooseTransitionTime(3.0, pauses, { maxShift: 0.2 })).toBeNull();
    expect(chooseTransitionTime(3.0, [])).toBeNull();
    expect(chooseTransitionTime(3.0, [{ start: 1, end: 1.2 }])).toBeNull();
  });
});

describe('speechIntervals', () => {
  it('is the complement of pauses and silences, shifted to the timeline', () => {
    expect(speechIntervals(6, [{ start: 0, end: 0.3 }, { start: 2, end: 2.5 }, { start: 5.6, end: 6 }], 10)).toEqual([
      { start: 10.3, end: 12 },
      { start: 12.5, end: 15.6 },
    ]);
  });
});

describe('motion multipliers', () => {
  const events = {
    crescendos: [{ start: 2, end: 4, riseDb: 12 }],
    swells: [{ start: 4, end: 8, peakDb: -10 }],
    silences: [{ start: 10, end: 12 }],
  };

  it('is 1 away from events, ramps through a crescendo, holds a swell, dips in silence', () => {
    expect(motionMultiplierAt(0.5, events)).toBe(1);
    expect(motionMultiplierAt(3, events)).toBeCloseTo(1.25, 9);
    expect(motionMultiplierAt(3.99, events)).toBeCloseTo(1.4975, 3);
    expect(motionMultiplierAt(6, events)).toBeCloseTo(1.3, 9);
    expect(motionMultiplierAt(11, events)).toBeCloseTo(0.5, 9);
    expect(motionMultiplierAt(10.15, events)).toBeCloseTo(0.75, 9);
    expect(motionMultiplierAt(9, events)).toBe(1);
  });

  it('never jumps by more than the ramp allows between frames, and stays finite and positive', () => {
    const env = motionEnvelope(14, 30, events);
    expect(env.length).toBe(420);
    for (let i = 1; i < env.length; i++) expect(Math.abs(env[i]! - env[i - 1]!)).toBeLessThan(0.1);
    expect(env.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
  });

  it('integrates into monotonic progress', () => {
    const p = motionProgress([1, 1, 2, 0.5], 10);
    expect(p).toEqual([0, 0.1, 0.2, 0.4]);
  });
});
