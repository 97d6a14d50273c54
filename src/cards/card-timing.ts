/**
 * Title and end cards in frames: when each is on screen and how opaque it is at a frame. The
 * title card opens the video over the first section; the end card closes it over the last
 * section's final hold. Pure module (browser + Node): the timeline places the cards, and both
 * renderers draw them from the same values (src/frame/describe-overlays.ts).
 */
import type { Plan } from '../plan/schema';
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
export function timelineCards(plan: Plan, boundaries: number[], fps: number): { titleCard: TimelineCard | null; endCard: TimelineCard | null } {
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
  return { titleCard, endCard };
}

/** The card's opacity at a video frame: 0 outside its frames, linear ramps over its fades. */
export function cardOpacity(card: TimelineCard, frame: number): number {
  if (frame < card.startFrame || frame >= card.endFrame) return 0;
  const fadeIn = card.fadeInFrames > 0 ? (frame - card.startFrame + 1) / (card.fadeInFrames + 1) : 1;
  const fadeOut = card.fadeOutFrames > 0 ? (card.endFrame - frame) / (card.fadeOutFrames + 1) : 1;
  return Math.min(1, fadeIn, fadeOut);
}
