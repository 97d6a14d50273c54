/**
 * A prepared plan as the input props of a Lambda render, one set per format, with URLs only:
 * every file the composition loads (pre-scaled images, narration, music, depth layers, AI clips)
 * is uploaded to the bucket and referred to by its URL, and the plan's own file references
 * (section images, narration, music) are renamed to those URLs too, so no local path reaches
 * Lambda. WebGL parallax falls back to CSS (no GPU on Lambda), so depth maps are not sent.
 *
 * Images are pre-scaled per format exactly as a local render does (src/render/prescale-images.ts),
 * so Lambda downloads and decodes no more pixels than a frame needs.
 */
import type { FormatId } from '../src/plan/formats';
import type { LoadedPlan } from '../src/plan/load-plan';
import type { CompositionProps, LayerSet, Media, Plan } from '../src/plan/schema';
import { planMediaFacts } from '../src/render/media-facts';
import { neededWidths, prescaleImage } from '../src/render/prescale-images';
import type { PreparedAssets } from '../src/render/prepare-assets';
import { buildTimeline } from '../src/timeline/build-timeline';
import { withCssParallax } from './css-fallback';

export interface LambdaFormatProps {
  format: FormatId;
  inputProps: CompositionProps;
  /** Length of the video (the whole composition), from the rewritten props. */
  durationInFrames: number;
  fps: number;
}

export interface LambdaPropsOptions {
  formats: FormatId[];
  /** Output size factor the render uses (images are pre-scaled for it). */
  scale: number;
  /** Where pre-scaled images are cached (as for local renders). */
  cacheDir: string;
  /** Turns a local file into a URL Lambda can load (see AssetUploader). */
  url: (file: string) => Promise<string>;
  onLog?: (message: string) => void;
}

/** Absolute paths in free text (fallback reasons quoting an error) shortened to their file name. */
function scrubPaths(text: string): string {
  // Not inside URLs (`https://host/a/b`): a path starts the text or follows a space, quote or bracket.
  return text.replace(/(?<![\w:/.\\-])(?:[A-Za-z]:)?(?:[\\/][^\\/\s"'`:]+){2,}/g, (p) => p.split(/[\\/]/).pop()!);
}

async function mapValues<T, U>(record: Record<string, T>, fn: (value: T, key: string) => Promise<U>): Promise<Record<string, U>> {
  const entries = await Promise.all(Object.entries(record).map(async ([k, v]) => [k, await fn(v, k)] as const));
  return Object.fromEntries(entries);
}

/** Renames the plan's file references (section images, narration, music) to the URLs the media is keyed by. */
function renameRefs(plan: Plan, images: Record<string, string>, audio: Record<string, string>): Plan {
  const { $schema: _schema, ...rest } = plan;
  return {
    ...rest,
    ...(plan.music ? { music: { ...plan.music, file: audio[plan.music.file]! } } : {}),
    sections: plan.sections.map((s) => ({
      ...s,
      image: images[s.image]!,
      ...(s.narration ? { narration: audio[s.narration]! } : {}),
    })),
  };
}

export async function buildLambdaProps(loaded: LoadedPlan, assets: PreparedAssets, opts: LambdaPropsOptions): Promise<Map<FormatId, LambdaFormatProps>> {
  const { plan, notes } = withCssParallax(loaded.plan);
  for (const n of notes) opts.onLog?.(n);
  const local = planMediaFacts({ ...loaded, plan }, assets);

  // Format-independent files: narration and music, depth layers, clips.
  const audioUrl = await mapValues(local.audio, (a) => opts.url(a.src));
  const layers = await mapValues(local.layers ?? {}, async (set): Promise<LayerSet> => {
    const { depth: _depth, ...rest } = set;
    return { ...rest, layers: await Promise.all(set.layers.map(async (l) => ({ src: await opts.url(l.src), parallax: l.parallax }))) };
  });
  const clips = await mapValues(local.clips ?? {}, async (c) => ({ ...c, src: await opts.url(c.src) }));
  const analysisNarration = Object.fromEntries(Object.entries(local.analysis?.narration ?? {}).map(([ref, events]) => [audioUrl[ref]!, events]));
  const fallbackNotes = Object.fromEntries(Object.entries(local.notes ?? {}).map(([id, list]) => [id, list.map(scrubPaths)]));

  const out = new Map<FormatId, LambdaFormatProps>();
  for (const format of opts.formats) {
    const timeline = buildTimeline(plan, local, format);
    const imageUrl: Record<string, string> = {};
    const images: Media['images'] = {};
    await Promise.all(
      [...neededWidths(timeline, opts.scale)].map(async ([ref, width]) => {
        const scaled = await prescaleImage(loaded.images[ref]!, width, opts.cacheDir);
        const url = await opts.url(scaled.file);
        imageUrl[ref] = url;
        images[url] = { ...local.images[ref]!, src: url, width: scaled.width, height: scaled.height };
      }),
    );
    const media: Media = {
      images,
      audio: Object.fromEntries(Object.entries(local.audio).map(([ref, a]) => [audioUrl[ref]!, { src: audioUrl[ref]!, duration: a.duration }])),
      layers: Object.fromEntries(Object.entries(layers).flatMap(([ref, set]) => (imageUrl[ref] ? [[imageUrl[ref], set]] : []))),
      clips,
      notes: fallbackNotes,
      analysis: { ...(local.analysis?.music ? { music: local.analysis.music } : {}), narration: analysisNarration },
    };
    const inputProps: CompositionProps = { plan: renameRefs(plan, imageUrl, audioUrl), media };
    // The renamed props must lay out exactly as the local ones (a renaming bug would show here, not on Lambda).
    const check = buildTimeline(inputProps.plan, media, format);
    if (check.durationInFrames !== timeline.durationInFrames || check.scenes.length !== timeline.scenes.length) {
      throw new Error(`internal: Lambda props for ${format} lay out differently (${check.durationInFrames} vs ${timeline.durationInFrames} frames)`);
    }
    out.set(format, { format, inputProps, durationInFrames: timeline.durationInFrames, fps: timeline.fps });
  }
  return out;
}
