/**
 * Where text may sit in each output format, once for captions, title/end cards and covers: the
 * safe zone (the part of the frame no platform UI covers) and the places inside it. 9:16 keeps
 * clear of the short-form apps' UI (top 14%: status bar and tabs; bottom 35%: caption, buttons and
 * the progress bar; sides 6%: the like/share column), measured on a 1080x1920 frame; 16:9 and 1:1
 * keep a title-safe margin and put captions in the lower third. Pure module (browser + Node).
 */
import type { FormatId } from '../plan/formats';

/** A rectangle in frame pixels (CSS px of the composition). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Margins kept clear, as shares of the frame's width (left, right) and height (top, bottom). */
export interface SafeMargins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const SAFE_MARGINS: Record<FormatId, SafeMargins> = {
  '9:16': { top: 0.14, bottom: 0.35, left: 0.06, right: 0.06 },
  '16:9': { top: 0.06, bottom: 0.07, left: 0.06, right: 0.06 },
  '1:1': { top: 0.06, bottom: 0.07, left: 0.06, right: 0.06 },
};

/** A place for text inside the safe zone. */
export type TextPlace = 'top' | 'middle' | 'bottom';

/** The format's default place for captions (a lower third in every format; in 9:16, just above the apps' UI). */
export const DEFAULT_CAPTION_PLACE: TextPlace = 'bottom';

/** The safe zone of a frame, in pixels. */
export function safeBox(format: FormatId, width: number, height: number): Box {
  const m = SAFE_MARGINS[format];
  const x = Math.round(width * m.left);
  const y = Math.round(height * m.top);
  return { x, y, w: Math.round(width * (1 - m.right)) - x, h: Math.round(height * (1 - m.bottom)) - y };
}

/** The band of the safe zone a place takes: its top, middle or bottom third, the full safe width. */
export function placeBox(format: FormatId, place: TextPlace, width: number, height: number): Box {
  const safe = safeBox(format, width, height);
  const h = Math.round(safe.h / 3);
  const y = place === 'top' ? safe.y : place === 'middle' ? safe.y + Math.round((safe.h - h) / 2) : safe.y + safe.h - h;
  return { x: safe.x, y, w: safe.w, h };
}

/** Half the height of a face around the focal point, as a share of the frame height (keeps text off a head, not only its centre). */
const FACE_HALF_HEIGHT = 0.1;

/** Whether the subject at `point` (0..1 of the frame) would be under `box`. */
function covers(box: Box, point: { x: number; y: number }, width: number, height: number): boolean {
  const fy0 = (point.y - FACE_HALF_HEIGHT) * height;
  const fy1 = (point.y + FACE_HALF_HEIGHT) * height;
  const px = point.x * width;
  return fy1 > box.y && fy0 < box.y + box.h && px >= box.x && px <= box.x + box.w;
}

/** The order places are tried in when the default one is over the subject. */
const ALTERNATIVES: Record<TextPlace, TextPlace[]> = {
  bottom: ['bottom', 'top', 'middle'],
  top: ['top', 'bottom', 'middle'],
  middle: ['middle', 'bottom', 'top'],
};

/**
 * The place for text that should avoid the subject: `preferred` unless one of `subject` (where the
 * subject is in the frame while the text shows, 0..1) is under it and another place is clear of
 * all of them; then the first such place.
 */
export function placeAvoiding(format: FormatId, preferred: TextPlace, subject: readonly { x: number; y: number }[], width: number, height: number): TextPlace {
  for (const place of ALTERNATIVES[preferred]) {
    const box = placeBox(format, place, width, height);
    if (!subject.some((p) => covers(box, p, width, height))) return place;
  }
  return preferred;
}
