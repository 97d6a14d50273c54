import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/load-plan';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { cropAtFrame } from '../../src/timeline/camera';
import { clipPlaybackRate, clipTimeAt } from '../../src/timeline/clip-timing';
import { layerRect, layerTransformAt } from '../../src/timeline/parallax';
import { layers, media } from '../helpers/layered-media';

describe('parallax layers', () => {
  it('never lets the background layer uncover the frame, for every preset, direction, format and focus', () => {
    for (const preset of ['orbit', 'pan', 'dolly', 'push'] as const) {
      for (const direction of ['left', 'right', 'up', 'down'] as const) {
        for (const focus of [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 0.5, y: 0.5 }]) {
          const plan = parsePlan({ title: 'T', sections: [{ id: 'p', image: 'a.png', tier: 2, duration: 2, focus, parallax: { preset, direction, amount: 1 } }] }, 'p');
          for (const format of ['16:9', '9:16', '1:1'] as const) {
            const scene = buildTimeline(plan, media, format).scenes[0]!;
            expect(scene.kind).toBe('parallax');
            for (let f = 0; f < scene.durationInFrames; f += 3) {
              const crop = cropAtFrame(scene.camera, f);
              const bg = layerRect(layers, layerTransformAt(scene.parallax!, 0, f), scene.focus);
              expect(bg.x).toBeLessThanOrEqual(crop.x + 1e-9);
              expect(bg.y).toBeLessThanOrEqual(crop.y + 1e-9);
              expect(bg.x + bg.w).toBeGreaterThanOrEqual(crop.x + crop.w - 1e-9);
              expect(bg.y + bg.h).toBeGreaterThanOrEqual(crop.y + crop.h - 1e-9);
            }
          }
        }
      }
    }
  });

  it('moves near layers more than far ones, and orbit moves them opposite ways', () => {
    const plan = parsePlan({ title: 'T', sections: [{ id: 'p', image: 'a.png', tier: 2, duration: 2, parallax: { preset: 'pan', direction: 'right', amount: 1 } }] }, 'p');
    const scene = buildTimeline(plan, media, '16:9').scenes[0]!;
    const travel = (i: number): number => layerTransformAt(scene.parallax!, i, scene.durationInFrames - 1).dx - layerTransformAt(scene.parallax!, i, 0).dx;
    expect(travel(2)).toBeLessThan(travel(1));
    expect(travel(1)).toBeLessThan(travel(0));
    expect(travel(0)).toBeLessThan(0); // camera right: content moves left
    expect(Math.abs(travel(2))).toBeCloseTo(2 * 0.06, 6);
    const orbit = { ...scene.parallax!, preset: 'orbit' as const };
    const o = (i: number): number => layerTransformAt(orbit, i, orbit.durationInFrames - 1).dx;
    expect(Math.sign(o(0))).toBe(-Math.sign(o(2)));
    expect(Math.abs(o(1))).toBe(0);
  });
});

describe('tier 3 clip timing', () => {
  it('frames the clip (not the image) and fits it to the section', () => {
    const plan = parsePlan({ title: 'T', sections: [{ id: 'c', image: 'a.png', tier: 3, duration: 4 }] }, 'p');
    const scene = buildTimeline(plan, media, '9:16').scenes[0]!;
    expect(scene.kind).toBe('clip');
    expect(scene.camera.imageAspect).toBeCloseTo(1280 / 720, 9);
  });

  it('trims long clips, slows short ones down to half speed, then holds the last frame', () => {
    const fps = 30;
    expect(clipPlaybackRate(120, 10, fps)).toBe(1);
    expect(clipPlaybackRate(120, 3, fps)).toBeCloseTo((3 - 1 / 30) / (119 / 30), 6);
    expect(clipPlaybackRate(300, 2, fps)).toBe(0.5);
    for (const [frames, seconds] of [[120, 10], [120, 3], [300, 2]] as const) {
      let prev = -1;
      for (let f = 0; f < frames; f++) {
        const t = clipTimeAt(f, frames, seconds, fps);
        expect(t).toBeGreaterThanOrEqual(prev);
        expect(t).toBeLessThanOrEqual(seconds - 1 / fps + 1e-9);
        prev = t;
      }
    }
    // Eased: slower at both ends than in the middle.
    const step = (f: number): number => clipTimeAt(f + 1, 120, 10, fps) - clipTimeAt(f, 120, 10, fps);
    expect(step(0)).toBeLessThan(step(60) / 2);
    expect(step(118)).toBeLessThan(step(60) / 2);
    // A 2 s clip in a 10 s section holds its last frame at the end.
    expect(clipTimeAt(299, 300, 2, fps)).toBeCloseTo(2 - 1 / 30, 9);
  });
});
