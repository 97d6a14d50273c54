/**
 * Ken Burns geometry. A camera looks at a crop of the image: a rectangle in 0..1 image
 * coordinates with the frame's aspect ratio. Zoom 1 is the largest such crop (the image just
 * covers the frame); zoom never goes below 1, and every crop is clamped inside the image,
 * so no edge is ever exposed. Pure module (browser + Node).
 */
import type { Point } from '../plan/schema';
import { bezierFunction, type Bezier } from './easing';

export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A camera position: zoom (>= 1) and the image point the crop is centred on (before clamping). */
export interface CameraKey {
  zoom: number;
  center: Point;
}

export interface CameraPath {
  from: CameraKey;
  to: CameraKey;
  easing: Bezier;
  /** Frames at the start with the camera at `from`. */
  holdStartFrames: number;
  /** Frames at the end with the camera at `to`. */
  holdEndFrames: number;
  durationInFrames: number;
  /** Image width / height and frame width / height. */
  imageAspect: number;
  frameAspect: number;
  /** Audio-driven time warp: normalised progress per frame (silences slow, crescendos speed up). */
  warp?: number[] | null;
  /** Audio-driven zoom multipliers per frame (>= 1): a pulse on strong beats. */
  pulse?: number[] | null;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Size of the zoom-1 crop, in 0..1 image units. */
export function coverSize(imageAspect: number, frameAspect: number): { w: number; h: number } {
  if (imageAspect >= frameAspect) return { w: frameAspect / imageAspect, h: 1 };
  return { w: 1, h: imageAspect / frameAspect };
}

/** The crop for a zoom centred on `center`, shifted inside the image (which keeps `center` in frame). */
export function cropAt(key: CameraKey, imageAspect: number, frameAspect: number): Crop {
  const cover = coverSize(imageAspect, frameAspect);
  const zoom = Math.max(1, key.zoom);
  const w = cover.w / zoom;
  const h = cover.h / zoom;
  return {
    x: clamp(key.center.x - w / 2, 0, 1 - w),
    y: clamp(key.center.y - h / 2, 0, 1 - h),
    w,
    h,
  };
}

/** The camera key whose crop just contains `rect` (expanded to the frame aspect; zoom 1 if it is larger). */
export function keyForRect(rect: Crop, imageAspect: number, frameAspect: number): CameraKey {
  const cover = coverSize(imageAspect, frameAspect);
  // Normalised crop width / height ratio for this frame aspect.
  const ratio = cover.w / cover.h;
  const w = Math.max(rect.w, rect.h * ratio);
  return { zoom: Math.max(1, cover.w / w), center: { x: rect.x + rect.w / 2, y: rect.y + rect.h / 2 } };
}

/** Camera progress 0..1 at a frame of the section, with holds and easing (motion ramping). */
export function cameraProgress(
  path: Pick<CameraPath, 'easing' | 'holdStartFrames' | 'holdEndFrames' | 'durationInFrames' | 'warp'>,
  frame: number,
): number {
  const moving = path.durationInFrames - path.holdStartFrames - path.holdEndFrames;
  if (moving <= 1) return frame < path.holdStartFrames ? 0 : 1;
  let t = clamp((frame - path.holdStartFrames) / (moving - 1), 0, 1);
  const w = path.warp;
  if (w && w.length === path.durationInFrames) {
    const a = w[path.holdStartFrames]!;
    const b = w[path.holdStartFrames + moving - 1]!;
    const at = w[clamp(Math.round(frame), 0, w.length - 1)]!;
    t = b > a ? clamp((at - a) / (b - a), 0, 1) : t;
  }
  return bezierFunction(path.easing)(t);
}

/** Interpolates two keys: zoom geometrically (constant perceived speed), centre linearly. */
function interpolateKey(a: CameraKey, b: CameraKey, p: number): CameraKey {
  const zoom = Math.exp(Math.log(a.zoom) + (Math.log(b.zoom) - Math.log(a.zoom)) * p);
  return {
    zoom,
    center: { x: a.center.x + (b.center.x - a.center.x) * p, y: a.center.y + (b.center.y - a.center.y) * p },
  };
}

export function cropAtFrame(path: CameraPath, frame: number): Crop {
  const key = interpolateKey(path.from, path.to, cameraProgress(path, frame));
  const pulse = path.pulse?.[Math.round(frame)] ?? 1;
  return cropAt({ zoom: key.zoom * pulse, center: key.center }, path.imageAspect, path.frameAspect);
}

/** Where an image point appears in the frame (0..1 of the frame), for a crop. */
export function pointInFrame(crop: Crop, p: Point): Point {
  return { x: (p.x - crop.x) / crop.w, y: (p.y - crop.y) / crop.h };
}
