/**
 * The impact model: how much each tier adds to a section, given its place in the arc. The budget
 * optimiser maximises the sum of these (minus motion fatigue, minus the price of what it buys under
 * the spend policy, spend-policy.ts), so this is where taste lives:
 *
 *   tier 0 still     fits calm, still and high-information moments (a strategic hold), never action;
 *   tier 1 Ken Burns a steady value, best when calm; the natural move for an opening and a conclusion;
 *   tier 2 parallax  grows with intensity; the move for a reveal (it beats Ken Burns there at once);
 *   tier 3 AI clip   the best of the others plus a lift that is small below intensity 0.5 and grows
 *                    with the square of the intensity above it, with a bonus at the climax: "20% of
 *                    clips get the expensive treatment and carry 80% of the visual impact". A clip at
 *                    the climax (intensity ~0.95) adds ~1.0, one at a rising section of 0.76 ~0.25,
 *                    one at a calm section 0.05.
 */
import { TIER_NAMES } from '../plan/tiers';
import type { ArcRole, SectionArc } from './arc-types';

const TIER_COUNT = TIER_NAMES.length;
/** Bonus for the tier a director explicitly asks for (openai director). */
const PREFERRED_TIER_BONUS = 0.3;

/** Bonus per role for tiers 0..2 (tier 3 builds on the best of them). */
const ROLE_BONUS: Partial<Record<ArcRole, [number, number, number]>> = {
  opening: [0, 0.15, 0],
  conclusion: [0, 0.15, 0],
  reveal: [0, 0, 0.3],
};

/** What an AI clip adds at the climax, on top of what its intensity gives. */
const CLIMAX_CLIP_BONUS = 0.35;

/** Impact an AI clip adds over the best synthetic move: concentrated on the most intense moments. */
function clipLift(intensity: number, role: ArcRole): number {
  const key = Math.min(1, Math.max(0, (intensity - 0.5) / 0.5));
  return 0.05 + 0.75 * key * key + (role === 'climax' ? CLIMAX_CLIP_BONUS : 0);
}

/** Impact of tiers 0..3 for one section. */
export function tierImpacts(s: Pick<SectionArc, 'intensity' | 'role' | 'information' | 'stillness' | 'preferredTier'>): number[] {
  const e = Math.min(1, Math.max(0, s.intensity));
  const calm = Math.max(0, 1 - e / 0.3);
  const values = [
    0.15 + 0.35 * calm + 0.4 * s.information * (1 - e) + 0.25 * s.stillness - 0.3 * e,
    0.45 + 0.15 * (1 - e),
    0.35 + 0.55 * e,
  ];
  const bonus = ROLE_BONUS[s.role];
  if (bonus) for (let t = 0; t < values.length; t++) values[t]! += bonus[t]!;
  // A clip is at least as good as the best synthetic move, plus its lift.
  values.push(Math.max(...values) + clipLift(e, s.role));
  if (s.preferredTier !== undefined && s.preferredTier >= 0 && s.preferredTier < TIER_COUNT) values[s.preferredTier]! += PREFERRED_TIER_BONUS;
  return values.map((v) => Math.round(v * 1e6) / 1e6);
}

/**
 * Motion fatigue: a section that repeats the previous section's tier loses a little, by its place in
 * the run (2nd, 3rd ...), and runs of one synthetic move (still, Ken Burns, parallax) longer than 3
 * are not allowed. AI clips lose only a touch per repeat (each clip's motion comes from its own
 * content); how long a run of them may be is the spend policy's (spend-policy.ts).
 */
export const MAX_SYNTHETIC_RUN = 3;
export const RUN_PENALTIES_BY_TIER: readonly (readonly number[])[] = [
  [0, 0.05, 0.15],
  [0, 0.05, 0.15],
  [0, 0.05, 0.15],
  [0, 0.03],
];
