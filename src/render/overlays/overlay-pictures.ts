/**
 * Overlays (captions, cards) for frames drawn in Node: a caption page looks the same for many
 * frames, so each DISTINCT overlay is rendered once in Chromium, by the same React component that
 * draws it over the scenes in StoryVideo (the `Overlays` composition: one overlay per frame, on a
 * transparent background), kept as a PNG in the cache (<cacheDir>/overlays, keyed by the overlay's
 * key, the bundle, the browser and the scale), converted to premultiplied Y'CbCr once, and
 * composited over every frame that shows it (src/render/direct/overlay-blend.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { contentHash } from '../../cache/content-hash';
import { writeFileAtomic } from '../../fs/atomic-write';
import { OVERLAYS_COMPOSITION_ID, type Overlay } from '../../frame/overlay';
import { rgbaToLayer, type LayerImage } from '../direct/layer-image';

/** What renders overlay pictures: a render session (RenderSession has this shape). */
export interface OverlayPictureRenderer {
  readonly serveUrl: string;
  readonly browser: { executable: string | null };
  readonly cacheDir: string;
  renderTransparentFrames(compositionId: string, inputProps: Record<string, unknown>, scale: number, onFrame: (frame: number, png: Buffer) => Promise<void>): Promise<void>;
}

/** An overlay's picture at the output size, premultiplied 4:2:0 with alpha and the box its visible pixels take. */
export type OverlayPicture = LayerImage;

async function decode(png: Uint8Array | string): Promise<OverlayPicture> {
  const { data, info } = await sharp(png, { failOn: 'error' }).ensureAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return rgbaToLayer(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/** The pictures of a render's overlays at one scale: rendered (or read from the cache) once each. */
export class OverlayPictures {
  private readonly pictures = new Map<string, OverlayPicture>();
  private readonly dir: string;

  constructor(
    private readonly renderer: OverlayPictureRenderer,
    private readonly scale: number,
  ) {
    this.dir = path.join(renderer.cacheDir, 'overlays');
  }

  /** The cache file of an overlay's picture: everything that changes its pixels is in the name. */
  file(o: Overlay): string {
    const r = this.renderer;
    const key = contentHash('overlay-v1', path.basename(r.serveUrl), r.browser.executable ?? 'remotion', this.scale, o.key);
    return path.join(this.dir, `${key}.png`);
  }

  /** Makes the pictures of `overlays` available to `get`: cached files are read, the rest rendered in one pass. */
  async prepare(overlays: Iterable<Overlay>): Promise<void> {
    const wanted = new Map<string, Overlay>();
    for (const o of overlays) if (!this.pictures.has(o.key)) wanted.set(o.key, o);
    const missing: Overlay[] = [];
    for (const o of wanted.values()) {
      const cached = await decode(this.file(o)).catch(() => null);
      if (cached) this.pictures.set(o.key, cached);
      else missing.push(o);
    }
    if (!missing.length) return;
    await fs.mkdir(this.dir, { recursive: true });
    // One pass per frame size (the composition takes its size from its overlays).
    const bySize = new Map<string, Overlay[]>();
    for (const o of missing) {
      const size = `${o.frame.width}x${o.frame.height}`;
      bySize.set(size, [...(bySize.get(size) ?? []), o]);
    }
    for (const list of bySize.values()) {
      await this.renderer.renderTransparentFrames(OVERLAYS_COMPOSITION_ID, { overlays: list }, this.scale, async (frame, png) => {
        const o = list[frame];
        if (!o) throw new Error(`overlay pictures: frame ${frame} has no overlay (${list.length} rendered)`);
        this.pictures.set(o.key, await decode(png));
        await writeFileAtomic(this.file(o), png);
      });
    }
    const lost = missing.find((o) => !this.pictures.has(o.key));
    if (lost) throw new Error(`overlay pictures: Chromium returned no picture for ${lost.kind} overlay ${lost.key}`);
  }

  /** The picture of a prepared overlay. */
  get(o: Overlay): OverlayPicture {
    const p = this.pictures.get(o.key);
    if (!p) throw new Error(`overlay picture not prepared: ${o.key}`);
    return p;
  }
}
