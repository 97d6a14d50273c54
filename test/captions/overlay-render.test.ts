/**
 * Captions drawn on real frames, in a real Chromium and by the Node renderer: text only inside the
 * 9:16 safe zone, the highlighted word moving a word later, Node-drawn caption frames matching
 * Chromium's (PSNR over the whole frame and over the caption's band, mean luma), long words kept
 * inside their band, emoji and right-to-left text drawn, an unknown style refused by name.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { selectComposition } from '@remotion/renderer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionStyle } from '../../src/captions/styles';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { safeBox, type Box } from '../../src/frame/safe-zone';
import { runFf } from '../../src/media/ffmpeg';
import { loadPlanFile } from '../../src/plan/load-plan';
import type { Media } from '../../src/plan/schema';
import { overlayRgba, pictureRegion } from '../../src/render/overlays/overlay-pictures';
import { RenderSession, type PreparedFormat } from '../../src/render/render-session';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { tempDir, writePlan, writeWav } from '../helpers/fixtures';
import { segmentBothWays } from '../helpers/segment-pair';
import { captionOf, captionTimeline } from './overlay-timeline';

const rocket = path.resolve('examples/launch-day/images/rocket.jpg');
let dir: string;
let session: RenderSession;

beforeAll(async () => {
  dir = await tempDir('stillmotion-captions-');
  await writeWav(path.join(dir, 'narration.wav'), 2, { amplitude: 0.2 });
  session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
});
afterAll(async () => {
  await session?.close();
});

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function raw(input: string | Buffer, channels: 3 | 4 = 3): Promise<Raw> {
  const img = channels === 3 ? sharp(input).removeAlpha() : sharp(input).ensureAlpha();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function frameAt(file: string, frame: number, fps: number): Promise<Raw> {
  const png = `${file}.${frame}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', String(frame / fps), '-i', file, '-frames:v', '1', png]);
  if (r.code !== 0) throw new Error(r.stderr);
  return raw(png);
}

/** Bounding box of the pixels where `test` holds, or null. */
function bbox(img: Raw, test: (i: number) => boolean): (Box & { count: number }) | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let count = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!test((y * img.width + x) * img.channels)) continue;
      count++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return count ? { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, count } : null;
}

function inside(b: Box, outer: Box): boolean {
  return b.x >= outer.x && b.y >= outer.y && b.x + b.w <= outer.x + outer.w && b.y + b.h <= outer.y + outer.h;
}

const scaled = (b: Box, s: number): Box => ({ x: Math.floor(b.x * s), y: Math.floor(b.y * s), w: Math.ceil(b.w * s), h: Math.ceil(b.h * s) });

function psnr(a: Raw, b: Raw, box?: Box): number {
  const r = box ?? { x: 0, y: 0, w: a.width, h: a.height };
  let se = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 3 + c;
        se += (a.data[i]! - b.data[i]!) ** 2;
        n++;
      }
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n + 1e-9));
}

function meanLuma(img: Raw): number {
  let sum = 0;
  for (let i = 0; i < img.data.length; i += 3) sum += 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
  return sum / (img.data.length / 3);
}

/** The bold style's highlight (#39E508) and the karaoke fill (#FFD400), with room for anti-aliasing and chroma subsampling. */
const isGreen = (img: Raw) => (i: number) => img.data[i + 1]! > 170 && img.data[i]! < 130 && img.data[i + 2]! < 110;

// Words (text with the leading space @remotion/captions expects, ms from the narration's start).
const WORDS: [string, number, number][] = [
  ['Every', 0, 280],
  [' launch', 300, 580],
  [' starts', 600, 880],
  [' with', 900, 1080],
  [' a', 1100, 1180],
  [' countdown', 1200, 1700],
];

