/**
 * The motion plan: the single source of truth for what a video is. Pure module: the Node side
 * validates plans with it, Remotion Studio edits plans with it, `plan.schema.json` is generated from it.
 *
 * Times are in seconds, positions in 0..1 of the image (x to the right, y down).
 */
import { ON_SCREEN_TEXT_MAX_CHARS } from '../cards/on-screen-text';
import { z } from 'zod';
import { DEFAULT_LOUDNESS, INTEGRATED_RANGE, LOUDNESS_NAMES, TRUE_PEAK_RANGE } from '../audio/loudness-target';
import { CAPTION_POSITIONS, CAPTION_SOURCES, CAPTION_STYLE_NAMES, DEFAULT_CAPTION_SOURCE, DEFAULT_CAPTION_STYLE } from '../captions/caption-settings';
import { CLIP_MODES, splitModelMode, type ClipMode } from '../providers/model-mode';
import { PROVIDER_IDS } from '../providers/types';
import { FORMAT_IDS } from './formats';
import { customSceneSchema } from './scene-types';
import { TIER_NAMES } from './tiers';

export const formatSchema = z.enum(FORMAT_IDS).describe('Aspect ratio: 16:9 (1920x1080), 9:16 (1080x1920) or 1:1 (1080x1080)');

const unit = z.number().min(0).max(1);

export const pointSchema = z
  .strictObject({ x: unit.describe('0 = left edge, 1 = right edge'), y: unit.describe('0 = top edge, 1 = bottom edge') })
  .describe('A point in the image, in 0..1 of its width and height');

export const rectSchema = z
  .strictObject({
    x: unit,
    y: unit,
    w: z.number().gt(0).max(1),
    h: z.number().gt(0).max(1),
  })
  .refine((r) => r.x + r.w <= 1 + 1e-9 && r.y + r.h <= 1 + 1e-9, { message: 'rectangle must lie inside the image (x + w <= 1 and y + h <= 1)' })
  .describe('A rectangle in the image, in 0..1 of its width and height');

export const EASING_NAMES = ['linear', 'ease', 'ease-in', 'ease-out', 'ease-in-out', 'gentle'] as const;
export const easingSchema = z
  .union([z.enum(EASING_NAMES), z.tuple([z.number(), z.number(), z.number(), z.number()])])
  .describe('A named easing, or cubic-bezier control points [x1, y1, x2, y2]');

/** One end of a camera move: a zoom around a focal point, or a rectangle that must be in frame. */
export const framingSchema = z.union([
  z.strictObject({ rect: rectSchema.describe('Region that fills the frame (expanded to the frame aspect)') }),
  z.strictObject({
    zoom: z.number().min(1).max(10).default(1).describe('1 = the image just covers the frame; never less'),
    focus: pointSchema.optional().describe('Point the camera centres on (default: the section focus)'),
  }),
]);

export const MOTION_PRESETS = ['zoom-in', 'zoom-out', 'pan-left', 'pan-right', 'pan-up', 'pan-down', 'none'] as const;
export const motionPresetSchema = z.enum(MOTION_PRESETS);

export const motionSchema = z
  .union([
    motionPresetSchema,
    z.strictObject({
      preset: motionPresetSchema,
      amount: z.number().min(0).max(1).default(0.15).describe('Strength: zoom added (zoom presets) or share of the frame travelled (pans)'),
      easing: easingSchema.optional(),
    }),
    z.strictObject({ start: framingSchema, end: framingSchema, easing: easingSchema.optional() }),
  ])
  .describe('Camera move (tier 1 Ken Burns): a preset name, a preset with amount, or explicit start/end framings');

const transitionDuration = z.number().gt(0).max(10).default(0.8).describe('Seconds the two sections overlap');
export const SLIDE_DIRECTIONS = ['from-left', 'from-right', 'from-top', 'from-bottom'] as const;

