/**
 * The economics of an 8-section story (sections of 6.5-8 s, Runway gen4_turbo clips billed per
 * second, hosted depth at $0.02 per image), through the whole director:
 *   all Ken Burns $0; Ken Burns + parallax about $0.08; under key-moments (the default) one clip, at
 *   the climax, whatever the budget above its price (the budget is a cap, not a target); under max,
 *   clips wherever they add impact, as far as the budget goes.
 * And: whatever the budget and policy, the plan never costs more.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/cost/prices';
import { estimatePlanCost } from '../../src/director/plan-cost';
import type { FocalPoint } from '../../src/director/camera-motion';
import { focalPoints, planStory } from '../../src/director/plan-story';
import type { SpendPolicy } from '../../src/director/spend-policy';
import { clipCostUsd, DEFAULT_CLIP_CHOICE } from '../../src/director/section-costs';
import { parsePlan } from '../../src/plan/load-plan';
import type { Story } from '../../src/story/load-story';
import type { StoryMedia } from '../../src/story/story-media';
import { tempDir } from '../helpers/fixtures';
import { HARBOUR_SECONDS, loadWithMedia, writeHarbourStory } from './helpers';

let dir: string;
let story: Story;
let media: StoryMedia;
let focus: Map<string, FocalPoint>;

beforeAll(async () => {
  dir = await tempDir('stillmotion-economics-');
  ({ story, media } = await loadWithMedia(await writeHarbourStory(dir, { depth: { estimator: 'hosted' } })));
  focus = await focalPoints(story, media);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const plan = (budgetUsd: number, spend: SpendPolicy = 'key-moments') => planStory(story, media, { outPath: path.join(dir, 'plan.json'), budgetUsd, focus, spend });
const tiersOf = (r: Awaited<ReturnType<typeof plan>>): number[] => r.plan.sections.map((s) => s.tier);
const count = (tiers: number[], t: number): number => tiers.filter((x) => x === t).length;

describe('the economics, 8 sections', () => {
  const climax = 5; // "A whale bursts from the waves!"
  const climaxClip = clipCostUsd(HARBOUR_SECONDS[climax]!, DEFAULT_CLIP_CHOICE)!;

  it('budget $0: Ken Burns (with holds), $0', async () => {
    const r = await plan(0);
    expect(r.cost.total).toBe(0);
    expect(tiersOf(r).every((t) => t <= 1)).toBe(true);
    expect(count(tiersOf(r), 1)).toBeGreaterThanOrEqual(6);
  });

  it('budget $0.08: Ken Burns + parallax (hosted depth maps at $0.02), the reveal among them; max buys all four maps', async () => {
    const r = await plan(0.08);
    expect(r.cost.total).toBeLessThanOrEqual(0.08);
    expect(count(tiersOf(r), 2)).toBeGreaterThanOrEqual(3);
    expect(r.cost.total).toBeCloseTo(0.02 * count(tiersOf(r), 2), 6);
    expect(count(tiersOf(r), 3)).toBe(0);
    expect(r.arc.sections[2]!.role).toBe('reveal');
    expect(tiersOf(r)[2]).toBe(2);
    const max = await plan(0.08, 'max');
    expect(max.cost.total).toBe(0.08);
    expect(count(tiersOf(max), 2)).toBe(4);
  });

  it('key-moments: one clip, at the climax, from its price up to $4: the budget is a cap, not a target', async () => {
    for (const budget of [0.5, 1.2, 2, 4]) {
      const r = await plan(budget);
      const tiers = tiersOf(r);
      expect(count(tiers, 3)).toBe(1);
      expect(tiers[climax]).toBe(3);
      expect(tiers[2]).toBe(2); // the reveal: parallax
      expect(r.cost.total).toBeCloseTo(climaxClip + count(tiers, 2) * 0.02, 6);
      expect(r.plan.spend).toBe('key-moments');
      // Where the money for another clip was there, the reasons say why none was bought.
      if (budget >= 1.2) expect(r.plan.sections[6]!.reason).toContain(`no AI clip for a falling section; budget kept (${formatUsd(budget - r.cost.total, 'floor')} unspent under key-moments)`);
      expect(r.plan.sections[climax]!.reason).toMatch(new RegExp(`AI clip: climax, impact \\+\\d\\.\\d\\d worth \\$${climaxClip.toFixed(2)}`));
    }
  });

  it('max: clips wherever they add impact, as far as the budget goes; more AI than key-moments buys', async () => {
    const small = await plan(1.2, 'max');
    expect(small.cost.total).toBeLessThanOrEqual(1.2);
    expect(small.cost.total).toBeGreaterThan(1.2 - 0.5);
    expect(tiersOf(small)[climax]).toBe(3);
    const rich = await plan(4, 'max');
    expect(count(tiersOf(rich), 3)).toBeGreaterThanOrEqual(5);
    expect(rich.cost.total).toBeGreaterThanOrEqual(1.5);
    expect(rich.cost.total).toBeLessThanOrEqual(4);
    expect(rich.plan.sections[climax]!.reason).toContain('(spend: max)');
  });

  it('fixed patterns priced by the same cost model: Ken Burns + parallax $0.08, AI on every other section $1.20-2.00, all AI $2.40-4.00', async () => {
    const base = (await plan(0)).json as { sections: Record<string, unknown>[] };
    const priced = (tier: (i: number) => number): number => {
      const runway = { provider: 'runway', model: 'gen4_turbo' };
      const p = parsePlan({ ...base, sections: base.sections.map((s, i) => ({ ...s, tier: tier(i), ...(tier(i) === 3 ? { clip: runway } : {}) })) }, 'plan.json');
      return estimatePlanCost(p, {}).total;
    };
    expect(priced(() => 1)).toBe(0); // all Ken Burns
    expect(priced((i) => (i % 2 ? 2 : 1))).toBe(0.08); // Ken Burns + parallax
    const kbAi = priced((i) => (i % 2 ? 3 : 1)); // Ken Burns + AI
    expect(kbAi).toBeGreaterThanOrEqual(1.2);
    expect(kbAi).toBeLessThanOrEqual(2);
    const allAi = priced(() => 3); // all AI
    expect(allAi).toBeGreaterThanOrEqual(2.4);
    expect(allAi).toBeLessThanOrEqual(4);
  });

  it('is never over budget, under either policy, and the plan states its cost on every section and in total', async () => {
    for (const spend of ['key-moments', 'max'] as const) {
      for (const budget of [0, 0.01, 0.02, 0.05, 0.3, 0.5, 0.51, 0.99, 1.5, 2.49, 3]) {
        const r = await plan(budget, spend);
        expect(r.cost.total).toBeLessThanOrEqual(budget + 1e-9);
        expect(r.plan.estimatedCost).toBe(r.cost.total);
        const sum = r.plan.sections.reduce((a, s) => a + (s.estimatedCost ?? 0), 0);
        expect(sum).toBeCloseTo(r.cost.total, 6);
      }
    }
  });
});
