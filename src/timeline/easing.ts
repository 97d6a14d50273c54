/** Named easings as cubic-bezier control points, evaluated with Remotion's Easing. Pure module. */
import { Easing as RemotionEasing } from 'remotion';
import type { Easing } from '../plan/schema';

export type Bezier = [number, number, number, number];

const NAMED: Record<Exclude<Easing, Bezier>, Bezier> = {
  linear: [0, 0, 1, 1],
  ease: [0.25, 0.1, 0.25, 1],
  'ease-in': [0.42, 0, 1, 1],
  'ease-out': [0, 0, 0.58, 1],
  'ease-in-out': [0.42, 0, 0.58, 1],
  // easeInOutSine: the softest ramp, for slow documentary moves.
  gentle: [0.37, 0, 0.63, 1],
};

export function easingToBezier(e: Easing): Bezier {
  return typeof e === 'string' ? NAMED[e] : [e[0], e[1], e[2], e[3]];
}

export function bezierFunction(b: Bezier): (t: number) => number {
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 1) return (t) => t;
  return RemotionEasing.bezier(b[0], b[1], b[2], b[3]);
}
