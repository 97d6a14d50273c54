import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, OUTPUT_FORMATS } from '../../src/plan/formats';
import { parsePlan } from '../../src/plan/load-plan';
import type { Media } from '../../src/plan/schema';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { coverSize, cropAt, cropAtFrame, keyForRect, type Crop } from '../../src/timeline/camera';

const EPS = 1e-9;
const IMAGES: Record<string, [number, number]> = {
  'landscape.png': [1600, 900],
  'portrait.png': [900, 1600],
  'square.png': [1000, 1000],
  'wide.png': [4000, 800],
  'small.png': [451, 300],
};
const media: Media = {
  images: Object.fromEntries(Object.entries(IMAGES).map(([k, [w, h]]) => [k, { src: k, width: w, height: h }])),
  audio: {},
};
const FOCI = [
  { x: 0, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }, { x: 1, y: 0 }, { x: 0.5, y: 0.5 },
  { x: 0.02, y: 0.5 }, { x: 0.98, y: 0.3 }, { x: 0.5, y: 0.01 }, { x: 0.3, y: 0.97 },
];
const MOTIONS = ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down', 'none', { preset: 'zoom-in', amount: 1 }, { preset: 'pan-right', amount: 0.6 }];

function inside(c: Crop): boolean {
  return c.x >= -EPS && c.y >= -EPS && c.x + c.w <= 1 + EPS && c.y + c.h <= 1 + EPS;
}

describe('Ken Burns geometry', () => {
  it('cover size fills the frame at zoom 1 and keeps the frame aspect', () => {
    for (const [w, h] of Object.values(IMAGES)) {
      for (const f of FORMAT_IDS) {
        const { width, height } = OUTPUT_FORMATS[f];
        const c = coverSize(w / h, width / height);
        expect(Math.max(c.w, c.h)).toBeCloseTo(1, 12);
        expect((c.w * w) / (c.h * h)).toBeCloseTo(width / height, 9);
      }
    }
  });

  it('keeps the focal point in frame and never exposes an edge, at every frame, in every format', () => {
    let checked = 0;
    for (const image of Object.keys(IMAGES)) {
      for (const focus of FOCI) {
        const plan = parsePlan(
          {
            title: 'T',
            sections: MOTIONS.map((motion, i) => ({ id: `s${i}`, image, focus, motion, duration: 2, hold: { start: 0.2, end: 0.3 } })),
          },
          'p',
        );
        for (const format of FORMAT_IDS) {
          const t = buildTimeline(plan, media, format);
          for (const scene of t.scenes) {
            const aspect = (OUTPUT_FORMATS[format].width / OUTPUT_FORMATS[format].height) * (scene.image.height / scene.image.width);
            for (let f = 0; f < scene.durationInFrames; f++) {
              const c = cropAtFrame(scene.camera, f);
              checked++;
              if (!inside(c)) throw new Error(`${image} ${format} ${scene.motionPreset} focus ${JSON.stringify(focus)} frame ${f}: crop ${JSON.stringify(c)} leaves the image`);
              if (!(focus.x >= c.x - EPS && focus.x <= c.x + c.w + EPS && focus.y >= c.y - EPS && focus.y <= c.y + c.h + EPS)) {
                throw new Error(`${image} ${format} ${scene.motionPreset} focus ${JSON.stringify(focus)} frame ${f}: focal point out of frame`);
              }
              // Never below cover: the crop is at most the zoom-1 crop, with the frame's aspect (no stretching).
              const cover = coverSize(scene.camera.imageAspect, scene.camera.frameAspect);
              expect(c.w).toBeLessThanOrEqual(cover.w + EPS);
              expect(c.w / c.h).toBeCloseTo(aspect, 9);
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(50_000);
  });

  it('moves: zoom presets change the zoom, pans move the centre the right way', () => {
    const plan = parsePlan(
      { title: 'T', sections: ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down'].map((motion, i) => ({ id: `s${i}`, image: 'square.png', motion, duration: 3 })) },
      'p',
    );
    const t = buildTimeline(plan, media, '1:1');
    const ends = t.scenes.map((s) => [cropAtFrame(s.camera, 0), cropAtFrame(s.camera, s.durationInFrames - 1)] as const);
    const [zin, zout, left, right, up, down] = ends;
    expect(zin![1].w).toBeLessThan(zin![0].w * 0.9);
    expect(zout![1].w).toBeGreaterThan(zout![0].w * 1.1);
    expect(left![1].x).toBeLessThan(left![0].x - 0.05);
    expect(right![1].x).toBeGreaterThan(right![0].x + 0.05);
    expect(up![1].y).toBeLessThan(up![0].y - 0.05);
    expect(down![1].y).toBeGreaterThan(down![0].y + 0.05);
  });

  it('eases in and out (motion ramping) and honours holds', () => {
    const plan = parsePlan({ title: 'T', sections: [{ id: 'a', image: 'square.png', motion: 'zoom-in', duration: 4, hold: { start: 1, end: 1 } }] }, 'p');
    const cam = buildTimeline(plan, media, '1:1').scenes[0]!.camera;
    const w = (f: number): number => cropAtFrame(cam, f).w;
    expect(w(0)).toBe(w(29));
    expect(w(90)).toBe(w(119));
    // Slow at both ends of the move, fast in the middle.
    const step = (f: number): number => w(f) - w(f + 1);
    expect(step(30)).toBeLessThan(step(59) / 4);
    expect(step(88)).toBeLessThan(step(59) / 4);
  });

  it('turns a rectangle into a framing that contains it', () => {
    const rect = { x: 0.6, y: 0.1, w: 0.2, h: 0.3 };
    for (const format of FORMAT_IDS) {
      const { width, height } = OUTPUT_FORMATS[format];
      const key = keyForRect(rect, 1.5, width / height);
      const c = cropAt(key, 1.5, width / height);
      expect(c.x).toBeLessThanOrEqual(rect.x + EPS);
      expect(c.y).toBeLessThanOrEqual(rect.y + EPS);
      expect(c.x + c.w).toBeGreaterThanOrEqual(rect.x + rect.w - EPS);
      expect(c.y + c.h).toBeGreaterThanOrEqual(rect.y + rect.h - EPS);
    }
  });
});