export const transitionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('cut') }),
    z.strictObject({ type: z.literal('crossfade'), duration: transitionDuration }),
    z.strictObject({ type: z.literal('slide'), duration: transitionDuration, direction: z.enum(SLIDE_DIRECTIONS).default('from-right') }),
    z.strictObject({ type: z.literal('wipe'), duration: transitionDuration, direction: z.enum(SLIDE_DIRECTIONS).default('from-left') }),
  ])
  .describe('Transition into the next section, centred on the boundary between the two');

export const holdSchema = z
  .strictObject({
    start: z.number().min(0).default(0).describe('Seconds of stillness before the camera moves'),
    end: z.number().min(0).default(0).describe('Seconds of stillness after the camera stops'),
  })
  .describe('Hold frames: stillness at the start and/or end of the section');

export const PARALLAX_PRESETS = ['orbit', 'pan', 'dolly', 'push'] as const;
export const parallaxSchema = z
  .strictObject({
    preset: z
      .enum(PARALLAX_PRESETS)
      .default('orbit')
      .describe('orbit: near and far layers move opposite ways; pan: all layers slide, near ones faster; dolly: the camera moves in, near layers grow faster; push: dolly plus a zoom'),
    direction: z.enum(['left', 'right', 'up', 'down']).default('right').describe('Direction the camera travels (orbit, pan)'),
    amount: z.number().min(0).max(1).default(0.6).describe('Share of the largest hole-free layer movement'),
    layers: z.number().int().min(2).max(6).default(3).describe('Depth layers to split the image into'),
    mode: z
      .enum(['css', 'webgl'])
      .default('css')
      .describe('css: layers moved with transforms (fast, works on Lambda); webgl: per-pixel displacement from the depth map (smoother depth, renders with the software GL, slower)'),
    easing: easingSchema.optional(),
  })
  .describe('Tier 2 parallax: layers from a depth map move at speeds set by their depth');

export const clipSchema = z
  .strictObject({
    provider: z.enum(PROVIDER_IDS).default('luma').describe('Image-to-video provider (haiper: legacy API)'),
    model: z
      .string()
      .min(1)
      .optional()
      .describe('Provider model (default: luma ray-2, runway gen4_turbo, kling kling-v2-1, haiper gen2); the mode goes in `mode`, not here'),
    mode: z.enum(CLIP_MODES).optional().describe('Kling only: generation mode, std (default) or pro (higher quality, priced higher)'),
    prompt: z.string().min(1).optional().describe('What should move (default: the section text); put the camera direction first: long prompts are cut from the end'),
    seed: z.number().int().min(0).optional().describe('Seed, where the provider supports one'),
  })
  // Older plans wrote the mode into the model ("kling-v2-1:pro"): read that as model + mode.
  .transform((clip, ctx) => {
    if (!clip.model) return clip;
    try {
      const { model, mode } = splitModelMode(clip.model, clip.mode);
      return { ...clip, model, ...(mode ? { mode: mode as ClipMode } : {}) };
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: (err as Error).message });
      return z.NEVER;
    }
  })
  .describe('Tier 3: an AI image-to-video clip made from the section image');

export const syncSchema = z
  .strictObject({
    beats: z.boolean().default(false).describe('Snap cuts (and transition starts) to the music beat, never cutting narration'),
    tolerance: z.number().min(0).max(1).default(0.25).describe('Largest move, in seconds, when snapping to a beat'),
    pulse: z.boolean().default(false).describe('A small zoom pulse on strong beats'),
    silence: z.boolean().default(false).describe('Slow the camera to a near hold during silences'),
    crescendo: z.boolean().default(false).describe('Speed the camera up through crescendos'),
    speechPauses: z.boolean().default(true).describe('Move transitions that would cross narration into a speech pause'),
    swell: z.boolean().default(false).describe('Deepen parallax (and speed) while the music swells'),
  })
  .describe('Audio-driven motion, from an analysis of the music and narration');

/** Per-section switches over the plan's `sync`. */
export const sectionSyncSchema = z.strictObject({
  beats: z.boolean().optional(),
  pulse: z.boolean().optional(),
  silence: z.boolean().optional(),
  crescendo: z.boolean().optional(),
  speechPauses: z.boolean().optional(),
  swell: z.boolean().optional(),
});

