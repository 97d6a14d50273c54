/**
 * The budget optimiser is exact: on thousands of small random cases (random impacts and costs,
 * shared depth costs, pinned sections, run limits, a price on money or none) its answer is never
 * over budget, always feasible, and as good as the best of every assignment enumerated by brute force.
 */
import { describe, expect, it } from 'vitest';
import { spendRules } from '../../src/director/spend-policy';
import { optimiseTiers, scoreTiers, type TierChoiceModel } from '../../src/director/optimise-tiers';
import { mulberry32 } from '../../src/random/mulberry32';

function bruteForce(model: TierChoiceModel): { value: number; cost: number; tiers: number[] } | null {
  const n = model.sections.length;
  let best: { value: number; cost: number; tiers: number[] } | null = null;
  const tiers = new Array<number>(n).fill(0);
  const total = 4 ** n;
  for (let code = 0; code < total; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      tiers[i] = c % 4;
      c = Math.floor(c / 4);
    }
    const s = scoreTiers(model, tiers);
    if (!s.feasible) continue;
    if (!best || s.value > best.value + 1e-9) best = { value: s.value, cost: s.cost, tiers: [...tiers] };
  }
  return best;
}

function randomModel(rand: () => number, n: number): TierChoiceModel {
  const images = Math.max(1, Math.floor(n / 2));
  const sections = Array.from({ length: n }, () => {
    const values = [0, 1, 2, 3].map(() => Math.round(rand() * 100) / 100);
    if (rand() < 0.15) values[3] = -Infinity; // no price for a clip
    const costs = [0, 0, rand() < 0.3 ? Math.floor(rand() * 3) : 0, 1 + Math.floor(rand() * 6)];
    const image = Math.floor(rand() * images);
    const pinned = rand() < 0.15 ? Math.floor(rand() * 4) : undefined;
    return { values, costs, shared: [null, null, `depth:${image}`, null], ...(pinned !== undefined ? { pinnedTier: pinned } : {}) };
  });
  const maxRun = [0, 1, 2, 3].map(() => (rand() < 0.25 ? Infinity : 1 + Math.floor(rand() * 3)));
  const runPenalties = [0, 1, 2, 3].map(() => [0, Math.round(rand() * 30) / 100, Math.round(rand() * 50) / 100].slice(0, 1 + Math.floor(rand() * 3)));
  const sharedCosts = Object.fromEntries(Array.from({ length: images }, (_, k) => [`depth:${k}`, Math.floor(rand() * 3)]));
  // Half the cases put a price on money (key-moments), half spend wherever impact grows (max).
  const costWeight = rand() < 0.5 ? 0 : Math.round(rand() * 40) / 100;
  return { sections, sharedCosts, budget: Math.floor(rand() * 14), maxRun, runPenalties, costWeight };
}

