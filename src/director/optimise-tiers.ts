/**
 * Exact budget optimisation of the tiers: choose one tier per section to maximise the total impact
 * minus motion-fatigue penalties minus `costWeight` x the cost (what money must be worth: 0 makes
 * the budget a target, more makes it a cap that is spent only where it pays), subject to
 *   - the total cost <= budget (costs in integer units, so the comparison is exact);
 *   - no run of one tier longer than its `maxRun` (pinned sections are exempt: they are the user's);
 *   - shared costs paid once (hosted depth for an image used by several parallax sections).
 *
 * Dynamic programming over sections with state (last tier, run length, which shared costs are paid)
 * keeps, per state, the Pareto frontier of (cost, value) labels: a label is dropped only when another
 * one in the same state costs no more and is worth at least as much. Everything after a section
 * depends only on the state and the money left (the cost term of a completion is its own cost times
 * the weight, whatever came before), so some optimal completion extends a frontier label whenever it
 * extends a dropped one: the result is optimal (tests check it against brute force).
 */

export interface TierChoiceSection {
  /** Impact per tier; -Infinity (or a missing tier) = not allowed. */
  values: number[];
  /** Own cost per tier, integer units (e.g. 1e-4 USD). */
  costs: number[];
  /** Per tier: a shared cost key (paid once however many sections use it), or null. */
  shared?: (string | null)[];
  /** A tier fixed by the user: always taken, exempt from the run limit. */
  pinnedTier?: number;
}

export interface TierChoiceModel {
  sections: TierChoiceSection[];
  /** Cost of each shared key, integer units. */
  sharedCosts?: Record<string, number>;
  /** Integer units. */
  budget: number;
  /** Longest run allowed, per tier (Infinity: no limit). */
  maxRun: readonly number[];
  /** Per tier: penalty for the k-th section of a run of that tier (index k-1); beyond the list, its last entry. */
  runPenalties: readonly (readonly number[])[];
  /** Impact one cost unit must add to be spent (default 0: spend wherever impact grows). */
  costWeight?: number;
}

export interface TierChoice {
  tiers: number[];
  /** The objective: impact minus fatigue minus costWeight x cost. */
  value: number;
  cost: number;
}

const EPS = 1e-9;

function penalty(model: TierChoiceModel, tier: number, run: number): number {
  const p = model.runPenalties[tier] ?? [];
  return p.length ? p[Math.min(run, p.length) - 1]! : 0;
}

const maxRunOf = (model: TierChoiceModel, tier: number): number => model.maxRun[tier] ?? Infinity;

function allowed(s: TierChoiceSection, t: number): boolean {
  if (s.pinnedTier !== undefined) return t === s.pinnedTier;
  const v = s.values[t];
  return v !== undefined && Number.isFinite(v) && s.costs[t] !== undefined;
}

/** Value, cost and feasibility of a complete assignment (the objective, written out plainly). */
export function scoreTiers(model: TierChoiceModel, tiers: number[]): { feasible: boolean; value: number; cost: number } {
  let value = 0;
  let cost = 0;
  let run = 0;
  let feasible = tiers.length === model.sections.length;
  const paid = new Set<string>();
  model.sections.forEach((s, i) => {
    const t = tiers[i]!;
    if (!allowed(s, t)) feasible = false;
    run = i > 0 && tiers[i - 1] === t ? run + 1 : 1;
    if (run > maxRunOf(model, t) && s.pinnedTier === undefined) feasible = false;
    value += (Number.isFinite(s.values[t]) ? s.values[t]! : 0) - penalty(model, t, run);
    cost += s.costs[t] ?? 0;
    const key = s.shared?.[t];
    if (key && !paid.has(key)) {
      paid.add(key);
      cost += model.sharedCosts?.[key] ?? 0;
    }
  });
  if (cost > model.budget) feasible = false;
  return { feasible, value: value - (model.costWeight ?? 0) * cost, cost };
}

interface Label {
  cost: number;
  value: number;
  tier: number;
  prev: Label | null;
}

