/**
 * Title cards, end cards and the cover's title as overlay values (src/frame/overlay.ts): the text,
 * its opacity at a frame, and its band of the format's safe zone. A card keeps one place while it
 * shows: the middle of the safe zone unless the subject is there (src/frame/safe-zone.ts), and
 * never the band a caption page uses meanwhile. Pure module (browser + Node).
 */
import type { CardOverlay } from '../frame/overlay';
import { overlayKey } from '../frame/overlay';
import { placeAvoiding, placeBox, type TextPlace } from '../frame/safe-zone';
import type { Timeline, TimelineCard } from '../timeline/types';
import { cardOpacity } from './card-timing';

/** What placing a card needs to know of the rest of the frame (describe-overlays.ts gives it). */
export interface CardSurroundings {
  /** Where the subject is in the frame (0..1) at a video frame. */
  subjectAt(frame: number): { x: number; y: number } | null;
  /** The bands caption pages take between two video frames (end exclusive). */
  captionPlaces(from: number, to: number): TextPlace[];
}

const PREFERRED: TextPlace = 'middle';
const ORDER: TextPlace[] = ['middle', 'top', 'bottom'];

/** The band of a text shown over `frames`: off the subject (judged at those frames) and off the captions' bands. */
function cardPlace(t: Timeline, frames: number[], taken: TextPlace[], around: CardSurroundings): TextPlace {
  const subject = frames.map((f) => around.subjectAt(f)).filter((p) => p !== null);
  const place = placeAvoiding(t.format, PREFERRED, subject, t.width, t.height);
  if (!taken.includes(place)) return place;
  return ORDER.find((p) => !taken.includes(p)) ?? place;
}

function overlay(t: Timeline, role: CardOverlay['role'], text: string, subtitle: string | null, opacity: number, place: TextPlace): CardOverlay {
  const o: Omit<CardOverlay, 'key'> = {
    kind: 'card',
    frame: { width: t.width, height: t.height },
    role,
    text,
    subtitle,
    // Rounded: every distinct value is a distinct picture for the Node renderer.
    opacity: Math.round(opacity * 1000) / 1000,
    place,
    box: placeBox(t.format, place, t.width, t.height),
  };
  return { ...o, key: overlayKey(o) };
}

/** A title or end card as it shows at a video frame, or null when it is not on screen. */
export function cardOverlay(t: Timeline, card: TimelineCard, frame: number, around: CardSurroundings): CardOverlay | null {
  const opacity = cardOpacity(card, frame);
  if (opacity <= 0) return null;
  const frames = [card.startFrame, Math.floor((card.startFrame + card.endFrame - 1) / 2), card.endFrame - 1];
  const place = cardPlace(t, frames, around.captionPlaces(card.startFrame, card.endFrame), around);
  return overlay(t, card.kind, card.text, card.subtitle, opacity, place);
}

/** The cover's title at a video frame (the cover has no captions and no other card). */
export function coverOverlay(t: Timeline, frame: number, title: string, around: Pick<CardSurroundings, 'subjectAt'>): CardOverlay {
  return overlay(t, 'cover', title, null, 1, cardPlace(t, [frame], [], { ...around, captionPlaces: () => [] }));
}
