/**
 * Transitions at the arc's turning points (elsewhere the plan's default crossfade is kept):
 *   into the climax      a cut (impact);
 *   out of the climax    a long crossfade (1.2 s): let it breathe;
 *   into the conclusion  the longest crossfade (1.5 s): settle;
 *   a sharp rise         a quick wipe (0.6 s);
 *   a sharp drop         a slow crossfade (1.2 s).
 * A transition never takes more than 45% of either neighbouring section.
 */
import type { Transition } from '../plan/schema';
import type { TurningPoint } from './arc-types';
import { round2 } from './round2';

export function transitionFor(tp: TurningPoint, secondsBefore: number, secondsAfter: number): { transition: Transition; why: string } {
  const room = 0.45 * Math.min(secondsBefore, secondsAfter);
  const fit = (d: number): number => round2(Math.min(d, room));
  const requested = tp.transition;
  let t: Transition;
  if (requested === 'cut' || (!requested && tp.kind === 'into-climax')) t = { type: 'cut' };
  else if (requested === 'slide') t = { type: 'slide', duration: fit(0.6), direction: 'from-right' };
  else if (requested === 'wipe' || (!requested && tp.kind === 'rise')) t = { type: 'wipe', duration: fit(0.6), direction: 'from-left' };
  else t = { type: 'crossfade', duration: fit(tp.kind === 'into-conclusion' ? 1.5 : tp.kind === 'out-of-climax' || tp.kind === 'drop' ? 1.2 : 0.8) };
  if (t.type !== 'cut' && t.duration < 0.1) t = { type: 'cut' };
  const what = t.type === 'cut' ? 'cut' : `${t.type} ${t.duration.toFixed(1)} s`;
  return { transition: t, why: `${what}: ${tp.reason}` };
}
