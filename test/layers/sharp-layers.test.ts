/**
 * Parallax as sharp as Ken Burns: depth layers prepared for a 1080p render are built at the width
 * the render draws the image at (not at the photo's 640 px), and a parallax frame's subject is about
 * as sharp as a Ken Burns frame of the same photo at the same zoom. Real photo (the launch-day
 * rocket, 640x427), real preparation, frames drawn by the direct renderer and encoded by x264.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareLayers } from '../../src/layers/build';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { neededLayerWidths } from '../../src/render/layer-widths';
import { prepareAssets, type PreparedAssets } from '../../src/render/prepare-assets';
import { tempDir } from '../helpers/fixtures';
import { directTimeline, sceneFrameSharpness } from './sharpness';

const PHOTO = path.resolve('examples/launch-day/images/rocket.jpg');

let dir: string;
let loaded: LoadedPlan;
let assets: PreparedAssets;
beforeAll(async () => {
  dir = await tempDir('stillmotion-sharp-layers-');
  await fs.copyFile(PHOTO, path.join(dir, 'rocket.jpg'));
  // The same photo as Ken Burns (zooming in from 1) and as parallax (an orbit at zoom 1), same subject.
  const plan = {
    title: 'sharp',
    formats: ['16:9', '9:16'],
    defaults: { transition: { type: 'cut' } },
    sections: [
      { id: 'kb', image: 'rocket.jpg', tier: 1, duration: 1, motion: { preset: 'zoom-in', amount: 0.15 }, focus: { x: 0.5, y: 0.5 } },
      { id: 'px', image: 'rocket.jpg', tier: 2, duration: 1, parallax: { preset: 'orbit' }, focus: { x: 0.5, y: 0.5 } },
    ],
  };
  await fs.writeFile(path.join(dir, 'plan.json'), JSON.stringify(plan));
  loaded = await loadPlanFile(path.join(dir, 'plan.json'));
  assets = await prepareAssets(loaded, { cacheDir: path.join(dir, 'cache') });
}, 120_000);
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('layers at the size the output needs', () => {
  it('a 1080p render gets layers as wide as its widest format draws the photo, not the 640 px photo', async () => {
    const m = assets.layers['rocket.jpg']!;
    // 9:16 at 1080x1920 covers the frame's height: the 3:2 photo is drawn 1920 * 640/427 px wide.
    const needed = Math.ceil(1920 * (640 / 427));
    expect(m.width).toBeGreaterThanOrEqual(needed);
    expect(m.width).toBeLessThan(needed * 1.01);
    expect(m.height).toBe(Math.round((m.width * 427) / 640));
    expect(m.overscanPx).toBe(Math.round(0.06 * m.width));
    for (const l of m.layers) {
      const meta = await sharp(path.join(m.dir, l.file)).metadata();
      expect([meta.width, meta.height]).toEqual([m.layerWidth, m.layerHeight]);
    }
    // Depth stays at the working size.
    const depth = await sharp(path.join(m.dir, m.depth)).metadata();
    expect([depth.width, depth.height]).toEqual([640, 427]);
  });

  it('one format at a smaller scale asks for less; dolly and push add the layers own growth', () => {
    const only169 = neededLayerWidths(loaded, assets, ['rocket.jpg'], ['16:9'], 1).get('rocket.jpg')!;
    // As wide as the frame draws the image: the frame width plus the ~1 px seam overscan of placement().
    const drawn = (w: number, h: number): number => Math.ceil(w * (1 + 2 / Math.min(w, h)) - 1e-6);
    expect(only169).toBe(drawn(1920, 1080));
    expect(neededLayerWidths(loaded, assets, ['rocket.jpg'], ['16:9'], 0.5).get('rocket.jpg')!).toBe(drawn(960, 540));
    const dolly = { ...loaded, plan: { ...loaded.plan, sections: loaded.plan.sections.map((s) => (s.id === 'px' ? { ...s, parallax: { ...s.parallax!, preset: 'dolly' as const, amount: 1 } } : s)) } };
    expect(neededLayerWidths(dolly, assets, ['rocket.jpg'], ['16:9'], 1).get('rocket.jpg')!).toBe(Math.ceil(only169 * 1.12));
  });

  it('the layer size is part of the cache key, and a huge width is refused with its name', async () => {
    const cacheDir = path.join(dir, 'cache');
    const a = await prepareLayers(path.join(dir, 'rocket.jpg'), { cacheDir, width: 800 });
    const b = await prepareLayers(path.join(dir, 'rocket.jpg'), { cacheDir, width: 801 });
    expect([a.width, b.width]).toEqual([800, 801]);
    expect(a.dir).not.toBe(b.dir);
    expect((await prepareLayers(path.join(dir, 'rocket.jpg'), { cacheDir, width: 800 })).cached).toBe(true);
    await expect(prepareLayers(path.join(dir, 'rocket.jpg'), { cacheDir, width: 100_000 })).rejects.toThrow(/layer width/);
  });
});

describe('parallax as sharp as Ken Burns', () => {
  it('the subject of a parallax frame at 1080p is about as sharp as in the Ken Burns frame at the same zoom', async () => {
    const timeline = await directTimeline(loaded, assets, '16:9', 1, path.join(dir, 'cache'));
    const px = timeline.scenes.find((s) => s.id === 'px')!;
    expect(px.kind).toBe('parallax');
    // Ken Burns at its first frame (zoom 1); the orbit half way, where every layer is at rest (zoom 1).
    const kb = await sceneFrameSharpness(timeline, 'kb', 0, 1, dir);
    const pa = await sceneFrameSharpness(timeline, 'px', Math.floor(px.durationInFrames / 2), 1, dir);
    expect(kb.kind).toBe('kenburns');
    const ratio = pa.sharpness / kb.sharpness;
    // Layers cut at the photo's 640 px and upscaled 3x when drawn measured 0.73 here; built at 1924 px, 0.97.
    expect(ratio).toBeGreaterThan(0.88);
    expect(ratio).toBeLessThan(1.15);
  }, 120_000);
});
