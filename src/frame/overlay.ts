/**
 * What is drawn over a frame's scenes, as plain data: caption pages, and title/end cards, on-screen
 * text and cover titles (add a member to `Overlay` and its case to the renderers' switches: the
 * union makes a missing case a type error). Each overlay carries a `key` made of everything that changes its pixels, so
 * equal keys draw equal pixels: the Node renderer draws each distinct overlay once
 * (src/frame/draw-overlay.ts, the browser's drawing too) and composites the picture
 * (src/render/overlays/), and segment cache keys include the keys.
 * Pure types (browser + Node).
 */
import type { CaptionStyleName } from '../captions/caption-settings';
import type { Box, TextPlace } from './safe-zone';

/** The frame an overlay is drawn on (composition px). */
export interface OverlayFrame {
  width: number;
  height: number;
}

/** One caption page as it shows at a frame: its words, the spoken one, the style and the band it sits in. */
export interface CaptionOverlay {
  kind: 'caption';
  key: string;
  frame: OverlayFrame;
  style: CaptionStyleName;
  /** The page's words, in order (trimmed). */
  words: string[];
  /** Longest line in characters (the style's paging: lines wrap where pages were cut). */
  maxCharsPerLine: number;
  /** The word being spoken (the last one started), -1 before the first; always -1 on cue-level pages. */
  active: number;
  /** Where in the safe zone it sits, and that band in frame px; the text hugs the band's outer edge. */
  place: TextPlace;
  box: Box;
}

/** A title card, end card or cover title (src/cards/card-overlay.ts): the text, a smaller line, its opacity (fades) and its band. */
export interface CardOverlay {
  kind: 'card';
  key: string;
  frame: OverlayFrame;
  role: 'title' | 'end' | 'text' | 'cover';
  text: string;
  subtitle: string | null;
  /**
   * 0..1, rounded to 0.001 (a stable key). The Node renderer renders the card once at full opacity
   * and blends that picture at this opacity (see `pictureOverlay`), so a fade costs one picture.
   */
  opacity: number;
  place: TextPlace;
  box: Box;
}

export type Overlay = CaptionOverlay | CardOverlay;
export type OverlayKind = Overlay['kind'];

/** The key of an overlay: its kind and every field that changes its pixels, as one string. */
export function overlayKey(o: Omit<Overlay, 'key'>): string {
  // Field order is fixed by construction (describe-overlays builds the objects), so this is stable.
  return JSON.stringify(o);
}

/**
 * The overlay whose picture the Node renderer composites for `o`: a card at full opacity (its
 * fades are the one picture blended at `overlayOpacity`), anything else as it is. Its key is the
 * key the card has where it shows at full opacity (the fields keep their order).
 */
export function pictureOverlay(o: Overlay): Overlay {
  if (o.kind !== 'card' || o.opacity === 1) return o;
  const { key: _key, ...rest } = o;
  const full = { ...rest, opacity: 1 };
  return { ...full, key: overlayKey(full) };
}

/** The opacity `pictureOverlay(o)`'s picture is blended at. */
export function overlayOpacity(o: Overlay): number {
  return o.kind === 'card' ? o.opacity : 1;
}
