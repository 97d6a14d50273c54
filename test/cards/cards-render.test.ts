/**
 * Cards and covers in real renders (real Chromium, the Node drawer, Remotion's ffmpeg), small:
 * covers are written per format at the video's size with the title's pixels inside the safe zone
 * and the chosen frame's picture under it; title and end cards show in the video's frames where
 * the same render without cards shows none, and the Node-drawn frames show them as Chromium does;
 * a cover that cannot be written leaves nothing behind.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StillmotionError } from '../../src/errors';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { safeBox } from '../../src/frame/safe-zone';
import { OUTPUT_FORMATS, type FormatId } from '../../src/plan/formats';
import { loadPlanFile } from '../../src/plan/load-plan';
import { writeCover } from '../../src/render/cover';
import { renderPlan, type RenderResult } from '../../src/render/render-plan';
import { RenderSession } from '../../src/render/render-session';
import { tempDir, writePlan } from '../helpers/fixtures';

const SCALE = 0.2;
let dir: string;
let cache: string;
let withCards: RenderResult;
let without: RenderResult;
const logs: string[] = [];

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

async function raw(file: string | Buffer): Promise<Raw> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Frame `n` of a video, decoded by ffmpeg (the system's: a measurement independent of the renderer). */
async function videoFrame(file: string, n: number): Promise<Raw> {
  const png = execFileSync('ffmpeg', ['-loglevel', 'error', '-i', file, '-vf', `select=eq(n\\,${n})`, '-vsync', '0', '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-']);
  return raw(png);
}

/** Pixels where two pictures differ by more than `threshold` (largest channel difference), as [x, y]. */
function changed(a: Raw, b: Raw, threshold: number): [number, number][] {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  const out: [number, number][] = [];
  for (let i = 0; i < a.data.length; i += 3) {
    const d = Math.max(Math.abs(a.data[i]! - b.data[i]!), Math.abs(a.data[i + 1]! - b.data[i + 1]!), Math.abs(a.data[i + 2]! - b.data[i + 2]!));
    if (d > threshold) out.push([(i / 3) % a.width, Math.floor(i / 3 / a.width)]);
  }
  return out;
}

/** Mean absolute difference over a box (x0, y0, x1, y1 in px). */
function meanDiff(a: Raw, b: Raw, box = { x0: 0, y0: 0, x1: a.width, y1: a.height }): number {
  let sum = 0;
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c]! - b.data[i + c]!);
      n += 3;
    }
  }
  return sum / n;
}

/** The format's safe zone at the rendered size. */
function safeAt(format: FormatId, width: number, height: number) {
  const s = safeBox(format, OUTPUT_FORMATS[format].width, OUTPUT_FORMATS[format].height);
  const k = width / OUTPUT_FORMATS[format].width;
  return { x0: s.x * k, y0: s.y * k, x1: (s.x + s.w) * k, y1: (s.y + s.h) * k, k };
}

/** An 800x600 picture: a background of its own colour and a light disc (the subject) at (cx, 0.55). */
async function writeSectionImage(file: string, background: string, cx: number): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%" height="100%" fill="${background}"/><circle cx="${cx * 800}" cy="330" r="90" fill="rgb(230,220,200)"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
}

/** Three sections, each its own colour, so each section's frames look different. */
function plan(extra: Record<string, unknown>) {
  return {
    title: 'Harbour Lights',
    defaults: { transition: { type: 'crossfade', duration: 0.5 } },
    sections: [
      { id: 'a', image: 'left.png', duration: 2, intensity: 0.2, motion: 'none' },
      { id: 'b', image: 'centre.png', duration: 2, intensity: 0.9, motion: 'none' },
      { id: 'c', image: 'right.png', duration: 2, intensity: 0.1, hold: { end: 1 }, motion: 'none' },
    ],
    ...extra,
  };
}

const CARDS = {
  titleCard: { text: 'Harbour Lights', subtitle: 'a night film' },
  endCard: { text: 'See you there' },
  cover: { section: 'c', time: 0.5, title: 'Come along' },
};

