/**
 * The overlays of a run of video frames (a segment): what the direct renderer composites over each
 * frame it draws, and what goes into the segment's cache key (a caption change re-renders exactly
 * the segments whose frames show it).
 */
import { codeVersion } from '../../cache/sources-hash';
import { describeOverlays } from '../../frame/describe-overlays';
import { overlayOpacity, pictureOverlay, type Overlay } from '../../frame/overlay';
import type { Timeline } from '../../timeline/types';
import { blendOverlay } from '../direct/overlay-blend';
import type { YuvImage } from '../direct/yuv-image';
import type { OverlayPictures } from './overlay-pictures';

/** The overlays of video frames [from, to), per frame (index 0 = frame `from`). */
export function framesOverlays(t: Timeline, from: number, to: number): Overlay[][] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => describeOverlays(t, from + i));
}

/** Each distinct picture the frames show once (a fading card is one: its `pictureOverlay`). */
export function distinctOverlays(frames: readonly Overlay[][]): Overlay[] {
  const out = new Map<string, Overlay>();
  for (const list of frames) {
    for (const shown of list) {
      const o = pictureOverlay(shown);
      if (!out.has(o.key)) out.set(o.key, o);
    }
  }
  return [...out.values()];
}

/**
 * The overlays of frames [from, to) as runs, for cache keys: [first frame offset, overlay keys]
 * wherever what is shown changes. Empty when nothing is shown (the key then stays as it was).
 */
export function overlayRuns(t: Timeline, from: number, to: number): [number, string[]][] {
  const runs: [number, string[]][] = [];
  let last = '';
  framesOverlays(t, from, to).forEach((list, i) => {
    const keys = list.map((o) => o.key);
    const id = JSON.stringify(keys);
    if (i === 0 ? keys.length > 0 : id !== last) runs.push([i, keys]);
    last = id;
  });
  return runs;
}

/**
 * Draws a segment's overlays over its frames: frame i of the segment is video frame `from + i`;
 * undefined when the segment shows no overlay.
 */
export function segmentOverlayDrawer(t: Timeline, from: number, to: number, pictures: OverlayPictures): ((i: number, frame: YuvImage) => void) | undefined {
  const frames = framesOverlays(t, from, to);
  if (!frames.some((list) => list.length)) return undefined;
  return (i, frame) => {
    for (const o of frames[i] ?? []) {
      const p = pictures.picture(o);
      blendOverlay(p.image, p.x, p.y, frame, overlayOpacity(o));
    }
  };
}

let compositorVersion: Promise<string> | null = null;

/** The version of the code that draws and composites overlays in Node (this module's import graph, and the fonts), for segment cache keys. */
export function overlayCompositorVersion(): Promise<string> {
  compositorVersion ??= codeVersion('overlay-compositor', ['src/render/overlays/segment-overlays.ts'], ['@fontsource/montserrat', '@fontsource/inter']);
  return compositorVersion;
}
