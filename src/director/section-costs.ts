/**
 * What a tier costs for one section, from THE price table (src/cost/prices.ts): tier 3 is one AI
 * clip of the section's length snapped to a duration the provider's model makes (each provider's
 * `durations` in src/providers/: e.g. Runway gen4_turbo 2-10 s, Luma 5 or 9 s, Kling 5 or 10 s), tier 2
 * is a depth map, paid only with the hosted estimator (~$0.02 per image, once per image: maps are
 * cached by content), tiers 0 and 1 are free.
 */
import { estimateClipCost, estimateDepthCost } from '../cost/prices';
import { createProvider } from '../providers';
import type { ProviderId } from '../providers/types';

/** Integer cost units per USD: the optimiser compares integers, so "within budget" is exact. */
export const COST_UNITS_PER_USD = 10_000;
export const toCostUnits = (usd: number): number => Math.round(usd * COST_UNITS_PER_USD);
export const fromCostUnits = (units: number): number => units / COST_UNITS_PER_USD;

export interface ClipChoice {
  provider: ProviderId;
  model: string;
  /** Generation mode (Kling std/pro): priced by mode; the model's default when absent. */
  mode?: string;
}

/**
 * The director's default for tier 3: Runway gen4_turbo at $0.05/s ($0.25 per 5 s clip, $0.50 per
 * 10 s), the cheapest priced model with a seed; the economics in the README are computed with it.
 */
export const DEFAULT_CLIP_CHOICE: ClipChoice = { provider: 'runway', model: 'gen4_turbo' };

export function defaultModelOf(provider: ProviderId): string {
  return createProvider(provider, { env: {} }).defaultModel;
}

export function supportsSeed(provider: ProviderId): boolean {
  return createProvider(provider, { env: {} }).supportsSeed;
}

/** Seconds of the clip the provider makes for a section of `seconds`. */
function clipSecondsFor(seconds: number, clip: ClipChoice): number {
  return createProvider(clip.provider, { env: {} }).snapDuration(seconds, clip.model);
}

/** USD for a section's clip, or null when the price table has no price for it. */
export function clipCostUsd(seconds: number, clip: ClipChoice): number | null {
  return estimateClipCost(clip.provider, clip.model, clipSecondsFor(seconds, clip), undefined, clip.mode);
}

/** USD for one image's depth map with this estimator (0 unless hosted). */
export function depthCostUsd(estimator: string): number {
  return estimateDepthCost(1, estimator);
}
