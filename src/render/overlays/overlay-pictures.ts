/**
 * Overlays (captions, cards) for frames drawn in Node: a caption page looks the same for many
 * frames, so each DISTINCT overlay is rendered once in Chromium, by the same React component that
 * draws it over the scenes in StoryVideo (the `Overlays` composition: on a transparent background,
 * only its band of the frame), kept as a PNG in the cache (<cacheDir>/overlays, keyed by the
 * overlay's key, the bundle, the browser and the scale), converted to premultiplied Y'CbCr once,
 * and composited over every frame that shows it (src/render/direct/overlay-blend.ts). A fading
 * card is one picture, at full opacity (`pictureOverlay`), blended at each frame's opacity.
 *
 * A caption page's word states (the spoken word highlighted, or the words spoken so far filled)
 * differ only in which words' fill has the active colour, so Chromium draws each page twice - no
 * word lit, every word lit, with each word's box (page-states.ts) - and Node makes every state
 * from the two, exactly as Chromium draws it alone. A Chromium frame costs more than the pixels
 * in it, so pages are drawn one under the other in one frame, each exactly as it draws alone
 * (moved by whole output pixels); and as a page's states differ from the state before in one
 * word's colour, only that part of each is converted again (`recoloured`).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../../cache/content-hash';
import { writeFileAtomic } from '../../fs/atomic-write';
import { overlayFramesConfig, overlaysAtFrame, OVERLAYS_COMPOSITION_ID, pictureOverlay, WORD_BOXES_ARTIFACT, type Overlay, type OverlayFramesProps, type OverlayRegion } from '../../frame/overlay';
import { rgbaToLayer, type LayerImage } from '../direct/layer-image';
import type { Plane } from '../direct/resample';
import { yuvPlanes } from '../direct/yuv-image';
import { sourcesOf, stateRgba, wordPixels, type WordBox, type WordPixels } from './page-states';

/** What renders overlay pictures: a render session (RenderSession has this shape). */
export interface OverlayPictureRenderer {
  readonly serveUrl: string;
  readonly browser: { executable: string | null };
  readonly cacheDir: string;
  renderTransparentFrames(
    compositionId: string,
    config: { width: number; height: number; fps: number; durationInFrames: number },
    inputProps: Record<string, unknown>,
    scale: number,
    onFrame: (frame: number, png: Buffer) => Promise<void>,
    onArtifact?: (filename: string, content: string) => void,
  ): Promise<void>;
}

/**
 * An overlay's picture: the part of its band its visible pixels take (visibleCrop), at the output
 * size, premultiplied 4:2:0 with alpha, and where it goes in the frame (output px, even).
 */
export interface OverlayPicture {
  image: LayerImage;
  x: number;
  y: number;
}

/** The part of the frame an overlay's picture covers: its band, widened to even output pixels (chroma stays aligned). */
export function pictureRegion(o: Overlay, scale: number): { out: { x: number; y: number }; css: OverlayRegion } {
  const even = (v: number, up: boolean): number => (up ? Math.ceil(v / 2) : Math.floor(v / 2)) * 2;
  const x = Math.max(0, even(o.box.x * scale, false));
  const y = Math.max(0, even(o.box.y * scale, false));
  const x1 = Math.min(Math.round(o.frame.width * scale), even((o.box.x + o.box.w) * scale, true));
  const y1 = Math.min(Math.round(o.frame.height * scale), even((o.box.y + o.box.h) * scale, true));
  return { out: { x, y }, css: { x: x / scale, y: y / scale, width: Math.ceil((x1 - x) / scale), height: Math.ceil((y1 - y) / scale) } };
}

/**
 * The part of an RGBA picture its visible pixels take (alpha above 0), widened to even pixels
 * (chroma stays aligned) and at least 2x2: text fills a fraction of its band, so converting and
 * blending only this part saves most of the work.
 */
export function visibleCrop(rgba: Uint8Array, width: number, height: number): { x: number; y: number; width: number; height: number } {
  let x0 = width;
  let y0 = height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4 + 3;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (rgba[row + x * 4] === 0) continue;
      if (first < 0) first = x;
      last = x;
    }
    if (first < 0) continue;
    if (first < x0) x0 = first;
    if (last + 1 > x1) x1 = last + 1;
    if (y < y0) y0 = y;
    y1 = y + 1;
  }
  if (x1 <= x0) return { x: 0, y: 0, width: Math.min(2, width), height: Math.min(2, height) };
  const ex0 = x0 & ~1;
  const ey0 = y0 & ~1;
  const ex1 = Math.min(width, x1 + (x1 & 1));
  const ey1 = Math.min(height, y1 + (y1 & 1));
  return { x: ex0, y: ey0, width: ex1 - ex0, height: ey1 - ey0 };
}

