/**
 * Strategic holds (stillness before or after the camera moves): an opening settles before it moves,
 * a conclusion rests on its last frame, and a high-information moving section holds at its start so
 * the viewer can take it in. Holds never take more than 40% of a section.
 */
import type { ArcRole } from './arc-types';

export interface HoldChoice {
  hold?: { start?: number; end?: number };
  why?: string;
}

/** Information above this earns a hold. */
const HIGH_INFORMATION = 0.5;

export function holdFor(role: ArcRole, tier: number, information: number, seconds: number): HoldChoice {
  if (tier === 0 || tier === 3) return {};
  let start = 0;
  let end = 0;
  const whys: string[] = [];
  if (role === 'opening') {
    start = 0.6;
    whys.push('settles before it moves');
  }
  if (information >= HIGH_INFORMATION) {
    start = Math.max(start, 0.8);
    whys.push('holds for a high-information moment');
  }
  if (role === 'conclusion') {
    end = 1;
    whys.push('rests on the last frame');
  }
  const limit = 0.4 * seconds;
  if (start + end > limit) {
    const k = limit / (start + end);
    start *= k;
    end *= k;
  }
  start = Math.round(start * 10) / 10;
  end = Math.round(end * 10) / 10;
  if (!start && !end) return {};
  return { hold: { ...(start ? { start } : {}), ...(end ? { end } : {}) }, why: whys.join(', ') };
}
