/**
 * Prepares, once for all formats, the assets a plan needs beyond its own files:
 *   - the audio analysis, when audio-driven motion is on;
 *   - the detected subject of images whose sections give no focus;
 *   - tier 3: a provider clip per section (cache, budget, keys; else a fallback with its reason);
 *   - tier 2: depth layers per image (also for tier-3 sections that fell back to tier 2).
 * A section whose tier cannot be prepared renders one tier lower, with the reason in `notes`.
 * A preview of a frame range prepares only the sections whose frames it shows (`frames`).
 */
import path from 'node:path';
import { analyzeAudioFile } from '../audio/analyze-audio-file';
import { prepareNarrationCaptions } from '../captions/narration-captions';
import { openClipCache } from '../cache/clip-cache';
import type { AudioAnalysis } from '../audio/types';
import { Ledger } from '../cost/ledger';
import { formatUsd } from '../cost/prices';
import { detectFocus } from '../focus/detect';
import { prepareLayers } from '../layers';
import { probeVideo } from '../media/probe-video';
import type { FormatId } from '../plan/formats';
import type { LoadedPlan } from '../plan/load-plan';
import type { AudioEvents, Section } from '../plan/schema';
import { collectClips, estimateClips, type ClipEvent, type ClipJob, type CollectOptions } from '../providers/collect-clips';
import { isHttpUrl } from '../providers/image-source';
import type { AspectRatio } from '../providers/types';
import { buildTimeline, sectionTimings } from '../timeline/build-timeline';
import type { Timeline } from '../timeline/types';
import { neededLayerWidths } from './layer-widths';
import { planMediaFacts } from './media-facts';
import type { PreparedAssets, PreparedClip } from './prepared-assets';

export type { PreparedAssets, PreparedClip };

export interface PrepareAssetsOptions {
  cacheDir?: string;
  /** USD cap for clips (overrides the plan's `budget`). */
  budgetUsd?: number;
  /** Plan the clips without generating (estimate only). */
  dryRun?: boolean;
  /** Skip tier 3 entirely (e.g. previews). */
  skipClips?: boolean;
  clipOptions?: Omit<CollectOptions, 'budgetUsd' | 'cacheDir' | 'signal' | 'onEvent' | 'dryRun'>;
  signal?: AbortSignal;
  onLog?: (message: string) => void;
  onClipEvent?: (e: ClipEvent) => void;
  /** A preview: prepare only the sections with frames in this inclusive range, in any of these formats. */
  frames?: { range: [number, number]; formats: FormatId[] };
  /** Output scale of the render (default 1): depth layers are built as large as its largest format draws them. */
  scale?: number;
  /** The formats being rendered (default: the plan's): layers are sized for these only. */
  formats?: FormatId[];
}

/** The parts of an analysis the timeline uses (no loudness curve: it would bloat the props). */
function audioEvents(a: AudioAnalysis): AudioEvents {
  return {
    duration: a.duration,
    beats: a.beats,
    downbeats: a.downbeats,
    silences: a.silences,
    speechPauses: a.speechPauses,
    crescendos: a.crescendos,
    swells: a.swells,
  };
}

/** The aspect a section's clip is generated in: the plan's first format (one clip serves every format). */
function clipAspect(formats: FormatId[]): AspectRatio {
  return formats[0] ?? '16:9';
}

function clipJobs(loaded: LoadedPlan): { section: Section; job: ClipJob }[] {
  const timings = sectionTimings(loaded.plan, planMediaFacts(loaded));
  return loaded.plan.sections.flatMap((s, i) => {
    if (s.tier !== 3 || s.scene) return [];
    const prompt = s.clip?.prompt ?? s.text ?? `Subtle, natural motion of the scene; camera steady.`;
    const job: ClipJob = {
      id: s.id,
      image: loaded.images[s.image]!.file,
      prompt,
      durationSec: timings[i]!.seconds,
      aspect: clipAspect(loaded.plan.formats),
      provider: s.clip?.provider ?? 'luma',
      ...(s.clip?.model ? { model: s.clip.model } : {}),
      ...(s.clip?.mode ? { mode: s.clip.mode } : {}),
      ...(s.clip?.seed !== undefined ? { seed: s.clip.seed } : {}),
      // The plan's own URL goes to the provider as it is when the image fits (the file is its local copy).
      ...(isHttpUrl(s.image) ? { imageUrl: s.image } : {}),
      ...(s.focus ? { focus: s.focus } : {}),
      tier: 3,
      fallbackTier: 2,
    };
    return [{ section: s, job }];
  });
}