/** The RGBA pixels of a PNG (a file or its bytes). */
async function rgbaOf(png: Uint8Array | string): Promise<{ rgba: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png, { failOn: 'error' }).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { rgba: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** A picture and the pixels it was made from (its region's, `width` px a row) and which part of them it holds. */
interface MadePicture {
  picture: OverlayPicture;
  rgba: Uint8Array;
  width: number;
  crop: { x: number; y: number; width: number; height: number };
}

/** An overlay's picture from the RGBA pixels of its region (pictureRegion, at the output size). */
function pictureOf(rgba: Uint8Array, width: number, height: number, o: Overlay, scale: number): MadePicture {
  const c = visibleCrop(rgba, width, height);
  const part = new Uint8Array(c.width * c.height * 4);
  for (let y = 0; y < c.height; y++) part.set(rgba.subarray(((c.y + y) * width + c.x) * 4, ((c.y + y) * width + c.x + c.width) * 4), y * c.width * 4);
  const { out } = pictureRegion(o, scale);
  return { picture: { image: rgbaToLayer(part, c.width, c.height), x: out.x + c.x, y: out.y + c.y }, rgba, width, crop: c };
}

/**
 * The picture of `rgba` (a region's pixels, as `like`'s) when it differs from `like` in colour
 * alone (a caption page with another word spoken): `like`'s planes with the part where colour
 * differs converted again, widened to whole 2x2 blocks (the conversion is per block, so this is
 * what converting it all gives), its alpha shared. Null where alpha differs (convert it all).
 */
function recoloured(rgba: Uint8Array, like: MadePicture): OverlayPicture | null {
  const { width, crop: c } = like;
  if (rgba.length !== like.rgba.length) return null;
  let x0 = width;
  let y0 = rgba.length;
  let x1 = -1;
  let y1 = -1;
  for (let p = 0; p < rgba.length; p += 4) {
    const al = rgba[p + 3]!;
    if (al !== like.rgba[p + 3]) return null;
    // Colour under alpha 0 draws nothing.
    if (al === 0 || (rgba[p] === like.rgba[p] && rgba[p + 1] === like.rgba[p + 1] && rgba[p + 2] === like.rgba[p + 2])) continue;
    const x = (p >> 2) % width;
    const y = ((p >> 2) - x) / width;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (x1 < 0) return like.picture;
  // In the crop's coordinates (even: chroma blocks stay whole), end exclusive.
  const bx0 = (x0 - c.x) & ~1;
  const by0 = (y0 - c.y) & ~1;
  const bx1 = Math.min(c.width, (x1 + 1 - c.x + 1) & ~1);
  const by1 = Math.min(c.height, (y1 + 1 - c.y + 1) & ~1);
  const w = bx1 - bx0;
  const h = by1 - by0;
  const part = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) part.set(rgba.subarray(((c.y + by0 + y) * width + c.x + bx0) * 4, ((c.y + by0 + y) * width + c.x + bx1) * 4), y * w * 4);
  const fresh = yuvPlanes(part, w, h, 4, 0);
  const base = like.picture.image;
  const patch = (into: Plane, from: Plane, px: number, py: number): Plane => {
    const data = into.data.slice();
    for (let y = 0; y < from.height; y++) data.set(from.data.subarray(y * from.stride, y * from.stride + from.width), (py + y) * into.stride + px);
    return { ...into, data };
  };
  const image: LayerImage = { ...base, y: patch(base.y, fresh.y, bx0, by0), u: patch(base.u, fresh.u, bx0 >> 1, by0 >> 1), v: patch(base.v, fresh.v, bx0 >> 1, by0 >> 1) };
  return { ...like.picture, image };
}

/** The picture of an overlay from the PNG of its region alone, converted as a pass converts it (the reference the tests compare passes with). */
export async function decodePicture(png: Uint8Array | string, o: Overlay, scale: number): Promise<OverlayPicture> {
  const { rgba, width, height } = await rgbaOf(png);
  return pictureOf(rgba, width, height, o, scale).picture;
}

/**
 * Most overlays one Chromium frame holds: a bound, so that no picture waits long for the others in
 * its frame. How many a frame does hold is chosen per pass (stackCapacity).
 */
const MAX_STACK = 8;

/**
 * What a Chromium frame costs besides its pixels (seek, screenshot call, hand-over), as the pixels
 * that cost as much. Measured on 9:16 bold captions (950x326 bands, 2 cores): about 0.07 CPU-s a
 * frame, all processes, and 0.055 CPU-s a band's 0.31 MP of frame.
 */
const FRAME_COST_PIXELS = 400_000;

/**
 * The pitch (CSS px) overlays of `height` CSS px are stacked at in one frame: the least at least
 * `height` that is whole output pixels at `scale` (each then draws the same pixels as alone, moved
 * by whole pixels); null when none is near (then one overlay a frame).
 */
export function stackPitch(height: number, scale: number): number | null {
  for (let p = height; p <= height + 64; p++) {
    const out = p * scale;
    if (Math.abs(out - Math.round(out)) < 1e-9) return p;
  }
  return null;
}

/** The page an overlay shows: a caption page whatever its spoken word (its word states, and its plain and lit pictures, differ in colour only); anything else is its own. */
function pageOf(o: Overlay): string {
  if (o.kind !== 'caption') return o.key;
  const { key: _key, active: _active, litAll: _lit, ...page } = o;
  return JSON.stringify(page);
}

/**
 * Makes overlays' pictures from the pixels of their regions, in the order they are shown: a
 * caption page's next word state, which differs from the state before it in colour alone, is that
 * picture `recoloured`; anything else is converted whole. Only the last picture is kept.
 */
class PictureMaker {
  private last: { page: string; made: MadePicture } | null = null;
  constructor(private readonly scale: number) {}

  picture(rgba: Uint8Array, width: number, height: number, o: Overlay): OverlayPicture {
    const page = pageOf(o);
    const again = this.last?.page === page ? recoloured(rgba, this.last.made) : null;
    if (again) return again;
    const made = pictureOf(rgba, width, height, o, this.scale);
    this.last = { page, made };
    return made.picture;
  }
}

/**
 * Where frames start, for overlays in the order frames show them: the first page alone (the
 * first frame drawn waits for it), then whole pages while they fit `capacity` (a longer page is split).
 */
export function stackStarts(list: readonly Overlay[], capacity: number): number[] {
  const pages = list.map(pageOf);
  const starts: number[] = [];
  pages.forEach((page, i) => {
    const from = starts.at(-1);
    let run = 0;
    if (i === 0 || page !== pages[i - 1]) while (pages[i + run] === page) run++;
    if (from === undefined || (from === 0 && page !== pages[0]) || i - from >= capacity || i - from + run > capacity) starts.push(i);
  });
  return starts;
}

/**
 * How many overlays a frame holds (up to MAX_STACK), for the least Chromium work: every frame of a
 * pass is as tall as its fullest one (the composition's size, overlayFramesConfig), so a frame of
 * a stack that is not full draws, screenshots and hands over empty rows - the first frame (one
 * page) most of all - while each frame also costs FRAME_COST_PIXELS.
 */
export function stackCapacity(list: Overlay[], regions: OverlayRegion[], pitch: number, scale: number): number {
  let best = 1;
  let bestCost = Infinity;
  for (let capacity = 1; capacity <= MAX_STACK; capacity++) {
    const c = overlayFramesConfig({ overlays: list, regions, stacks: { starts: stackStarts(list, capacity), pitch } });
    const cost = c.durationInFrames * (FRAME_COST_PIXELS + Math.round(c.width * scale) * Math.round(c.height * scale));
    if (cost < bestCost) {
      best = capacity;
      bestCost = cost;
    }
  }
  return best;
}

/** What Chromium drew for an overlay (a source, see page-states.ts): its band's RGBA, and a lit page's word boxes (output px). */
interface SourcePixels {
  rgba: Uint8Array;
  width: number;
  height: number;
  boxes: WordBox[] | null;
}

/** Where a page's plain and lit pictures differ, by word. */
function wordPixelsOf(plain: SourcePixels, lit: SourcePixels): WordPixels {
  return wordPixels(plain.rgba, lit.rgba, plain.width, lit.boxes ?? []);
}

/** The RGBA of `o` from what Chromium drew for it (sourcesOf): a caption state from its page's plain and lit pictures, anything else as drawn. */
function sourcesRgba(o: Overlay, plain: SourcePixels, lit: SourcePixels | undefined, differ: () => WordPixels): Uint8Array {
  return o.kind === 'caption' && lit ? stateRgba(o, plain.rgba, lit.rgba, differ()) : plain.rgba;
}

/** Word boxes as the Overlays composition hands them over (CSS px of the region), in output px of the picture; null for other artifacts. */
function parseWordBoxes(filename: string, content: string, scale: number): { key: string; boxes: WordBox[] } | null {
  if (!filename.startsWith(WORD_BOXES_ARTIFACT)) return null;
  const { key, boxes } = JSON.parse(content) as { key: string; boxes: WordBox[] };
  return { key, boxes: boxes.map((b) => b.map((v) => v * scale) as WordBox) };
}

/** The pictures of a render's overlays at one scale: rendered (or read from the cache) once each. */
export class OverlayPictures {
  /** Each overlay's picture by key: read from the cache, being rendered, or there. */
  private readonly pictures = new Map<string, Promise<OverlayPicture>>();
  private readonly dir: string;

  constructor(
    private readonly renderer: OverlayPictureRenderer,
    private readonly scale: number,
  ) {
    this.dir = path.join(renderer.cacheDir, 'overlays');
  }

  /**
   * The cache file of what Chromium draws for a source (page-states.ts: a card, a caption page
   * plain or lit): the PNG of its band; everything that changes its pixels is in the name.
   */
  file(o: Overlay): string {
    const r = this.renderer;
    const key = contentHash('overlay-v2', path.basename(r.serveUrl), r.browser.executable ?? 'remotion', this.scale, pictureOverlay(o).key);
    return path.join(this.dir, `${key}.png`);
  }

  /** The cache file of a lit caption page's word boxes (JSON, output px), beside its PNG. */
  private boxesFile(o: Overlay): string {
    return this.file(o).replace(/\.png$/, '.words.json');
  }

  /** The cache files a source needs: its PNG, and a lit caption page's word boxes. */
  private sourceFiles(o: Overlay): { png: string; boxes: string | null } {
    return { png: this.file(o), boxes: o.kind === 'caption' && o.litAll ? this.boxesFile(o) : null };
  }

  /**
   * A source's pixels from the cache, or null when they are not (wholly) there or not sound: the
   * PNG must decode at its band's size, and a lit page's boxes be one [x, y, width, height] of
   * finite numbers per word (anything else is rendered again, not trusted).
   */
  private async cachedSource(o: Overlay): Promise<SourcePixels | null> {
    const files = this.sourceFiles(o);
    const [file, boxes] = await Promise.all([
      rgbaOf(files.png).catch(() => null),
      files.boxes ? fs.readFile(files.boxes, 'utf8').then((t) => JSON.parse(t) as unknown, () => null) : null,
    ]);
    const { css } = pictureRegion(o, this.scale);
    if (!file || file.width !== Math.round(css.width * this.scale) || file.height !== Math.round(css.height * this.scale)) return null;
    if (!files.boxes) return { ...file, boxes: null };
    const words = o.kind === 'caption' ? o.words.length : 0;
    const sound = Array.isArray(boxes) && boxes.length === words && boxes.every((b) => Array.isArray(b) && b.length === 4 && b.every((v) => Number.isFinite(v)));
    return sound ? { ...file, boxes: boxes as WordBox[] } : null;
  }

  /**
   * The RGBA of an overlay's band as Chromium draws it (a caption state: made from its page's
   * cached pictures), from the cache; for checks and tools, after `prepare`.
   */
  async rgba(o: Overlay): Promise<{ data: Uint8Array; width: number; height: number }> {
    const shown = pictureOverlay(o);
    const sources = await Promise.all(sourcesOf(shown).map((s) => this.cachedSource(s)));
    if (sources.some((s) => !s)) throw new Error(`overlay picture not in the cache: ${shown.key}`);
    const [plain, lit] = sources as SourcePixels[];
    return { data: sourcesRgba(shown, plain!, lit, () => wordPixelsOf(plain!, lit!)), width: plain!.width, height: plain!.height };
  }

  /**
   * Starts making the pictures of `overlays` it does not have yet: cached files are read, the rest
   * rendered in one Chromium pass, in the order given (the order frames show them), and `picture`
   * hands out each as soon as it is there, so frames drawn in Node need not wait for the whole
   * pass. A caption state is made from its page's plain and lit pictures (page-states.ts): a
   * page costs Chromium two pictures, whatever its words. Resolves when all are made; rejects, as
   * do their `picture`s, when one cannot be.
   */
  prepare(overlays: Iterable<Overlay>): Promise<void> {
    const fresh = new Map<string, { o: Overlay; sources: Overlay[]; resolve: (p: OverlayPicture) => void; reject: (e: unknown) => void; done: boolean }>();
    for (const shown of overlays) {
      const o = pictureOverlay(shown);
      if (this.pictures.has(o.key) || fresh.has(o.key)) continue;
      const entry = { o, sources: sourcesOf(o), resolve: (_: OverlayPicture) => {}, reject: (_: unknown) => {}, done: false };
      const promise = new Promise<OverlayPicture>((resolve, reject) => Object.assign(entry, { resolve, reject }));
      // Awaited by the frames that show it; a failure nobody waits for is reported by the returned promise.
      promise.catch(() => undefined);
      this.pictures.set(o.key, promise);
      fresh.set(o.key, entry);
    }
    /** What Chromium draws for them, each once, in the order they are first shown. */
    const sources = new Map<string, Overlay>();
    /** How many unmade pictures each source is still needed for (its pixels are let go at 0). */
    const uses = new Map<string, number>();
    for (const e of fresh.values()) {
      for (const s of e.sources) {
        sources.set(s.key, s);
        uses.set(s.key, (uses.get(s.key) ?? 0) + 1);
      }
    }
    const got = new Map<string, SourcePixels>();
    const differs = new Map<string, WordPixels>();
    const maker = new PictureMaker(this.scale);
    /** Makes every picture whose sources are all there (in the order shown), and lets go of sources no longer needed. */
    const makeReady = (): void => {
      for (const e of fresh.values()) {
        if (e.done || !e.sources.every((s) => got.has(s.key))) continue;
        const [plain, lit] = e.sources.map((s) => got.get(s.key)!);
        const rgba = sourcesRgba(e.o, plain!, lit, () => {
          // Once per page: its states share it.
          const litKey = e.sources[1]!.key;
          const differ = differs.get(litKey) ?? wordPixelsOf(plain!, lit!);
          differs.set(litKey, differ);
          return differ;
        });
        e.done = true;
        e.resolve(maker.picture(rgba, plain!.width, plain!.height, e.o));
        for (const s of e.sources) {
          const left = uses.get(s.key)! - 1;
          uses.set(s.key, left);
          if (left === 0) {
            got.delete(s.key);
            differs.delete(s.key);
          }
        }
      }
    };
    const make = async (): Promise<void> => {
      const missing: Overlay[] = [];
      for (const s of sources.values()) {
        const cached = await this.cachedSource(s);
        if (cached) got.set(s.key, cached);
        else missing.push(s);
      }
      makeReady();
      if (!missing.length) return;
      await fs.mkdir(this.dir, { recursive: true });
      // A lit page's pixels wait for its word boxes (an artifact of its frame, handed over after the frame).
      const litPixels = new Map<string, { o: Overlay; px: SourcePixels }>();
      const litBoxes = new Map<string, WordBox[]>();
      const writes: Promise<void>[] = [];
      const keep = (write: Promise<void>): void => {
        // Reported by the Promise.all below (not as unhandled while the pass goes on).
        write.catch(() => undefined);
        writes.push(write);
      };
      const litDone = (key: string): void => {
        const pixels = litPixels.get(key);
        const boxes = litBoxes.get(key);
        if (!pixels || !boxes) return;
        litPixels.delete(key);
        keep(drawn(pixels.o, { ...pixels.px, boxes }, null));
        makeReady();
      };
      const onArtifact = (filename: string, content: string): void => {
        const logged = parseWordBoxes(filename, content, this.scale);
        if (!logged) return;
        litBoxes.set(logged.key, logged.boxes);
        litDone(logged.key);
      };
      /** A source as Chromium drew it: kept for the pictures made from it, and cached. */
      const drawn = async (o: Overlay, px: SourcePixels, png: Uint8Array | null): Promise<void> => {
        got.set(o.key, px);
        // Cached as it would be alone: the PNG of its band (and a lit page's word boxes).
        const file = png ?? (await sharp(px.rgba, { raw: { width: px.width, height: px.height, channels: 4 } }).png({ compressionLevel: 1 }).toBuffer());
        if (px.boxes) await writeFileAtomic(this.boxesFile(o), JSON.stringify(px.boxes));
        await writeFileAtomic(this.file(o), file);
      };
      // One pass per band size (the composition's size; bands of a format share it, wherever
      // they sit): only each overlay's band is rendered, screenshot and converted, not the whole
      // frame, and pictures come in the order frames show them.
      const bySize = new Map<string, { regions: OverlayRegion[]; list: Overlay[] }>();
      for (const o of missing) {
        const region = pictureRegion(o, this.scale).css;
        const id = `${region.width}x${region.height}`;
        const group = bySize.get(id) ?? { regions: [], list: [] };
        group.regions.push(region);
        group.list.push(o);
        bySize.set(id, group);
      }
      for (const { regions, list } of bySize.values()) {
        const pitch = stackPitch(regions[0]!.height, this.scale);
        const starts = pitch ? stackStarts(list, stackCapacity(list, regions, pitch, this.scale)) : [];
        const props: OverlayFramesProps = { overlays: list, regions, ...(pitch && starts.length < list.length ? { stacks: { starts, pitch } } : {}) };
        // Output rows of one overlay's picture, and between the tops of two stacked ones.
        const rows = Math.round(regions[0]!.height * this.scale);
        const pitchRows = Math.round((pitch ?? 0) * this.scale);
        await this.renderer.renderTransparentFrames(
          OVERLAYS_COMPOSITION_ID,
          overlayFramesConfig(props),
          props,
          this.scale,
          async (frame, png) => {
            const shown = overlaysAtFrame(props, frame);
            if (!shown.length) throw new Error(`overlay pictures: frame ${frame} has no overlay (${list.length} rendered)`);
            const { rgba, width, height } = await rgbaOf(png);
            for (const [k, i] of shown.entries()) {
              const o = list[i]!;
              const slot = props.stacks ? rgba.subarray(k * pitchRows * width * 4, (k * pitchRows + rows) * width * 4) : rgba;
              const px: SourcePixels = { rgba: slot, width, height: props.stacks ? rows : height, boxes: null };
              if (o.kind === 'caption' && o.litAll) {
                litPixels.set(o.key, { o, px });
                litDone(o.key);
              } else {
                // A frame of one overlay is its band's PNG as it is.
                keep(drawn(o, px, props.stacks ? null : png));
              }
            }
            makeReady();
          },
          onArtifact,
        );
      }
      const unboxed = litPixels.values().next().value;
      if (unboxed && unboxed.o.kind === 'caption') throw new Error(`overlay pictures: Chromium reported no word boxes for caption page "${unboxed.o.words.join(' ')}"`);
      await Promise.all(writes);
      const lost = [...fresh.values()].find((e) => !e.done);
      if (lost) throw new Error(`overlay pictures: Chromium returned no picture for ${lost.o.kind} overlay ${lost.o.key}`);
    };
    return make().catch((err: unknown) => {
      for (const e of fresh.values()) {
        if (e.done) continue;
        e.done = true;
        // Made again by the next prepare (a later segment or render), not remembered as failed.
        this.pictures.delete(e.o.key);
        e.reject(err);
      }
      throw err;
    });
  }

  /**
   * Starts rendering, in Chromium, the pictures of `overlays` that are neither in the cache nor
   * being made; reads nothing from the cache (frames that show a cached picture read it when they
   * ask through `prepare`). For starting a render's pass before it is known which frames will be
   * drawn: cached pictures then cost nothing unless drawn.
   */
  async prepareMissing(overlays: Iterable<Overlay>): Promise<void> {
    const missing = new Map<string, Overlay>();
    // Whether each source's files are there, looked up once (a page's states share its sources).
    const there = new Map<string, Promise<boolean>>();
    const cached = (s: Overlay): Promise<boolean> => {
      let known = there.get(s.key);
      if (!known) {
        const { png, boxes } = this.sourceFiles(s);
        known = Promise.all([png, boxes].filter((f): f is string => f !== null).map((f) => fs.stat(f).then(() => true, () => false))).then((all) => all.every(Boolean));
        there.set(s.key, known);
      }
      return known;
    };
    for (const shown of overlays) {
      const o = pictureOverlay(shown);
      if (this.pictures.has(o.key) || missing.has(o.key)) continue;
      for (const s of sourcesOf(o)) if (!(await cached(s))) missing.set(o.key, o);
    }
    await this.prepare(missing.values());
  }

  /** The picture of an overlay passed to `prepare` (its `pictureOverlay`'s: blend it at `overlayOpacity`), once it is made. */
  picture(o: Overlay): Promise<OverlayPicture> {
    const { key } = pictureOverlay(o);
    return this.pictures.get(key) ?? Promise.reject(new Error(`overlay picture not prepared: ${key}`));
  }
}
