/**
 * A fading card is one picture, not one per opacity step: the Node renderer draws the card once at
 * full opacity and blends it at each frame's opacity. Counted on the drawer, and checked against
 * Chromium's own rendering of the faded card (the page draws the card on its canvas at that CSS
 * opacity over the scene): a real plan with a title card, one segment rendered by Node and by
 * Chromium, compared in the card's band at frames of the fades.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { pictureOverlay, type CardOverlay } from '../../src/frame/overlay';
import { runFf } from '../../src/media/ffmpeg';
import { loadPlanFile } from '../../src/plan/load-plan';
import { OverlayPictures, pictureRegion } from '../../src/render/overlays/overlay-pictures';
import { distinctOverlays, framesOverlays, segmentOverlayDrawer } from '../../src/render/overlays/segment-overlays';
import { RenderSession } from '../../src/render/render-session';
import { tempDir, writePlan } from '../helpers/fixtures';
import { psnr } from '../helpers/frame-compare';
import { segmentBothWays } from '../helpers/segment-pair';

const SCALE = 0.5;
const rocket = path.resolve('examples/launch-day/images/rocket.jpg');
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

/** The RGB of frame `frame` of a video. */
async function frameAt(file: string, frame: number, fps: number): Promise<{ data: Buffer; width: number }> {
  const png = `${file}.${frame}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', String((frame + 0.5) / fps), '-i', file, '-frames:v', '1', png]);
  if (r.code !== 0) throw new Error(r.stderr);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width };
}

describe('card fades in the Node renderer', () => {
  it('a card with fades is one picture, blended at each frame opacity as Chromium draws the faded card', async () => {
    const planFile = await writePlan(
      dir,
      { title: 'fades', formats: ['9:16'], captions: false, titleCard: { text: 'Harbour Lights', subtitle: 'a night film', seconds: 2 }, sections: [{ id: 'a', image: rocket, duration: 2, tier: 1, motion: { preset: 'zoom-in', amount: 0.2 } }] },
      'plan.json',
    );
    const loaded = await loadPlanFile(planFile, { policy: { allowOutsidePaths: true } });
    const prepared = await session.prepare(loaded, '9:16', SCALE);
    const t = prepared.timeline;
    const frames = framesOverlays(t, 0, t.durationInFrames);
    const cards = frames.map((l) => l.find((o): o is CardOverlay => o.kind === 'card'));
    const opacities = new Set(cards.map((c) => c?.opacity ?? 0));
    // Each step of the fades has its own opacity: drawn one picture per step, that would be this many pictures.
    expect(opacities.size).toBeGreaterThan(10);
    expect(distinctOverlays(frames).map((o) => (o as CardOverlay).opacity)).toEqual([1]);

    // The drawer draws the card once, whatever the opacities it blends it at.
    const pictures = new OverlayPictures(SCALE);
    const drawer = segmentOverlayDrawer(t, 0, t.durationInFrames, pictures)!;
    const frame = (): Parameters<typeof drawer>[1] => {
      const plane = (w: number, h: number) => ({ width: w, height: h, stride: w, data: new Uint8Array(w * h).fill(100) });
      const w = t.width * SCALE;
      const h = t.height * SCALE;
      return { width: w, height: h, y: plane(w, h), u: plane(w / 2, h / 2), v: plane(w / 2, h / 2) };
    };
    for (let f = 0; f < t.durationInFrames; f++) drawer(f, frame());
    expect(pictures.drawn).toBe(1);

    // Node's frames against Chromium's, in the card's band, at frames of both fades.
    const { direct, browser } = await segmentBothWays(session, prepared, dir, SCALE);
    const fading = cards.flatMap((c, f) => (c && c.opacity > 0.15 && c.opacity < 0.9 ? [f] : []));
    const picks = [fading[0]!, fading[Math.floor(fading.length / 2)]!, fading.at(-1)!];
    const report: string[] = [];
    const failures: string[] = [];
    for (const f of picks) {
      const card = cards[f]!;
      const band = pictureRegion(card, SCALE);
      const a = await frameAt(direct, f, t.fps);
      const b = await frameAt(browser, f, t.fps);
      const rows = (img: { data: Buffer; width: number }): Uint8Array => img.data.subarray(band.y * img.width * 3, (band.y + band.height) * img.width * 3);
      const db = psnr(rows(a), rows(b));
      report.push(`frame ${f} opacity ${card.opacity}: card band ${db.toFixed(1)} dB`);
      if (db <= 32) failures.push(report.at(-1)!);
    }
    console.log(`card fade, Node's one picture blended vs Chromium's faded card:\n${report.join('\n')}`);
    expect(failures).toEqual([]);
    // The one picture is the card's full-opacity overlay.
    expect(pictureOverlay(cards[picks[0]!]!).key).toBe(pictureOverlay(cards[picks[1]!]!).key);
  }, 300_000);
});