export async function prepareAssets(loaded: LoadedPlan, opts: PrepareAssetsOptions = {}): Promise<PreparedAssets> {
  const log = opts.onLog ?? (() => undefined);
  const cacheDir = path.resolve(opts.cacheDir ?? '.stillmotion/cache');
  const out: PreparedAssets = { layers: {}, clips: {}, notes: {}, clipResults: [], focus: {}, analysis: { narration: {} } };
  const note = (id: string, message: string): void => {
    (out.notes[id] ??= []).push(message);
  };

  // Audio analysis, when any audio-driven motion is on.
  const plan = loaded.plan;
  const wantsMusic = plan.music && (['beats', 'pulse', 'silence', 'crescendo', 'swell'] as const).some((f) => plan.sync[f] || plan.sections.some((s) => s.sync?.[f]));
  if (wantsMusic && plan.music) {
    out.analysis.music = audioEvents(await analyzeAudioFile(loaded.audio[plan.music.file]!.file, { cacheDir }));
  }
  for (const s of plan.sections) {
    if (s.narration && (s.sync?.speechPauses ?? plan.sync.speechPauses) && !out.analysis.narration[s.narration]) {
      out.analysis.narration[s.narration] = audioEvents(await analyzeAudioFile(loaded.audio[s.narration]!.file, { cacheDir }));
    }
  }

  // A frame range: where the cuts fall is known once the audio is analysed (cuts move onto beats and
  // into speech pauses); focus, clips and layers never move them, so only the sections in range need them.
  const sections = opts.frames ? sectionsInRange(loaded, out, opts.frames) : plan.sections;
  if (opts.frames && sections.length < plan.sections.length) {
    const inRange = new Set(sections);
    out.outsideRange = plan.sections.filter((s) => !inRange.has(s)).map((s) => s.id);
    const [a, b] = opts.frames.range;
    log(`frames ${a}-${b}: preparing ${sections.length} of ${plan.sections.length} sections (${sections.map((s) => s.id).join(', ')})`);
  }

  // Captions: word timings of every narration the render shows (src/captions/narration-captions.ts).
  out.captions = await prepareNarrationCaptions(plan, (ref) => loaded.audio[ref]!.file, {
    cacheDir,
    sectionIds: new Set(sections.map((s) => s.id)),
    signal: opts.signal,
    onLog: log,
  });

  // The subject of every image some section leaves without a focus (smartcrop-style saliency).
  for (const ref of new Set(sections.filter((s) => !s.focus).map((s) => s.image))) {
    try {
      const f = await detectFocus(loaded.images[ref]!.file, { label: ref });
      if (!f.fallback) out.focus[ref] = { x: f.x, y: f.y };
    } catch (err) {
      log(`warning: ${ref}: no subject detected (${(err as Error).message}); centring`);
    }
  }

  // Tier 3: clips.
  const jobs = clipJobs(loaded).filter((j) => sections.includes(j.section));
  const fellBack = new Set<string>();
  if (jobs.length && opts.skipClips) {
    for (const { section } of jobs) {
      note(section.id, 'AI clips skipped for this render');
      fellBack.add(section.id);
    }
  } else if (jobs.length) {
    const collect = opts.dryRun ? async (j: ClipJob[], o: CollectOptions) => (await estimateClips(j, o)).results : collectClips;
    const results = await collect(
      jobs.map((j) => j.job),
      {
        ...opts.clipOptions,
        // Damaged cache entries are reported with the render's other warnings.
        cache: opts.clipOptions?.cache ?? openClipCache({ dir: cacheDir, env: opts.clipOptions?.env, onWarning: (m) => log(`warning: ${m}`) }),
        cacheDir,
        ledger: path.join(path.dirname(cacheDir), 'ledger.json'),
        budgetUsd: opts.budgetUsd ?? loaded.plan.budget,
        signal: opts.signal,
        onEvent: opts.onClipEvent,
      },
    );
    for (const r of results) {
      const sectionId = jobs[r.index]!.section.id;
      out.clipResults.push({ ...r, sectionId });
      if (r.status === 'fallback' || !r.file) {
        note(sectionId, r.reason ?? 'no clip');
        fellBack.add(sectionId);
        continue;
      }
      const facts = await probeVideo(r.file);
      out.clips[sectionId] = { file: r.file, duration: facts.duration, width: facts.width, height: facts.height };
      log(`clip ${sectionId}: ${r.status === 'hit' ? 'cache hit' : `generated by ${r.provider} (${formatUsd(r.costUsd)})`}`);
    }
  }

  // Tier 2: depth layers, per image.
  const ledger = new Ledger(path.join(path.dirname(cacheDir), 'ledger.json'));
  const needLayers = sections.filter((s) => !s.scene && (s.tier === 2 || (s.tier === 3 && fellBack.has(s.id))));
  const byImage = new Map<string, Section[]>();
  for (const s of needLayers) byImage.set(s.image, [...(byImage.get(s.image) ?? []), s]);
  const layerWidths = neededLayerWidths(loaded, out, byImage.keys(), opts.frames?.formats ?? opts.formats ?? plan.formats, opts.scale ?? 1);
  for (const [ref, sections] of byImage) {
    const count = Math.max(...sections.map((s) => s.parallax?.layers ?? 3));
    try {
      const manifest = await prepareLayers(loaded.images[ref]!.file, {
        count,
        width: layerWidths.get(ref),
        estimator: loaded.plan.depth.estimator,
        cacheDir,
        label: ref,
        // Hosted depth is paid: it goes into the same ledger as provider clips.
        onCost: (usd, label) =>
          void ledger.append({ provider: 'depth', model: loaded.plan.depth.estimator, key: label, durationSec: 0, costUsd: usd, status: 'generated', note: ref }),
      });
      for (const w of manifest.warnings) log(`warning: ${ref}: ${w}`);
      out.layers[ref] = manifest;
    } catch (err) {
      for (const s of sections) note(s.id, `depth layers failed: ${(err as Error).message}`);
    }
  }
  return out;
}

/** The plan's sections with at least one frame (transitions included) in the range, in any of the formats. */
function sectionsInRange(loaded: LoadedPlan, analysed: PreparedAssets, frames: NonNullable<PrepareAssetsOptions['frames']>): Section[] {
  const [a, b] = frames.range;
  const ids = new Set<string>();
  for (const format of frames.formats) {
    for (const scene of buildTimeline(loaded.plan, planMediaFacts(loaded, analysed), format).scenes) {
      if (scene.from <= b && scene.from + scene.durationInFrames - 1 >= a) ids.add(scene.id);
    }
  }
  return loaded.plan.sections.filter((s) => ids.has(s.id));
}

/**
 * The timeline's warnings worth showing for a render with these assets: a section left unprepared
 * by a frame range falls back to a lower tier in frames that are not rendered, which is no news.
 */
export function renderWarnings(timeline: Timeline, assets: PreparedAssets): string[] {
  const outside = new Set(assets.outsideRange ?? []);
  const moot = timeline.scenes.filter((sc) => outside.has(sc.id) && sc.fallback).map((sc) => `"${sc.id}": ${sc.fallback}`);
  return timeline.warnings.filter((w) => !moot.some((m) => w.endsWith(m)));
}
