/**
 * The covers of a Lambda render (`<name>-<format>.jpg`), made on this machine by the local
 * render's cover code (src/render/cover.ts) from the assets this machine already prepared for the
 * upload. Not with renderStillOnLambda: the cover's title is composited in Node over the frame
 * from a picture the local browser draws (as the Node renderer composites overlays), so a still
 * from Lambda would still need the local browser for the title, and one frame per format costs a
 * few seconds here against a Lambda invocation and a round trip through the bucket. The browser
 * session opens on the first cover and serves every format. WebGL parallax is drawn in its CSS
 * mode, as Lambda draws it (lambda/css-fallback.ts), so the cover shows what the video shows.
 */
import type { FormatId } from '../src/plan/formats';
import type { LoadedPlan } from '../src/plan/load-plan';
import { writeCover, type WrittenCover } from '../src/render/cover';
import type { PreparedAssets } from '../src/render/prepare-assets';
import { glForPlan, RenderSession } from '../src/render/render-session';
import { withCssParallax } from './css-fallback';

export interface LocalCoversOptions {
  scale: number;
  cacheDir: string;
  browserExecutable?: string;
  onLog?: (message: string) => void;
}

export class LocalCovers {
  private session: Promise<RenderSession> | null = null;
  private readonly loaded: LoadedPlan;

  constructor(
    loaded: LoadedPlan,
    private readonly assets: PreparedAssets,
    private readonly opts: LocalCoversOptions,
  ) {
    this.loaded = { ...loaded, plan: withCssParallax(loaded.plan).plan };
  }

  /** Writes the cover of `format` to `target` (atomically); null when the plan says `cover: false`. */
  async write(format: FormatId, target: string): Promise<WrittenCover | null> {
    const { scale, cacheDir, browserExecutable, onLog } = this.opts;
    this.session ??= RenderSession.open({ browserExecutable, cacheDir, onLog, gl: glForPlan(this.loaded.plan) });
    const session = await this.session;
    const prepared = await session.prepare(this.loaded, format, scale, this.assets);
    return writeCover(session, prepared, target, scale);
  }

  async close(): Promise<void> {
    const session = await this.session?.catch(() => null);
    await session?.close();
  }
}
