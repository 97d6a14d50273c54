/**
 * Overlays (captions, cards) for frames drawn in Node: a caption page looks the same for many
 * frames, so each DISTINCT overlay is rendered once in Chromium, by the same React component that
 * draws it over the scenes in StoryVideo (the `Overlays` composition: one overlay per frame, on a
 * transparent background, only its band of the frame), kept as a PNG in the cache (<cacheDir>/overlays, keyed by the overlay's
 * key, the bundle, the browser and the scale), converted to premultiplied Y'CbCr once, and
 * composited over every frame that shows it (src/render/direct/overlay-blend.ts). A fading card
 * is one picture, at full opacity (`pictureOverlay`), blended at each frame's opacity.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../../cache/content-hash';
import { writeFileAtomic } from '../../fs/atomic-write';
import { overlayFramesConfig, OVERLAYS_COMPOSITION_ID, pictureOverlay, type Overlay, type OverlayFramesProps, type OverlayRegion } from '../../frame/overlay';
import { rgbaToLayer, type LayerImage } from '../direct/layer-image';

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

async function decode(png: Uint8Array | string, o: Overlay, scale: number): Promise<OverlayPicture> {
  const { data, info } = await sharp(png, { failOn: 'error' }).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const rgba = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const c = visibleCrop(rgba, info.width, info.height);
  const part = new Uint8Array(c.width * c.height * 4);
  for (let y = 0; y < c.height; y++) part.set(rgba.subarray(((c.y + y) * info.width + c.x) * 4, ((c.y + y) * info.width + c.x + c.width) * 4), y * c.width * 4);
  const { out } = pictureRegion(o, scale);
  return { image: rgbaToLayer(part, c.width, c.height), x: out.x + c.x, y: out.y + c.y };
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

  /** The cache file of an overlay's picture (its `pictureOverlay`'s): everything that changes its pixels is in the name. */
  file(o: Overlay): string {
    const r = this.renderer;
    const key = contentHash('overlay-v2', path.basename(r.serveUrl), r.browser.executable ?? 'remotion', this.scale, pictureOverlay(o).key);
    return path.join(this.dir, `${key}.png`);
  }

  /**
   * Starts making the pictures of `overlays` it does not have yet: cached files are read, the rest
   * rendered in one Chromium pass, in the order given (the order frames show them), and `picture`
   * hands out each as soon as it is there, so frames drawn in Node need not wait for the whole
   * pass. Resolves when all are made; rejects, as do their `picture`s, when one cannot be.
   */
  prepare(overlays: Iterable<Overlay>): Promise<void> {
    const fresh = new Map<string, { o: Overlay; resolve: (p: OverlayPicture) => void; reject: (e: unknown) => void; done: boolean }>();
    for (const shown of overlays) {
      const o = pictureOverlay(shown);
      if (this.pictures.has(o.key) || fresh.has(o.key)) continue;
      const entry = { o, resolve: (_: OverlayPicture) => {}, reject: (_: unknown) => {}, done: false };
      const promise = new Promise<OverlayPicture>((resolve, reject) => Object.assign(entry, { resolve, reject }));
      // Awaited by the frames that show it; a failure nobody waits for is reported by the returned promise.
      promise.catch(() => undefined);
      this.pictures.set(o.key, promise);
      fresh.set(o.key, entry);
    }
    const settle = (key: string, picture: OverlayPicture): void => {
      const e = fresh.get(key);
      if (!e || e.done) return;
      e.done = true;
      e.resolve(picture);
    };
    const make = async (): Promise<void> => {
      const missing: Overlay[] = [];
      for (const { o } of fresh.values()) {
        const cached = await decode(this.file(o), o, this.scale).catch(() => null);
        if (cached) settle(o.key, cached);
        else missing.push(o);
      }
      if (!missing.length) return;
      await fs.mkdir(this.dir, { recursive: true });
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
        const props: OverlayFramesProps = { overlays: list, regions };
        await this.renderer.renderTransparentFrames(OVERLAYS_COMPOSITION_ID, overlayFramesConfig(props), props, this.scale, async (frame, png) => {
          const o = list[frame];
          if (!o) throw new Error(`overlay pictures: frame ${frame} has no overlay (${list.length} rendered)`);
          settle(o.key, await decode(png, o, this.scale));
          await writeFileAtomic(this.file(o), png);
        });
      }
      const lost = missing.find((o) => !fresh.get(o.key)!.done);
      if (lost) throw new Error(`overlay pictures: Chromium returned no picture for ${lost.kind} overlay ${lost.key}`);
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

  /** The picture of an overlay passed to `prepare` (its `pictureOverlay`'s: blend it at `overlayOpacity`), once it is made. */
  picture(o: Overlay): Promise<OverlayPicture> {
    const { key } = pictureOverlay(o);
    return this.pictures.get(key) ?? Promise.reject(new Error(`overlay picture not prepared: ${key}`));
  }
}
