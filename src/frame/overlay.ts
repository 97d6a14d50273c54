/**
 * What is drawn over a frame's scenes, as plain data: caption pages, and title/end cards, on-screen
 * text and cover titles (add a member to `Overlay` and its case to the renderers' switches: the
 * union makes a missing case a type error). Each overlay carries a `key` made of everything that changes its pixels, so
 * equal keys draw equal pixels: the Node renderer draws each distinct overlay once in Chromium and
 * composites the picture (src/render/overlays/), and segment cache keys include the keys.
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
  /**
   * Every word in the active colour (not a moment of the video: one of the two pictures the Node
   * renderer makes a page's word states from, src/render/overlays/page-states.ts). Absent otherwise.
   */
  litAll?: true;
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

/**
 * The file name prefix of the artifact (Remotion's <Artifact>: data a rendered frame hands to
 * Node) the Overlays composition emits for each caption overlay it draws with every word lit:
 * JSON `{ key, boxes }`, each word's box [x, y, width, height] in CSS px of the overlay's region
 * (its band). The Node renderer makes the page's word states from it.
 */
export const WORD_BOXES_ARTIFACT = 'word-boxes-';

/** The composition that draws overlays alone on a transparent frame, overlay i at frame i (remotion/overlays/OverlayFrames.tsx). */
export const OVERLAYS_COMPOSITION_ID = 'Overlays';

/** A rectangle of the frame in CSS px (x, y may be fractional: whole output pixels at the render's scale). */
export interface OverlayRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface OverlayFramesProps extends Record<string, unknown> {
  overlays: Overlay[];
  /**
   * Per overlay, the part of its frame drawn (its band: an overlay never draws outside its band,
   * so a picture of the band is all of it). All of one size: bands in different places (a caption
   * at the bottom, a card in the middle) share one pass. Absent: the whole frame of the first overlay.
   */
  regions?: OverlayRegion[];
  /**
   * Several overlays a frame (a caption page in each of its word states): frame i draws overlays
   * starts[i] up to starts[i + 1] (the last frame: to the end), the k-th of them `pitch` * k CSS px
   * below the top, each as it draws alone (pitch * scale whole output pixels: the same pixels,
   * moved). Absent: overlay i alone at frame i.
   */
  stacks?: OverlayStacks;
}

export interface OverlayStacks {
  starts: number[];
  pitch: number;
}

/** The Overlays composition's frame rate (a frame is an overlay, not a moment: any rate does). */
export const OVERLAYS_FPS = 30;

/** The overlays frame `frame` of the Overlays composition draws (indices into `overlays`, top to bottom). */
export function overlaysAtFrame(props: OverlayFramesProps, frame: number): number[] {
  const { stacks } = props;
  if (!stacks) return frame >= 0 && frame < props.overlays.length ? [frame] : [];
  const from = stacks.starts[frame];
  if (from === undefined) return [];
  const to = stacks.starts[frame + 1] ?? props.overlays.length;
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

/** The Overlays composition's size and length for its props: the regions' size (or the first overlay's frame), as tall as its tallest stack; one frame per stack. */
export function overlayFramesConfig(props: OverlayFramesProps): { width: number; height: number; fps: number; durationInFrames: number } {
  const size = props.regions?.[0] ?? props.overlays[0]?.frame ?? { width: 1080, height: 1920 };
  const frames = props.stacks ? props.stacks.starts.length : props.overlays.length;
  let slots = 1;
  for (let f = 0; f < frames; f++) slots = Math.max(slots, overlaysAtFrame(props, f).length);
  const height = props.stacks ? Math.ceil((slots - 1) * props.stacks.pitch + size.height) : size.height;
  return { width: size.width, height, fps: OVERLAYS_FPS, durationInFrames: Math.max(1, frames) };
}
