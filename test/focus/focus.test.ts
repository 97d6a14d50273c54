import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/focus';
import { loadImage } from '../../src/depth/image-io';
import { StillmotionError } from '../../src/errors';
import { cropAround, detectFocus, FOCUS_FORMATS, type Box, type FocusFormat } from '../../src/focus/detect';
import { smartcropAnalysis } from '../../src/focus/smartcrop-sharp';
import { tempDir } from '../helpers/fixtures';
import { runCli, writeBadInputs, writeBlobImage } from '../depth/fixtures';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-focus-');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const contains = (b: Box, x: number, y: number): boolean => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height;

describe('detectFocus', () => {
  const cases: [number, number, number, number][] = [
    [640, 360, 0.8, 0.3],
    [400, 600, 0.3, 0.75],
    [500, 500, 0.2, 0.2],
  ];
  for (const [w, h, bx, by] of cases) {
    it(`finds a saturated blob at (${bx}, ${by}) in ${w}x${h}; every crop contains it`, async () => {
      const file = await writeBlobImage(path.join(dir, `blob-${w}-${bx}.png`), w, h, bx, by, 0.1);
      const f = await detectFocus(file);
      expect(f.fallback).toBe(false);
      expect(Math.abs(f.x - bx)).toBeLessThan(0.05);
      expect(Math.abs(f.y - by)).toBeLessThan(0.05);
      expect(f.confidence).toBeGreaterThan(0.3);
      expect(contains(f.box, bx, by)).toBe(true);
      expect(f.box.width).toBeLessThan(0.5);
      for (const [k, aspect] of Object.entries(FOCUS_FORMATS) as [FocusFormat, number][]) {
        const c = f.crops[k];
        expect(contains(c, bx, by)).toBe(true);
        expect(c.x).toBeGreaterThanOrEqual(0);
        expect(c.y).toBeGreaterThanOrEqual(0);
        expect(c.x + c.width).toBeLessThanOrEqual(1.0001);
        expect(c.y + c.height).toBeLessThanOrEqual(1.0001);
        expect((c.width * w) / (c.height * h)).toBeCloseTo(aspect, 2);
        // Largest: touches both image edges on the limiting side.
        expect(Math.max(c.width, c.height)).toBeCloseTo(1, 3);
      }
    });
  }

  it('answers again for a changed file (kept for the process only while the file is unchanged)', async () => {
    const file = path.join(dir, 'moving-blob.png');
    await writeBlobImage(file, 640, 360, 0.2, 0.3, 0.1);
    const first = await detectFocus(file);
    expect(Math.abs(first.x - 0.2)).toBeLessThan(0.05);
    first.crops['16:9'].x = -1; // a caller changing its copy changes nothing kept
    expect((await detectFocus(file)).crops['16:9'].x).toBeGreaterThanOrEqual(0);
    await writeBlobImage(file, 640, 360, 0.8, 0.6, 0.1);
    const later = new Date(Date.now() + 5000);
    await fs.utimes(file, later, later);
    const moved = await detectFocus(file);
    expect(Math.abs(moved.x - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(moved.y - 0.6)).toBeLessThan(0.05);
  });

  it('falls back to the centre with confidence 0 for a flat image', async () => {
    const file = path.join(dir, 'flat.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: '#5a5a5a' } }).png().toFile(file);
    const f = await detectFocus(file);
    expect(f.fallback).toBe(true);
    expect([f.x, f.y, f.confidence]).toEqual([0.5, 0.5, 0]);
    expect(f.crops['1:1']).toEqual({ x: 0.1667, y: 0, width: 0.6667, height: 1 });
  });

  it('tiny and bad images: centre or a clear error naming the file', async () => {
    const tiny = path.join(dir, 'tiny.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toFile(tiny);
    const t = await detectFocus(tiny);
    expect(t.fallback).toBe(true);
    const bad = await writeBadInputs(path.join(dir, 'bad'));
    for (const f of [bad.text, bad.truncJpg]) {
      const err = await detectFocus(f).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StillmotionError);
      expect((err as Error).message).toContain(f);
    }
  });
});

describe('cropAround', () => {
  it('is the largest crop of the aspect, centred on the point and clamped inside', () => {
    expect(cropAround(1000, 500, 1, 0.5, 0.5)).toEqual({ x: 0.25, y: 0, width: 0.5, height: 1 });
    expect(cropAround(1000, 500, 1, 0.95, 0.5)).toEqual({ x: 0.5, y: 0, width: 0.5, height: 1 });
    expect(cropAround(1000, 500, 1, 0.02, 0.5).x).toBe(0);
    const tall = cropAround(1920, 1080, 9 / 16, 0.7, 0.5);
    expect(tall.height).toBe(1);
    expect(tall.x + tall.width / 2).toBeCloseTo(0.7, 5);
    const wide = cropAround(600, 900, 16 / 9, 0.5, 0.1);
    expect(wide.width).toBe(1);
    expect(wide.y).toBe(0);
  });
});

describe('smartcrop sharp adapter', () => {
  it('gives smartcrop feature maps where the saturated blob is', async () => {
    const file = await writeBlobImage(path.join(dir, 'sc.png'), 200, 100, 0.75, 0.5, 0.2);
    const img = await loadImage(file);
    const maps = await smartcropAnalysis(img);
    expect([maps.width, maps.height]).toEqual([200, 100]);
    expect(maps.saturation[50 * 200 + 150]!).toBeGreaterThan(0.3);
    expect(maps.saturation[50 * 200 + 20]!).toBeLessThan(0.1);
    expect(maps.topCrop.x).toBeGreaterThan(50);
  });
});

describe('cli focus', () => {
  it('prints the focus JSON and writes the crops PNG', async () => {
    const file = await writeBlobImage(path.join(dir, 'cli.png'), 480, 320, 0.8, 0.3);
    const out = path.join(dir, 'cli-focus.png');
    const r = await runCli(register, ['focus', file, '--out', out]);
    const j = JSON.parse(r.stdout) as { x: number; y: number; crops: Record<string, Box> };
    expect(Math.abs(j.x - 0.8)).toBeLessThan(0.05);
    expect(Object.keys(j.crops).sort()).toEqual(['16:9', '1:1', '9:16']);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([480, 320]);
  });
});
