/**
 * Lambda has no GPU and Remotion's Lambda Chromium has no WebGL2 worth rendering with, so parallax
 * sections that ask for `"mode": "webgl"` render in their CSS mode there (depth layers moved with
 * transforms: the same layers, the same camera, without per-pixel displacement).
 */
import type { Plan } from '../src/plan/schema';

export interface CssFallback {
  plan: Plan;
  /** One note per section switched to CSS, for the log. */
  notes: string[];
}

export function withCssParallax(plan: Plan): CssFallback {
  const notes: string[] = [];
  const sections = plan.sections.map((s) => {
    if (s.parallax?.mode !== 'webgl') return s;
    notes.push(`section "${s.id}": parallax mode webgl renders as css on Lambda (no GPU there)`);
    return { ...s, parallax: { ...s.parallax, mode: 'css' as const } };
  });
  return { plan: notes.length ? { ...plan, sections } : plan, notes };
}
