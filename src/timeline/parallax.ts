/**
 * Tier 2 parallax: per-layer movement for a depth-layered image. Each layer moves by its
 * parallax factor (0 far .. 1 near) times the camera travel; travel never exceeds the layers'
 * safe shift (their overscan margin), so no edge or hole shows. Pure module.
 */
import type { LayerSet, Parallax, Point } from '../plan/schema';
import { cameraProgress } from './camera';
import type { Bezier } from './easing';

export interface ParallaxPath {
  preset: Parallax['preset'];
  mode: Parallax['mode'];
  direction: Parallax['direction'];
  amount: number;
  easing: Bezier;
  holdStartFrames: number;
  holdEndFrames: number;
  durationInFrames: number;
  maxShift: { x: number; y: number };
  /** Parallax factor of each layer, back to front. */
  factors: number[];
  /** Orbit pivot: the factor that stays still. */
  pivot: number;
  /** Audio-driven time warp (see CameraPath.warp). */
  warp?: number[] | null;
  /** Audio-driven amount multipliers per frame (music swells deepen the parallax). */
  amplitude?: number[] | null;
}

/** Where a layer is drawn, relative to its rest position: shift in share of the image, scale about `origin`. */
export interface LayerTransform {
  dx: number;
  dy: number;
  scale: number;
}

/** Largest extra scale (dolly, push) of a layer with parallax 1 at amount 1. */
export const DOLLY_MAX_SCALE = 0.12;

export function resolveParallax(
  p: Parallax,
  layers: LayerSet,
  timing: { easing: Bezier; holdStartFrames: number; holdEndFrames: number; durationInFrames: number; warp?: number[] | null; amplitude?: number[] | null },
): ParallaxPath {
  const factors = layers.layers.map((l) => l.parallax);
  const sorted = [...factors].sort((a, b) => a - b);
  return {
    preset: p.preset,
    mode: p.mode,
    direction: p.direction,
    amount: p.amount,
    ...timing,
    maxShift: layers.maxShift,
    factors,
    pivot: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0.5,
  };
}

export function layerTransformAt(path: ParallaxPath, layer: number, frame: number): LayerTransform {
  return transformForNearness(path, path.factors[layer] ?? 0, frame);
}

/**
 * The movement of a point of nearness `f` (0 far .. 1 near): what a layer of that parallax factor
 * does, and what the WebGL mode applies per pixel with the depth map's value as `f`.
 */
export function transformForNearness(path: ParallaxPath, f: number, frame: number): LayerTransform {
  const p = cameraProgress(path, frame);
  // Never more than the hole-free maximum, however much the music swells.
  const amount = Math.min(1, path.amount * (path.amplitude?.[Math.round(frame)] ?? 1));
  if (path.preset === 'dolly' || path.preset === 'push') {
    return { dx: 0, dy: 0, scale: 1 + amount * DOLLY_MAX_SCALE * f * p };
  }
  // Camera travel from -1 to +1; content moves against the camera.
  const u = 2 * p - 1;
  const weight = path.preset === 'orbit' ? f - path.pivot : f;
  const horizontal = path.direction === 'left' || path.direction === 'right';
  const sign = path.direction === 'right' || path.direction === 'down' ? -1 : 1;
  const shift = sign * amount * weight * u;
  return horizontal ? { dx: shift * path.maxShift.x, dy: 0, scale: 1 } : { dx: 0, dy: shift * path.maxShift.y, scale: 1 };
}

/** A layer's rectangle in 0..1 image coordinates (it is larger than the image by its overscan margin). */
export function layerRect(layers: LayerSet, t: LayerTransform, origin: Point): { x: number; y: number; w: number; h: number } {
  const mx = layers.overscanPx / layers.width;
  const my = layers.overscanPx / layers.height;
  const x0 = -mx + t.dx;
  const y0 = -my + t.dy;
  const w0 = 1 + 2 * mx;
  const h0 = 1 + 2 * my;
  return {
    x: origin.x + (x0 - origin.x) * t.scale,
    y: origin.y + (y0 - origin.y) * t.scale,
    w: w0 * t.scale,
    h: h0 * t.scale,
  };
}
