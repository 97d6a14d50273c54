import { describe, expect, it } from 'vitest';
import { StillmotionError } from '../../src/errors';
import { parsePlan } from '../../src/plan/load-plan';
import type { Media } from '../../src/plan/schema';
import { buildTimeline, sectionTimings } from '../../src/timeline/build-timeline';

const media: Media = {
  images: { 'a.png': { src: 'a.png', width: 600, height: 400 }, 'b.png': { src: 'b.png', width: 400, height: 600 } },
  audio: { 'n1.wav': { src: 'n1.wav', duration: 3.2 }, 'n2.wav': { src: 'n2.wav', duration: 5.05 }, 'm.wav': { src: 'm.wav', duration: 20 } },
};

describe('timeline frame math', () => {
  it('keeps the total length at the sum of section durations with overlapping crossfades', () => {
    const plan = parsePlan(
      {
        title: 'T',
        sections: [
          { id: 'a', image: 'a.png', duration: 2, transition: { type: 'crossfade', duration: 0.5 } },
          { id: 'b', image: 'b.png', duration: 3, transition: { type: 'crossfade', duration: 1 } },
          { id: 'c', image: 'a.png', duration: 1.5 },
        ],
      },
      'p',
    );
    const t = buildTimeline(plan, media, '16:9');
    expect(t.durationInFrames).toBe(195); // (2 + 3 + 1.5) * 30
    expect(t.scenes.map((s) => s.nominalFrames)).toEqual([60, 90, 45]);
    // 15-frame crossfade split 7 before / 8 after the boundary; 30-frame split 15 / 15.
    expect(t.scenes.map((s) => s.durationInFrames)).toEqual([67, 8 + 90 + 15, 15 + 45]);
    expect(t.scenes.map((s) => s.from)).toEqual([0, 60 - 8, 150 - 15]);
    // TransitionSeries length: sum of sequences minus overlaps.
    const series = t.scenes.reduce((n, s) => n + s.durationInFrames, 0) - t.scenes.reduce((n, s) => n + (s.transitionOut?.durationInFrames ?? 0), 0);
    expect(series).toBe(t.durationInFrames);
    expect(t.scenes[2]!.transitionOut).toBeNull();
  });

  it('cuts do not overlap', () => {
    const plan = parsePlan(
      { title: 'T', defaults: { transition: { type: 'cut' } }, sections: [{ id: 'a', image: 'a.png', duration: 1 }, { id: 'b', image: 'a.png', duration: 1 }] },
      'p',
    );
    const t = buildTimeline(plan, media, '1:1');
    expect(t.scenes.map((s) => [s.from, s.durationInFrames])).toEqual([[0, 30], [30, 30]]);
  });

  it('rounds boundaries cumulatively so no drift builds up', () => {
    const plan = parsePlan({ title: 'T', fps: 24, sections: Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, image: 'a.png', duration: 1.01 })) }, 'p');
    const t = buildTimeline(plan, media, '16:9');
    expect(t.durationInFrames).toBe(Math.round(10.1 * 24));
  });

  it('sizes "auto" sections from narration plus padding, and places narration after the lead-in', () => {
    const plan = parsePlan(
      {
        title: 'T',
        defaults: { padding: { before: 0.5, after: 1 }, duration: 2.5 },
        sections: [
          { id: 'a', image: 'a.png', narration: 'n1.wav' },
          { id: 'b', image: 'a.png' },
          { id: 'c', image: 'a.png', narration: 'n2.wav', duration: 4 },
        ],
      },
      'p',
    );
    expect(sectionTimings(plan, media).map((s) => s.seconds)).toEqual([4.7, 2.5, 4]);
    const t = buildTimeline(plan, media, '16:9');
    expect(t.durationInFrames).toBe(Math.round((4.7 + 2.5 + 4) * 30));
    expect(t.narration).toEqual([
      { sectionId: 'a', src: 'n1.wav', from: 15, durationInFrames: 96, volume: 1 },
      { sectionId: 'c', src: 'n2.wav', from: 216, durationInFrames: 152, volume: 1 },
    ]);
    // n2 (5.05 s) is longer than its fixed 4 s section.
    expect(t.warnings.join('\n')).toMatch(/sections\[2\] "c": narration \(5\.05 s\) runs 1\.07 s past the section's end/);
  });

  it('rejects a transition longer than a neighbouring section, naming the field', () => {
    const plan = parsePlan(
      { title: 'T', sections: [{ id: 'a', image: 'a.png', duration: 1, transition: { type: 'crossfade', duration: 2 } }, { id: 'b', image: 'a.png', duration: 5 }] },
      'p',
    );
    expect(() => buildTimeline(plan, media, '16:9')).toThrow(StillmotionError);
    expect(() => buildTimeline(plan, media, '16:9')).toThrow(/sections\[0\]\.transition\.duration: a 2\.00 s crossfade between "a" and "b" is longer/);
  });

  it('renders unavailable tiers as Ken Burns with a warning, and tier 0 as a still', () => {
    const plan = parsePlan(
      { title: 'T', sections: [{ id: 'a', image: 'a.png', tier: 0 }, { id: 'b', image: 'a.png', tier: 2 }, { id: 'c', image: 'a.png', tier: 3 }, { id: 'd', image: 'a.png', scene: { type: 'spotlight' } }] },
      'p',
    );
    const t = buildTimeline(plan, media, '16:9');
    expect(t.scenes.map((s) => [s.kind, s.renderedTier])).toEqual([['still', 0], ['kenburns', 1], ['kenburns', 1], ['spotlight', 1]]);
    expect(t.warnings).toHaveLength(2);
    expect(t.warnings[0]).toMatch(/tier 2 \(parallax\) was not prepared: rendered as tier 1 \(Ken Burns\)/);
  });

  it('ducks the music under narration and fits it to the video', () => {
    const plan = parsePlan(
      { title: 'T', music: { file: 'm.wav', ducking: { db: -12 } }, sections: [{ id: 'a', image: 'a.png', narration: 'n1.wav' }] },
      'p',
    );
    const t = buildTimeline(plan, media, '9:16');
    expect(t.music?.duck?.gain).toBeCloseTo(Math.pow(10, -12 / 20), 6);
    expect(t.music?.duck?.ranges).toEqual([[12, 12 + 96]]);
  });
});
