/**
 * The props Remotion Studio opens a plan with: the plan and the media the Node side prepared for it
 * (depth layers, clips, focal points, audio analysis, pre-scaled images), exactly as `render` hands
 * them to Chromium, so that the preview lays out and draws what will render. `url` turns a local
 * file into what the browser loads: the asset server's URL in Studio, the absolute path itself for
 * `--print-props` (the server's port changes from run to run).
 */
import path from 'node:path';
import type { FormatId } from '../plan/formats';
import type { LoadedPlan } from '../plan/load-plan';
import type { CompositionProps } from '../plan/schema';
import { planMediaFacts } from '../render/media-facts';
import type { PreparedAssets } from '../render/prepared-assets';
import { neededWidths, prescaleImage } from '../render/prescale-images';
import { buildTimeline } from '../timeline/build-timeline';

export interface StudioPropsOptions {
  /** Local file -> the URL the browser loads it from (default: its absolute path). */
  url?: (file: string) => string;
  /** Root of Stillmotion's caches (pre-scaled images live in <cacheDir>/images). */
  cacheDir: string;
  /** The formats previewed (default: the plan's). */
  formats?: FormatId[];
}

export async function studioProps(loaded: LoadedPlan, assets: PreparedAssets, opts: StudioPropsOptions): Promise<CompositionProps> {
  const url = opts.url ?? ((f: string) => path.resolve(f));
  const unscaled = planMediaFacts(loaded, assets);
  const media = planMediaFacts(loaded, assets, url);
  // Studio shows every format from one set of props: each image pre-scaled (as render does per
  // format) to the widest any previewed format draws it at full size.
  const widths = new Map<string, number>();
  for (const format of opts.formats ?? loaded.plan.formats) {
    for (const [ref, w] of neededWidths(buildTimeline(loaded.plan, unscaled, format), 1)) widths.set(ref, Math.max(widths.get(ref) ?? 0, w));
  }
  for (const [ref, width] of widths) {
    const scaled = await prescaleImage(loaded.images[ref]!, width, path.resolve(opts.cacheDir));
    media.images[ref] = { ...media.images[ref]!, src: url(scaled.file), width: scaled.width, height: scaled.height };
  }
  return { plan: loaded.plan, media };
}
