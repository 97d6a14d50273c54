/**
 * The overlays of a run of video frames (a segment): what the direct renderer composites over each
 * frame it draws, and what goes into the segment's cache key (a caption change re-renders exactly
 * the segments whose frames show it).
 */
import { promises as fs } from 'node:fs';
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
 * Draws a segment's overlays over its frames: frame i of the segment is video frame `from + i`.
 * Starts making the pictures it lacks (one Chromium pass for the lot) and draws each frame as soon
 * as the pictures it shows are there; undefined when the segment shows no overlay.
 */
export function segmentOverlayDrawer(t: Timeline, from: number, to: number, pictures: OverlayPictures): ((i: number, frame: YuvImage) => Promise<void>) | undefined {
  const frames = framesOverlays(t, from, to);
  const distinct = distinctOverlays(frames);
  if (!distinct.length) return undefined;
  // Not awaited: a failure reaches the frames that wait for the picture.
  pictures.prepare(distinct).catch(() => undefined);
  return async (i, frame) => {
    for (const o of frames[i] ?? []) {
      const p = await pictures.picture(o);
      blendOverlay(p.image, p.x, p.y, frame, overlayOpacity(o));
    }
  };
}

/**
 * Starts rendering, in one Chromium pass, the overlay pictures of every segment Node will draw
 * (with `reuse`, only those not already in the segment cache), in the order the video shows them:
 * the pass runs while Node draws, and each segment waits only for the pictures its frames show.
 */
export function startOverlays(t: Timeline, jobs: readonly { seg: { from: number; to: number }; direct: boolean; file: string }[], pictures: OverlayPictures, reuse: boolean): void {
  const start = async (): Promise<void> => {
    const toDraw: Overlay[][] = [];
    for (const job of jobs) {
      if (!job.direct) continue;
      if (reuse && (await fs.stat(job.file).then(() => true, () => false))) continue;
      toDraw.push(...framesOverlays(t, job.seg.from, job.seg.to));
    }
    const distinct = distinctOverlays(toDraw);
    if (distinct.length) await pictures.prepare(distinct);
  };
  // A failure reaches the segments that wait for the pictures (their drawers ask again).
  start().catch(() => undefined);
}

/**
 * Starts rendering, in one Chromium pass, the overlay pictures a video shows that are not cached
 * yet, in the order it shows them: started with the format's preparation (its pre-scaling and
 * composition), so the pass has its page open and its first pictures made before Node draws the
 * first frame. The segments' own `startOverlays` then finds them made or being made.
 */
export function startTimelineOverlays(t: Timeline, pictures: OverlayPictures): void {
  // A failure reaches the segments that wait for the pictures (their drawers ask again).
  pictures.prepareMissing(distinctOverlays(framesOverlays(t, 0, t.durationInFrames))).catch(() => undefined);
}

let compositorVersion: Promise<string> | null = null;

/** The version of the code that composites overlays in Node (this module's import graph), for segment cache keys. */
export function overlayCompositorVersion(): Promise<string> {
  compositorVersion ??= codeVersion('overlay-compositor', ['src/render/overlays/segment-overlays.ts']);
  return compositorVersion;
}
