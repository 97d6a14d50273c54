/**
 * What is drawn over the scenes at a frame of the video: the caption page showing then and the
 * title/end cards and on-screen text, placed in the format's safe zone. The one source both renderers draw
 * (remotion/overlays/Overlays.tsx in Chromium; src/render/overlays/ composites it in Node).
 * `frame` is the video's (global) frame. Pure module (browser + Node).
 */
import { cardOverlay } from '../cards/card-overlay';
import { CAPTION_PAGING } from '../captions/caption-settings';
import { cropAtFrame, pointInFrame } from '../timeline/camera';
import type { CaptionPage, Timeline, TimelineCaptions, TimelineScene } from '../timeline/types';
import { overlayKey, type CaptionOverlay, type Overlay } from './overlay';
import { DEFAULT_CAPTION_PLACE, placeAvoiding, placeBox, type TextPlace } from './safe-zone';

/** The page showing at `frame` (pages do not overlap; binary search: they are in order). */
export function pageAt(pages: readonly CaptionPage[], frame: number): CaptionPage | null {
  let lo = 0;
  let hi = pages.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = pages[mid]!;
    if (frame < p.startFrame) hi = mid - 1;
    else if (frame >= p.endFrame) lo = mid + 1;
    else return p;
  }
  return null;
}

/** The scene on screen at a frame: the one whose own span (not its transition overlap) holds it. */
function sceneAt(t: Timeline, frame: number): TimelineScene | null {
  return t.scenes.find((s) => frame >= s.nominalFrom && frame < s.nominalFrom + s.nominalFrames) ?? t.scenes.findLast((s) => s.from <= frame) ?? null;
}

/** Where the subject is in the frame (0..1) at a frame of the video: the scene's focus seen through its camera. */
export function subjectAt(t: Timeline, frame: number): { x: number; y: number } | null {
  const scene = sceneAt(t, frame);
  if (!scene) return null;
  const local = Math.min(scene.durationInFrames - 1, Math.max(0, frame - scene.from));
  return pointInFrame(cropAtFrame(scene.camera, local), scene.focus);
}

/**
 * The place of a page: the plan's position, or with `auto` the format's default moved off the
 * subject, judged at the page's first, middle and last frames (one place for the whole page: text
 * never jumps while it shows).
 */
function pagePlace(t: Timeline, captions: TimelineCaptions, page: CaptionPage): TextPlace {
  if (captions.position !== 'auto') return captions.position;
  const frames = [page.startFrame, Math.floor((page.startFrame + page.endFrame - 1) / 2), page.endFrame - 1];
  const subject = frames.map((f) => subjectAt(t, f)).filter((p) => p !== null);
  return placeAvoiding(t.format, DEFAULT_CAPTION_PLACE, subject, t.width, t.height);
}

/** The word being spoken at `ms` of video time: the last one that has started (-1 before the first). */
function activeToken(page: CaptionPage, tokens: CaptionPage['tokens'], ms: number): number {
  if (page.level === 'cue') return -1;
  let active = -1;
  tokens.forEach((tok, i) => {
    if (tok.fromMs <= ms) active = i;
  });
  return active;
}

function captionOverlay(t: Timeline, captions: TimelineCaptions, page: CaptionPage, frame: number): CaptionOverlay {
  const place = pagePlace(t, captions, page);
  const tokens = page.tokens.filter((tok) => tok.text.trim().length > 0);
  const o: Omit<CaptionOverlay, 'key'> = {
    kind: 'caption',
    frame: { width: t.width, height: t.height },
    style: captions.style,
    words: tokens.map((tok) => tok.text.trim()),
    maxCharsPerLine: captions.maxCharsPerLine,
    active: activeToken(page, tokens, (frame / t.fps) * 1000),
    place,
    box: placeBox(t.format, place, t.width, t.height),
  };
  return { ...o, key: overlayKey(o) };
}

/** The overlays at a frame of the video, back to front. */
export function describeOverlays(t: Timeline, frame: number): Overlay[] {
  const out: Overlay[] = [];
  const captions = t.captions;
  if (captions) {
    const page = pageAt(captions.pages, frame);
    if (page && page.tokens.some((tok) => tok.text.trim().length > 0)) out.push(captionOverlay(t, captions, page, frame));
  }
  // Title and end cards, placed off the subject and off the bands captions take while they show.
  const around = {
    subjectAt: (f: number) => subjectAt(t, f),
    captionPlaces: (from: number, to: number) => (captions ? captions.pages.filter((p) => p.startFrame < to && p.endFrame > from).map((p) => pagePlace(t, captions, p)) : []),
  };
  for (const card of [t.titleCard, ...t.textCards, t.endCard]) {
    const o = card ? cardOverlay(t, card, frame, around) : null;
    if (o) out.push(o);
  }
  return out;
}
