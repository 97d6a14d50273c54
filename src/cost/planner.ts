/**
 * Decides, before anything is generated, what each tier-3 request gets: a cache hit (free), a
 * generation (its estimated cost reserved against the budget), or a fallback to a lower tier with
 * the reason. Requests are taken in order; the budget is never exceeded by the estimates.
 */
import { modelLabel } from '../providers/model-mode';
import { estimateClipCost, formatUsd, roundUsd, type PriceTable, PRICE_TABLE } from './prices';

export interface PlanItem {
  key: string;
  provider: string;
  model: string;
  /** Generation mode (Kling std/pro), priced separately; the model's default mode when absent. */
  mode?: string;
  durationSec: number;
  cached: boolean;
  /** Tier used when this clip is not generated (2 parallax, 1 Ken Burns). */
  fallbackTier: 1 | 2;
  /** A problem found before planning (unreadable image ...): forces a fallback. */
  problem?: string;
}

export interface PlanDecision {
  index: number;
  action: 'hit' | 'generate' | 'fallback';
  provider: string;
  model: string;
  estimateUsd: number;
  reason?: string;
  fallbackTier?: 1 | 2;
  /** For a duplicate of an earlier request in the same batch: that request's index. */
  sameAs?: number;
}

export interface PlanOptions {
  /** Spending cap in USD (default: no cap). */
  budgetUsd?: number;
  /** Already spent against the cap (e.g. the ledger's total). */
  spentUsd?: number;
  /** null when the provider can be used, else why not (e.g. "no LUMA_API_KEY"). */
  providerProblem?: (provider: string) => string | null;
  prices?: PriceTable;
}

export interface SpendPlan {
  decisions: PlanDecision[];
  estimateUsd: number;
  budgetUsd: number;
  remainingUsd: number;
}

export function planClipSpend(items: PlanItem[], opts: PlanOptions = {}): SpendPlan {
  const budget = opts.budgetUsd ?? Infinity;
  let remaining = roundUsd(budget - (opts.spentUsd ?? 0));
  let total = 0;
  const firstGenerate = new Map<string, number>();
  const decisions = items.map((it, index): PlanDecision => {
    const base = { index, provider: it.provider, model: it.model };
    const fallback = (reason: string): PlanDecision => ({ ...base, action: 'fallback', estimateUsd: 0, reason, fallbackTier: it.fallbackTier });
    if (it.problem) return fallback(it.problem);
    if (it.cached) return { ...base, action: 'hit', estimateUsd: 0, reason: 'cached' };
    const earlier = firstGenerate.get(it.key);
    if (earlier !== undefined) return { ...base, action: 'hit', estimateUsd: 0, reason: `same clip as request ${earlier + 1}`, sameAs: earlier };
    const problem = opts.providerProblem?.(it.provider);
    if (problem) return fallback(problem);
    const cost = estimateClipCost(it.provider, it.model, it.durationSec, opts.prices ?? PRICE_TABLE, it.mode);
    if (cost === null) return fallback(`no price for ${it.provider}/${modelLabel(it.model, it.mode)} ${it.durationSec}s in the price table`);
    if (cost > remaining + 1e-9) return fallback(`budget: ${formatUsd(cost)} would exceed remaining ${formatUsd(Math.max(0, remaining), 'floor')}`);
    remaining = roundUsd(remaining - cost);
    total = roundUsd(total + cost);
    firstGenerate.set(it.key, index);
    return { ...base, action: 'generate', estimateUsd: cost };
  });
  return { decisions, estimateUsd: total, budgetUsd: budget, remainingUsd: remaining };
}
