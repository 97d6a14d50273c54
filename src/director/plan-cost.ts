/**
 * The estimated cost of a plan, per section and in total, from the price table: tier 3 sections pay
 * for their clip, tier 2 sections pay for hosted depth (once per image), the rest is free. This is
 * what `estimatedCost` in a plan holds; cache hits at render time can only make it cheaper.
 */
import { roundUsd } from '../cost/prices';
import type { Plan } from '../plan/schema';
import { sectionTimings } from '../timeline/build-timeline';
import { clipCostUsd, defaultModelOf, depthCostUsd } from './section-costs';

export interface PlanCost {
  /** USD per section, in plan order. */
  sections: number[];
  total: number;
  /** Sections whose clip has no price in the table (counted as 0), as messages. */
  unpriced: string[];
}

/** `narrationSeconds`: length of each narration file, by the reference the plan uses. */
export function estimatePlanCost(plan: Plan, narrationSeconds: Record<string, number>): PlanCost {
  const audio = Object.fromEntries(Object.entries(narrationSeconds).map(([ref, duration]) => [ref, { src: ref, duration }]));
  const timings = sectionTimings(plan, { audio });
  const depthPaid = new Set<string>();
  const unpriced: string[] = [];
  const sections = plan.sections.map((s, i) => {
    if (s.scene) return 0;
    if (s.tier === 3) {
      const provider = s.clip?.provider ?? 'luma';
      const model = s.clip?.model ?? defaultModelOf(provider);
      const cost = clipCostUsd(timings[i]!.seconds, { provider, model, mode: s.clip?.mode });
      if (cost === null) unpriced.push(`sections[${i}] "${s.id}": no price for ${provider}/${model} in the price table`);
      return cost ?? 0;
    }
    if (s.tier === 2 && !depthPaid.has(s.image)) {
      depthPaid.add(s.image);
      return depthCostUsd(plan.depth.estimator);
    }
    return 0;
  });
  return { sections, total: roundUsd(sections.reduce((a, b) => a + b, 0)), unpriced };
}
