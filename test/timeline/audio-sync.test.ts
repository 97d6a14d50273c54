import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load-plan';
import type { AudioEvents, Media } from '../../src/plan/schema';
import { explainTimeline, explanationText } from '../../src/render/explain';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { cameraProgress } from '../../src/timeline/camera';

function music(overrides: Partial<AudioEvents> = {}): AudioEvents {
  return {
    duration: 60,
    beats: Array.from({ length: 120 }, (_, i) => 0.1 + i * 0.5),
    downbeats: null,
    silences: [],
    speechPauses: [],
    crescendos: [],
    swells: [],
    ...overrides,
  };
}

function media(m: AudioEvents, narration: Record<string, AudioEvents> = {}, narrationSeconds = 1.5): Media {
  return {
    images: { 'a.png': { src: 'a.png', width: 800, height: 600 } },
    audio: { 'm.wav': { src: 'm.wav', duration: m.duration }, 'n.wav': { src: 'n.wav', duration: narrationSeconds } },
    analysis: { music: m, narration },
  };
}

const sections = (extra: object[] = []) => [
  { id: 'a', image: 'a.png', duration: 2.05, transition: { type: 'cut' } },
  { id: 'b', image: 'a.png', duration: 3.1, transition: { type: 'crossfade', duration: 0.4 } },
  { id: 'c', image: 'a.png', duration: 2 },
  ...extra,
];

describe('beat-synced cuts', () => {
  it('snaps cuts and transition starts to the nearest beat within the tolerance', () => {
    const plan = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { beats: true }, sections: sections() }, 'p');
    const t = buildTimeline(plan, media(music()), '16:9');
    // Cut at 2.05 -> beat 2.1; crossfade planned at 5.15 starts at 4.95 -> beat 5.1 start, cut at 5.3.
    expect(t.cuts.map((c) => c.seconds)).toEqual([2.1, expect.closeTo(5.3, 9)]);
    expect(t.scenes.map((s) => s.nominalFrom)).toEqual([0, 63, 159]);
    expect(t.durationInFrames).toBe(Math.round((2.05 + 3.1 + 2) * 30)); // the video keeps its length
    expect(t.cuts[0]!.reason).toMatch(/^cut snapped to beat 5 at 2\.100 s \(\+0\.050 s\)/);
    expect(t.cuts[1]!.reason).toMatch(/^transition start snapped to beat 11 at 5\.100 s/);
  });

  it('keeps a cut where snapping would cut narration, and says so', () => {
    // Narration of section a runs to 2.0 + 0.1 = 2.15 s (starts at 0 + 0.65), so the 2.1 beat is inside it.
    const plan = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { beats: true }, sections: [{ ...sections()[0], narration: 'n.wav' }, ...sections().slice(1)] }, 'p');
    const t = buildTimeline(plan, media(music(), {}, 2.12), '16:9');
    expect(t.cuts[0]!.seconds).toBe(2.05);
    expect(t.cuts[0]!.reason).toMatch(/kept: the beats within ±0\.25 s would cut narration/);
  });

  it('can be turned off per section, and finds no beats in a beatless passage', () => {
    const off = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { beats: true }, sections: sections().map((s, i) => (i === 1 ? { ...s, sync: { beats: false } } : s)) }, 'p');
    expect(buildTimeline(off, media(music()), '1:1').cuts.map((c) => c.seconds)).toEqual([2.05, 5.15]);
    const beatless = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { beats: true }, sections: sections() }, 'p');
    const t = buildTimeline(beatless, media(music({ beats: [10, 10.5] })), '1:1');
    expect(t.cuts[0]!.reason).toMatch(/no beats here/);
    const far = buildTimeline(beatless, media(music({ beats: [1.0, 1.5, 2.5, 3.0] })), '1:1');
    expect(far.cuts[0]!.reason).toBe('kept: no beat within ±0.25 s');
  });

  it('moves a transition that would cross narration into a speech pause', () => {
    // Section b (fixed 3.1 s from 2.05 s) has narration of 3.4 s: words until 5.45 s, across the
    // crossfade planned at 5.15 s (4.95-5.35 s). It moves after the words, keeping 50 ms clear.
    const narr = music({ beats: [], duration: 3.4 });
    const plan = parsePlan(
      { title: 'T', music: { file: 'm.wav' }, sections: sections().map((s, i) => (i === 1 ? { ...s, narration: 'n.wav' } : s)) },
      'p',
    );
    const t = buildTimeline(plan, media(music({ beats: [] }), { 'n.wav': narr }, 3.4), '16:9');
    const cut = t.cuts[1]!;
    expect(cut.plannedSeconds).toBeCloseTo(5.15, 9);
    expect(cut.seconds - 0.2).toBeGreaterThanOrEqual(5.45 + 0.05 - 1e-9);
    expect(cut.seconds + 0.2).toBeLessThanOrEqual(7.15 - 0.5 + 1e-9);
    expect(cut.reason).toMatch(/into a speech pause/);
    // With speech pauses off, it stays (and the narration warning remains).
    const off = parsePlan(
      { title: 'T', music: { file: 'm.wav' }, sync: { speechPauses: false }, sections: sections().map((s, i) => (i === 1 ? { ...s, narration: 'n.wav' } : s)) },
      'p',
    );
    expect(buildTimeline(off, media(music({ beats: [] }), { 'n.wav': narr }, 3.4), '16:9').cuts[1]!.seconds).toBeCloseTo(5.15, 9);
  });
});

describe('audio-driven camera speed', () => {
  it('slows the camera almost to a hold in silences and speeds it up through crescendos', () => {
    const m = music({ silences: [{ start: 1, end: 3 }], crescendos: [{ start: 4, end: 6, riseDb: 12 }] });
    const plan = parsePlan(
      { title: 'T', music: { file: 'm.wav' }, sync: { silence: true, crescendo: true }, defaults: { easing: 'linear' }, sections: [{ id: 'a', image: 'a.png', duration: 8, motion: 'zoom-in' }] },
      'p',
    );
    const cam = buildTimeline(plan, media(m), '16:9').scenes[0]!.camera;
    const speed = (second: number): number => cameraProgress(cam, second * 30 + 1) - cameraProgress(cam, second * 30);
    expect(speed(2)).toBeLessThan(speed(0.5) * 0.3);
    expect(speed(5.8)).toBeGreaterThan(speed(0.5) * 1.3);
    expect(cameraProgress(cam, 0)).toBe(0);
    expect(cameraProgress(cam, 239)).toBeCloseTo(1, 9);
  });

  it('pulses the zoom on strong beats when asked', () => {
    const plan = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { pulse: true }, sections: [{ id: 'a', image: 'a.png', duration: 3, motion: 'none' }] }, 'p');
    const cam = buildTimeline(plan, media(music({ downbeats: [1.0] })), '16:9').scenes[0]!.camera;
    expect(cam.pulse![30]).toBeGreaterThan(1.015);
    expect(cam.pulse![15]).toBe(1);
  });
});

describe('explain', () => {
  it('says where each cut landed and why', () => {
    const plan = parsePlan({ title: 'T', music: { file: 'm.wav' }, sync: { beats: true }, sections: sections() }, 'p');
    const e = explainTimeline(buildTimeline(plan, media(music()), '16:9'));
    expect(e.cuts).toHaveLength(2);
    const text = explanationText(e);
    expect(text).toContain('a -> b: cut at 2.100 s (planned 2.050 s): cut snapped to beat 5');
    expect(text).toContain('b -> c: crossfade 0.40 s at 5.300 s (planned 5.150 s): transition start snapped to beat 11');
  });
});