/** Burned-in captions (on by default for sections with narration); the CLI's --no-captions, --caption-style and --captions-source override it. */
export const captionsSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      style: z
        .enum(CAPTION_STYLE_NAMES)
        .default(DEFAULT_CAPTION_STYLE)
        .describe(`Look of the captions: ${CAPTION_STYLE_NAMES.join(', ')} (bold: short-form, the spoken word highlighted; subtitle: plain lower-third; karaoke: words fill in as spoken)`),
      position: z.enum(CAPTION_POSITIONS).default('auto').describe("Where they sit inside the format's safe zone (auto: the format's default, off the subject's face)"),
      source: z
        .enum(CAPTION_SOURCES)
        .default(DEFAULT_CAPTION_SOURCE)
        .describe('Word timings: align (the section text aligned to its narration, local and free), openai (transcription, OPENAI_API_KEY), whisper-cpp (a local whisper.cpp)'),
      maxCharsPerLine: z.number().int().min(8).max(80).optional().describe("Longest caption line in characters (default: the style's)"),
    }),
  ])
  .describe('Captions from the narration: false for none, or their style, position and word-timing source');

export const sectionSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "-" and "_" only')
    .describe('Unique name of the section'),
  image: z.string().min(1).describe('Image file, relative to the plan file, or an http(s) URL'),
  narration: z.string().min(1).optional().describe('Narration audio file, relative to the plan file; starts with the section'),
  text: z.string().optional().describe('The section text (used by the Story Director and captions)'),
  duration: z
    .union([z.number().gt(0).max(3600), z.literal('auto')])
    .default('auto')
    .describe('Seconds, or "auto" = narration length plus padding'),
  tier: z.number().int().min(0).max(TIER_NAMES.length - 1).default(1).describe(TIER_NAMES.map((name, tier) => `${tier} ${name}`).join(', ')),
  motion: motionSchema.optional(),
  scene: customSceneSchema.optional().describe('A custom scene type instead of the tier\'s own scene'),
  focus: pointSchema.optional().describe('The subject; kept in frame in every format (default: centre)'),
  transition: transitionSchema.optional().describe('Transition into the next section (default: plan defaults)'),
  hold: holdSchema.optional(),
  parallax: parallaxSchema.optional(),
  clip: clipSchema.optional(),
  sync: sectionSyncSchema.optional().describe('Turn audio-driven motion on or off for this section'),
  captions: z.literal(false).optional().describe('false: no captions for this section'),
  onScreenText: z
    .boolean()
    .optional()
    .describe(`Show the section's text on screen in the title style, over the section (for sections without narration; at most ${ON_SCREEN_TEXT_MAX_CHARS} characters)`),
  // Written by the Story Director (`stillmotion plan`); the renderer ignores them.
  intensity: unit.optional().describe('Story Director: emotional intensity of the section, 0 calm .. 1 climax'),
  reason: z.string().optional().describe('Story Director: one line on why the section got its tier and motion'),
  estimatedCost: z.number().min(0).optional().describe('Story Director: estimated USD for this section (AI clip, hosted depth), from the price table'),
  pinned: z.boolean().optional().describe('Keep this section as it is when re-planning with `stillmotion plan --keep`'),
  directorFingerprint: z
    .string()
    .optional()
    .describe('Story Director: fingerprint of the section as it wrote it; a section that no longer matches was edited and is kept by `plan --keep`'),
});

export const musicSchema = z
  .strictObject({
    file: z.string().min(1).describe('Music file, relative to the plan file'),
    volume: z.number().min(0).max(2).default(0.4),
    ducking: z
      .strictObject({
        enabled: z.boolean().default(true),
        db: z.number().min(-60).max(0).default(-12).describe('Gain change while narration plays'),
        attack: z.number().min(0).max(5).default(0.25).describe('Seconds to duck down before narration'),
        release: z.number().min(0).max(5).default(0.6).describe('Seconds to come back up after narration'),
      })
      .prefault({}),
    fadeIn: z.number().min(0).default(1.5),
    fadeOut: z.number().min(0).default(2.5),
    loop: z.boolean().default(true).describe('Loop the file when the video is longer'),
    offset: z.number().min(0).default(0).describe('Seconds into the file where the music starts'),
  })
  .describe('Music bed under the whole video: looped or trimmed, faded, ducked under narration');

