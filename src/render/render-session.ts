/**
 * One render session: one bundle, one browser and one asset server, shared by every format,
 * video and still rendered in it. Prepares each format's assets (pre-scaled images served over
 * loopback) and turns a loaded plan into the composition's input props.
 */
import os from 'node:os';
import path from 'node:path';
import {
  makeCancelSignal,
  openBrowser,
  renderFrames,
  renderMedia,
  renderStill,
  selectComposition,
  type ChromiumOptions,
  type RenderMediaOptions,
} from '@remotion/renderer';
import type { VideoConfig } from 'remotion';
import { OUTPUT_FORMATS, SOUNDTRACK_SUFFIX, type FormatId } from '../plan/formats';
import type { LoadedPlan } from '../plan/load-plan';
import type { CompositionProps } from '../plan/schema';
import { buildTimeline } from '../timeline/build-timeline';
import type { Timeline } from '../timeline/types';
import { withoutForeignSignalListeners } from '../process/interrupt';
import { AssetServer } from './asset-server';
import { resolveBrowser, type BrowserChoice } from './browser';
import { bundleProject } from './bundle';
import { formatLayerFiles } from './format-layers';
import { planMediaFacts } from './media-facts';
import { neededWidths, prescaleImage } from './prescale-images';
import type { PreparedAssets } from './prepare-assets';
import { quietTabCyclingErrors } from './quiet-tab-cycling';

type Puppeteer = Awaited<ReturnType<typeof openBrowser>>;

export interface SessionOptions {
  browserExecutable?: string;
  /**
   * Chromium's GL: 'angle' is fastest for CSS scenes; 'swangle' (software) is the one with WebGL,
   * needed by parallax mode "webgl". Default: chosen by `glForPlan` where a plan is known, else angle.
   */
  gl?: 'angle' | 'swangle';
  /** Root of Stillmotion's caches (pre-scaled images live in <cacheDir>/images). */
  cacheDir?: string;
  onLog?: (message: string) => void;
  /** Aborting it cancels every Remotion render of the session (an interrupt kills the browser under them). */
  signal?: AbortSignal;
}

type CancelSignal = NonNullable<RenderMediaOptions['cancelSignal']>;

export interface PreparedFormat {
  format: FormatId;
  /** The timeline as the composition lays it out (from the input props: URLs, pre-scaled sizes). */
  timeline: Timeline;
  inputProps: CompositionProps;
  composition: VideoConfig;
  /** Local file behind each asset URL in the input props. */
  assetFiles: Map<string, string>;
}

/** The GL a plan needs: software GL (with WebGL) only when a section asks for WebGL parallax. */
export function glForPlan(plan: LoadedPlan['plan']): 'angle' | 'swangle' {
  return plan.sections.some((s) => s.tier >= 2 && s.parallax?.mode === 'webgl') ? 'swangle' : 'angle';
}

export class RenderSession {
  readonly chromiumOptions: ChromiumOptions;
  /**
   * Cancelled when the session closes or its signal aborts. Every Remotion call gets it, so a
   * browser that is gone (closed, or killed by an interrupt) ends the call instead of Remotion's
   * retry opening a new browser - which, without our executable, it would try to download.
   */
  private readonly cancel = makeCancelSignal();
  private constructor(
    gl: 'angle' | 'swangle',
    readonly serveUrl: string,
    readonly browser: BrowserChoice,
    private readonly puppeteer: Puppeteer,
    private readonly server: AssetServer,
    readonly cacheDir: string,
  ) {
    this.chromiumOptions = { gl };
  }

  /** The browser for Remotion calls: ours, also for a retry after a crash (never a download). */
  private get browserExecutable(): string | null {
    return this.browser.executable ?? null;
  }

  /** The session's cancel signal, together with a call's own. */
  private cancelSignal(own?: CancelSignal): CancelSignal {
    return (callback) => {
      this.cancel.cancelSignal(callback);
      own?.(callback);
    };
  }

  static async open(opts: SessionOptions = {}): Promise<RenderSession> {
    const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
    const browser = await resolveBrowser({ executable: opts.browserExecutable, onLog: opts.onLog });
    opts.onLog?.(`browser: ${browser.executable ?? 'Remotion Chrome Headless Shell'} (${browser.source})`);
    const serveUrl = await bundleProject({ cacheDir: path.dirname(cacheDir) });
    const gl = opts.gl ?? 'angle';
    // The soundtrack pass's tab cycling reaches the other passes' pages: its 'Target closed' is noise.
    quietTabCyclingErrors();
    // Under the CLI, its interrupt handlers stop the browser (src/process/interrupt.ts), not Remotion's.
    const puppeteer = await withoutForeignSignalListeners(() =>
      openBrowser('chrome', {
        browserExecutable: browser.executable,
        chromiumOptions: { gl },
        logLevel: 'error',
        chromeMode: 'headless-shell',
      }),
    );
    const server = new AssetServer();
    try {
      await server.start();
    } catch (err) {
      await puppeteer.close({ silent: true });
      throw err;
    }
    const session = new RenderSession(gl, serveUrl, browser, puppeteer, server, cacheDir);
    if (opts.signal?.aborted) session.cancel.cancel();
    else opts.signal?.addEventListener('abort', () => session.cancel.cancel(), { once: true });
    return session;
  }

