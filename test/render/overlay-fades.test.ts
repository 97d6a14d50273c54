/**
 * A fading card is one Chromium picture, not one per opacity step: the Node renderer renders the
 * card once at full opacity and blends it at each frame's opacity. Counted on a real Chromium pass
 * (the render session's), and checked against Chromium's own rendering of the card at those
 * opacities (its CSS opacity), composited the same way over the same frame.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { overlayFramesConfig, OVERLAYS_COMPOSITION_ID, pictureOverlay, type CardOverlay, type Overlay } from '../../src/frame/overlay';
import { rgbaToLayer } from '../../src/render/direct/layer-image';
import { blendOverlay } from '../../src/render/direct/overlay-blend';
import type { Plane } from '../../src/render/direct/resample';
import type { YuvImage } from '../../src/render/direct/yuv-image';
import { OverlayPictures, pictureRegion } from '../../src/render/overlays/overlay-pictures';
import { distinctOverlays, framesOverlays, segmentOverlayDrawer } from '../../src/render/overlays/segment-overlays';
import { RenderSession } from '../../src/render/render-session';
import type { Timeline } from '../../src/timeline/types';
import { captionTimeline } from '../captions/overlay-timeline';
import { countingRenderer } from '../helpers/counting-renderer';
import { tempDir } from '../helpers/fixtures';

const SCALE = 0.5;
const FPS = 30;
let dir: string;
let session: RenderSession;

beforeAll(async () => {
  dir = await tempDir('stillmotion-overlay-fades-');
  session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
});
afterAll(async () => {
  await session?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** A 3 s 9:16 video with a title card over all of it: 1 s fade in, 1 s fade out, no captions. */
function cardTimeline(): Timeline {
  const t = captionTimeline({ format: '9:16', frames: 3 * FPS, pages: [] });
  return { ...t, captions: null, titleCard: { kind: 'title', text: 'Harbour Lights', subtitle: 'a night film', startFrame: 0, endFrame: 3 * FPS, fadeInFrames: FPS, fadeOutFrames: FPS } };
}

function grey(width: number, height: number): YuvImage {
  // A ramp, so "over" shows in every sample.
  const plane = (w: number, h: number, f: (x: number, y: number) => number): Plane => ({ width: w, height: h, stride: w, data: Uint8Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w))) });
  return { width, height, y: plane(width, height, (x, y) => 40 + ((x + y) % 160)), u: plane(width / 2, height / 2, (x) => 100 + (x % 50)), v: plane(width / 2, height / 2, (_, y) => 110 + (y % 40)) };
}

/** PSNR of two frames' planes over the luma rows [y0, y1) (and the chroma rows under them). */
function psnr(a: YuvImage, b: YuvImage, y0: number, y1: number): number {
  let se = 0;
  let n = 0;
  for (const [k, r0, r1] of [['y', y0, y1], ['u', y0 / 2, y1 / 2], ['v', y0 / 2, y1 / 2]] as const) {
    for (let i = r0 * a[k].stride; i < r1 * a[k].stride; i++) {
      se += (a[k].data[i]! - b[k].data[i]!) ** 2;
      n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n + 1e-9));
}

describe('card fades in the Node renderer', () => {
  it('a card with 1 s fades is one Chromium picture, blended at each frame opacity as Chromium draws the faded card', async () => {
    const t = cardTimeline();
    const frames = framesOverlays(t, 0, t.durationInFrames);
    const opacities = new Set(frames.map((l) => (l[0] as CardOverlay).opacity));
    // Each step of a 1 s fade has its own opacity (the fade out retraces the fade in's): drawn one
    // picture per step, that would be this many pictures.
    expect(opacities.size).toBe(FPS + 1);
    const distinct = distinctOverlays(frames);
    expect(distinct.map((o) => (o as CardOverlay).opacity)).toEqual([1]);

    const renderer = countingRenderer(session);
    const pictures = new OverlayPictures(renderer, SCALE);
    await pictures.prepare(frames.flat());
    expect(renderer.pictures).toBe(1);

    // The drawer blends the one picture at the frame's opacity; Chromium draws the card at that opacity itself.
    const drawer = segmentOverlayDrawer(t, 0, t.durationInFrames, pictures)!;
    const fadeFrames = [0, 7, 15, 22, 70, 85, t.durationInFrames - 1];
    const faded = fadeFrames.map((f) => describeOverlays(t, f)[0] as CardOverlay);
    expect(faded.every((o) => o.opacity < 1)).toBe(true);
    const regions = faded.map((o) => pictureRegion(o, SCALE).css);
    const chromium: Overlay[] = faded;
    const fromChromium = new Map<number, Buffer>();
    await session.renderTransparentFrames(OVERLAYS_COMPOSITION_ID, overlayFramesConfig({ overlays: chromium, regions }), { overlays: chromium, regions }, SCALE, async (i, png) => {
      fromChromium.set(i, png);
    });
    expect(renderer.pictures).toBe(1); // the comparison pass above is the session's own, not counted
    const W = t.width * SCALE;
    const H = t.height * SCALE;
    const { out } = pictureRegion(faded[0]!, SCALE);
    const report: string[] = [];
    const failures: string[] = [];
    for (const [i, f] of fadeFrames.entries()) {
      const node = grey(W, H);
      await drawer(f, node);
      const { data, info } = await sharp(fromChromium.get(i)!).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const want = grey(W, H);
      blendOverlay(rgbaToLayer(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height), out.x, out.y, want);
      const db = psnr(node, want, out.y, out.y + info.height);
      const bare = psnr(node, grey(W, H), out.y, out.y + info.height);
      report.push(`frame ${f} opacity ${faded[i]!.opacity}: ${db.toFixed(1)} dB (the card against no card: ${bare.toFixed(1)} dB)`);
      // Matches Chromium's faded card far more closely than the card differs from no card at all.
      if (db <= 40 || db < bare + 10 || (faded[i]!.opacity >= 0.25 && bare >= 35)) failures.push(report.at(-1)!);
    }
    console.log(`card fade, Node blend of the one picture vs Chromium's faded card (band):\n${report.join('\n')}`);
    expect(failures).toEqual([]);
    // The one picture is the card's full-opacity overlay, as it shows between the fades.
    expect(pictureOverlay(faded[1]!).key).toBe(describeOverlays(t, 45)[0]!.key);
  }, 300_000);
});
