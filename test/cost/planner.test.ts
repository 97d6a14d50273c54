import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/cost/ledger';
import { planClipSpend, type PlanItem } from '../../src/cost/planner';
import { PRICE_TABLE, estimateClipCost, estimateDepthCost, formatUsd } from '../../src/cost/prices';
import { missingKeyReason } from '../../src/providers/index';
import { tempDir } from '../helpers/fixtures';

const item = (key: string, over: Partial<PlanItem> = {}): PlanItem => ({ key, provider: 'runway', model: 'gen4_turbo', durationSec: 5, cached: false, fallbackTier: 2, ...over });

describe('price table', () => {
  it('prices every default model at its durations', () => {
    expect(estimateClipCost('runway', 'gen4_turbo', 5)).toBe(0.25);
    expect(estimateClipCost('runway', 'gen4_turbo', 10)).toBe(0.5);
    expect(estimateClipCost('luma', 'ray-2', 5)).toBe(0.71);
    expect(estimateClipCost('luma', 'ray-2', 9)).toBe(1.28);
    expect(estimateClipCost('kling', 'kling-v2-1', 10)).toBe(0.56);
    expect(estimateClipCost('haiper', 'gen2', 4)).toBe(0.2);
    expect(estimateClipCost('luma', 'no-such-model', 5)).toBeNull();
    expect(estimateDepthCost(10)).toBe(0.2);
    expect(PRICE_TABLE.depth.hosted?.perImageUsd).toBe(0.02);
    expect(formatUsd(0.105, 'floor')).toBe('$0.10');
  });
});

describe('spend planner', () => {
  it('hits are free, duplicates share one generation, and the budget reason is explicit', () => {
    const plan = planClipSpend([item('a', { cached: true }), item('b'), item('b'), item('c'), item('d', { provider: 'luma', model: 'ray-2' })], {
      budgetUsd: 0.35,
      providerProblem: (p) => (p === 'luma' ? 'no LUMA_API_KEY' : null),
    });
    expect(plan.decisions.map((d) => [d.action, d.reason ?? null, d.estimateUsd])).toEqual([
      ['hit', 'cached', 0],
      ['generate', null, 0.25],
      ['hit', 'same clip as request 2', 0],
      ['fallback', 'budget: $0.25 would exceed remaining $0.10', 0],
      ['fallback', 'no LUMA_API_KEY', 0],
    ]);
    expect(plan.decisions[3]!.fallbackTier).toBe(2);
    expect(plan.estimateUsd).toBe(0.25);
  });

  it('counts money already spent against the cap, and a cheaper later request can still fit', () => {
    const plan = planClipSpend([item('a', { durationSec: 10 }), item('b', { durationSec: 5 })], { budgetUsd: 1, spentUsd: 0.6 });
    expect(plan.decisions.map((d) => d.action)).toEqual(['fallback', 'generate']);
    expect(plan.decisions[0]!.reason).toBe('budget: $0.50 would exceed remaining $0.40');
  });

  it('never plans more than the budget (randomised)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const models = [['runway', 'gen4_turbo', [5, 10]], ['luma', 'ray-2', [5, 9]], ['kling', 'kling-v2-1', [5, 10]]] as const;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rnd() * 12);
      const items: PlanItem[] = Array.from({ length: n }, (_, i) => {
        const [provider, model, ds] = models[Math.floor(rnd() * 3)]!;
        return item(`k${Math.floor(rnd() * 8)}-${i % 3}`, { provider, model, durationSec: ds[Math.floor(rnd() * 2)]!, cached: rnd() < 0.2 });
      });
      const budget = Math.round(rnd() * 300) / 100;
      const spent = Math.round(rnd() * 50) / 100;
      const plan = planClipSpend(items, { budgetUsd: budget, spentUsd: spent });
      const total = plan.decisions.filter((d) => d.action === 'generate').reduce((s, d) => s + d.estimateUsd, 0);
      expect(total).toBeLessThanOrEqual(Math.max(0, budget - spent) + 1e-9);
      expect(plan.decisions.filter((d) => d.action === 'hit' && d.reason === 'cached').length).toBe(items.filter((i) => i.cached).length);
    }
  });
});

describe('keys', () => {
  it('names the missing env var per provider', () => {
    expect(missingKeyReason('luma', {})).toBe('no LUMA_API_KEY');
    expect(missingKeyReason('runway', {})).toBe('no RUNWAYML_API_SECRET');
    expect(missingKeyReason('kling', { KLING_ACCESS_KEY: 'a' })).toBe('no KLING_SECRET_KEY');
    expect(missingKeyReason('haiper', { HAIPER_API_KEY: 'x' })).toBeNull();
    expect(missingKeyReason('luma', {}, { apiKey: 'k' })).toBeNull();
  });
});

describe('ledger', () => {
  it('appends atomically and concurrently without losing entries', async () => {
    const dir = await tempDir('sm-ledger-');
    const ledger = new Ledger(path.join(dir, 'sub', 'ledger.json'));
    expect(await ledger.total()).toBe(0);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.append({ provider: 'runway', model: 'gen4_turbo', key: `k${i}`, durationSec: 5, costUsd: 0.25, status: 'generated' })),
    );
    expect(await ledger.read()).toHaveLength(20);
    expect(await ledger.total()).toBe(5);
    expect(await ledger.total(new Date(Date.now() + 60_000))).toBe(0);
    expect((await fs.readdir(path.join(dir, 'sub'))).filter((f) => f !== 'ledger.json')).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