export const loudnessSchema = z
  .union([
    z.enum(LOUDNESS_NAMES),
    z.strictObject({
      integrated: z.number().min(INTEGRATED_RANGE.min).max(INTEGRATED_RANGE.max).describe('Integrated loudness, LUFS'),
      truePeak: z.number().min(TRUE_PEAK_RANGE.min).max(TRUE_PEAK_RANGE.max).default(-1).describe('Highest true peak, dBTP'),
    }),
  ])
  .describe(
    `Delivery loudness of the final mix (EBU R128): youtube and tiktok -14 LUFS, podcast -16, broadcast -23, all with true peak <= -1 dBTP; off leaves the mix as rendered; or {integrated, truePeak}. Default ${DEFAULT_LOUDNESS}; --loudness overrides it`,
  );

/** Title and end cards: text set over the video in the format's safe zone (drawn by src/frame/draw-overlay.ts). */
const cardText = z.string().trim().min(1);
export const titleCardSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      text: cardText.describe('The title'),
      subtitle: cardText.optional().describe('A smaller line under it'),
      seconds: z.number().gt(0).max(60).optional().describe('Seconds on screen from the start (default 3, at most the first section)'),
    }),
  ])
  .describe('A title over the first section (the Story Director writes one from the story title); false for none');

export const endCardSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      text: cardText.describe('The closing line or call to action'),
      subtitle: cardText.optional().describe('A smaller line under it (e.g. a URL)'),
    }),
  ])
  .describe("A closing line over the last section's final hold (at least its last 2 s); false for none");

export const coverSchema = z
  .union([
    z.literal(false),
    z.strictObject({
      section: z.string().min(1).optional().describe('Section id the cover is taken from (default: the climax, the most intense section)'),
      time: z.number().min(0).optional().describe("Seconds into that section (default: its best frame: the start of its end hold, else its middle); without `section`, seconds into the video"),
      title: z.union([cardText, z.literal(false)]).optional().describe('Text set on the cover (default: the plan title); false for none'),
    }),
  ])
  .describe('The cover image written next to each video (<name>-<format>.jpg); false for none');
export type TitleCard = z.output<typeof titleCardSchema>;
export type EndCard = z.output<typeof endCardSchema>;
export type Cover = z.output<typeof coverSchema>;