/** A one-section 9:16 Ken Burns plan on a real photograph with narration, and its captions injected as prepared word timings. */
async function preparedWithCaptions(style: string, scale: number): Promise<{ withCaptions: PreparedFormat; without: PreparedFormat }> {
  const planFile = await writePlan(
    dir,
    {
      title: 'captions',
      formats: ['9:16'],
      captions: { style },
      sections: [{ id: 'a', image: rocket, duration: 2, tier: 1, motion: { preset: 'zoom-in', amount: 0.2 }, narration: 'narration.wav' }],
    },
    `plan-${style}.json`,
  );
  const loaded = await loadPlanFile(planFile, { policy: { allowOutsidePaths: true } });
  const without = await session.prepare(loaded, '9:16', scale);
  const captions: NonNullable<Media['captions']> = {
    'narration.wav': { level: 'word', source: 'align', captions: WORDS.map(([text, startMs, endMs]) => ({ text, startMs, endMs, timestampMs: null, confidence: null })) },
  };
  const media = { ...without.inputProps.media!, captions };
  const inputProps = { ...without.inputProps, media };
  const timeline = buildTimeline(loaded.plan, media, '9:16');
  expect(timeline.captions?.pages.length).toBeGreaterThan(0);
  // The composition carries the props its metadata was calculated from: select it with the captions.
  const composition = await selectComposition({ serveUrl: session.serveUrl, id: without.composition.id, inputProps, browserExecutable: session.browser.executable, logLevel: 'error' });
  return { without, withCaptions: { ...without, inputProps, timeline, composition } };
}

