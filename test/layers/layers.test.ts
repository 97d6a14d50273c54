import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/layers';
import { generateScene, writeScenePng } from '../../src/depth/synthetic';
import { StillmotionError } from '../../src/errors';
import { buildLayers, prepareLayers, type LayersManifest } from '../../src/layers/build';
import { pushPullFill } from '../../src/layers/inpaint';
import { chooseThresholds, depthHistogram, multiOtsu } from '../../src/layers/split';
import { tempDir } from '../helpers/fixtures';
import { runCli, writeBadInputs } from '../depth/fixtures';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-layers-');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function rgba(file: string): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('thresholds at natural depth gaps', () => {
  it('multi-Otsu cuts bimodal and trimodal histograms in their gaps', () => {
    const vals: number[] = [];
    for (let i = 0; i < 3000; i++) vals.push(0.15 + (i % 50) / 500, 0.8 + (i % 40) / 400);
    const two = multiOtsu(depthHistogram(Float32Array.from(vals)), 2);
    expect(two).toHaveLength(1);
    expect(two[0]!).toBeGreaterThan(0.25);
    expect(two[0]!).toBeLessThan(0.8);
    const tri: number[] = [];
    for (let i = 0; i < 3000; i++) tri.push(0.1 + (i % 30) / 600, 0.45 + (i % 30) / 600, 0.85 + (i % 30) / 600);
    const { thresholds } = chooseThresholds(Float32Array.from(tri), 3);
    expect(thresholds).toHaveLength(2);
    expect(thresholds[0]!).toBeGreaterThan(0.15);
    expect(thresholds[0]!).toBeLessThan(0.45);
    expect(thresholds[1]!).toBeGreaterThan(0.5);
    expect(thresholds[1]!).toBeLessThan(0.85);
  });

  it('falls back to equal-population splits when a layer would be empty', () => {
    const ramp = new Float32Array(1000).fill(0.5);
    ramp[0] = 0;
    ramp[1] = 1;
    const r = chooseThresholds(ramp, 3);
    expect(r.thresholds).toHaveLength(2);
  });
});

describe('push-pull fill', () => {
  it('keeps known pixels and fills holes from their surroundings', () => {
    const w = 40;
    const h = 30;
    const data = new Float32Array(w * h * 3);
    const known = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const x = i % w;
      known[i] = x < 20 ? 1 : 0;
      data[i * 3] = x < 20 ? 200 : 0; // unknown pixels hold garbage 0
      data[i * 3 + 1] = x < 20 ? 50 : 255;
    }
    const out = pushPullFill(data, 3, known, w, h);
    expect(out[(5 * w + 3) * 3]).toBe(200);
    expect(out[(5 * w + 35) * 3]!).toBeGreaterThan(190); // continued, not the garbage
    expect(out[(5 * w + 35) * 3 + 1]!).toBeLessThan(60);
  });
});

describe('buildLayers (pure)', () => {
  it('fills what the foreground hides in the layer behind; union is opaque everywhere', () => {
    const w = 160;
    const h = 120;
    const rgb = new Uint8Array(w * h * 3);
    const depth = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const disc = (x - 80) ** 2 + (y - 60) ** 2 < 30 ** 2;
        rgb.set(disc ? [220, 20, 20] : [20, 120 + (x % 7), 200], i * 3);
        depth[i] = disc ? 0.9 : 0.1 + (0.2 * y) / h;
      }
    }
    const { layers } = buildLayers({ rgb, width: w, height: h }, depth, 2);
    expect(layers).toHaveLength(2);
    const [bg, fg] = layers as [(typeof layers)[0], (typeof layers)[0]];
    expect(bg.info.opaque).toBe(true);
    expect(fg.info.parallax).toBeGreaterThan(bg.info.parallax);
    const c = (60 * w + 80) * 4;
    // Foreground owns the disc, fully opaque and red.
    expect(fg.rgba[c + 3]).toBe(255);
    expect(fg.rgba[c]!).toBeGreaterThan(200);
    // The background behind the disc is opaque and filled with background colours (blue), not red.
    expect(bg.rgba[c + 3]).toBe(255);
    expect(bg.rgba[c]!).toBeLessThan(80);
    expect(bg.rgba[c + 2]!).toBeGreaterThan(150);
    // Foreground is transparent far from the disc, feathered at its edge.
    expect(fg.rgba[(5 * w + 5) * 4 + 3]).toBe(0);
    let partial = 0;
    for (let i = 0; i < w * h; i++) if (fg.rgba[i * 4 + 3]! > 0 && fg.rgba[i * 4 + 3]! < 255) partial++;
    expect(partial).toBeGreaterThan(50);
    // Union of all layers is opaque everywhere.
    for (let i = 0; i < w * h; i++) {
      let t = 1;
      for (const l of layers) t *= 1 - l.rgba[i * 4 + 3]! / 255;
      expect(1 - t).toBeGreaterThan(0.999);
    }
  });
});