beforeAll(async () => {
  dir = await tempDir('stillmotion-cards-');
  cache = path.join(dir, 'cache');
  await writeSectionImage(path.join(dir, 'left.png'), 'rgb(30,60,110)', 0.4);
  await writeSectionImage(path.join(dir, 'centre.png'), 'rgb(110,40,40)', 0.5);
  await writeSectionImage(path.join(dir, 'right.png'), 'rgb(40,100,50)', 0.6);
  const on = await loadPlanFile(await writePlan(dir, plan(CARDS), 'cards.json'));
  withCards = await renderPlan(on, { outDir: path.join(dir, 'on'), formats: ['9:16', '16:9'], scale: SCALE, cacheDir: cache, onLog: (m) => logs.push(m) });
  // Covers off by the render option (--no-cover); the plan's `cover: false` is checked in cards-plan.test.ts.
  const off = await loadPlanFile(await writePlan(dir, plan({ titleCard: false, endCard: false }), 'plain.json'));
  without = await renderPlan(off, { outDir: path.join(dir, 'off'), formats: ['9:16'], scale: SCALE, cacheDir: cache, cover: false });
});
afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('covers', () => {
  it('one per format at the video size, from cover.section/time, with the title inside the safe zone', async () => {
    for (const f of withCards.files) {
      const cover = f.cover!;
      expect(cover.file).toBe(path.join(dir, 'on', `harbour-lights-${OUTPUT_FORMATS[f.format].suffix}.jpg`));
      const meta = await sharp(cover.file).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', f.width, f.height]);
      // cover.section "c" starts at 4 s (frame 120); 0.5 s in is frame 135.
      expect([cover.sectionId, cover.frame, cover.title]).toEqual(['c', 135, 'Come along']);
    }
    const f = withCards.files.find((x) => x.format === '9:16')!;
    const picture = await raw(f.cover!.file);
    // Under the title: frame 135 of the same video without cards (section c: the disc on the right).
    const scene = await videoFrame(without.files[0]!.file, 135);
    const title = changed(picture, scene, 60);
    const safe = safeAt('9:16', picture.width, picture.height);
    expect(title.length).toBeGreaterThan(200); // the title is there
    const slack = 2; // JPEG and H.264 blur an edge by a pixel or two
    const outside = title.filter(([x, y]) => x < safe.x0 - slack || x >= safe.x1 + slack || y < safe.y0 - slack || y >= safe.y1 + slack);
    expect(outside).toEqual([]);
    // Away from the title, it is frame 135's picture (section c), not another section's.
    const bandTop = Math.min(...title.map(([, y]) => y)) - 4;
    const bandBottom = Math.max(...title.map(([, y]) => y)) + 4;
    const rest = (a: Raw, b: Raw) => (meanDiff(a, b, { x0: 0, y0: 0, x1: a.width, y1: bandTop }) + meanDiff(a, b, { x0: 0, y0: bandBottom, x1: a.width, y1: a.height })) / 2;
    const other = await videoFrame(without.files[0]!.file, 50);
    expect(rest(picture, scene)).toBeLessThan(2);
    expect(rest(picture, other)).toBeGreaterThan(4 * rest(picture, scene));
    const times = withCards.files.map((x) => `${x.format} ${x.cover!.seconds.toFixed(1)} s`);
    console.log(`cover time per format: ${times.join(', ')}`);
  });

  it('a render with covers off (--no-cover) writes none', async () => {
    const names = await fs.readdir(path.join(dir, 'off'));
    expect(names.filter((n) => n.endsWith('.jpg'))).toEqual([]);
    expect(without.files[0]!.cover).toBeNull();
  });
});

