/**
 * Real frames from a real Chromium: stills rendered at small scale and checked by pixel statistics.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormatId } from '../../src/plan/formats';
import { loadPlanFile } from '../../src/plan/load-plan';
import { RenderSession } from '../../src/render/render-session';
import { tempDir, writeDiscImage, writePlan, writeSolidImage } from '../helpers/fixtures';

let session: RenderSession;
let dir: string;

beforeAll(async () => {
  dir = await tempDir();
  session = await RenderSession.open();
});
afterAll(async () => {
  await session?.close();
});

async function renderFrames(plan: unknown, format: FormatId, frames: number[], scale = 0.25) {
  const planFile = await writePlan(dir, plan, `plan-${Math.random().toString(36).slice(2)}.json`);
  const loaded = await loadPlanFile(planFile);
  const prepared = await session.prepare(loaded, format, scale);
  const out: { data: Buffer; width: number; height: number }[] = [];
  for (const f of frames) {
    const file = path.join(dir, `frame-${format.replace(':', 'x')}-${f}-${Math.random().toString(36).slice(2)}.png`);
    await session.renderStill(prepared, f, file, scale);
    const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    out.push({ data, width: info.width, height: info.height });
  }
  return { frames: out, prepared };
}

function meanRgb(img: { data: Buffer }): [number, number, number] {
  const s = [0, 0, 0];
  for (let i = 0; i < img.data.length; i += 3) for (let c = 0; c < 3; c++) s[c]! += img.data[i + c]!;
  const n = img.data.length / 3;
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

function brightShare(img: { data: Buffer }): number {
  let bright = 0;
  for (let i = 0; i < img.data.length; i += 3) if (img.data[i]! > 200) bright++;
  return bright / (img.data.length / 3);
}

/** The darkest value on the outermost rows and columns of the frame. */
function borderMin(img: { data: Buffer; width: number; height: number }): number {
  let min = 255;
  const at = (x: number, y: number): number => Math.min(img.data[(y * img.width + x) * 3]!, img.data[(y * img.width + x) * 3 + 1]!, img.data[(y * img.width + x) * 3 + 2]!);
  for (let x = 0; x < img.width; x++) min = Math.min(min, at(x, 0), at(x, img.height - 1));
  for (let y = 0; y < img.height; y++) min = Math.min(min, at(0, y), at(img.width - 1, y));
  return min;
}

describe('rendered frames', () => {
  it('Ken Burns zoom grows between the first and the last frame', async () => {
    await writeDiscImage(path.join(dir, 'disc.png'), 800, 600, 0.5, 0.5, 0.12);
    const plan = { title: 'zoom', sections: [{ id: 'a', image: 'disc.png', duration: 2, motion: { preset: 'zoom-in', amount: 1 } }] };
    const { frames } = await renderFrames(plan, '16:9', [0, 59]);
    const first = brightShare(frames[0]!);
    const last = brightShare(frames[1]!);
    expect(first).toBeGreaterThan(0.02);
    // Zoom 1 -> 2 quadruples the disc's area on screen.
    expect(last / first).toBeGreaterThan(3.2);
    expect(last / first).toBeLessThan(4.8);
  });

  it('a crossfade midpoint mixes both images', async () => {
    await writeSolidImage(path.join(dir, 'red.png'), 320, 180, [255, 0, 0]);
    await writeSolidImage(path.join(dir, 'blue.png'), 320, 180, [0, 0, 255]);
    const plan = {
      title: 'fade',
      sections: [
        { id: 'r', image: 'red.png', duration: 2, transition: { type: 'crossfade', duration: 1 } },
        { id: 'b', image: 'blue.png', duration: 2 },
      ],
    };
    const { frames, prepared } = await renderFrames(plan, '1:1', [30, 60, 90]);
    expect(prepared.composition.durationInFrames).toBe(120);
    const [before, mid, after] = frames.map(meanRgb);
    expect(before![0]).toBeGreaterThan(245);
    expect(before![2]).toBeLessThan(10);
    expect(mid![0]).toBeGreaterThan(100);
    expect(mid![0]).toBeLessThan(155);
    expect(mid![2]).toBeGreaterThan(100);
    expect(mid![2]).toBeLessThan(155);
    expect(after![2]).toBeGreaterThan(245);
    expect(after![0]).toBeLessThan(10);
  });

  it('never shows an image edge, even with extreme focal points and pans, in every format', async () => {
    await writeSolidImage(path.join(dir, 'white.png'), 640, 427, [255, 255, 255]);
    const sections = [
      { id: 'a', image: 'white.png', duration: 1, focus: { x: 0, y: 0 }, motion: { preset: 'pan-right', amount: 0.8 } },
      { id: 'b', image: 'white.png', duration: 1, focus: { x: 1, y: 1 }, motion: { preset: 'zoom-out', amount: 0.6 } },
      { id: 'c', image: 'white.png', duration: 1, focus: { x: 1, y: 0 }, motion: { preset: 'pan-up', amount: 0.8 } },
    ];
    for (const format of ['16:9', '9:16', '1:1'] as FormatId[]) {
      const { frames } = await renderFrames({ title: 'edges', defaults: { transition: { type: 'cut' } }, sections }, format, [0, 15, 29, 30, 59, 60, 89], 0.2);
      for (const f of frames) expect(borderMin(f)).toBeGreaterThan(235);
    }
  });

  it('the example Spotlight scene lights the subject and darkens the edges', async () => {
    await writeSolidImage(path.join(dir, 'grey.png'), 400, 400, [200, 200, 200]);
    const plan = { title: 'spot', sections: [{ id: 'a', image: 'grey.png', duration: 1, focus: { x: 0.25, y: 0.25 }, motion: 'none', scene: { type: 'spotlight', vignette: 0.8 } }] };
    const { frames } = await renderFrames(plan, '1:1', [10]);
    const f = frames[0]!;
    const at = (x: number, y: number): number => f.data[(Math.round(y * (f.height - 1)) * f.width + Math.round(x * (f.width - 1))) * 3]!;
    expect(at(0.25, 0.25)).toBeGreaterThan(190);
    expect(at(1, 1)).toBeLessThan(at(0.25, 0.25) * 0.5);
    expect(at(0.6, 0.6)).toBeLessThan(at(0.25, 0.25));
  });
});
