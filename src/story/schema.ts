/**
 * A story: what the Story Director turns into a motion plan. Sections with text, an image, optional
 * narration audio and an optional duration, plus optional plan-level settings (music, sync, budget ...)
 * that are passed on to the plan. Written as JSON or YAML, or as Markdown (see markdown-story.ts).
 * Paths are relative to the story file. Pure module.
 */
import { z } from 'zod';
import { CLIP_MODES } from '../providers/model-mode';
import { PROVIDER_IDS } from '../providers/types';
import {
  DEPTH_ESTIMATORS,
  SPEND_POLICIES,
  defaultsSchema,
  duplicateIdProblems,
  formatSchema,
  musicSchema,
  syncSchema,
} from '../plan/schema';

/**
 * Most characters of text in one section. The mood reader is linear (11 MB read in ~2 s), but the
 * Markdown parser overflows the stack on a paragraph of ~8-10 MB; 1 MB is ~170,000 words, hours of
 * narration, far more than a section of video can carry. One limit for every story format.
 */
export const MAX_SECTION_TEXT_CHARS = 1_000_000;
export const megabytes = (chars: number): string => `${(chars / 1e6).toFixed(chars < 1e5 ? 2 : 1)} MB`;

const storySectionSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "-" and "_" only')
    .optional()
    .describe('Unique name of the section (default: from its title, else section-N)'),
  title: z.string().min(1).optional().describe('Heading of the section'),
  text: z
    .string()
    .max(MAX_SECTION_TEXT_CHARS, {
      error: (iss) => `${megabytes((iss.input as string).length)} of text: a section's text may be at most ${megabytes(MAX_SECTION_TEXT_CHARS)}; split it into sections`,
    })
    .optional()
    .describe('What the section says (the director reads its mood from it)'),
  image: z
    .string({ error: (iss) => (iss.input === undefined ? 'no image: every section needs one (in Markdown, the first ![alt](file) under its heading)' : undefined) })
    .min(1)
    .describe('Image file, relative to the story file, or an http(s) URL'),
  narration: z.string().min(1).optional().describe('Narration audio file, relative to the story file'),
  duration: z.number().gt(0).max(3600).optional().describe('Seconds (default: narration length plus padding, else defaults.duration)'),
});

/** Plan-level settings a story may carry; they are checked with the plan's own schemas and copied into the plan. */
export const storySettingsShape = {
  title: z.string().min(1).optional().describe('Title of the video (default: the Markdown "# " heading, else the file name)'),
  budget: z.number().min(0).optional().describe('Most USD the plan may cost (AI clips and hosted depth); default 0'),
  spend: z
    .enum(SPEND_POLICIES)
    .optional()
    .describe('How the budget is spent: key-moments (default: an AI clip only where its impact is worth its price; the budget is a cap) or max (the most impact the budget buys)'),
  fps: z.number().int().min(1).max(120).optional(),
  formats: z.array(formatSchema).min(1).optional(),
  defaults: defaultsSchema.optional(),
  music: musicSchema.optional(),
  sync: syncSchema.optional(),
  depth: z.strictObject({ estimator: z.enum(DEPTH_ESTIMATORS) }).optional().describe('How tier 2 depth maps are made (hosted costs ~$0.02/image)'),
  clips: z
    .strictObject({
      provider: z.enum(PROVIDER_IDS).describe('Image-to-video provider for tier 3 (default runway)'),
      model: z.string().min(1).optional().describe('Provider model (default: the provider\'s default)'),
      mode: z.enum(CLIP_MODES).optional().describe('Kling only: generation mode, std (default) or pro (higher quality, priced higher); as a plan clip\'s `mode`'),
    })
    .optional()
    .describe('Which AI provider the director plans tier 3 clips with'),
};

export const STORY_SETTING_KEYS = Object.keys(storySettingsShape) as (keyof typeof storySettingsShape)[];

export const storySchema = z
  .strictObject({ ...storySettingsShape, sections: z.array(storySectionSchema).min(1, 'a story needs at least one section') })
  .superRefine((story, ctx) => {
    for (const p of duplicateIdProblems(story)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
  });

export type StoryData = z.output<typeof storySchema>;
export type StorySectionData = z.output<typeof storySectionSchema>;
/** Settings as the user wrote them (validated, defaults not filled in), ready to copy into a plan. */
export type StorySettings = Partial<{
  [K in keyof typeof storySettingsShape]: z.input<(typeof storySettingsShape)[K]>;
}>;
