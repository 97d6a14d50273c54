/**
 * Depth layers sized per format: built once as wide as the widest rendered format draws them, and
 * downscaled (cached) for each format that draws them smaller, so every format draws its layers at
 * about 1:1. Only the formats being rendered count. Real photo (the launch-day rocket), real
 * preparation and real files; layer pictures decoded as the direct renderer decodes them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { loadLayerImage } from '../../src/render/direct/layer-image';
import { formatLayerFiles, formatLayerSize } from '../../src/render/format-layers';
import { neededLayerWidths } from '../../src/render/layer-widths';
import { prepareAssets, type PreparedAssets } from '../../src/render/prepare-assets';
import { tempDir } from '../helpers/fixtures';

const PHOTO = path.resolve('examples/launch-day/images/rocket.jpg');
const SCALE = 0.5;

let dir: string;
let cacheDir: string;
let loaded: LoadedPlan;
let assets: PreparedAssets;
beforeAll(async () => {
  dir = await tempDir('stillmotion-layer-sizing-');
  cacheDir = path.join(dir, 'cache');
  await fs.copyFile(PHOTO, path.join(dir, 'rocket.jpg'));
  const plan = {
    title: 'sizing',
    formats: ['16:9', '9:16', '1:1'],
    defaults: { transition: { type: 'cut' } },
    sections: [{ id: 'px', image: 'rocket.jpg', tier: 2, duration: 1, parallax: { preset: 'orbit' }, focus: { x: 0.5, y: 0.5 } }],
  };
  await fs.writeFile(path.join(dir, 'plan.json'), JSON.stringify(plan));
  loaded = await loadPlanFile(path.join(dir, 'plan.json'));
  assets = await prepareAssets(loaded, { cacheDir, scale: SCALE });
}, 120_000);
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('per-format layer size', () => {
  it('keeps the built pictures within the pre-scaling tolerance, else scales the whole picture (margin included)', () => {
    const built = { width: 1000, layerWidth: 1120, layerHeight: 800 };
    expect(formatLayerSize(built, 1000)).toBeNull();
    expect(formatLayerSize(built, 980)).toBeNull();
    expect(formatLayerSize(built, 500)).toEqual({ width: 560, height: 400 });
    expect(formatLayerSize(built, 1500)).toBeNull();
  });

  it('the widest format keeps the built layers; the others get copies as wide as they draw them, cached', async () => {
    const m = assets.layers['rocket.jpg']!;
    const widths = Object.fromEntries((['16:9', '9:16', '1:1'] as const).map((f) => [f, neededLayerWidths(loaded, assets, ['rocket.jpg'], [f], SCALE).get('rocket.jpg')!]));
    // 9:16 covers its 960 px height (at half size) with the 3:2 photo: the widest.
    expect(m.width).toBe(Math.max(...Object.values(widths)));
    expect((await formatLayerFiles(loaded, assets, '9:16', SCALE, cacheDir)).size).toBe(0);
    for (const format of ['16:9', '1:1'] as const) {
      const files = await formatLayerFiles(loaded, assets, format, SCALE, cacheDir);
      expect(files.size, format).toBe(m.layers.length);
      for (const l of m.layers) {
        const file = files.get(path.resolve(m.dir, l.file))!;
        const meta = await sharp(file).metadata();
        // The image area comes out as wide as the format draws it (to a pixel), the aspect kept.
        expect(Math.abs((meta.width! * m.width) / m.layerWidth - widths[format]!), `${format} ${l.name}`).toBeLessThanOrEqual(1);
        expect(Math.abs(meta.width! / meta.height! - m.layerWidth / m.layerHeight)).toBeLessThan(0.01);
      }
      const again = await formatLayerFiles(loaded, assets, format, SCALE, cacheDir);
      expect([...again.values()]).toEqual([...files.values()]);
    }
  });

  it('downscaled layers keep their alpha: the background opaque, the others covering as much of the picture', async () => {
    const m = assets.layers['rocket.jpg']!;
    const files = await formatLayerFiles(loaded, assets, '1:1', SCALE, cacheDir);
    const coverage = (alpha: Uint8Array): number => alpha.reduce((s, a) => s + a, 0) / (255 * alpha.length);
    for (const l of m.layers) {
      const built = await loadLayerImage(path.join(m.dir, l.file));
      const small = await loadLayerImage(files.get(path.resolve(m.dir, l.file))!);
      expect(small.opaque, l.name).toBe(l.opaque);
      expect(Math.abs(coverage(small.a.data) - coverage(built.a.data)), l.name).toBeLessThan(0.01);
    }
  });

  it('only the formats being rendered size the layers', async () => {
    const square = await prepareAssets(loaded, { cacheDir, scale: SCALE, formats: ['1:1'] });
    const all = assets.layers['rocket.jpg']!;
    expect(square.layers['rocket.jpg']!.width).toBe(neededLayerWidths(loaded, assets, ['rocket.jpg'], ['1:1'], SCALE).get('rocket.jpg'));
    expect(square.layers['rocket.jpg']!.width).toBeLessThan(all.width * 0.6);
  }, 60_000);
});
