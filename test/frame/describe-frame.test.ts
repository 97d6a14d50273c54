/**
 * Frame descriptions: what each scene kind is made of, which ones Node draws, and the transition
 * timing both renderers share.
 */
import { describe, expect, it } from 'vitest';
import { describeFrame } from '../../src/frame/describe-frame';
import { crossfadeOpacity, transitionProgress } from '../../src/frame/transition';
import { parsePlan } from '../../src/plan/load-plan';
import { canTransitionDirect, canDrawDirect } from '../../src/render/direct/direct-scenes';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { cropAtFrame } from '../../src/timeline/camera';
import { layerRect, layerTransformAt } from '../../src/timeline/parallax';
import { FULL_RECT } from '../../src/timeline/placement';
import { layers, media } from '../helpers/layered-media';

function scenes() {
  const plan = parsePlan(
    {
      title: 'T',
      defaults: { transition: { type: 'crossfade', duration: 0.5 } },
      sections: [
        { id: 'still', image: 'a.png', tier: 0, duration: 2 },
        { id: 'kb', image: 'a.png', tier: 1, duration: 2, motion: 'zoom-in' },
        { id: 'px', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'orbit', amount: 1 } },
        { id: 'gl', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'dolly', amount: 1, mode: 'webgl' } },
        { id: 'spot', image: 'a.png', duration: 2, focus: { x: 0.3, y: 0.4 }, scene: { type: 'spotlight', vignette: 0.7, radius: 0.4 } },
      ],
    },
    'p',
  );
  const t = buildTimeline(plan, media, '16:9');
  return Object.fromEntries(t.scenes.map((s) => [s.id, s]));
}

describe('describeFrame', () => {
  const s = scenes();

  it('still and Ken Burns: the image over black, through the camera (still: frame 0 at every frame)', () => {
    expect(describeFrame(s.still!, 40, 30)).toEqual({
      background: [0, 0, 0],
      crop: cropAtFrame(s.still!.camera, 0),
      items: [{ kind: 'image', src: 'a.png', width: 1000, height: 600, rect: FULL_RECT, opacity: 1 }],
    });
    const kb = describeFrame(s.kb!, 40, 30);
    expect(kb.crop).toEqual(cropAtFrame(s.kb!.camera, 40));
    expect(kb.crop).not.toEqual(describeFrame(s.kb!, 0, 30).crop);
  });

  it('CSS parallax: the layers back to front, each at its rectangle for the frame', () => {
    const d = describeFrame(s.px!, 30, 30);
    expect(d.items.map((i) => i.kind === 'layer' && i.src)).toEqual(['bg.png', 'mid.png', 'fg.png']);
    expect(d.items[2]).toMatchObject({ width: 1120, height: 720, rect: layerRect(layers, layerTransformAt(s.px!.parallax!, 2, 30), s.px!.focus) });
  });

  it('WebGL parallax: one depth-displaced image; spotlight: the image under a vignette that follows the subject', () => {
    expect(describeFrame(s.gl!, 10, 30).items).toMatchObject([{ kind: 'depth-displacement', src: 'a.png', depthSrc: 'depth.png' }]);
    const d = describeFrame(s.spot!, 20, 30);
    expect(d.items.map((i) => i.kind)).toEqual(['image', 'vignette']);
    const v = d.items[1]!;
    expect(v).toMatchObject({ kind: 'vignette', inner: 0.4, outer: 1, strength: 0.7 });
    if (v.kind !== 'vignette') throw new Error('not a vignette');
    expect(v.center.x).toBeCloseTo((0.3 - d.crop.x) / d.crop.w, 9);
  });

  it('says which scenes Node draws: not WebGL parallax, not odd sizes', () => {
    expect([s.still, s.kb, s.px, s.spot].map((x) => canDrawDirect(x!, 1920, 1080, 30))).toEqual([true, true, true, true]);
    expect(canDrawDirect(s.gl!, 1920, 1080, 30)).toBe(false);
    expect(canDrawDirect(s.kb!, 1921, 1080, 30)).toBe(false);
    expect(canTransitionDirect(s.kb!.transitionOut, s.kb!, s.px!, 1920, 1080, 30)).toBe(true);
    expect(canTransitionDirect(s.px!.transitionOut, s.px!, s.gl!, 1920, 1080, 30)).toBe(false);
  });
});

describe('transition timing', () => {
  it('crossfades linearly, the entering side over an opaque exiting one; slides and wipes ease', () => {
    const fade = { type: 'crossfade' as const, durationInFrames: 10 };
    expect([0, 5, 10, 12].map((f) => transitionProgress(fade, f))).toEqual([0, 0.5, 1, 1]);
    expect(crossfadeOpacity('entering', 0.3)).toBe(0.3);
    expect(crossfadeOpacity('exiting', 0.3)).toBe(1);
    const slide = { type: 'slide' as const, durationInFrames: 10 };
    expect(transitionProgress(slide, 5)).toBeCloseTo(0.5, 9);
    expect(transitionProgress(slide, 1)).toBeCloseTo(4 * 0.1 ** 3, 9);
  });
});
