/**
 * A caption page's word states share one Chromium frame (stacked, src/render/overlays/overlay-pictures.ts),
 * and all but the first are made by converting again only where their colour differs from it. Both
 * must change nothing: on a real Chromium pass, every picture (the cached PNG and the Y'CbCr planes
 * composited) equals the picture of that overlay rendered alone, one a frame, as before stacking -
 * bold captions (one highlighted word, mid-page and on a second line), karaoke (spoken words filled),
 * at two scales. Fewer frames are rendered than pictures (pages share them), a changed page
 * renders only its own, and a pass started early renders only what is not cached.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { overlayFramesConfig, overlaysAtFrame, OVERLAYS_COMPOSITION_ID, type CaptionOverlay, type Overlay, type OverlayFramesProps } from '../../src/frame/overlay';
import { decodePicture, OverlayPictures, pictureRegion, stackPitch, type OverlayPicture, type OverlayPictureRenderer } from '../../src/render/overlays/overlay-pictures';
import { distinctOverlays } from '../../src/render/overlays/segment-overlays';
import { RenderSession } from '../../src/render/render-session';
import { captionTimeline, type PageSpec } from '../captions/overlay-timeline';
import { tempDir } from '../helpers/fixtures';

let dir: string;
let session: RenderSession;

beforeAll(async () => {
  dir = await tempDir('stillmotion-overlay-stacks-');
  session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
});
afterAll(async () => {
  await session?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Pages of words 400 ms apart (a page's words are its word states). */
function pages(...texts: string[]): PageSpec[] {
  let ms = 0;
  return texts.map((text) => ({ words: text.split(' ').map((w) => [w, (ms += 400) - 400] as [string, number]) }));
}

/** Every distinct overlay a timeline shows, in the order it shows them. */
function overlaysOf(style: 'bold' | 'karaoke', specs: PageSpec[]): Overlay[] {
  const t = captionTimeline({ format: '9:16', frames: 30 * 12, style, pages: specs });
  return distinctOverlays(Array.from({ length: t.durationInFrames }, (_, f) => describeOverlays(t, f)));
}

/** The session, counting Chromium frames and the pictures in them; in its own cache folder. */
function counting(cacheDir: string): OverlayPictureRenderer & { frames: number; pictures: number } {
  const c = {
    frames: 0,
    pictures: 0,
    serveUrl: session.serveUrl,
    browser: session.browser,
    cacheDir,
    renderTransparentFrames: (...args: Parameters<OverlayPictureRenderer['renderTransparentFrames']>) => {
      const [id, config, props, scale, onFrame] = args;
      return session.renderTransparentFrames(id, config, props, scale, async (frame, png) => {
        c.frames++;
        c.pictures += overlaysAtFrame(props as OverlayFramesProps, frame).length;
        await onFrame(frame, png);
      });
    },
  };
  return c;
}

/** Each overlay rendered alone (one a frame, no stacks): its band's RGBA and the picture made from it, as before stacking. */
async function alone(list: Overlay[], scale: number): Promise<{ rgba: Buffer; picture: OverlayPicture }[]> {
  const props: OverlayFramesProps = { overlays: list, regions: list.map((o) => pictureRegion(o, scale).css) };
  const out: { rgba: Buffer; picture: OverlayPicture }[] = [];
  await session.renderTransparentFrames(OVERLAYS_COMPOSITION_ID, overlayFramesConfig(props), props, scale, async (frame, png) => {
    out[frame] = { rgba: await sharp(png).ensureAlpha().raw().toBuffer(), picture: await decodePicture(png, list[frame]!, scale) };
  });
  return out;
}

function samePicture(got: OverlayPicture, want: OverlayPicture, what: string): void {
  expect([got.x, got.y, got.image.width, got.image.height], what).toEqual([want.x, want.y, want.image.width, want.image.height]);
  for (const k of ['y', 'u', 'v', 'a', 'ac'] as const) {
    expect(Buffer.compare(Buffer.from(got.image[k].data), Buffer.from(want.image[k].data)), `${what}: plane ${k}`).toBe(0);
  }
  expect(got.image.box, what).toEqual(want.image.box);
}

