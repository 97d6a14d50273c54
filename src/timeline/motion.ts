/**
 * Resolves a section's motion (preset or explicit framings) into the two camera keys of its
 * Ken Burns move, for one output format. Presets are built around the focal point so the subject
 * stays in frame for the whole shot, in every format. Pure module.
 */
import type { Easing, Framing, MOTION_PRESETS, Motion, Point } from '../plan/schema';
import { coverSize, keyForRect, type CameraKey } from './camera';
import { easingToBezier, type Bezier } from './easing';

export type MotionPreset = (typeof MOTION_PRESETS)[number];

/** Sections without a motion cycle through these, against motion fatigue. */
export const DEFAULT_MOTION_CYCLE: MotionPreset[] = ['zoom-in', 'pan-right', 'zoom-out', 'pan-left'];

export interface ResolvedMotion {
  from: CameraKey;
  to: CameraKey;
  easing: Bezier;
  /** The preset actually used (after falling back from a pan with no room), or 'custom'. */
  preset: MotionPreset | 'custom';
}

export interface MotionContext {
  focus: Point;
  imageAspect: number;
  frameAspect: number;
  defaultEasing: Easing;
}

/** Share of the half-crop the subject may drift from the crop centre during a pan (keeps it off the edges). */
const PAN_SUBJECT_MARGIN = 0.8;

function framingKey(f: Framing, ctx: MotionContext): CameraKey {
  if ('rect' in f) return keyForRect(f.rect, ctx.imageAspect, ctx.frameAspect);
  return { zoom: f.zoom, center: f.focus ?? ctx.focus };
}

/**
 * Places a pan of length `travel` along one axis: inside the image, with the subject `f` within
 * the crop for the whole move. Returns null when there is no useful room to pan.
 */
function fitPan(f: number, cropSize: number, travel: number): { start: number; end: number } | null {
  const lo = Math.max(cropSize / 2, f - (cropSize / 2) * PAN_SUBJECT_MARGIN);
  const hi = Math.min(1 - cropSize / 2, f + (cropSize / 2) * PAN_SUBJECT_MARGIN);
  const room = hi - lo;
  if (room < travel * 0.25 || room < 1e-3) return null;
  const len = Math.min(travel, room);
  const mid = Math.min(hi - len / 2, Math.max(lo + len / 2, f));
  return { start: mid - len / 2, end: mid + len / 2 };
}

function presetKeys(preset: MotionPreset, amount: number, ctx: MotionContext): { from: CameraKey; to: CameraKey; preset: MotionPreset } {
  const f = ctx.focus;
  switch (preset) {
    case 'none':
      return { from: { zoom: 1, center: f }, to: { zoom: 1, center: f }, preset };
    case 'zoom-in':
      return { from: { zoom: 1, center: f }, to: { zoom: 1 + amount, center: f }, preset };
    case 'zoom-out':
      return { from: { zoom: 1 + amount, center: f }, to: { zoom: 1, center: f }, preset };
    default: {
      const zoom = 1.1 + amount * 0.5;
      const cover = coverSize(ctx.imageAspect, ctx.frameAspect);
      const horizontal = preset === 'pan-left' || preset === 'pan-right';
      const crop = (horizontal ? cover.w : cover.h) / zoom;
      const fitted = fitPan(horizontal ? f.x : f.y, crop, amount * 1.6 * crop);
      if (!fitted) return presetKeys('zoom-in', amount, ctx);
      // pan-right / pan-down: the camera travels towards +x / +y.
      const forward = preset === 'pan-right' || preset === 'pan-down';
      const [a, b] = forward ? [fitted.start, fitted.end] : [fitted.end, fitted.start];
      const at = (v: number): Point => (horizontal ? { x: v, y: f.y } : { x: f.x, y: v });
      return { from: { zoom, center: at(a) }, to: { zoom, center: at(b) }, preset };
    }
  }
}

export function resolveMotion(motion: Motion | undefined, fallback: MotionPreset, ctx: MotionContext): ResolvedMotion {
  const m: Motion = motion ?? fallback;
  if (typeof m === 'string') {
    return { ...presetKeys(m, 0.15, ctx), easing: easingToBezier(ctx.defaultEasing) };
  }
  if ('preset' in m) {
    return { ...presetKeys(m.preset, m.amount, ctx), easing: easingToBezier(m.easing ?? ctx.defaultEasing) };
  }
  return {
    from: framingKey(m.start, ctx),
    to: framingKey(m.end, ctx),
    easing: easingToBezier(m.easing ?? ctx.defaultEasing),
    preset: 'custom',
  };
}

/** A still shot (tier 0): the motion's start framing, or zoom 1 around the focus. */
export function resolveStill(motion: Motion | undefined, ctx: MotionContext): ResolvedMotion {
  let key: CameraKey = { zoom: 1, center: ctx.focus };
  if (motion && typeof motion === 'object' && 'start' in motion) key = framingKey(motion.start, ctx);
  return { from: key, to: key, easing: easingToBezier('linear'), preset: 'none' };
}