describe('optimiseTiers', () => {
  it('matches brute force on 1,500 random cases of 1-7 sections and never goes over budget', () => {
    const rand = mulberry32(20261124);
    let feasibleCases = 0;
    let moneyLeft = 0;
    for (let k = 0; k < 1500; k++) {
      const n = 1 + Math.floor(rand() * 7);
      const model = randomModel(rand, n);
      const exact = bruteForce(model);
      const got = optimiseTiers(model);
      if (!exact) {
        expect(got).toBeNull();
        continue;
      }
      feasibleCases++;
      expect(got).not.toBeNull();
      const check = scoreTiers(model, got!.tiers);
      expect(check.feasible).toBe(true);
      expect(check.cost).toBeLessThanOrEqual(model.budget);
      expect(check.cost).toBe(got!.cost);
      expect(check.value).toBeCloseTo(got!.value, 9);
      expect(got!.value).toBeCloseTo(exact.value, 9);
      for (const [i, s] of model.sections.entries()) if (s.pinnedTier !== undefined) expect(got!.tiers[i]).toBe(s.pinnedTier);
      if (model.costWeight && got!.cost < model.budget) moneyLeft++;
    }
    expect(feasibleCases).toBeGreaterThan(1000);
    // The price on money matters: in many cases the optimum leaves part of the budget unspent.
    expect(moneyLeft).toBeGreaterThan(100);
  });

  it('a greedy choice is not optimal here, the optimiser is', () => {
    // Greedy by impact per dollar buys the cheap small gain first and can then not afford the big one.
    const model: TierChoiceModel = {
      sections: [
        { values: [0, 0.5, 0.5, 0.9], costs: [0, 0, 0, 2] },
        { values: [0, 0.5, 0.5, 1.5], costs: [0, 0, 0, 5] },
      ],
      budget: 5,
      maxRun: [9, 9, 9, 9],
      runPenalties: [[], [], [], []],
    };
    expect(optimiseTiers(model)).toEqual({ tiers: [1, 3], value: 2, cost: 5 });
  });

  it('pays a shared cost (hosted depth of one image) once, however many sections use it', () => {
    const section = { values: [0, 0.5, 1, -Infinity], costs: [0, 0, 0, 0], shared: [null, null, 'depth:a', null] };
    const model: TierChoiceModel = { sections: [section, section, section], sharedCosts: { 'depth:a': 2 }, budget: 2, maxRun: [9, 9, 9, 9], runPenalties: [[], [], [], []] };
    expect(optimiseTiers(model)).toEqual({ tiers: [2, 2, 2], value: 3, cost: 2 });
    expect(optimiseTiers({ ...model, budget: 1 })).toEqual({ tiers: [1, 1, 1], value: 1.5, cost: 0 });
  });

  it('a price on money makes the budget a cap: a tier is bought only where its gain is worth its cost', () => {
    // Gains over Ken Burns: 0.9 for 5 units, 0.2 for 5 units; 1 impact per 10 units is the price.
    const model: TierChoiceModel = {
      sections: [
        { values: [0, 0.5, 0.5, 1.4], costs: [0, 0, 0, 5] },
        { values: [0, 0.5, 0.5, 0.7], costs: [0, 0, 0, 5] },
      ],
      budget: 100,
      maxRun: [9, 9, 9, 9],
      runPenalties: [[], [], [], []],
      costWeight: 0.1,
    };
    expect(optimiseTiers(model)).toMatchObject({ tiers: [3, 1], cost: 5 });
    expect(optimiseTiers({ ...model, costWeight: 0 })).toMatchObject({ tiers: [3, 3], cost: 10 });
  });

  it('never allows a run of one synthetic move longer than the limit, nor more than two AI clips in a row under key-moments; pinned sections are exempt', () => {
    const { maxRun, runPenalties } = spendRules('key-moments');
    const clips = optimiseTiers({ sections: Array(6).fill({ values: [0, 0, 0, 1], costs: [0, 0, 0, 1] }), budget: 100, maxRun, runPenalties })!;
    expect(Math.max(...clips.tiers.join('').match(/(.)\1*/g)!.map((r) => r.length))).toBeLessThanOrEqual(2);
    expect(clips.tiers.filter((t) => t === 3).length).toBe(4);
    const free = { values: [0, 1, 0, -Infinity], costs: [0, 0, 0, 0] };
    const model: TierChoiceModel = { sections: Array(7).fill(free), budget: 0, maxRun, runPenalties };
    const got = optimiseTiers(model)!;
    const runs = got.tiers.join('').match(/(.)\1*/g)!;
    expect(Math.max(...runs.map((r) => r.length))).toBeLessThanOrEqual(3);
    const pinned = optimiseTiers({ ...model, sections: Array(5).fill({ ...free, pinnedTier: 1 }) })!;
    expect(pinned.tiers).toEqual([1, 1, 1, 1, 1]);
  });

  it('returns null when pinned sections alone are over budget', () => {
    const model: TierChoiceModel = { sections: [{ values: [0, 0, 0, 1], costs: [0, 0, 0, 5], pinnedTier: 3 }], budget: 4, maxRun: [3, 3, 3, 3], runPenalties: [[], [], [], []] };
    expect(optimiseTiers(model)).toBeNull();
  });
});
