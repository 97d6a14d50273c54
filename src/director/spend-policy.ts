/**
 * How the director spends a budget (the plan's and the story's `spend`, `--spend`):
 *
 *   key-moments (default)  the budget is a cap, not a target. A tier is bought only where its added
 *                          impact is worth its price: every USD spent must add at least
 *                          WORTH_PER_USD of impact (the optimiser maximises impact minus
 *                          WORTH_PER_USD x cost). No AI clip for a calm, falling, resolving or
 *                          concluding section, and no run of more than two AI clips.
 *   max                    the most impact the budget buys: every role may get a clip, runs of clips
 *                          are not limited (only tired a little), money is no object below the cap.
 *
 * Sections the user pinned or kept are theirs: the policy does not touch them.
 */
import type { SpendPolicy } from '../plan/schema';
import type { ArcRole } from './arc-types';
import { MAX_SYNTHETIC_RUN, RUN_PENALTIES_BY_TIER } from './impact';

export type { SpendPolicy };
export const DEFAULT_SPEND: SpendPolicy = 'key-moments';

/**
 * Impact a USD must add under key-moments. One unit of impact is about what two Ken Burns sections
 * are worth (impact.ts), so a clip at a climax (~1.0 over parallax) is worth up to ~$1, one at a
 * rising section of intensity 0.76 (~0.25) is not worth a $0.35 clip.
 */
const WORTH_PER_USD = 1;

/** Roles that never get an AI clip under key-moments: nothing on screen calls for one. */
export const NO_CLIP_ROLES: ReadonlySet<ArcRole> = new Set<ArcRole>(['calm', 'falling', 'resolution', 'conclusion']);

/** Longest run of AI clips under key-moments (alternating motion types prevents fatigue). */
export const MAX_CLIP_RUN = 2;

export interface SpendRules {
  policy: SpendPolicy;
  /** Impact a USD must add (0: the budget is a target). */
  worthPerUsd: number;
  /** Longest run allowed, per tier. */
  maxRun: readonly number[];
  runPenalties: readonly (readonly number[])[];
  /** Whether a section of this role may get an AI clip. */
  clipAllowed(role: ArcRole): boolean;
}

export function spendRules(policy: SpendPolicy): SpendRules {
  const keyMoments = policy === 'key-moments';
  return {
    policy,
    worthPerUsd: keyMoments ? WORTH_PER_USD : 0,
    maxRun: [MAX_SYNTHETIC_RUN, MAX_SYNTHETIC_RUN, MAX_SYNTHETIC_RUN, keyMoments ? MAX_CLIP_RUN : Infinity],
    runPenalties: RUN_PENALTIES_BY_TIER,
    clipAllowed: (role) => !keyMoments || !NO_CLIP_ROLES.has(role),
  };
}
