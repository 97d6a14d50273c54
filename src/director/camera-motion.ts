/**
 * Camera moves from the image's focal point and the section's place in the arc:
 *   - Ken Burns: openings push in on the subject (zoom-in), conclusions and falling sections pull
 *     back from it (zoom-out); elsewhere a subject off-centre is panned toward (the camera travels
 *     the way the subject lies), a centred one is pushed in on. The amount grows with intensity,
 *     the easing is gentle when calm, eases in while rising and out while falling.
 *   - Parallax: dolly for openings and reveals, push at the climax, orbit while rising, pan after
 *     the climax, travelling toward the subject's side.
 * A move never repeats the previous section's move (motion fatigue).
 */
import type { Easing, Motion, Parallax, Point } from '../plan/schema';
import type { MotionPreset } from '../timeline/motion';
import type { ArcRole } from './arc-types';
import { round2 } from './round2';

export interface FocalPoint extends Point {
  /** False when no subject stood out (the centre is then used and no focus is written). */
  found: boolean;
}

export interface CameraContext {
  role: ArcRole;
  intensity: number;
  focus: FocalPoint;
}

export type KenBurnsPreset = Exclude<MotionPreset, 'none'>;

/** Subject offset from the centre that makes a pan worth it. */
const OFF_CENTRE = 0.12;

/** The pan that travels toward the subject, or null when it is (near) the centre. */
export function panToward(focus: FocalPoint): KenBurnsPreset | null {
  if (!focus.found) return null;
  const dx = focus.x - 0.5;
  const dy = focus.y - 0.5;
  if (Math.max(Math.abs(dx), Math.abs(dy)) < OFF_CENTRE) return null;
  if (Math.abs(dx) >= Math.abs(dy)) return dx > 0 ? 'pan-right' : 'pan-left';
  return dy > 0 ? 'pan-down' : 'pan-up';
}

function easingFor(role: ArcRole, intensity: number): Easing {
  if (intensity < 0.3) return 'gentle';
  if (role === 'rising' || role === 'reveal') return 'ease-in';
  if (role === 'falling' || role === 'resolution' || role === 'conclusion') return 'ease-out';
  return 'ease-in-out';
}

const OPPOSITE: Record<KenBurnsPreset, KenBurnsPreset> = {
  'zoom-in': 'zoom-out',
  'zoom-out': 'zoom-in',
  'pan-left': 'pan-right',
  'pan-right': 'pan-left',
  'pan-up': 'pan-down',
  'pan-down': 'pan-up',
};

export function kenBurnsPreset(ctx: CameraContext, previous: KenBurnsPreset | null): { preset: KenBurnsPreset; why: string } {
  const pan = panToward(ctx.focus);
  let choice: { preset: KenBurnsPreset; why: string };
  if (ctx.role === 'opening') choice = { preset: 'zoom-in', why: ctx.focus.found ? 'push in on the subject' : 'slow push in' };
  else if (ctx.role === 'conclusion' || ctx.role === 'falling' || ctx.role === 'resolution') {
    choice = { preset: 'zoom-out', why: ctx.focus.found ? 'pull back from the subject' : 'slow pull back' };
  } else if (pan) choice = { preset: pan, why: `${pan.replace('-', ' ')}, toward the subject` };
  else choice = { preset: 'zoom-in', why: ctx.focus.found ? 'push in on the subject' : 'slow push in' };
  if (previous === choice.preset) {
    // Against motion fatigue: a pan becomes a push in; a zoom turns around.
    const alt = choice.preset.startsWith('pan') ? 'zoom-in' : OPPOSITE[choice.preset];
    const alt2 = alt === previous ? OPPOSITE[alt] : alt;
    choice = { preset: alt2, why: `${alt2.replace('-', ' ')} (not the same move twice in a row)` };
  }
  return choice;
}

export function kenBurnsMotion(ctx: CameraContext, previous: KenBurnsPreset | null): { motion: Motion; preset: KenBurnsPreset; why: string } {
  const { preset, why } = kenBurnsPreset(ctx, previous);
  const e = Math.min(1, Math.max(0, ctx.intensity));
  const amount = preset.startsWith('zoom') ? round2(0.12 + 0.25 * e) : round2(0.1 + 0.2 * e);
  return { motion: { preset, amount, easing: easingFor(ctx.role, e) }, preset, why };
}

export type ParallaxChoice = Pick<Parallax, 'preset' | 'direction' | 'amount'> & { easing?: Easing };

export function parallaxMotion(ctx: CameraContext, previous: ParallaxChoice | null): { parallax: ParallaxChoice; why: string } {
  const role = ctx.role;
  const preset: Parallax['preset'] =
    role === 'climax' ? 'push' : role === 'opening' || role === 'reveal' ? 'dolly' : role === 'falling' || role === 'resolution' || role === 'conclusion' ? 'pan' : 'orbit';
  const dx = ctx.focus.found ? ctx.focus.x - 0.5 : 0;
  const dy = ctx.focus.found ? ctx.focus.y - 0.5 : 0;
  let direction: Parallax['direction'] = Math.abs(dy) > Math.abs(dx) + 0.1 ? (dy > 0 ? 'down' : 'up') : dx < 0 ? 'left' : 'right';
  if (previous && previous.preset === preset && previous.direction === direction) {
    direction = ({ left: 'right', right: 'left', up: 'down', down: 'up' } as const)[direction];
  }
  const amount = round2(0.45 + 0.4 * Math.min(1, Math.max(0, ctx.intensity)));
  const what = preset === 'push' ? 'push through the layers' : preset === 'dolly' ? 'dolly in through the layers' : `${preset} ${direction}`;
  return { parallax: { preset, direction, amount, easing: easingFor(role, ctx.intensity) }, why: `${what}${ctx.focus.found ? ', toward the subject' : ''}` };
}
