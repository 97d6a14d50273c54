/**
 * A caption page's word states are made in Node from two Chromium pictures of the page - no word
 * lit and every word lit, with each word's box (src/render/overlays/page-states.ts) - stacked with
 * other pages in one Chromium frame (src/render/overlays/overlay-pictures.ts), and converted again
 * only where a state's colour differs from the state before. None of it may change a pixel: on a
 * real Chromium pass, every state (its RGBA, and the Y'CbCr planes composited) equals that state
 * rendered alone, one a frame - bold captions (one highlighted word, mid-page and on a second
 * line), karaoke (spoken words filled; descenders over the next line, accented capitals under the
 * line before, emoji and right-to-left words), at two scales. A page costs two pictures whatever
 * its words, a changed page renders only its own, and a pass started early renders only what is not cached.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { overlayFramesConfig, OVERLAYS_COMPOSITION_ID, type CaptionOverlay, type Overlay, type OverlayFramesProps } from '../../src/frame/overlay';
import { decodePicture, OverlayPictures, pictureRegion, stackPitch, type OverlayPicture } from '../../src/render/overlays/overlay-pictures';
import { sourcesOf } from '../../src/render/overlays/page-states';
import { distinctOverlays } from '../../src/render/overlays/segment-overlays';
import { RenderSession } from '../../src/render/render-session';
import { captionTimeline, type PageSpec } from '../captions/overlay-timeline';
import { countingRenderer } from '../helpers/counting-renderer';
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

/** The distinct pictures Chromium draws for `list`: each page plain, and lit where a state lights a word. */
function sourceCount(list: Overlay[]): number {
  return new Set(list.flatMap((o) => sourcesOf(o).map((s) => s.key))).size;
}

describe('caption pages stacked in one Chromium frame', () => {
  const cases = [
    // Two lines a page at 18 characters a line: the highlight moves mid-line and onto the second line.
    { style: 'bold' as const, scale: 0.5, specs: pages('Every launch starts with a countdown', 'Ten engineers one rocket'), frames: 2 },
    { style: 'karaoke' as const, scale: 0.5, specs: pages('The tower falls away', 'and the engines light up'), frames: 2 },
    { style: 'bold' as const, scale: 1, specs: pages('Quiet before the sky opens'), frames: 1 },
    // Descenders (g, y, p, j) over the next line's accented capitals; emoji and Hebrew in a line.
    { style: 'karaoke' as const, scale: 0.5, specs: pages('Glowing yellow pygmy jays Émile Ångström Über', 'Launch 🚀 שלום עולם day'), frames: 2 },
    // Capitals: Q and J under the line box, accents over it, on lines closer than the font's ascent and descent.
    { style: 'bold' as const, scale: 1, specs: pages('Quick jumping jays Éclat Ångström Über'), frames: 1 },
  ];
  for (const c of cases) {
    it(`${c.style} at scale ${c.scale}: every word state equals the overlay rendered alone`, async () => {
      const list = overlaysOf(c.style, c.specs);
      const captions = list.filter((o): o is CaptionOverlay => o.kind === 'caption');
      expect(captions.length).toBe(list.length);
      // Mid-page states are there (neither the first nor the last word spoken).
      expect(captions.some((o) => o.active > 0 && o.active < o.words.length - 1)).toBe(true);
      expect(stackPitch(pictureRegion(list[0]!, c.scale).css.height, c.scale)).not.toBeNull();
      const renderer = countingRenderer(session, path.join(dir, `${c.style}-${c.scale}-${c.specs.length}-${c.specs[0]!.words.length}`));
      const pictures = new OverlayPictures(renderer, c.scale);
      await pictures.prepare(list);
      // Two pictures a page (plain and lit), however many words it has.
      expect(renderer.pictures).toBe(sourceCount(list));
      expect(renderer.pictures).toBe(2 * c.specs.length);
      expect(renderer.pictures).toBeLessThan(list.length);
      // The first page alone (the first frame drawn waits for it), then whole pages.
      expect(renderer.frames).toBe(c.frames);
      const want = await alone(list, c.scale);
      for (const [i, o] of captions.entries()) {
        const what = `${c.style} page "${o.words.join(' ')}", word ${o.active}`;
        samePicture(await pictures.picture(o), want[i]!.picture, what);
        const cached = await pictures.rgba(o);
        expect(Buffer.compare(Buffer.from(cached.data), want[i]!.rgba), `${what}: from the cached page pictures`).toBe(0);
      }
      // Read back from the cache (no Chromium frame): the same pictures.
      const frames = renderer.frames;
      const again = new OverlayPictures(renderer, c.scale);
      await again.prepare(list);
      expect(renderer.frames, 'all cached').toBe(frames);
      for (const o of list) samePicture(await again.picture(o), await pictures.picture(o), 'from the cache');
    }, 300_000);
  }

  it('a changed page renders only its own two pictures', async () => {
    const renderer = countingRenderer(session, path.join(dir, 'changed'));
    const before = overlaysOf('bold', pages('Every launch starts here', 'Ten engineers wait'));
    await new OverlayPictures(renderer, 0.5).prepare(before);
    const after = overlaysOf('bold', pages('Every launch starts here', 'Nine engineers wait'));
    const first = { frames: renderer.frames, pictures: renderer.pictures };
    await new OverlayPictures(renderer, 0.5).prepare(after);
    expect(renderer.pictures - first.pictures).toBe(2);
  }, 300_000);

  it('renders again, not trusts, a cached page picture of the wrong size or word boxes that do not fit the page', async () => {
    const renderer = countingRenderer(session, path.join(dir, 'damaged'));
    const list = overlaysOf('bold', pages('Every launch starts here', 'Ten engineers wait'));
    const first = new OverlayPictures(renderer, 0.5);
    await first.prepare(list);
    const [plain, lit] = sourcesOf(list.find((o) => o.kind === 'caption' && o.active === 1)!);
    // A plain page's PNG of another size; a lit page's boxes cut short (the other page's lit boxes: one word too few).
    await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toFile(first.file(plain!));
    await fs.writeFile(first.file(lit!).replace(/\.png$/, '.words.json'), '[[0,0,10,10]]');
    const before = renderer.pictures;
    const again = new OverlayPictures(renderer, 0.5);
    await again.prepare(list);
    expect(renderer.pictures - before).toBe(2);
    for (const o of list) samePicture(await again.picture(o), await first.picture(o), 'made again');
  }, 300_000);

  it('prepareMissing (a render starting its pass with its preparation) renders only what is not cached, and reads nothing', async () => {
    const renderer = countingRenderer(session, path.join(dir, 'early'));
    const cached = overlaysOf('bold', pages('Every launch starts here'));
    await new OverlayPictures(renderer, 0.5).prepare(cached);
    const all = overlaysOf('bold', pages('Every launch starts here', 'Ten engineers wait'));
    const pictures = new OverlayPictures(renderer, 0.5);
    const before = renderer.pictures;
    await pictures.prepareMissing(all);
    expect(renderer.pictures - before).toBe(sourceCount(all) - sourceCount(cached));
    // The cached page was not read: asking for it before `prepare` fails; after it, no Chromium frame is needed.
    await expect(pictures.picture(cached[0]!)).rejects.toThrow(/not prepared/);
    const frames = renderer.frames;
    await pictures.prepare(all);
    expect(renderer.frames).toBe(frames);
    for (const o of all) expect((await pictures.picture(o)).image.width).toBeGreaterThan(0);
  }, 300_000);
});