describe('captions on rendered frames', () => {
  it('a 9:16 frame shows caption pixels only inside the safe zone, and the highlighted word moves a word later', async () => {
    const scale = 0.5;
    const { withCaptions, without } = await preparedWithCaptions('bold', scale);
    const t = withCaptions.timeline;
    // Two frames a word apart on one page.
    const f1 = Math.round((350 * t.fps) / 1000);
    const f2 = Math.round((650 * t.fps) / 1000);
    const [o1, o2] = [captionOf(describeOverlays(t, f1)), captionOf(describeOverlays(t, f2))];
    expect(o1.words).toEqual(o2.words);
    expect([o1.active, o2.active]).toEqual([1, 2]);
    const still = async (p: PreparedFormat, f: number, name: string): Promise<Raw> => {
      const file = path.join(dir, `${name}.png`);
      await session.renderStill(p, f, file, scale);
      return raw(file);
    };
    const plain = await still(without, f1, 'plain1');
    const a = await still(withCaptions, f1, 'word1');
    const b = await still(withCaptions, f2, 'word2');
    const safe = scaled(safeBox('9:16', t.width, t.height), scale);
    // Caption pixels: where the frame differs from the same frame without captions.
    for (const [img, bare] of [[a, plain], [b, await still(without, f2, 'plain2')]] as const) {
      const text = bbox(img, (i) => Math.abs(img.data[i]! - bare.data[i]!) + Math.abs(img.data[i + 1]! - bare.data[i + 1]!) + Math.abs(img.data[i + 2]! - bare.data[i + 2]!) > 24);
      expect(text, 'caption pixels').not.toBeNull();
      expect(text!.count).toBeGreaterThan(0.01 * safe.w * safe.h);
      expect(inside(text!, safe), `caption at ${JSON.stringify(text)}, safe zone ${JSON.stringify(safe)}`).toBe(true);
    }
    const g1 = bbox(a, isGreen(a));
    const g2 = bbox(b, isGreen(b));
    const gPlain = bbox(plain, isGreen(plain));
    expect(gPlain?.count ?? 0).toBeLessThan(20);
    expect(g1 && g2, 'highlighted word').toBeTruthy();
    // "LAUNCH" then "STARTS": the highlight moved (to the right or to the next line).
    expect(g2!.x + g2!.w / 2 > g1!.x + g1!.w + 0 || g2!.y > g1!.y + g1!.h / 2).toBe(true);
  }, 300_000);

  it('frames drawn in Node with captions match Chromium (whole frame and the caption band)', async () => {
    const scale = 0.5;
    const { withCaptions } = await preparedWithCaptions('bold', scale);
    const t = withCaptions.timeline;
    const { direct, browser } = await segmentBothWays(session, withCaptions, dir, scale);
    const report: string[] = [];
    const failures: string[] = [];
    // One of the frames shows a word highlighted mid-page.
    expect([100, 450, 1000, 1400].map((ms) => captionOf(describeOverlays(t, Math.round((ms * t.fps) / 1000)))).some((o) => o.active > 0 && o.active < o.words.length - 1)).toBe(true);
    for (const ms of [100, 450, 1000, 1400]) {
      const f = Math.round((ms * t.fps) / 1000);
      const o = captionOf(describeOverlays(t, f));
      const band = scaled(o.box, scale);
      const a = await frameAt(direct, f, t.fps);
      const b = await frameAt(browser, f, t.fps);
      const whole = psnr(a, b);
      const inBand = psnr(a, b, band);
      const luma = Math.abs(meanLuma(a) - meanLuma(b)) / meanLuma(b);
      report.push(`frame ${f} (word ${o.active}): PSNR ${whole.toFixed(2)} dB, caption band ${inBand.toFixed(2)} dB, mean luma ${(luma * 100).toFixed(2)}%`);
      if (whole <= 33 || inBand <= 28 || luma >= 0.01) failures.push(report.at(-1)!);
      // Both show the highlighted word.
      expect(bbox(a, isGreen(a))?.count ?? 0, `Node frame ${f} highlight`).toBeGreaterThan(50);
    }
    console.log(`captions, Node vs Chromium at ${t.width * scale}x${t.height * scale}:\n${report.join('\n')}`);
    expect(failures).toEqual([]);
  }, 300_000);

  it('keeps a very long word inside its band, and draws emoji and right-to-left text', async () => {
    const scale = 0.5;
    const cases = [
      { format: '9:16' as const, style: 'bold' as const, words: ['Pneumonoultramicroscopicsilicovolcanoconiosis'] },
      { format: '1:1' as const, style: 'karaoke' as const, words: ['Supercalifragilisticexpialidocious', 'and', 'Antidisestablishmentarianism'] },
      { format: '16:9' as const, style: 'subtitle' as const, words: ['Launch', 'day', '🚀🔥', 'שלום', 'עולם', 'مرحبا', 'Ünïcödé'] },
      { format: '9:16' as const, style: 'karaoke' as const, words: ['👩‍🚀', 'لنبدأ', 'now'] },
    ];
    const overlays = cases.map((c) => captionOf(describeOverlays(captionTimeline({ format: c.format, frames: 60, style: c.style, pages: [{ words: c.words.map((w, i) => [w, i * 200] as [string, number]) }] }), 10)));
    for (const [i, o] of overlays.entries()) {
      // The picture is the overlay's band (on even output pixels); what it shows must stay inside the band.
      const band = overlayRgba(o, scale);
      const img: Raw = { data: Buffer.from(band.rgba), width: band.width, height: band.height, channels: 4 };
      expect([img.width, img.height]).toEqual([pictureRegion(o, scale).width, pictureRegion(o, scale).height]);
      const visible = bbox(img, (p) => img.data[p + 3]! > 8);
      expect(visible, `case ${i}: something drawn`).not.toBeNull();
      expect(visible!.count).toBeGreaterThan(500);
      const seen = { ...visible!, x: visible!.x + band.out.x, y: visible!.y + band.out.y };
      expect(inside(seen, scaled(o.box, scale)), `case ${i}: ${JSON.stringify(seen)} inside ${JSON.stringify(scaled(o.box, scale))}`).toBe(true);
    }
  });

  it('refuses a caption style that does not exist, naming the field', async () => {
    expect(() => captionStyle('neon')).toThrow(/captions\.style: unknown caption style "neon" \(use bold, subtitle, karaoke\)/);
    const planFile = await writePlan(dir, { title: 'x', captions: { style: 'neon' }, sections: [{ id: 'a', image: rocket, duration: 1 }] }, 'bad-style.json');
    await expect(loadPlanFile(planFile, { policy: { allowOutsidePaths: true } })).rejects.toThrow(/captions\.style/);
  });
});

afterAll(async () => {
  if (dir && !process.env.KEEP_CAPTION_TEST_DIR) await fs.rm(dir, { recursive: true, force: true });
});
