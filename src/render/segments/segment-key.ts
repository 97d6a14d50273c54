/**
 * The cache key of a segment: a hash of everything that affects its pixels. Scenes are hashed
 * without their position in the video (moving a section does not change its frames), with each
 * asset URL replaced by the file's content hash (URLs change from run to run, content does not),
 * and the overlays (captions) shown on each of its frames.
 */
import { contentHash, type HashPart } from '../../cache/content-hash';
import type { Timeline, TimelineScene } from '../../timeline/types';
import { overlayRuns } from '../overlays/segment-overlays';
import type { Segment } from './plan-segments';

export interface SegmentKeyContext {
  /** What draws the frames: renderer code version, browser, GL and frame format. */
  renderer: string;
  /** Encoder settings (x264 preset, crf ...). */
  encoder: HashPart;
  /** The content id of an asset URL, or null when the string is not an asset URL. */
  assetId: (url: string) => string | null;
  /** What draws the overlays (captions): Chromium's bundle and browser, also for frames drawn in Node. */
  overlayRenderer?: string;
}

const POSITION_FIELDS = new Set(['from', 'nominalFrom', 'index', 'id']);

function identity(value: unknown, assetId: SegmentKeyContext['assetId']): HashPart {
  if (typeof value === 'string') return assetId(value) ?? value;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => identity(v, assetId));
  if (typeof value === 'object') {
    const out: Record<string, HashPart> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = identity(v, assetId);
    return out;
  }
  return String(value);
}

/** A scene as it draws: everything but where it sits in the video. */
export function sceneIdentity(scene: TimelineScene, assetId: SegmentKeyContext['assetId']): HashPart {
  const drawn: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(scene)) if (!POSITION_FIELDS.has(k)) drawn[k] = v;
  return identity(drawn, assetId);
}

export function segmentKey(seg: Segment, t: Timeline, ctx: SegmentKeyContext): string {
  const scenes = seg.scenes.map((i) => {
    const s = t.scenes[i]!;
    // The scene-local frames this segment covers.
    return { scene: sceneIdentity(s, ctx.assetId), localFrom: seg.from - s.from, localTo: seg.to - s.from };
  });
  const transition = seg.kind === 'transition' ? identity(t.scenes[seg.scenes[0]!]!.transitionOut, ctx.assetId) : null;
  // What is drawn over the frames (captions), by frame: a segment without any keeps its key.
  const runs = overlayRuns(t, seg.from, seg.to);
  const overlays = runs.length ? [{ overlays: runs, by: ctx.overlayRenderer ?? ctx.renderer }] : [];
  return contentHash('segment-v1', ctx.renderer, ctx.encoder, t.width, t.height, t.fps, seg.kind, scenes, transition, ...overlays);
}
