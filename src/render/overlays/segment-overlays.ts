/**
 * The overlays of a run of video frames (a segment): what the direct renderer composites over each
 * frame it draws, and what goes into the segment's cache key (a caption change re-renders exactly
 * the segments whose frames show it).
 */
import { promises as fs } from 'node:fs';
import { codeVersion } from '../../cache/sources-hash';
import { describeOverlays } from '../../frame/describe-overlays';
import type { Overlay } from '../../frame/overlay';
import type { Timeline } from '../../timeline/types';
import { blendOverlay } from '../direct/overlay-blend';
import type { YuvImage } from '../direct/yuv-image';
import type { OverlayPictures } from './overlay-pictures';

/** The overlays of video frames [from, to), per frame (index 0 = frame `from`). */
export function framesOverlays(t: Timeline, from: number, to: number): Overlay[][] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => describeOverlays(t, from + i));
}

/** Each distinct overlay once (by key). */
export function distinctOverlays(frames: readonly Overlay[][]): Overlay[] {
  const out = new Map<string, Overlay>();
  for (const list of frames) for (const o of list) if (!out.has(o.key)) out.set(o.key, o);
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
 * Renders the pictures it lacks first (one Chromium pass for the lot); undefined when the segment
 * shows no overlay.
 */
export async function segmentOverlayDrawer(t: Timeline, from: number, to: number, pictures: OverlayPictures): Promise<((i: number, frame: YuvImage) => void) | undefined> {
  const frames = framesOverlays(t, from, to);
  const distinct = distinctOverlays(frames);
  if (!distinct.length) return undefined;
  await pictures.prepare(distinct);
  return (i, frame) => {
    for (const o of frames[i] ?? []) blendOverlay(pictures.get(o), frame);
  };
}

/**
 * Renders, in one Chromium pass, the overlay pictures of every segment Node will draw (with
 * `reuse`, only those not already in the segment cache), so segments do not each start a pass.
 */
export async function prepareOverlays(t: Timeline, jobs: readonly { seg: { from: number; to: number }; direct: boolean; file: string }[], pictures: OverlayPictures, reuse: boolean): Promise<void> {
  const toDraw: Overlay[][] = [];
  for (const job of jobs) {
    if (!job.direct) continue;
    if (reuse && (await fs.stat(job.file).then(() => true, () => false))) continue;
    toDraw.push(...framesOverlays(t, job.seg.from, job.seg.to));
  }
  const distinct = distinctOverlays(toDraw);
  if (distinct.length) await pictures.prepare(distinct);
}

let compositorVersion: Promise<string> | null = null;

/** The version of the code that composites overlays in Node (this module's import graph), for segment cache keys. */
export function overlayCompositorVersion(): Promise<string> {
  compositorVersion ??= codeVersion('overlay-compositor', ['src/render/overlays/segment-overlays.ts']);
  return compositorVersion;
}