  /** Pre-scales and serves this format's assets, and selects its composition. */
  async prepare(loaded: LoadedPlan, format: FormatId, scale = 1, assets?: PreparedAssets): Promise<PreparedFormat> {
    const layout = buildTimeline(loaded.plan, planMediaFacts(loaded, assets), format);
    const assetFiles = new Map<string, string>();
    const url = (file: string): string => {
      const u = this.server.url(file);
      assetFiles.set(u, path.resolve(file));
      return u;
    };
    // Depth layers as large as this format draws them (downscaled copies where it draws them smaller).
    const layerFiles = await formatLayerFiles(loaded, assets, format, scale, this.cacheDir);
    const media = planMediaFacts(loaded, assets, (file) => url(layerFiles.get(path.resolve(file)) ?? file));
    for (const [ref, width] of neededWidths(layout, scale)) {
      const scaled = await prescaleImage(loaded.images[ref]!, width, this.cacheDir);
      media.images[ref] = { ...media.images[ref]!, src: url(scaled.file), width: scaled.width, height: scaled.height };
    }
    const inputProps: CompositionProps = { plan: loaded.plan, media };
    const timeline = buildTimeline(loaded.plan, media, format);
    const composition = await selectComposition({
      serveUrl: this.serveUrl,
      id: OUTPUT_FORMATS[format].compositionId,
      inputProps,
      puppeteerInstance: this.puppeteer,
      browserExecutable: this.browserExecutable,
      chromiumOptions: this.chromiumOptions,
      logLevel: 'error',
    });
    return { format, timeline, inputProps, composition, assetFiles };
  }

  async renderVideo(
    prepared: PreparedFormat,
    options: Omit<RenderMediaOptions, 'serveUrl' | 'composition' | 'inputProps' | 'puppeteerInstance' | 'chromiumOptions' | 'codec'>,
  ): Promise<void> {
    await renderMedia({
      codec: 'h264',
      audioCodec: 'aac',
      enforceAudioTrack: true,
      imageFormat: 'jpeg',
      jpegQuality: 90,
      pixelFormat: 'yuv420p',
      logLevel: 'error',
      ...options,
      serveUrl: this.serveUrl,
      composition: prepared.composition,
      inputProps: prepared.inputProps,
      puppeteerInstance: this.puppeteer,
      browserExecutable: this.browserExecutable,
      chromiumOptions: this.chromiumOptions,
      cancelSignal: this.cancelSignal(options.cancelSignal),
    });
  }

  /** Renders the soundtrack alone (AAC in an M4A), the whole video's length. */
  async renderAudio(prepared: PreparedFormat, outputLocation: string, cancelSignal?: RenderMediaOptions['cancelSignal']): Promise<void> {
    const composition = await selectComposition({
      serveUrl: this.serveUrl,
      id: `${OUTPUT_FORMATS[prepared.format].compositionId}${SOUNDTRACK_SUFFIX}`,
      inputProps: prepared.inputProps,
      puppeteerInstance: this.puppeteer,
      browserExecutable: this.browserExecutable,
      chromiumOptions: this.chromiumOptions,
      logLevel: 'error',
    });
    if (composition.durationInFrames !== prepared.composition.durationInFrames) {
      throw new Error(`soundtrack is ${composition.durationInFrames} frames, the video ${prepared.composition.durationInFrames}`);
    }
    await renderMedia({
      codec: 'aac',
      enforceAudioTrack: true,
      // Seeking the page is the cost of an audio-only pass; tabs in parallel halve it on 2 cores.
      concurrency: Math.max(1, Math.min(4, os.availableParallelism())),
      logLevel: 'error',
      serveUrl: this.serveUrl,
      composition,
      inputProps: prepared.inputProps,
      puppeteerInstance: this.puppeteer,
      browserExecutable: this.browserExecutable,
      chromiumOptions: this.chromiumOptions,
      outputLocation,
      overwrite: true,
      cancelSignal: this.cancelSignal(cancelSignal),
    });
  }

  /** Renders one frame to a PNG (for tests, thumbnails and storyboards). */
  async renderStill(prepared: PreparedFormat, frame: number, output: string, scale = 1): Promise<void> {
    await renderStill({
      serveUrl: this.serveUrl,
      composition: prepared.composition,
      inputProps: prepared.inputProps,
      puppeteerInstance: this.puppeteer,
      browserExecutable: this.browserExecutable,
      chromiumOptions: this.chromiumOptions,
      cancelSignal: this.cancelSignal(),
      frame,
      output,
      imageFormat: 'png',
      scale,
      logLevel: 'error',
      overwrite: true,
    });
  }

  async close(): Promise<void> {
    // Renders still in flight end now, rather than see the browser go and retry in a new one.
    this.cancel.cancel();
    await this.server.close();
    await this.puppeteer.close({ silent: true }).catch(() => undefined);
  }
}
