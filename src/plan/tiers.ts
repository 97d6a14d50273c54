/**
 * The four motion tiers a section can have, by number: what each draws. Warnings and the plan
 * schema use the full names; the plan table, the storyboard and the director's one-line reasons
 * use the short form, where tier 3 is "AI clip".
 */
export const TIER_NAMES = ['still', 'Ken Burns', 'parallax', 'AI video clip'] as const;
export const TIER_SHORT_NAMES: readonly string[] = [...TIER_NAMES.slice(0, 3), 'AI clip'];
