import { createRequire } from 'node:module';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/depth';
import { estimateDepth, writeDepthPng } from '../../src/depth/depth-map';
import { heuristicDepth, verticalPrior } from '../../src/depth/heuristic';
import { resizeRgb } from '../../src/depth/image-io';
import { fromModelOutput, importOrt, modelInputSize, toNchw } from '../../src/depth/onnx';
import { spearman } from '../../src/depth/ops';
import { generateScene, writeScenePng } from '../../src/depth/synthetic';
import { StillmotionError } from '../../src/errors';
import { tempDir } from '../helpers/fixtures';
import { readRaw, runCli, writeBadInputs } from './fixtures';
import { tinyDepthModel } from './tiny-onnx';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-depth-');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const objects = [
  { x: -1.5, z: 5, width: 1.2, height: 2, rgb: [200, 40, 40] as [number, number, number] },
  { x: 9, z: 35, width: 3, height: 4, rgb: [40, 90, 200] as [number, number, number] },
];

function meanWhere(values: Float32Array, mask: (i: number) => boolean): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask(i)) {
      s += values[i]!;
      n++;
    }
  }
  return n ? s / n : NaN;
}

describe('heuristic depth on generated scenes', () => {
  it('orders near object > far object > sky and correlates with true depth', async () => {
    for (const seed of [3, 8]) {
      const scene = generateScene({ width: 320, height: 240, seed, objects, horizon: 0.42 });
      const file = path.join(dir, `scene-${seed}.png`);
      await writeScenePng(scene, file);
      const d = await estimateDepth(file, { cache: false });
      expect(d.width).toBe(320);
      expect(d.height).toBe(240);
      expect(d.flat).toBe(false);
      const t = scene.nearness;
      const nearObj = meanWhere(d.data, (i) => Math.abs(t[i]! - 1 / 5) < 1e-6);
      const farObj = meanWhere(d.data, (i) => Math.abs(t[i]! - 1 / 35) < 1e-6);
      const sky = meanWhere(d.data, (i) => t[i] === 0);
      expect(nearObj).toBeGreaterThan(farObj + 0.1);
      expect(farObj).toBeGreaterThan(sky + 0.1);
      const idx: number[] = [];
      for (let i = 0; i < t.length; i += 7) idx.push(i);
      expect(spearman(idx.map((i) => d.data[i]!), idx.map((i) => t[i]!))).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('sees the object at its own depth better than the vertical prior does (same rows)', () => {
    const scene = generateScene({ width: 256, height: 192, seed: 5, objects, horizon: 0.42 });
    const h = heuristicDepth(scene);
    const v = verticalPrior(256, 192);
    // Pixels of the near object vs. ground pixels in the same rows that are farther away.
    let better = 0;
    let total = 0;
    const W = 256;
    for (let y = 0; y < 192; y++) {
      const row = Array.from({ length: W }, (_, x) => y * W + x);
      const obj = row.filter((i) => Math.abs(scene.nearness[i]! - 0.2) < 1e-6);
      const farther = row.filter((i) => scene.nearness[i]! < 0.1);
      if (!obj.length || !farther.length) continue;
      const mo = obj.reduce((a, i) => a + h.data[i]!, 0) / obj.length;
      const mf = farther.reduce((a, i) => a + h.data[i]!, 0) / farther.length;
      total++;
      if (mo > mf) better++;
      expect(v[obj[0]!]).toBe(v[farther[0]!]); // the prior cannot tell them apart
    }
    expect(total).toBeGreaterThan(5);
    expect(better / total).toBeGreaterThan(0.7);
  });

  it('falls back to a gentle preset for flat images and says so', async () => {
    const file = path.join(dir, 'flat.png');
    await sharp({ create: { width: 200, height: 120, channels: 3, background: '#7a7a7a' } }).png().toFile(file);
    const d = await estimateDepth(file, { cache: false });
    expect(d.flat).toBe(true);
    expect(d.notes.join(' ')).toMatch(/preset/);
    const top = d.data[5 * 200 + 100]!;
    const bottom = d.data[115 * 200 + 100]!;
    expect(bottom).toBeGreaterThan(top);
    expect(bottom - top).toBeLessThan(0.5);
  });
});

describe('depth output and cache', () => {
  it('writes a grey PNG with the image aspect, near = bright', async () => {
    const scene = generateScene({ width: 300, height: 200, seed: 2, objects });
    const file = path.join(dir, 'aspect.png');
    await writeScenePng(scene, file);
    const d = await estimateDepth(file, { cache: false });
    const out = path.join(dir, 'aspect-depth.png');
    await writeDepthPng(d, out);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([300, 200, 1]);
    const raw = { data: await sharp(out).extractChannel(0).raw().toBuffer() };
    const topMean = raw.data.subarray(0, 300 * 20).reduce((a, b) => a + b, 0) / (300 * 20);
    const botMean = raw.data.subarray(300 * 180).reduce((a, b) => a + b, 0) / (300 * 20);
    expect(botMean).toBeGreaterThan(topMean + 60);
  });

  it('caches by image content + estimator (a copy of the file hits; --no-cache writes nothing)', async () => {
    const cacheDir = path.join(dir, 'cache-a');
    const scene = generateScene({ width: 160, height: 120, seed: 4 });
    const a = path.join(dir, 'c1.png');
    await writeScenePng(scene, a);
    const b = path.join(dir, 'c2.png');
    await fs.copyFile(a, b);
    const first = await estimateDepth(a, { cacheDir });
    expect(first.cached).toBe(false);
    const second = await estimateDepth(b, { cacheDir });
    expect(second.cached).toBe(true);
    expect(second.key).toBe(first.key);
    for (let i = 0; i < first.data.length; i += 97) expect(Math.abs(second.data[i]! - first.data[i]!)).toBeLessThanOrEqual(1 / 255 + 1e-6);
    const files = await fs.readdir(path.join(cacheDir, 'depth'));
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(1);
    const off = path.join(dir, 'cache-off');
    const third = await estimateDepth(a, { cacheDir: off, cache: false });
    expect(third.cached).toBe(false);
    await expect(fs.access(off)).rejects.toThrow();
  });
});

describe('bad input', () => {
  it('names the file for text, truncated PNG/JPEG, missing files; writes no output', async () => {
    const bad = await writeBadInputs(path.join(dir, 'bad'));
    for (const f of [bad.text, bad.truncPng, bad.truncJpg, path.join(dir, 'missing.png')]) {
      const out = path.join(dir, 'bad-out', `${path.basename(f)}.png`);
      const err = await runCli(register, ['depth', f, '--out', out, '--no-cache']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StillmotionError);
      expect((err as Error).message).toContain(f);
      await expect(fs.access(out)).rejects.toThrow();
    }
  });

  it('handles huge (downscaled with a warning), grey, alpha and tiny images', async () => {
    const huge = path.join(dir, 'huge.png');
    await sharp({ create: { width: 20000, height: 60, channels: 3, background: '#446688' } }).png().toFile(huge);
    const h = await estimateDepth(huge, { cache: false });
    expect(h.width).toBe(2048);
    expect(h.warnings.join(' ')).toMatch(/downscaled/);
    await expect(estimateDepth(huge, { cache: false, maxInputPixels: 1_000_000 })).rejects.toThrow(/huge\.png: image is too large/);

    const grey = path.join(dir, 'grey.png');
    const scene = generateScene({ width: 120, height: 90, seed: 6 });
    await sharp(scene.rgb, { raw: { width: 120, height: 90, channels: 3 } }).greyscale().png().toFile(grey);
    const g = await estimateDepth(grey, { cache: false });
    expect([g.width, g.height]).toEqual([120, 90]);

    const alpha = path.join(dir, 'alpha.png');
    const rgba = Buffer.alloc(100 * 80 * 4);
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < 100; x++) {
        const i = (y * 100 + x) * 4;
        const inside = (x - 50) ** 2 + (y - 40) ** 2 < 25 ** 2;
        rgba[i] = 200;
        rgba[i + 1] = 60;
        rgba[i + 2] = 30;
        rgba[i + 3] = inside ? 255 : 0;
      }
    }
    await sharp(rgba, { raw: { width: 100, height: 80, channels: 4 } }).png().toFile(alpha);
    const a = await estimateDepth(alpha, { cache: false });
    expect(a.warnings.join(' ')).toMatch(/transparent/);
    expect(a.data[40 * 100 + 50]!).toBeGreaterThan(a.data[5 * 100 + 5]!); // the opaque cut-out is in front

    const tiny = path.join(dir, 'tiny.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toFile(tiny);
    const t = await estimateDepth(tiny, { cache: false });
    expect([t.width, t.height]).toEqual([8, 8]);
    expect(t.flat).toBe(true);
    for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('cli depth', () => {
  it('writes the PNG and prints facts', async () => {
    const scene = generateScene({ width: 200, height: 150, seed: 9 });
    const file = path.join(dir, 'cli.png');
    await writeScenePng(scene, file);
    const out = path.join(dir, 'cli-out', 'depth.png');
    const r = await runCli(register, ['depth', file, '--out', out, '--json', '--cache-dir', path.join(dir, 'cache-cli')]);
    const facts = JSON.parse(r.stdout) as { width: number; height: number; estimator: string; flat: boolean };
    expect(facts).toMatchObject({ width: 200, height: 150, estimator: 'heuristic', flat: false });
    expect((await readRaw(out)).width).toBe(200);
  });

  it('rejects an unknown estimator', async () => {
    await expect(runCli(register, ['depth', 'x.png', '--out', 'y.png', '--estimator', 'magic'])).rejects.toThrow(/magic/);
  });
});

const ORT_INSTALLED = (() => {
  try {
    createRequire(import.meta.url).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
})();

describe('onnx estimator', () => {
  it('pre/post-processing: sizes, normalisation, output shapes', () => {
    expect(modelInputSize([1, 3, 256, 256], 640, 480)).toEqual({ width: 256, height: 256 });
    expect(modelInputSize([1, 3, 'h', 'w'], 640, 480)).toEqual({ width: 518, height: 392 });
    const x = toNchw({ rgb: Uint8Array.from([255, 0, 124, 0, 255, 124]), width: 2, height: 1 });
    expect(x.length).toBe(6);
    expect(x[0]).toBeCloseTo((1 - 0.485) / 0.229, 4);
    expect(x[2]).toBeCloseTo((0 - 0.456) / 0.224, 4);
    const o = fromModelOutput(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
    expect([o.width, o.height, o.flat]).toEqual([2, 2, false]);
    expect(o.data[3]!).toBeGreaterThan(o.data[0]!);
    const inv = fromModelOutput(Float32Array.from([1, 2, 3, 4]), [1, 2, 2], true);
    expect(inv.data[0]!).toBeGreaterThan(inv.data[3]!);
    expect(fromModelOutput(Float32Array.from([5, 5, 5, 5]), [2, 2]).flat).toBe(true);
    expect(() => fromModelOutput(Float32Array.from([1, 2, 3]), [1, 3, 1, 1])).toThrow(/shape/);
  });

  // onnxruntime-node is optional (CI installs it); without it this one test is skipped.
  it.skipIf(!ORT_INSTALLED)('runs a tiny generated ONNX model end to end (bright half = near)', async () => {
    const model = path.join(dir, 'tiny.onnx');
    await fs.writeFile(model, tinyDepthModel());
    const fixed = path.join(dir, 'tiny-fixed.onnx');
    await fs.writeFile(fixed, tinyDepthModel({ size: { width: 32, height: 32 }, keepChannelDim: true }));
    const img = path.join(dir, 'halves.png');
    const raw = Buffer.alloc(120 * 80 * 3);
    for (let y = 0; y < 80; y++) for (let x = 0; x < 120; x++) raw.fill(x < 60 ? 230 : 30, (y * 120 + x) * 3, (y * 120 + x) * 3 + 3);
    await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } }).png().toFile(img);
    for (const m of [model, fixed]) {
      const d = await estimateDepth(img, { estimator: 'onnx', onnx: { modelPath: m }, cacheDir: path.join(dir, 'cache-onnx') });
      expect([d.width, d.height]).toEqual([120, 80]);
      expect(d.data[40 * 120 + 10]!).toBeGreaterThan(d.data[40 * 120 + 110]! + 0.5);
    }
    // Env var path and cache hit.
    process.env.STILLMOTION_DEPTH_MODEL = model;
    try {
      const again = await estimateDepth(img, { estimator: 'onnx', cacheDir: path.join(dir, 'cache-onnx') });
      expect(again.cached).toBe(true);
    } finally {
      delete process.env.STILLMOTION_DEPTH_MODEL;
    }
  });

  it('says clearly when the model or the package is missing', async () => {
    const img = path.join(dir, 'onnx-missing.png');
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#123456' } }).png().toFile(img);
    await expect(estimateDepth(img, { estimator: 'onnx', cache: false })).rejects.toThrow(/STILLMOTION_DEPTH_MODEL/);
    await expect(estimateDepth(img, { estimator: 'onnx', onnx: { modelPath: path.join(dir, 'nope.onnx') }, cache: false })).rejects.toThrow(/nope\.onnx: depth model file not found/);
    const junk = path.join(dir, 'junk.onnx');
    await fs.writeFile(junk, 'not a model');
    await expect(estimateDepth(img, { estimator: 'onnx', onnx: { modelPath: junk }, cache: false })).rejects.toThrow(/junk\.onnx: not a usable ONNX model/);
    await expect(importOrt(() => Promise.reject(new Error("Cannot find package 'onnxruntime-node'")))).rejects.toThrow(/npm install onnxruntime-node/);
  });
});

// The hosted estimator (Replicate) has its own file: hosted.test.ts.

describe('working-size heuristic', () => {
  it('is deterministic', async () => {
    const scene = generateScene({ width: 200, height: 150, seed: 12 });
    const small = await resizeRgb(scene, 100, 75);
    const a = heuristicDepth(small);
    const b = heuristicDepth(small);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });
});
