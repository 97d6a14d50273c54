/**
 * Title and end cards in frames: when each is on screen and how opaque it is at a frame. The
 * title card opens the video over the first section; the end card closes it over the last
 * section's final hold. Pure module (browser + Node): the timeline places the cards, and both
 * renderers draw them from the same values (src/frame/describe-overlays.ts).
 */
import type { Plan } from '../plan/schema';
import { ON_SCREEN_TEXT_MAX_CHARS } from './on-screen-text';
import type { TimelineCard } from '../timeline/types';

/** A title card without `seconds` stays this long (at most the first section). */
export const TITLE_CARD_SECONDS = 3;
/** The end card covers the last section's end hold, but never less than this (at most the section). */
export const END_CARD_MIN_SECONDS = 2;
const FADE_IN_SECONDS = 0.4;
const FADE_OUT_SECONDS = 0.5;

/** Fade frames that fit a card of `frames`: a fade never takes more than a third of it. */
function fadeFrames(seconds: number, fps: number, frames: number): number {
  return Math.min(Math.round(seconds * fps), Math.floor(frames / 3));
}

/**
 * The plan's cards on a timeline whose sections start at `boundaries[i]` (frames; the last entry
 * is the video's length). The title card fades in and out; the end card fades in and stays to
 * the last frame.
 */
export function timelineCards(
  plan: Plan,
  boundaries: number[],
  fps: number,
): { titleCard: TimelineCard | null; endCard: TimelineCard | null; textCards: TimelineCard[]; warnings: string[] } {
  const total = boundaries[boundaries.length - 1]!;
  let titleCard: TimelineCard | null = null;
  if (plan.titleCard) {
    const frames = Math.max(1, Math.min(Math.round((plan.titleCard.seconds ?? TITLE_CARD_SECONDS) * fps), boundaries[1]!));
    titleCard = {
      kind: 'title',
      text: plan.titleCard.text,
      subtitle: plan.titleCard.subtitle ?? null,
      startFrame: 0,
      endFrame: frames,
      fadeInFrames: fadeFrames(FADE_IN_SECONDS, fps, frames),
      fadeOutFrames: fadeFrames(FADE_OUT_SECONDS, fps, frames),
    };
  }
  let endCard: TimelineCard | null = null;
  if (plan.endCard) {
    const last = plan.sections[plan.sections.length - 1]!;
    const sectionFrames = total - boundaries[boundaries.length - 2]!;
    const frames = Math.max(1, Math.min(sectionFrames, Math.max(Math.round((last.hold?.end ?? 0) * fps), Math.round(END_CARD_MIN_SECONDS * fps))));
    endCard = {
      kind: 'end',
      text: plan.endCard.text,
      subtitle: plan.endCard.subtitle ?? null,
      startFrame: total - frames,
      endFrame: total,
      fadeInFrames: fadeFrames(FADE_IN_SECONDS, fps, frames),
      fadeOutFrames: 0,
    };
  }
  const { textCards, warnings } = sectionTextCards(plan, boundaries, fps, titleCard, endCard);
  return { titleCard, endCard, textCards, warnings };
}

/**
 * Sections' on-screen text: over the section's own span, after the title card and before the end
 * card where they share it. Text too long to read at a glance is left to narration and captions.
 */
function sectionTextCards(plan: Plan, boundaries: number[], fps: number, title: TimelineCard | null, end: TimelineCard | null): { textCards: TimelineCard[]; warnings: string[] } {
  const textCards: TimelineCard[] = [];
  const warnings: string[] = [];
  plan.sections.forEach((s, i) => {
    if (!s.onScreenText) return;
    const text = s.text?.trim() ?? '';
    const where = `sections[${i}] "${s.id}"`;
    if (!text) {
      warnings.push(`${where}: onScreenText is on but the section has no text; nothing shown`);
      return;
    }
    if ([...text].length > ON_SCREEN_TEXT_MAX_CHARS) {
      warnings.push(`${where}: text of ${[...text].length} characters is too long for on-screen text (at most ${ON_SCREEN_TEXT_MAX_CHARS}); not shown (narration and captions carry long text)`);
      return;
    }
    let startFrame = boundaries[i]!;
    let endFrame = boundaries[i + 1]!;
    if (title && title.endFrame > startFrame) startFrame = Math.min(endFrame, title.endFrame);
    if (end && end.startFrame < endFrame) endFrame = Math.max(startFrame, end.startFrame);
    const frames = endFrame - startFrame;
    if (frames < 1) return;
    textCards.push({
      kind: 'text',
      text,
      subtitle: null,
      startFrame,
      endFrame,
      fadeInFrames: fadeFrames(FADE_IN_SECONDS, fps, frames),
      fadeOutFrames: fadeFrames(FADE_OUT_SECONDS, fps, frames),
    });
  });
  return { textCards, warnings };
}

/** The card's opacity at a video frame: 0 outside its frames, linear ramps over its fades. */
export function cardOpacity(card: TimelineCard, frame: number): number {
  if (frame < card.startFrame || frame >= card.endFrame) return 0;
  const fadeIn = card.fadeInFrames > 0 ? (frame - card.startFrame + 1) / (card.fadeInFrames + 1) : 1;
  const fadeOut = card.fadeOutFrames > 0 ? (card.endFrame - frame) / (card.fadeOutFrames + 1) : 1;
  return Math.min(1, fadeIn, fadeOut);
}