describe('title and end cards', () => {
  it('the title card shows over the first section and the end card over the last hold, nowhere else', async () => {
    const on = withCards.files.find((f) => f.format === '9:16')!.file;
    const off = without.files[0]!.file;
    const last = without.files[0]!.frames - 1;
    const safe = safeAt('9:16', without.files[0]!.width, without.files[0]!.height);
    for (const n of [30, last]) {
      const diff = changed(await videoFrame(on, n), await videoFrame(off, n), 60);
      expect(diff.length, `frame ${n}`).toBeGreaterThan(150);
      expect(diff.filter(([x, y]) => x < safe.x0 - 2 || x >= safe.x1 + 2 || y < safe.y0 - 2 || y >= safe.y1 + 2)).toEqual([]);
    }
    // Between the cards (frame 100: the title is gone at 90, the end card starts at 150): the same picture.
    expect(meanDiff(await videoFrame(on, 100), await videoFrame(off, 100))).toBeLessThan(1);
    expect(changed(await videoFrame(on, 100), await videoFrame(off, 100), 60)).toEqual([]);
  });

  it('the Node-drawn frames show the cards as Chromium draws them', async () => {
    expect(logs.some((m) => /^9:16: \d+ segments, 0 reused, \d+ drawn directly, 0 in Chromium/.test(m))).toBe(true);
    const session = await RenderSession.open({ cacheDir: cache });
    try {
      const loaded = await loadPlanFile(path.join(dir, 'cards.json'));
      // With the render's prepared assets (the detected subjects frame the images as in the video).
      const prepared = await session.prepare(loaded, '9:16', SCALE, withCards.assets);
      const on = withCards.files.find((f) => f.format === '9:16')!.file;
      // 5 and 50: the title card fading in and out (one picture, blended in Node at the frame's opacity).
      const fading = [5, 50].map((n) => describeOverlays(prepared.timeline, n).find((o) => o.kind === 'card'));
      expect(fading.map((o) => o?.kind === 'card' && o.role === 'title' && o.opacity > 0.2 && o.opacity < 0.9)).toEqual([true, true]);
      for (const n of [5, 30, 50, withCards.files[0]!.frames - 1]) {
        const png = path.join(dir, `chromium-${n}.png`);
        await session.renderStill(prepared, n, png, SCALE);
        const chromium = await raw(png);
        const node = await videoFrame(on, n);

        // H.264 at crf 20 softens text edges: a small mean difference, and no text missing or added.
        expect(meanDiff(chromium, node), `frame ${n}`).toBeLessThan(1.5);
        expect(changed(chromium, node, 100).length, `frame ${n}`).toBeLessThan(20);
      }
    } finally {
      await session.close();
    }
  });
});

describe('bad cover settings', () => {
  it('a cover.time past its section fails before rendering, naming the field, and leaves the old cover', async () => {
    const out = path.join(dir, 'bad');
    await fs.mkdir(out, { recursive: true });
    const old = path.join(out, 'harbour-lights-1x1.jpg');
    await fs.writeFile(old, 'old cover');
    const loaded = await loadPlanFile(await writePlan(dir, plan({ cover: { section: 'b', time: 2.5 } }), 'bad.json'));
    const err = await renderPlan(loaded, { outDir: out, formats: ['1:1'], scale: SCALE, cacheDir: cache }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StillmotionError);
    expect((err as StillmotionError).problems).toEqual([{ path: 'cover.time', message: '2.5 s is past the end of section "b" (2.00 s)' }]);
    expect(await fs.readFile(old, 'utf8')).toBe('old cover');
    expect((await fs.readdir(out)).sort()).toEqual(['harbour-lights-1x1.jpg']);
  });

  it('a cover that cannot be written leaves no file and no temp file', async () => {
    const out = path.join(dir, 'blocked');
    // The cover's name is taken by a folder: the rename at the end fails.
    const target = path.join(out, 'harbour-lights-1x1.jpg');
    await fs.mkdir(target, { recursive: true });
    const session = await RenderSession.open({ cacheDir: cache });
    try {
      const prepared = await session.prepare(await loadPlanFile(path.join(dir, 'cards.json')), '1:1', SCALE);
      await expect(writeCover(session, prepared, target, SCALE)).rejects.toThrow();
    } finally {
      await session.close();
    }
    expect(await fs.readdir(out)).toEqual(['harbour-lights-1x1.jpg']);
    expect((await fs.stat(target)).isDirectory()).toBe(true);
  });
});
