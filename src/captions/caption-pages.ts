/**
 * The timeline's caption pages, in VIDEO time: each section's word timings (ms from the start of its
 * narration file) moved by where its narration clip starts on the timeline (after beat-snapping and
 * holds), paged with @remotion/captions' createTikTokStyleCaptions, one section at a time so a page
 * never spans a cut. Pure and browser-safe: the Remotion compositions build timelines too.
 */
import { createTikTokStyleCaptions, type Caption, type TikTokToken } from '@remotion/captions';
import type { NarrationCaptions, Plan } from '../plan/schema';
import type { CaptionPage, NarrationClip, TimelineCaptions } from '../timeline/types';
import { CAPTION_PAGING, DEFAULT_CAPTION_STYLE, type CaptionPaging } from './caption-settings';

/** How long a page stays up after its last word ends (when nothing follows at once), so it can be read. */
export const PAGE_LINGER_MS = 500;

export interface SectionCaptionInput {
  sectionId: string;
  timings: NarrationCaptions;
  /** Where the section's narration starts, in video ms. */
  offsetMs: number;
  /** The latest a page of this section may be shown until (the section's end), in video ms. */
  endMs: number;
}

/** Number of characters a token takes on screen: code points, so emoji and astral letters count once. */
function visibleLength(s: string): number {
  return [...s].length;
}

/**
 * Splits a page into pages of at most `maxChars` characters, between words only: a word longer
 * than the limit gets a page of its own and is never cut (the overlay scales it to fit).
 */
function splitByChars(tokens: TikTokToken[], maxChars: number): TikTokToken[][] {
  const out: TikTokToken[][] = [];
  let cur: TikTokToken[] = [];
  let len = 0;
  for (const t of tokens) {
    const word = t.text.trimStart();
    const add = cur.length === 0 ? visibleLength(word) : visibleLength(t.text);
    if (cur.length > 0 && len + add > maxChars) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(cur.length === 0 ? { ...t, text: word } : t);
    len += cur.length === 1 ? visibleLength(word) : add;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Pages of one section in video ms (before frames), word level or one page per cue. */
function sectionPages(input: SectionCaptionInput, paging: CaptionPaging): Omit<CaptionPage, 'startFrame' | 'endFrame'>[] {
  const { timings, offsetMs, sectionId } = input;
  const words: Caption[] = timings.captions
    .filter((c) => c.text.trim() !== '' && Number.isFinite(c.startMs) && Number.isFinite(c.endMs))
    .map((c, i) => ({
      ...c,
      // createTikTokStyleCaptions starts a page only at a token with a leading space.
      text: i === 0 ? c.text.trimStart() : c.text.startsWith(' ') ? c.text : ` ${c.text}`,
      startMs: c.startMs + offsetMs,
      endMs: Math.max(c.endMs, c.startMs) + offsetMs,
      // Cues are a page each.
      ...(timings.level === 'cue' ? { pageBreakAfter: true } : {}),
    }));
  if (!words.length) return [];
  const { pages } = createTikTokStyleCaptions({
    captions: words,
    combineTokensWithinMilliseconds: paging.combineMs,
    breakOnSilenceAfterMilliseconds: paging.breakOnSilenceMs,
  });
  const maxChars = paging.maxCharsPerLine * paging.maxLines;
  return pages.flatMap((p) => {
    const groups = timings.level === 'cue' ? [p.tokens] : splitByChars(p.tokens, maxChars);
    return groups.map((tokens) => {
      const startMs = tokens[0]!.fromMs;
      const text = tokens.map((t) => t.text).join('').trimStart();
      return { text, startMs, tokens, durationMs: tokens[tokens.length - 1]!.toMs - startMs, sectionId, level: timings.level };
    });
  });
}

/**
 * Every section's pages in video time, with frames: a page is shown from its first word until the
 * next page starts, or until a short linger after its last word when a pause follows, never past
 * its section's end; pages never overlap.
 */
export function captionPages(sections: SectionCaptionInput[], fps: number, paging: CaptionPaging): CaptionPage[] {
  const raw = sections
    .flatMap((s) => sectionPages(s, paging).map((p) => ({ p, sectionEndMs: s.endMs })))
    .sort((a, b) => a.p.startMs - b.p.startMs);
  const pages: CaptionPage[] = [];
  raw.forEach(({ p, sectionEndMs }, i) => {
    const lastWordEnd = p.startMs + p.durationMs;
    const next = raw[i + 1]?.p.startMs ?? Infinity;
    const endMs = Math.max(lastWordEnd, Math.min(lastWordEnd + PAGE_LINGER_MS, next, sectionEndMs));
    let startFrame = Math.round((p.startMs * fps) / 1000);
    const prev = pages[pages.length - 1];
    if (prev && startFrame < prev.endFrame) startFrame = prev.endFrame;
    const endFrame = Math.max(startFrame + 1, Math.round((Math.min(endMs, next) * fps) / 1000));
    pages.push({ ...p, durationMs: endMs - p.startMs, startFrame, endFrame });
  });
  return pages;
}

/** The paging of a plan's captions: its style's, with the plan's line length when it gives one. */
export function planPaging(plan: Pick<Plan, 'captions'>): CaptionPaging {
  const setting = plan.captions || undefined;
  const base = CAPTION_PAGING[setting?.style ?? DEFAULT_CAPTION_STYLE];
  return setting?.maxCharsPerLine ? { ...base, maxCharsPerLine: setting.maxCharsPerLine } : base;
}

/**
 * The timeline's captions: null when the plan turns them off or no section has any timings.
 * `sectionEndFrame` is where each section's own span ends (its boundary with the next).
 */
export function timelineCaptions(
  plan: Pick<Plan, 'captions' | 'sections'>,
  timings: Record<string, NarrationCaptions> | undefined,
  narration: NarrationClip[],
  fps: number,
  sectionEndFrame: (sectionId: string) => number,
): TimelineCaptions | null {
  if (plan.captions === false || !timings) return null;
  const inputs: SectionCaptionInput[] = [];
  for (const clip of narration) {
    const section = plan.sections.find((s) => s.id === clip.sectionId);
    if (!section?.narration || section.captions === false) continue;
    const t = timings[section.narration];
    if (!t?.captions.length) continue;
    const offsetMs = (clip.from * 1000) / fps;
    // Words past the end of the narration clip are not heard: drop them.
    const clipEndMs = ((clip.from + clip.durationInFrames) * 1000) / fps;
    inputs.push({
      sectionId: section.id,
      timings: { ...t, captions: t.captions.filter((c) => c.startMs + offsetMs < clipEndMs) },
      offsetMs,
      endMs: Math.max(clipEndMs, (sectionEndFrame(section.id) * 1000) / fps),
    });
  }
  const paging = planPaging(plan);
  const pages = captionPages(inputs, fps, paging);
  if (!pages.length) return null;
  const words: Caption[] = pages.flatMap((p) =>
    p.tokens.map((t) => ({ text: t.text.trim(), startMs: t.fromMs, endMs: t.toMs, timestampMs: t.fromMs, confidence: null })),
  );
  const setting = plan.captions || undefined;
  return { style: setting?.style ?? DEFAULT_CAPTION_STYLE, position: setting?.position ?? 'auto', maxCharsPerLine: paging.maxCharsPerLine, pages, words };
}
