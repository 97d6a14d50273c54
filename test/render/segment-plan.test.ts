/** Segments of a timeline (pure): they tile the video, transitions stand alone, keys ignore position. */
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load-plan';
import type { Media } from '../../src/plan/schema';
import { planSegments } from '../../src/render/segments/plan-segments';
import { segmentKey } from '../../src/render/segments/segment-key';
import { buildTimeline } from '../../src/timeline/build-timeline';

const media: Media = {
  images: { 'a.png': { src: 'http://x/a.png', width: 1600, height: 900 }, 'b.png': { src: 'http://x/b.png', width: 900, height: 1600 } },
  audio: {},
};

function timeline(durations: number[], motion: string[] = [], transition = { type: 'crossfade', duration: 0.5 }) {
  const plan = parsePlan(
    {
      title: 't',
      defaults: { transition },
      sections: durations.map((d, i) => ({ id: `s${i}`, image: i % 2 ? 'b.png' : 'a.png', duration: d, tier: 1, motion: motion[i] ?? 'zoom-in' })),
    },
    'plan',
  );
  return buildTimeline(plan, media, '16:9');
}

const ctx = { renderer: 'r', encoder: { crf: 20 }, assetId: (s: string) => (s.startsWith('http://x/') ? `file:${s.slice(9)}` : null) };

describe('planSegments', () => {
  it('tiles the video with scene and transition segments, transitions holding both scenes', () => {
    const t = timeline([2, 3, 2]);
    const segs = planSegments(t);
    expect(segs.map((s) => s.kind)).toEqual(['scene', 'transition', 'scene', 'transition', 'scene']);
    expect(segs[0]!.from).toBe(0);
    expect(segs.at(-1)!.to).toBe(t.durationInFrames);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.from).toBe(segs[i - 1]!.to);
    expect(segs[1]!.scenes).toEqual([0, 1]);
    expect(segs[1]!.to - segs[1]!.from).toBe(15); // 0.5 s at 30 fps
  });

  it('cuts have no transition segments; long scenes are split', () => {
    const t = timeline([12, 2], [], { type: 'cut' } as never);
    const segs = planSegments(t, 100);
    expect(segs.every((s) => s.kind === 'scene')).toBe(true);
    expect(segs.filter((s) => s.scenes[0] === 0).map((s) => s.to - s.from)).toEqual([100, 100, 100, 60]);
  });
});

describe('segmentKey', () => {
  it('changes only for the edited section and the transitions beside it', () => {
    const before = timeline([2, 2, 2, 2], ['zoom-in', 'pan-left', 'zoom-out', 'pan-right']);
    const after = timeline([2, 2, 2, 2], ['zoom-in', 'pan-left', 'zoom-in', 'pan-right']);
    const a = planSegments(before).map((s) => segmentKey(s, before, ctx));
    const b = planSegments(after).map((s) => segmentKey(s, after, ctx));
    const changed = a.map((k, i) => k !== b[i]);
    // scene0 t01 scene1 t12 scene2 t23 scene3
    expect(changed).toEqual([false, false, false, true, true, true, false]);
  });

  it('does not change when a section only moves in time, and does when an asset file changes', () => {
    const before = timeline([2, 2, 2]);
    const longerFirst = timeline([3, 2, 2]);
    const a = planSegments(before).map((s) => segmentKey(s, before, ctx));
    const b = planSegments(longerFirst).map((s) => segmentKey(s, longerFirst, ctx));
    expect(b.at(-1)).toBe(a.at(-1)); // the last scene moved 1 s later: same frames
    expect(b[0]).not.toBe(a[0]);
    const otherBytes = planSegments(before).map((s) => segmentKey(s, before, { ...ctx, assetId: (u: string) => (u.endsWith('a.png') ? 'file:new' : ctx.assetId(u)) }));
    expect(otherBytes[0]).not.toBe(a[0]);
  });
});