/** A cover that names a section the plan does not have; works on unvalidated data too. */
export function coverSectionProblems(data: unknown): { path: (string | number)[]; message: string }[] {
  const plan = data as { cover?: unknown; sections?: unknown } | null;
  const section = (plan?.cover as { section?: unknown } | null | undefined)?.section;
  if (typeof section !== 'string' || !Array.isArray(plan?.sections)) return [];
  const ids = plan.sections.map((s: unknown) => (s as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string');
  return ids.includes(section) ? [] : [{ path: ['cover', 'section'], message: `no section "${section}" (sections: ${ids.join(', ')})` }];
}

export const defaultsSchema = z
  .strictObject({
    transition: transitionSchema.prefault({ type: 'crossfade' }),
    easing: easingSchema.default('ease-in-out'),
    motion: motionSchema.optional().describe('Camera move for sections without one (default: varies zoom-in, pan-right, zoom-out, pan-left)'),
    duration: z.number().gt(0).default(4).describe('Seconds for "auto" sections without narration'),
    padding: z
      .strictObject({
        before: z.number().min(0).default(0.4).describe('Seconds before narration starts'),
        after: z.number().min(0).default(0.8).describe('Seconds after narration ends'),
      })
      .prefault({}),
    narrationVolume: z.number().min(0).max(2).default(1),
  })
  .prefault({});

export const DEPTH_ESTIMATORS = ['heuristic', 'onnx', 'tflite', 'hosted'] as const;

export const DIRECTOR_NAMES = ['heuristic', 'openai'] as const;
/** How the Story Director spends a budget: `key-moments` buys a clip only where its impact is worth its price (the budget is a cap), `max` uses the budget for the most impact. */
export const SPEND_POLICIES = ['key-moments', 'max'] as const;
export type SpendPolicy = (typeof SPEND_POLICIES)[number];
export const directorRecordSchema = z
  .strictObject({
    by: z.enum(DIRECTOR_NAMES).describe('Which director analysed the story arc'),
    model: z.string().optional().describe('The model, for the openai director'),
    story: z.string().optional().describe('The story file, relative to the plan file'),
    turningPoints: z
      .array(
        z.strictObject({
          after: z.string().describe('Section id before the turning point'),
          before: z.string().describe('Section id after it'),
          change: z.number().describe('Change of intensity across it'),
          reason: z.string(),
        }),
      )
      .optional()
      .describe('Where the emotional arc turns (the transitions there are chosen for it)'),
    settingsFingerprint: z.string().optional().describe('Fingerprint of the plan-level settings as the director wrote them (edited settings are kept by `plan --keep`)'),
  })
  .describe('Written by the Story Director (`stillmotion plan`): how the plan was made');

const planShape = {
  $schema: z.string().optional(),
  title: z.string().min(1),
  fps: z.number().int().min(1).max(120).default(30),
  formats: z.array(formatSchema).min(1).default([...FORMAT_IDS]),
  defaults: defaultsSchema,
  music: musicSchema.optional(),
  loudness: loudnessSchema.optional(),
  titleCard: titleCardSchema.optional(),
  endCard: endCardSchema.optional(),
  cover: coverSchema.optional(),
  sync: syncSchema.prefault({}),
  budget: z.number().min(0).optional().describe('Most USD to spend on AI clips for this plan; sections over it fall back to tier 2 or 1'),
  spend: z.enum(SPEND_POLICIES).optional().describe('How `stillmotion plan` spends the budget: key-moments (default: AI clips only where worth their price) or max (use it for the most impact)'),
  depth: z
    .strictObject({
      estimator: z.enum(DEPTH_ESTIMATORS).default('heuristic').describe('heuristic: local and free; onnx: your Depth Anything / MiDaS ONNX model; tflite: your TensorFlow Lite model (e.g. FastDepth); hosted: ~$0.02/image'),
    })
    .prefault({})
    .describe('How tier 2 depth maps are made'),
  captions: captionsSchema.optional(),
  sections: z.array(sectionSchema).min(1),
  estimatedCost: z.number().min(0).optional().describe('Story Director: estimated USD for the whole plan (AI clips and hosted depth), from the price table'),
  director: directorRecordSchema.optional(),
};

/** Problems of repeated section ids; works on unvalidated data too (zod skips refinements when other fields fail). */
export function duplicateIdProblems(data: unknown): { path: (string | number)[]; message: string }[] {
  const sections = (data as { sections?: unknown } | null)?.sections;
  if (!Array.isArray(sections)) return [];
  const seen = new Map<string, number>();
  const out: { path: (string | number)[]; message: string }[] = [];
  sections.forEach((s: unknown, i) => {
    const id = (s as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const prev = seen.get(id);
    if (prev !== undefined) out.push({ path: ['sections', i, 'id'], message: `duplicate id "${id}" (also sections[${prev}])` });
    else seen.set(id, i);
  });
  return out;
}

function uniqueSectionIds(plan: { sections: { id: string }[] }, ctx: z.RefinementCtx): void {
  for (const p of [...duplicateIdProblems(plan), ...coverSectionProblems(plan)]) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}

export const planObjectSchema = z.strictObject(planShape);
export const planSchema = planObjectSchema.superRefine(uniqueSectionIds);

/** Media the browser needs, resolved by the Node side (URLs, sizes, durations); absent in Studio, where it is probed. */
export const layerSetSchema = z.object({
  /** Size of the source image the layers were cut from. */
  width: z.number(),
  height: z.number(),
  /** Margin added on every side of each layer image (mirror-extended), in source pixels. */
  overscanPx: z.number(),
  /** Largest safe shift, as a share of the image, for a layer with parallax 1. */
  maxShift: z.object({ x: z.number(), y: z.number() }),
  /** Back to front. */
  layers: z.array(z.object({ src: z.string(), parallax: z.number() })),
  /** The depth map (grey, near = bright), for the WebGL mode. */
  depth: z.string().optional(),
});

const span = z.object({ start: z.number(), end: z.number() });
export const audioEventsSchema = z.object({
  duration: z.number(),
  beats: z.array(z.number()),
  downbeats: z.array(z.number()).nullable(),
  silences: z.array(span),
  speechPauses: z.array(span),
  crescendos: z.array(span.extend({ riseDb: z.number() })),
  swells: z.array(span.extend({ peakDb: z.number() })),
});

/** A narration's word timings: words ('word'), or section-level phrases when the text could not be aligned ('cue': shown without a highlight). */
export const narrationCaptionsSchema = z.object({
  level: z.enum(['word', 'cue']),
  source: z.enum(CAPTION_SOURCES),
  /** The Caption shape of @remotion/captions: text (with its leading space), startMs, endMs, timestampMs, confidence. */
  captions: z.array(
    z.object({
      text: z.string(),
      startMs: z.number(),
      endMs: z.number(),
      timestampMs: z.number().nullable(),
      confidence: z.number().nullable(),
      pageBreakAfter: z.boolean().optional(),
    }),
  ),
});

export const clipMediaSchema = z.object({ src: z.string(), duration: z.number(), width: z.number(), height: z.number() });

export const mediaSchema = z.object({
  images: z.record(
    z.string(),
    z.object({
      src: z.string(),
      width: z.number(),
      height: z.number(),
      /** The detected subject, used when a section gives no `focus`. */
      focus: z.object({ x: z.number(), y: z.number() }).optional(),
    }),
  ),
  audio: z.record(z.string(), z.object({ src: z.string(), duration: z.number() })),
  /** Depth layers per image reference (tier 2). */
  layers: z.record(z.string(), layerSetSchema).optional(),
  /** AI clips per section id (tier 3). */
  clips: z.record(z.string(), clipMediaSchema).optional(),
  /** Audio analysis (events only, in seconds of each file) for audio-driven motion. */
  analysis: z
    .object({
      music: audioEventsSchema.optional(),
      narration: z.record(z.string(), audioEventsSchema).optional(),
    })
    .optional(),
  /** Why a section's tier could not be prepared, per section id (shown as the fallback reason). */
  notes: z.record(z.string(), z.array(z.string())).optional(),
  /** Word timings per narration reference, in ms from the start of that file (captions). */
  captions: z.record(z.string(), narrationCaptionsSchema).optional(),
});

/**
 * The props of the Remotion compositions: the plan, plus the resolved media when rendering from Node.
 * The plan is one prop (not spread) because Remotion merges input props over default props key by key.
 */
export const compositionPropsSchema = z.object({ plan: planSchema, media: mediaSchema.optional() });

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Section = z.output<typeof sectionSchema>;
export type Motion = z.output<typeof motionSchema>;
export type Framing = z.output<typeof framingSchema>;
export type Transition = z.output<typeof transitionSchema>;
export type Easing = z.output<typeof easingSchema>;
export type Point = z.output<typeof pointSchema>;
export type Rect = z.output<typeof rectSchema>;
export type Music = z.output<typeof musicSchema>;
export type Media = z.output<typeof mediaSchema>;
export type LayerSet = z.output<typeof layerSetSchema>;
export type ClipMedia = z.output<typeof clipMediaSchema>;
export type Parallax = z.output<typeof parallaxSchema>;
export type ClipSpec = z.output<typeof clipSchema>;
export type AudioEvents = z.output<typeof audioEventsSchema>;
export type Sync = z.output<typeof syncSchema>;
export type CompositionProps = z.output<typeof compositionPropsSchema>;
export type DirectorRecord = z.output<typeof directorRecordSchema>;
export type CaptionsSetting = z.output<typeof captionsSchema>;
export type NarrationCaptions = z.output<typeof narrationCaptionsSchema>;