describe('buildLayers at an output size (layers sharper than the working image)', () => {
  // The same picture at two sizes: a red disc (with a 1 px checker inside, detail only the large one has)
  // on a blue ground; depth comes at the working size, the layers are built at 4x.
  const scene = (w: number, h: number, detail: boolean): { rgb: Uint8Array; width: number; height: number } => {
    const rgb = new Uint8Array(w * h * 3);
    const s = w / 160;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const disc = (x + 0.5 - 80 * s) ** 2 + (y + 0.5 - 60 * s) ** 2 < (30 * s) ** 2;
        const checker = detail && (x + y) % 2 === 0 ? 30 : 0;
        rgb.set(disc ? [200 + checker, 20, 20] : [20, 120, 200], (y * w + x) * 3);
      }
    }
    return { rgb, width: w, height: h };
  };

  it('keeps the output picture detail, follows its edges, fills behind and stays opaque as a whole', () => {
    const low = scene(160, 120, false);
    const depth = new Float32Array(160 * 120);
    for (let i = 0; i < depth.length; i++) depth[i] = low.rgb[i * 3]! > 100 ? 0.9 : 0.1 + (0.2 * Math.floor(i / 160)) / 120;
    const W = 640;
    const H = 480;
    const out = scene(W, H, true);
    const { layers } = buildLayers(low, depth, 2, { output: out });
    const [bg, fg] = layers as [(typeof layers)[0], (typeof layers)[0]];
    expect(fg.rgba.length).toBe(W * H * 4);
    const at = (l: typeof fg, x: number, y: number, c: number): number => l.rgba[(y * W + x) * 4 + c]!;
    // The foreground owns the disc with the output's own pixels: the 1 px checker is there, exactly.
    for (const [x, y] of [[320, 240], [321, 240], [300, 250], [301, 250]] as const) {
      expect(at(fg, x, y, 3)).toBe(255);
      expect(at(fg, x, y, 0)).toBe((x + y) % 2 === 0 ? 230 : 200);
    }
    // Its edge is where the large picture's edge is (x = 200 on the row through the centre), not on the
    // working grid 4 px apart: the matte's steepest step is there, nearly opaque from it inwards. (Outside
    // it keeps the working matte's feather, which hides where depth and picture edges disagree.)
    const alphaAt = (x: number): number => at(fg, x, 240, 3);
    let steepest = 0;
    for (let x = 170; x < 230; x++) if (alphaAt(x + 1) - alphaAt(x) > alphaAt(steepest + 1) - alphaAt(steepest)) steepest = x;
    expect(steepest + 1).toBe(200);
    expect(alphaAt(200) - alphaAt(199)).toBeGreaterThan(50);
    for (let x = 200; x < 240; x++) expect(alphaAt(x)).toBeGreaterThanOrEqual(200);
    for (let x = 150; x <= 188; x++) expect(alphaAt(x)).toBeLessThan(60);
    // Behind the disc the background is opaque and filled with the ground's blue, not the red disc.
    expect(at(bg, 320, 240, 3)).toBe(255);
    expect(at(bg, 320, 240, 0)).toBeLessThan(60);
    expect(at(bg, 320, 240, 2)).toBeGreaterThan(150);
    // Far from the disc the foreground is clear; the union is opaque everywhere.
    expect(at(fg, 10, 10, 3)).toBe(0);
    for (let i = 0; i < W * H; i++) if (bg.rgba[i * 4 + 3] !== 255) throw new Error(`background alpha ${bg.rgba[i * 4 + 3]} at ${i}`);
  });

  it('the foreground is filled far enough behind its edge for the largest hole-free shift', () => {
    const low = scene(160, 120, false);
    const depth = new Float32Array(160 * 120);
    for (let i = 0; i < depth.length; i++) depth[i] = low.rgb[i * 3]! > 100 ? 0.9 : 0.1;
    const out = scene(640, 480, true);
    const { layers } = buildLayers(low, depth, 2, { output: out, overscan: 0.06 });
    const bg = layers[0]!;
    // The background carries colour (no hole) under all of the disc, including its far side,
    // by more than the overscan margin (0.06 of the long side = 38 px) from the disc's edge.
    for (const x of [205, 240, 320, 400, 435]) {
      const i = (240 * 640 + x) * 4;
      expect(bg.rgba[i + 3]).toBe(255);
      expect(bg.rgba[i]!).toBeLessThan(60);
    }
  });
});

