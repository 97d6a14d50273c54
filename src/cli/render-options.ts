/**
 * The render options shared by `render`, `render --lambda`, `batch` and `make`: parsed and checked
 * once, each problem naming its flag.
 */
import type { X264Preset } from '@remotion/renderer';
import { BrowserSafeApis } from '@remotion/renderer/client';
import { LAMBDA_PRIVACY } from '../../lambda/privacy';
import type { Command } from 'commander';
import { isLoudnessName, LOUDNESS_NAMES, type LoudnessName } from '../audio/loudness-target';
import { CAPTION_SOURCES, CAPTION_STYLE_NAMES, type CaptionSource, type CaptionStyleName } from '../captions/caption-settings';
import { StillmotionError } from '../errors';
import { outputScale, parseFormatList, type FormatId } from '../plan/formats';
import { captionsSchema, type Plan } from '../plan/schema';
import type { ClipResult } from '../providers/collect-clips';

/** The x264 presets Remotion accepts, from Remotion itself (its light, browser-safe entry). */
const X264_PRESETS: readonly string[] = BrowserSafeApis.x264PresetOptions;

export interface RenderSettingsFlags {
  formats?: string;
  scale?: string;
  preset?: string;
  crf?: string;
  budget?: string;
  loudness?: string;
  /** false: --no-captions. */
  captions?: boolean;
  captionsSource?: string;
  captionStyle?: string;
}

export interface RenderSettings {
  formats?: FormatId[];
  scale?: number;
  x264Preset?: X264Preset;
  crf?: number;
  budgetUsd?: number;
  /** Undefined: the plan's `loudness`, else the default. */
  loudness?: LoudnessName;
  /** Undefined: the plan's `captions`. */
  captions?: CaptionOverride;
}

/** What --no-captions, --captions-source and --caption-style change in the plan's `captions`. */
export type CaptionOverride = false | { source?: CaptionSource; style?: CaptionStyleName };

/** The caption flags, checked: each problem names its flag. */
function parseCaptionOptions(o: RenderSettingsFlags): CaptionOverride | undefined {
  if (o.captionStyle !== undefined && !(CAPTION_STYLE_NAMES as readonly string[]).includes(o.captionStyle)) {
    throw new StillmotionError(`--caption-style: one of ${CAPTION_STYLE_NAMES.join(', ')} (got "${o.captionStyle}")`);
  }
  if (o.captionsSource !== undefined && !(CAPTION_SOURCES as readonly string[]).includes(o.captionsSource)) {
    throw new StillmotionError(`--captions-source: one of ${CAPTION_SOURCES.join(', ')} (got "${o.captionsSource}")`);
  }
  if (o.captions === false) return false;
  if (o.captionStyle === undefined && o.captionsSource === undefined) return undefined;
  return { ...(o.captionsSource ? { source: o.captionsSource as CaptionSource } : {}), ...(o.captionStyle ? { style: o.captionStyle as CaptionStyleName } : {}) };
}

/** The plan with the caption flags applied over its `captions` (unchanged when none was given). */
export function withCaptionOverride(plan: Plan, o: CaptionOverride | undefined): Plan {
  if (o === undefined) return plan;
  if (o === false) return { ...plan, captions: false };
  // Through the schema, so what the plan leaves out gets the same defaults as in a plan file.
  return { ...plan, captions: captionsSchema.parse({ ...(plan.captions || {}), ...o }) };
}

/** Registers --no-captions, --captions-source and --caption-style on a command. */
export function addCaptionOptions(cmd: Command): Command {
  return cmd
    .option('--no-captions', 'no burned-in captions and no caption files (default: captions for every section with narration)')
    .option('--captions-source <source>', `word timings: ${CAPTION_SOURCES.join('|')} (align: the section text on its narration, local; openai: transcription, OPENAI_API_KEY; whisper-cpp: STILLMOTION_WHISPER_CPP_PATH); default: the plan's, else align`)
    .option('--caption-style <style>', `caption look: ${CAPTION_STYLE_NAMES.join('|')} (default: the plan's, else bold)`);
}

/** `--frames`: one frame "120" or an inclusive range "0-89". */
export function parseFrames(v: string): [number, number] | number {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v.trim());
  if (!m) throw new StillmotionError(`--frames: expected a frame "120" or a range "0-89" (got "${v}")`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

/** `--loudness`: a preset name or off. */
function parseLoudnessOption(v: string | undefined): LoudnessName | undefined {
  if (v === undefined) return undefined;
  if (!isLoudnessName(v)) throw new StillmotionError(`--loudness: one of ${LOUDNESS_NAMES.join(', ')} (got "${v}")`);
  return v;
}

export const LOUDNESS_OPTION_HELP = `delivery loudness of the mix: ${LOUDNESS_NAMES.join('|')} (youtube/tiktok -14 LUFS, podcast -16, broadcast -23, true peak <= -1 dBTP; default: the plan's loudness, else youtube)`;

function parseFormatsOption(v: string | undefined): FormatId[] | undefined {
  if (!v) return undefined;
  try {
    return parseFormatList(v);
  } catch (err) {
    throw new StillmotionError(`--formats: ${(err as Error).message}`);
  }
}

/** An integer flag of at least `min`, or undefined when not given. */
export function intOption(v: string | undefined, flag: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min)) throw new StillmotionError(`${flag}: an integer >= ${min} (got ${v})`);
  return n;
}

/** `--scale`: a number in (0, 4], rounded to the nearest scale whose output sizes are even integers. */
function parseScale(v: string): number {
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n)) throw new StillmotionError(`--scale: not a number: ${v}`);
  return outputScale(n);
}

export function parseRenderSettings(o: RenderSettingsFlags): RenderSettings {
  const scale = o.scale === undefined ? undefined : parseScale(o.scale);
  if (o.preset && !X264_PRESETS.includes(o.preset)) {
    throw new StillmotionError(`--preset: one of ${X264_PRESETS.join(', ')} (got "${o.preset}")`);
  }
  const crf = o.crf === undefined ? undefined : Number(o.crf);
  if (crf !== undefined && !(Number.isInteger(crf) && crf >= 0 && crf <= 51)) throw new StillmotionError(`--crf: an integer 0-51 (got ${o.crf})`);
  const budgetUsd = o.budget === undefined ? undefined : Number(o.budget);
  if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) {
    throw new StillmotionError(`--budget: a non-negative number of USD (got ${o.budget})`);
  }
  return {
    formats: parseFormatsOption(o.formats),
    scale,
    x264Preset: o.preset as X264Preset | undefined,
    crf,
    budgetUsd,
    loudness: parseLoudnessOption(o.loudness),
    captions: parseCaptionOptions(o),
  };
}

export function checkPrivacy(v: string | undefined): void {
  if (v && !(LAMBDA_PRIVACY as readonly string[]).includes(v)) throw new StillmotionError(`--privacy: one of ${LAMBDA_PRIVACY.join(', ')} (got "${v}")`);
}

/** One stderr line per tier-3 section: generated (cost), cache hit, or the fallback and why. */
export function reportClipResults(results: (ClipResult & { sectionId: string })[]): void {
  for (const c of results) {
    const what = c.status === 'fallback' ? `fell back to tier ${c.fallbackTier ?? 2}: ${c.reason}` : c.status === 'hit' ? 'cache hit' : `generated ($${c.costUsd.toFixed(2)})`;
    process.stderr.write(`clip ${c.sectionId} (${c.provider}): ${what}\n`);
  }
}