describe('caption pages stacked in one Chromium frame', () => {
  const cases = [
    // Two lines a page at 18 characters a line: the highlight moves mid-line and onto the second line.
    { style: 'bold' as const, scale: 0.5, specs: pages('Every launch starts with a countdown', 'Ten engineers one rocket'), frames: 3 },
    { style: 'karaoke' as const, scale: 0.5, specs: pages('The tower falls away', 'and the engines light up'), frames: 2 },
    { style: 'bold' as const, scale: 1, specs: pages('Quiet before the sky opens'), frames: 2 },
  ];
  for (const c of cases) {
    it(`${c.style} at scale ${c.scale}: every word state equals the overlay rendered alone`, async () => {
      const list = overlaysOf(c.style, c.specs);
      const captions = list.filter((o): o is CaptionOverlay => o.kind === 'caption');
      expect(captions.length).toBe(list.length);
      // Mid-page states are there (neither the first nor the last word spoken).
      expect(captions.some((o) => o.active > 0 && o.active < o.words.length - 1)).toBe(true);
      expect(stackPitch(pictureRegion(list[0]!, c.scale).css.height, c.scale)).not.toBeNull();
      const renderer = counting(path.join(dir, `${c.style}-${c.scale}`));
      const pictures = new OverlayPictures(renderer, c.scale);
      await pictures.prepare(list);
      expect(renderer.pictures).toBe(list.length);
      // The first picture alone (the first frame drawn waits for it), then whole pages.
      expect(renderer.frames).toBe(c.frames);
      const want = await alone(list, c.scale);
      for (const [i, o] of captions.entries()) {
        const what = `${c.style} page "${o.words.join(' ')}", word ${o.active}`;
        samePicture(await pictures.picture(o), want[i]!.picture, what);
        const { data } = await sharp(pictures.file(o)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        expect(Buffer.compare(data, want[i]!.rgba), `${what}: cached PNG`).toBe(0);
      }
      // Read back from the cache (no Chromium frame): the same pictures.
      const frames = renderer.frames;
      const again = new OverlayPictures(renderer, c.scale);
      await again.prepare(list);
      expect(renderer.frames, 'all cached').toBe(frames);
      for (const o of list) samePicture(await again.picture(o), await pictures.picture(o), 'from the cache');
    }, 300_000);
  }

  it('a changed page renders only its own word states', async () => {
    const renderer = counting(path.join(dir, 'changed'));
    const before = overlaysOf('bold', pages('Every launch starts here', 'Ten engineers wait'));
    await new OverlayPictures(renderer, 0.5).prepare(before);
    const after = overlaysOf('bold', pages('Every launch starts here', 'Nine engineers wait'));
    const first = { frames: renderer.frames, pictures: renderer.pictures };
    await new OverlayPictures(renderer, 0.5).prepare(after);
    expect(renderer.pictures - first.pictures).toBe(3);
  }, 300_000);

  it('prepareMissing (a render starting its pass with its preparation) renders only what is not cached, and reads nothing', async () => {
    const renderer = counting(path.join(dir, 'early'));
    const cached = overlaysOf('bold', pages('Every launch starts here'));
    await new OverlayPictures(renderer, 0.5).prepare(cached);
    const all = overlaysOf('bold', pages('Every launch starts here', 'Ten engineers wait'));
    const pictures = new OverlayPictures(renderer, 0.5);
    const before = renderer.pictures;
    await pictures.prepareMissing(all);
    expect(renderer.pictures - before).toBe(all.length - cached.length);
    // The cached page was not read: asking for it before `prepare` fails; after it, no Chromium frame is needed.
    await expect(pictures.picture(cached[0]!)).rejects.toThrow(/not prepared/);
    const frames = renderer.frames;
    await pictures.prepare(all);
    expect(renderer.frames).toBe(frames);
    for (const o of all) expect((await pictures.picture(o)).image.width).toBeGreaterThan(0);
  }, 300_000);
});