describe('prepareLayers', () => {
  let manifest: LayersManifest;
  let scene: ReturnType<typeof generateScene>;
  const out = (): string => path.join(dir, 'out');

  beforeAll(async () => {
    scene = generateScene({
      width: 320,
      height: 240,
      seed: 7,
      horizon: 0.42,
      objects: [
        { x: -0.6, z: 4, width: 1.2, height: 1.8, rgb: [210, 40, 40] },
        { x: 6, z: 30, width: 3, height: 4, rgb: [40, 90, 200] },
      ],
    });
    await writeScenePng(scene, path.join(dir, 'scene.png'));
    manifest = await prepareLayers(path.join(dir, 'scene.png'), { outDir: out(), cacheDir: path.join(dir, 'cache') });
  });

  it('writes layers, depth, contact sheet and a manifest that matches them', async () => {
    expect(manifest.layers.map((l) => l.name)).toEqual(['background', 'midground', 'foreground']);
    expect(manifest.dir).toBe(path.resolve(out()));
    const onDisk = JSON.parse(await fs.readFile(path.join(out(), 'layers.json'), 'utf8')) as LayersManifest;
    expect(onDisk.layers.map((l) => l.file)).toEqual(manifest.layers.map((l) => l.file));
    expect(manifest.overscanPx).toBe(Math.round(0.06 * 320));
    expect(manifest.layerWidth).toBe(320 + 2 * manifest.overscanPx);
    for (const l of manifest.layers) {
      const meta = await sharp(path.join(out(), l.file)).metadata();
      expect([meta.width, meta.height, meta.hasAlpha]).toEqual([manifest.layerWidth, manifest.layerHeight, true]);
    }
    const speeds = manifest.layers.map((l) => l.parallax);
    expect(speeds).toEqual([...speeds].sort((a, b) => a - b));
    expect(manifest.maxShift.x).toBeCloseTo(manifest.overscanPx / 320, 2);
    const sheet = await sharp(path.join(out(), manifest.contactSheet)).metadata();
    expect(sheet.width!).toBeGreaterThan(600);
    const depth = await sharp(path.join(out(), manifest.depth)).metadata();
    expect([depth.width, depth.height]).toEqual([320, 240]);
  });

  it('background is opaque everywhere including the overscan margin; near object is in the foreground', async () => {
    const bg = await rgba(path.join(out(), manifest.layers[0]!.file));
    for (let i = 3; i < bg.data.length; i += 4) if (bg.data[i] !== 255) throw new Error(`background alpha ${bg.data[i]} at ${i >> 2}`);
    // Find the near object's centre pixel and check which layers cover it.
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let i = 0; i < scene.nearness.length; i++) {
      if (Math.abs(scene.nearness[i]! - 0.25) < 1e-6) {
        sx += i % 320;
        sy += Math.floor(i / 320);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
    const cx = Math.round(sx / n) + manifest.overscanPx;
    const cy = Math.round(sy / n) + manifest.overscanPx;
    const fg = await rgba(path.join(out(), manifest.layers[2]!.file));
    const p = (cy * fg.width + cx) * 4;
    expect(fg.data[p + 3]).toBe(255);
    expect(fg.data[p]!).toBeGreaterThan(120); // red object
    // Hidden by the foreground, filled behind: the background there is opaque and not the red object.
    expect(bg.data[p + 3]).toBe(255);
    expect(bg.data[p]! - bg.data[p + 1]!).toBeLessThan(fg.data[p]! - fg.data[p + 1]!);
  });

  it('caches by image content: the second call is a hit and gives the same files', async () => {
    const again = await prepareLayers(path.join(dir, 'scene.png'), { outDir: path.join(dir, 'out2'), cacheDir: path.join(dir, 'cache') });
    expect(again.cached).toBe(true);
    const a = await fs.readFile(path.join(out(), manifest.layers[1]!.file));
    const b = await fs.readFile(path.join(dir, 'out2', again.layers[1]!.file));
    expect(Buffer.compare(a, b)).toBe(0);
    // Without outDir the manifest points into the cache.
    const inCache = await prepareLayers(path.join(dir, 'scene.png'), { cacheDir: path.join(dir, 'cache') });
    expect(inCache.dir.startsWith(path.resolve(dir, 'cache', 'layers'))).toBe(true);
    await fs.access(path.join(inCache.dir, inCache.layers[0]!.file));
    // A damaged entry (a file missing, then a garbage manifest) is rebuilt, not trusted.
    await fs.rm(path.join(inCache.dir, inCache.layers[2]!.file));
    const rebuilt = await prepareLayers(path.join(dir, 'scene.png'), { cacheDir: path.join(dir, 'cache') });
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.dir).toBe(inCache.dir);
    await fs.access(path.join(rebuilt.dir, rebuilt.layers[2]!.file));
    await fs.writeFile(path.join(inCache.dir, 'layers.json'), '{oops');
    const rebuilt2 = await prepareLayers(path.join(dir, 'scene.png'), { cacheDir: path.join(dir, 'cache') });
    expect(rebuilt2.cached).toBe(false);
    expect(JSON.parse(await fs.readFile(path.join(rebuilt2.dir, 'layers.json'), 'utf8')).layers).toHaveLength(3);
    const leftovers = (await fs.readdir(path.join(dir, 'cache', 'layers'))).filter((f) => f.startsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});

describe('cli layers and bad input', () => {
  it('writes the output directory and prints a summary', async () => {
    const img = path.join(dir, 'cli.png');
    await writeScenePng(generateScene({ width: 200, height: 150, seed: 3 }), img);
    const r = await runCli(register, ['layers', img, '--out', path.join(dir, 'cli-out'), '--count', '4', '--no-cache']);
    expect(r.stdout).toMatch(/4 layers/);
    const m = JSON.parse(await fs.readFile(path.join(dir, 'cli-out', 'layers.json'), 'utf8')) as LayersManifest;
    expect(m.layers).toHaveLength(4);
  });

  it('flat and tiny images give layers (flat: true), never a crash', async () => {
    const flat = path.join(dir, 'flat.png');
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#808080' } }).png().toFile(flat);
    const m = await prepareLayers(flat, { cache: false, outDir: path.join(dir, 'flat-out') });
    expect(m.flat).toBe(true);
    const tiny = path.join(dir, 'tiny.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } }).png().toFile(tiny);
    const t = await prepareLayers(tiny, { cache: false, outDir: path.join(dir, 'tiny-out') });
    expect(t.layers).toHaveLength(3);
  });

  it('bad files: clear message naming the file, no manifest written', async () => {
    const bad = await writeBadInputs(path.join(dir, 'bad'));
    for (const f of [bad.text, bad.truncPng, bad.truncJpg]) {
      const o = path.join(dir, 'bad-out', path.basename(f));
      const err = await runCli(register, ['layers', f, '--out', o, '--cache-dir', path.join(dir, 'cache')]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StillmotionError);
      expect((err as Error).message).toContain(f);
      await expect(fs.access(path.join(o, 'layers.json'))).rejects.toThrow();
    }
    await expect(runCli(register, ['layers', bad.text, '--out', dir, '--count', '9'])).rejects.toThrow(/--count/);
  });
});
