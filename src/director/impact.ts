/**
 * The impact model: how much each tier adds to a section, given its place in the arc. The budget
 * optimiser maximises the sum of these (minus motion fatigue), so this is where taste lives:
 *
 *   tier 0 still     fits calm, still and high-information moments (a strategic hold), never action;
 *   tier 1 Ken Burns a steady value, best when calm; the natural move for an opening and a conclusion;
 *   tier 2 parallax  grows with intensity; best for a reveal;
 *   tier 3 AI clip   grows fastest with intensity; best at the climax.
 *
 * AI video is the strongest motion everywhere except a calm opening or conclusion, so a rich budget
 * buys it for most of the story; a small one buys it where its gain over the next best tier is
 * largest: the climax first, then the most intense sections. Parallax beats Ken Burns from
 * intensity ~0.36 (at once for a reveal), which is where a small depth budget goes.
 */
import type { ArcRole, SectionArc } from './arc-types';

export const TIER_COUNT = 4;
/** Bonus for the tier a director explicitly asks for (openai director). */
export const PREFERRED_TIER_BONUS = 0.3;

const ROLE_BONUS: Partial<Record<ArcRole, [number, number, number, number]>> = {
  opening: [0, 0.15, 0, 0],
  conclusion: [0, 0.15, 0, 0],
  reveal: [0, 0, 0.2, 0],
  climax: [0, 0, 0, 0.3],
};

/** Impact of tiers 0..3 for one section. */
export function tierImpacts(s: Pick<SectionArc, 'intensity' | 'role' | 'information' | 'stillness' | 'preferredTier'>): number[] {
  const e = Math.min(1, Math.max(0, s.intensity));
  const calm = Math.max(0, 1 - e / 0.3);
  const values = [
    0.15 + 0.35 * calm + 0.4 * s.information * (1 - e) + 0.25 * s.stillness - 0.3 * e,
    0.45 + 0.15 * (1 - e),
    0.35 + 0.55 * e,
    0.55 + 0.9 * e,
  ];
  const bonus = ROLE_BONUS[s.role];
  if (bonus) for (let t = 0; t < TIER_COUNT; t++) values[t]! += bonus[t]!;
  if (s.preferredTier !== undefined && s.preferredTier >= 0 && s.preferredTier < TIER_COUNT) values[s.preferredTier]! += PREFERRED_TIER_BONUS;
  return values.map((v) => Math.round(v * 1e6) / 1e6);
}

/**
 * Motion fatigue: a section that repeats the previous section's tier loses a little, by its place in
 * the run (2nd, 3rd ...), and runs of one synthetic move (still, Ken Burns, parallax) longer than 3
 * are not allowed. AI clips are exempt from the limit (each clip's motion comes from its own
 * content) and lose only a touch per repeat.
 */
export const MAX_RUN_BY_TIER: readonly number[] = [3, 3, 3, Infinity];
export const RUN_PENALTIES_BY_TIER: readonly (readonly number[])[] = [
  [0, 0.05, 0.15],
  [0, 0.05, 0.15],
  [0, 0.05, 0.15],
  [0, 0.03],
];
