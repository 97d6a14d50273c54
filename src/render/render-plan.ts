/**
 * plan -> prepared assets -> timeline props -> one MP4 per format, in one render session.
 * Each output is written to a temporary file and renamed into place only when complete.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { makeCancelSignal, type X264Preset } from '@remotion/renderer';
import { encodeNormalisedPart, measureLoudness, type NormalisationMode } from '../audio/loudness-normalise';
import { loudnessTarget, type LoudnessSetting } from '../audio/loudness-target';
import { StillmotionError } from '../errors';
import { produceAtomic, sweepStaleTemps } from '../fs/atomic-write';
import { probeVideo } from '../media/probe-video';
import { RENDER_INTERRUPTED } from '../process/interrupt';
import { OUTPUT_FORMATS, outputScale, type FormatId } from '../plan/formats';
import type { LoadedPlan } from '../plan/load-plan';
import { chooseCoverFrame } from '../cards/cover-frame';
import { writeCaptionSidecars } from '../captions/sidecars';
import { buildTimeline } from '../timeline/build-timeline';
import type { Timeline } from '../timeline/types';
import type { BrowserChoice } from './browser';
import { checkMedia } from './check-video';
import { writeCover, type WrittenCover } from './cover';
import { planMediaFacts } from './media-facts';
import { checkOutputDir } from './output-dir';
import { outputStem } from './output-name';
import { prepareAssets, renderWarnings, type PreparedAssets, type PrepareAssetsOptions } from './prepare-assets';
import { glForPlan, RenderSession, type PreparedFormat } from './render-session';
import type { OutputLoudness } from './loudness';
import { checkCachedSegment } from './segments/segment-record';
import { renderSegmented, renderSoundtrack, soundtrackFile, type SegmentStats } from './segments/render-segmented';

export type RenderStage = 'preparing' | 'rendering' | 'encoding' | 'done';

export interface FormatProgress {
  format: FormatId;
  stage: RenderStage;
  renderedFrames: number;
  encodedFrames: number;
  totalFrames: number;
  progress: number;
}

export interface RenderOptions {
  formats?: FormatId[];
  outDir: string;
  /** Output file name stem; default: the plan title as a slug. */
  name?: string;
  /** Output size factor (0.5 = half size). */
  scale?: number;
  /** Inclusive frame range, or one frame. */
  frames?: [number, number] | number;
  browserExecutable?: string;
  x264Preset?: X264Preset;
  crf?: number;
  /** Preview settings: half size (unless `scale` is given) and x264 ultrafast (unless `x264Preset` is). */
  draft?: boolean;
  concurrency?: number;
  /** Write each format's cover, <name>-<format>.jpg (default true; the plan's `cover: false` also turns it off). */
  cover?: boolean;
  /** Reuse unchanged segments from earlier renders (default true). */
  reuseSegments?: boolean;
  /** Delivery loudness of the mix (default: the plan's `loudness`, else youtube: -14 LUFS, <= -1 dBTP). */
  loudness?: LoudnessSetting;
  cacheDir?: string;
  /** USD cap for AI clips (overrides the plan's `budget`). */
  budgetUsd?: number;
  /** Render tier-3 sections without generating clips (previews). */
  skipClips?: boolean;
  /** Provider settings for tier 3 (keys, base URLs, polling); default: from the environment. */
  clipOptions?: PrepareAssetsOptions['clipOptions'];
  signal?: AbortSignal;
  onLog?: (message: string) => void;
  onProgress?: (p: FormatProgress) => void;
  /** Called with the resolved timelines once assets are prepared, before rendering starts. */
  onTimelines?: (timelines: Map<FormatId, Timeline>) => void | Promise<void>;
}

export interface RenderedFile {
  format: FormatId;
  file: string;
  width: number;
  height: number;
  frames: number;
  durationSeconds: number;
  sizeBytes: number;
  renderSeconds: number;
  /** How the video was put together: null for a single pass (a `frames` range). */
  segments: SegmentStats | null;
  /** The output's audio as measured (EBU R128), and the target it was normalised to (null: off). */
  loudness: OutputLoudness;
  /** The cover written beside the video; null when off, or for a frame range (a preview of part of the video). */
  cover: WrittenCover | null;
}

export interface RenderResult {
  files: RenderedFile[];
  warnings: string[];
  browser: BrowserChoice;
  assets: PreparedAssets;
}

export { slugify } from './output-name';

/** Builds every format's timeline up front, so layout problems fail the run before rendering starts. */
export function planTimelines(loaded: LoadedPlan, formats: FormatId[], assets?: PreparedAssets): Map<FormatId, Timeline> {
  const facts = planMediaFacts(loaded, assets);
  return new Map(formats.map((f) => [f, buildTimeline(loaded.plan, facts, f)]));
}

export function checkFrameRange(frames: RenderOptions['frames'], total: number): [number, number] | null {
  if (frames === undefined) return null;
  const [a, b] = typeof frames === 'number' ? [frames, frames] : frames;
  if (!(a >= 0 && b >= a && b < total)) {
    throw new StillmotionError(`--frames: ${a}-${b} is outside the video (frames 0-${total - 1})`);
  }
  return [a, b];
}

