/**
 * Caption settings shared by the plan schema, the timeline and both renderers: the style presets'
 * names, where captions sit, and where their word timings come from. Pure module (browser + Node).
 * The presets' looks live in src/captions/styles.ts; the word timing sources in src/captions/timings/.
 */

/** bold: short-form (big, heavy, the spoken word highlighted); subtitle: plain lower-third; karaoke: words fill in as spoken. */
export const CAPTION_STYLE_NAMES = ['bold', 'subtitle', 'karaoke'] as const;
export type CaptionStyleName = (typeof CAPTION_STYLE_NAMES)[number];
export const DEFAULT_CAPTION_STYLE: CaptionStyleName = 'bold';

/** auto: the format's default place inside its safe zone, moved off the subject's face when another place is free. */
export const CAPTION_POSITIONS = ['auto', 'top', 'middle', 'bottom'] as const;
export type CaptionPosition = (typeof CAPTION_POSITIONS)[number];

/** align: the section's text aligned to its narration (local, free); openai: transcription with word timestamps; whisper-cpp: a local whisper.cpp install. */
export const CAPTION_SOURCES = ['align', 'openai', 'whisper-cpp'] as const;
export type CaptionSource = (typeof CAPTION_SOURCES)[number];
export const DEFAULT_CAPTION_SOURCE: CaptionSource = 'align';

/**
 * How each style pages the words (the timeline's caption pages, src/captions/caption-pages.ts):
 * words spoken within `combineMs` of a page's first word share it, a pause of `breakOnSilenceMs`
 * starts a new one, and a page holds at most `maxLines` lines of `maxCharsPerLine` characters
 * (a plan's `captions.maxCharsPerLine` overrides it). One source for the paging and the drawing.
 */
export interface CaptionPaging {
  combineMs: number;
  breakOnSilenceMs: number;
  maxCharsPerLine: number;
  maxLines: number;
}
export const CAPTION_PAGING: Record<CaptionStyleName, CaptionPaging> = {
  bold: { combineMs: 1200, breakOnSilenceMs: 600, maxCharsPerLine: 18, maxLines: 2 },
  subtitle: { combineMs: 3000, breakOnSilenceMs: 900, maxCharsPerLine: 42, maxLines: 2 },
  karaoke: { combineMs: 2500, breakOnSilenceMs: 800, maxCharsPerLine: 30, maxLines: 2 },
};