/** The optimal assignment, or null when none fits (pinned sections alone over budget). */
export function optimiseTiers(model: TierChoiceModel): TierChoice | null {
  const n = model.sections.length;
  if (!n) return { tiers: [], value: 0, cost: 0 };
  const weight = model.costWeight ?? 0;
  // Shared keys used by more than one section need a bit of state; the others are plain costs.
  const uses = new Map<string, number>();
  for (const s of model.sections) for (const k of new Set((s.shared ?? []).filter((k): k is string => !!k))) uses.set(k, (uses.get(k) ?? 0) + 1);
  const bits = new Map<string, number>();
  for (const [k, c] of uses) if (c > 1 && (model.sharedCosts?.[k] ?? 0) > 0) bits.set(k, bits.size);
  if (bits.size > 20) throw new Error(`optimiseTiers: ${bits.size} shared costs are too many to track exactly`);
  // After its last possible use a shared cost no longer matters: its bit is cleared, so states merge.
  const retireAfter = new Array<number>(n).fill(0);
  for (const [k, bit] of bits) {
    let last = 0;
    model.sections.forEach((s, i) => {
      if ((s.shared ?? []).includes(k)) last = i;
    });
    retireAfter[last]! |= 1 << bit;
  }

  // Run lengths beyond this behave alike (same feasibility, same penalty): the state caps them.
  const runCap = Math.max(2, ...model.maxRun.filter(Number.isFinite).map((m) => m + 1), ...model.runPenalties.map((p) => p.length));
  let states = new Map<string, { tier: number; run: number; mask: number; labels: Label[] }>();
  states.set('start', { tier: -1, run: 0, mask: 0, labels: [{ cost: 0, value: 0, tier: -1, prev: null }] });
  for (let i = 0; i < n; i++) {
    const s = model.sections[i]!;
    const next = new Map<string, { tier: number; run: number; mask: number; labels: Label[] }>();
    for (const st of states.values()) {
      for (let t = 0; t < Math.max(s.values.length, (s.pinnedTier ?? 0) + 1); t++) {
        if (!allowed(s, t)) continue;
        const run = st.tier === t ? st.run + 1 : 1;
        if (run > maxRunOf(model, t) && s.pinnedTier === undefined) continue;
        const key = s.shared?.[t] ?? null;
        const bit = key !== null ? bits.get(key) : undefined;
        let extra = s.costs[t] ?? 0;
        let mask = st.mask;
        if (key !== null) {
          if (bit === undefined) extra += model.sharedCosts?.[key] ?? 0;
          else if (!(mask & (1 << bit))) {
            extra += model.sharedCosts?.[key] ?? 0;
            mask |= 1 << bit;
          }
        }
        const gain = (Number.isFinite(s.values[t]) ? s.values[t]! : 0) - penalty(model, t, run) - weight * extra;
        const cappedRun = Math.min(run, runCap);
        mask &= ~retireAfter[i]!;
        const id = `${t}|${cappedRun}|${mask}`;
        let target = next.get(id);
        if (!target) next.set(id, (target = { tier: t, run: cappedRun, mask, labels: [] }));
        for (const l of st.labels) {
          const cost = l.cost + extra;
          if (cost > model.budget) continue;
          target.labels.push({ cost, value: l.value + gain, tier: t, prev: l });
        }
      }
    }
    for (const [id, st] of next) {
      st.labels = paretoFrontier(st.labels);
      if (!st.labels.length) next.delete(id);
    }
    states = next;
  }
  let best: Label | null = null;
  for (const st of states.values()) {
    for (const l of st.labels) {
      if (!best || l.value > best.value + EPS || (Math.abs(l.value - best.value) <= EPS && l.cost < best.cost)) best = l;
    }
  }
  if (!best) return null;
  const tiers: number[] = [];
  for (let l: Label | null = best; l && l.tier >= 0; l = l.prev) tiers.unshift(l.tier);
  return { tiers, value: best.value, cost: best.cost };
}

/** Labels no other label beats on both cost (lower or equal) and value (higher or equal); stable. */
function paretoFrontier(labels: Label[]): Label[] {
  const sorted = labels.map((l, i) => ({ l, i })).sort((a, b) => a.l.cost - b.l.cost || b.l.value - a.l.value || a.i - b.i);
  const out: Label[] = [];
  let bestValue = -Infinity;
  for (const { l } of sorted) {
    if (l.value > bestValue + EPS) {
      out.push(l);
      bestValue = l.value;
    }
  }
  return out;
}