export async function renderPlan(loaded: LoadedPlan, opts: RenderOptions): Promise<RenderResult> {
  const formats = opts.formats ?? loaded.plan.formats;
  const scale = outputScale(opts.scale ?? (opts.draft ? 0.5 : 1));
  const x264Preset: X264Preset = opts.x264Preset ?? (opts.draft ? 'ultrafast' : 'veryfast');
  const crf = opts.crf ?? (opts.draft ? 23 : 20);
  const log = opts.onLog ?? (() => undefined);
  const name = outputStem(opts.name, loaded.plan.title);
  const loudness = loudnessTarget(opts.loudness ?? loaded.plan.loudness);
  await checkOutputDir(opts.outDir);
  // Lay out once without tier assets first: a plan that cannot be laid out fails before any spend.
  let range: [number, number] | null = null;
  for (const t of planTimelines(loaded, formats).values()) {
    range = checkFrameRange(opts.frames, t.durationInFrames);
    // A cover that points outside the video fails here, before anything is spent.
    if (opts.cover !== false) chooseCoverFrame(loaded.plan, t);
  }
  const assets = await prepareAssets(loaded, {
    cacheDir: opts.cacheDir,
    budgetUsd: opts.budgetUsd,
    skipClips: opts.skipClips,
    clipOptions: opts.clipOptions,
    signal: opts.signal,
    onLog: log,
    // Depth layers are built as large as this render's formats draw them.
    scale,
    formats,
    // A preview prepares only the sections its frames show.
    ...(range ? { frames: { range, formats } } : {}),
  });
  const timelines = planTimelines(loaded, formats, assets);
  await opts.onTimelines?.(timelines);
  const warnings = [...new Set([...timelines.values()].flatMap((t) => renderWarnings(t, assets)))];
  for (const w of warnings) log(`warning: ${w}`);

  const session = await RenderSession.open({ browserExecutable: opts.browserExecutable, cacheDir: opts.cacheDir, onLog: log, gl: glForPlan(loaded.plan), signal: opts.signal });
  const segmentDir = path.join(session.cacheDir, 'segments');
  // Temp files of renders that were killed outright (their pid is gone); never another live render's.
  await Promise.all([sweepStaleTemps(opts.outDir), sweepStaleTemps(segmentDir)]);
  const { cancelSignal, cancel } = makeCancelSignal();
  const onAbort = (): void => cancel();
  opts.signal?.addEventListener('abort', onAbort);
  const files: RenderedFile[] = [];
  // Each format's pictures are pre-scaled (sharp, on libuv's threads) while the format before it is drawn.
  const preparing = new Map<FormatId, Promise<PreparedFormat>>();
  const prepare = (format: FormatId): Promise<PreparedFormat> => {
    let p = preparing.get(format);
    if (!p) {
      p = session.prepare(loaded, format, scale, assets);
      // Awaited when its format's turn comes; an earlier failure must not leave it unhandled.
      p.catch(() => undefined);
      preparing.set(format, p);
    }
    return p;
  };
  // What follows a format's video (cover, loudness, probe) runs while the next format is drawn.
  const finishing: Promise<void>[] = [];
  /** The first format that failed after its frames were drawn (the others stop at the next format). */
  let failure = null as { err: unknown } | null;
  try {
    for (const [index, format] of formats.entries()) {
      opts.signal?.throwIfAborted();
      if (failure) throw failure.err;
      let onDrawn!: () => void;
      const drawn = new Promise<void>((resolve) => (onDrawn = resolve));
      const started = performance.now();
      const report = (p: Omit<FormatProgress, 'format'>): void => opts.onProgress?.({ format, ...p });
      const total = timelines.get(format)!.durationInFrames;
      report({ stage: 'preparing', renderedFrames: 0, encodedFrames: 0, totalFrames: total, progress: 0 });
      const prepared = await prepare(format);
      const following = formats[index + 1];
      if (following) void prepare(following);
      const range = checkFrameRange(opts.frames, prepared.composition.durationInFrames);
      const totalFrames = range ? range[1] - range[0] + 1 : prepared.composition.durationInFrames;
      const target = path.resolve(opts.outDir, `${name}-${OUTPUT_FORMATS[format].suffix}.mp4`);
      let segments: SegmentStats | null = null;
      let mode: NormalisationMode | null = null;
      const produce = async (tmp: string): Promise<void> => {
        if (range) {
          // A frame range is a preview of part of the video: one pass, nothing cached; its audio is
          // cut from the whole soundtrack normalised (rendered once and cached, as a full render
          // would), so a preview plays at the level the video will.
          const sound = loudness
            ? await renderSoundtrack(session, prepared, await soundtrackFile(session, prepared, segmentDir), {
                loudness,
                signal: opts.signal,
                cancelSignal,
                onLog: log,
                reusable: async (file) => opts.reuseSegments !== false && (await checkCachedSegment(file)).state === 'ok',
              })
            : null;
          mode = sound?.loudness?.mode ?? null;
          const video = sound ? `${tmp}.video.mp4` : tmp;
          await session.renderVideo(prepared, {
            outputLocation: video,
            ...(sound ? { muted: true, enforceAudioTrack: false, audioCodec: null } : {}),
            scale,
            frameRange: range,
            x264Preset,
            crf,
            concurrency: opts.concurrency ?? 1,
            cancelSignal,
            overwrite: true,
            onProgress: (p) =>
              report({
                stage: p.renderedFrames >= totalFrames ? 'encoding' : 'rendering',
                renderedFrames: p.renderedFrames,
                encodedFrames: p.encodedFrames,
                totalFrames,
                progress: p.progress,
              }),
          });
          if (sound) {
            try {
              await encodeNormalisedPart(sound.rendered, tmp, sound.loudness?.filter ?? null, { fromSeconds: range[0] / prepared.composition.fps, seconds: totalFrames / prepared.composition.fps, video }, opts.signal);
            } finally {
              await fs.rm(video, { force: true });
            }
          }
          return;
        }
        segments = await renderSegmented(session, prepared, {
          outputLocation: tmp,
          segmentDir,
          scale,
          x264Preset,
          crf,
          concurrency: opts.concurrency ?? 1,
          reuse: opts.reuseSegments,
          loudness,
          signal: opts.signal,
          cancelSignal,
          onDrawn,
          onLog: (m) => {
            if (m.startsWith('warning: ')) warnings.push(m.slice('warning: '.length));
            log(m);
          },
          onProgress: (p) =>
            report({
              stage: p.renderedFrames >= totalFrames ? 'encoding' : 'rendering',
              renderedFrames: p.renderedFrames,
              encodedFrames: p.renderedFrames,
              totalFrames,
              progress: p.renderedFrames / totalFrames,
            }),
        });
      };
      const fps = prepared.composition.fps;
      const finish = async (): Promise<RenderedFile> => {
        await produceAtomic(target, async (tmp) => {
          await produce(tmp);
          // Before it replaces anything: every frame of the timeline is there, and the audio as long.
          await checkMedia(tmp, { frames: totalFrames, fps, audioSeconds: totalFrames / fps }, `the video rendered for ${target}`, opts.signal).catch((err: Error) => {
            throw new StillmotionError(`${err.message}; ${target} was not replaced`);
          });
        });
        if (segments) {
          const st: SegmentStats = segments;
          log(`${format}: ${st.segments} segments, ${st.reused} reused${st.rerendered ? ` (${st.rerendered} damaged, rendered again)` : ''}, ${st.direct} drawn directly, ${st.browser} in Chromium`);
        }
        // Caption files (SRT, VTT, words JSON) in video time; not for a preview of part of the video.
        if (!range) {
          const written = await writeCaptionSidecars({ outDir: opts.outDir, name, suffix: OUTPUT_FORMATS[format].suffix }, timelines.get(format)!.captions, fps);
          if (written.length) log(`${format}: captions ${written.map((f) => path.basename(f)).join(', ')}`);
        }
        const cover = range || opts.cover === false ? null : await writeCover(session, prepared, path.resolve(opts.outDir, `${name}-${OUTPUT_FORMATS[format].suffix}.jpg`), scale);
        if (cover) log(`${format}: cover ${path.basename(cover.file)} (frame ${cover.frame}: ${cover.why}) in ${cover.seconds.toFixed(1)} s`);
        const measured = await measureLoudness(target, opts.signal);
        const facts = await probeVideo(target);
        const stat = await fs.stat(target);
        report({ stage: 'done', renderedFrames: totalFrames, encodedFrames: totalFrames, totalFrames, progress: 1 });
        return {
          format,
          file: target,
          width: facts.width,
          height: facts.height,
          frames: totalFrames,
          durationSeconds: facts.duration,
          sizeBytes: stat.size,
          renderSeconds: (performance.now() - started) / 1000,
          segments,
          loudness: { integrated: measured.integrated, truePeak: measured.truePeak, target: loudness, mode: (segments as SegmentStats | null)?.loudness?.mode ?? mode },
          cover,
        };
      };
      const finished = finish().then((f) => void files.push(f));
      finished.catch((err: unknown) => (failure ??= { err }));
      finishing.push(finished);
      // The next format is drawn once this one's frames are: its soundtrack, join, cover and
      // loudness check go on meanwhile.
      await Promise.race([drawn, finished.catch(() => undefined)]);
    }
    // Every format's finishing work, the first failure reported.
    for (const f of finishing) await f;
  } catch (err) {
    // Nothing is left running against the session about to close: the formats still finishing are
    // stopped (their Chromium passes cancelled) and waited for.
    cancel();
    await Promise.allSettled([...finishing, ...preparing.values()]);
    if (opts.signal?.aborted) throw new StillmotionError(RENDER_INTERRUPTED);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
  // In the order the formats were asked for.
  files.sort((a, b) => formats.indexOf(a.format) - formats.indexOf(b.format));
  return { files, warnings, browser: session.browser, assets };
}
