/**
 * The seed's economics for an 8-section story (sections of 6.5-8 s, Runway gen4_turbo clips of
 * 10 s at $0.50, hosted depth at $0.02 per image), through the whole director:
 *   all Ken Burns $0; Ken Burns + parallax about $0.08; Ken Burns + AI $1.20-2.00; all AI $2.40-4.00.
 * Both as the optimiser's choice at budgets 0, 0.08, 2.00 and 4.00, and as fixed tier patterns priced
 * by the same cost model. And: whatever the budget, the plan never costs more.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimatePlanCost } from '../../src/director/plan-cost';
import type { FocalPoint } from '../../src/director/camera-motion';
import { focalPoints, planStory } from '../../src/director/plan-story';
import { parsePlan } from '../../src/plan/load-plan';
import type { Story } from '../../src/story/load-story';
import type { StoryMedia } from '../../src/story/story-media';
import { tempDir } from '../helpers/fixtures';
import { loadWithMedia, writeHarbourStory } from './helpers';

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

const plan = (budgetUsd: number) => planStory(story, media, { outPath: path.join(dir, 'plan.json'), budgetUsd, focus });
const tiersOf = (r: Awaited<ReturnType<typeof plan>>): number[] => r.plan.sections.map((s) => s.tier);
const count = (tiers: number[], t: number): number => tiers.filter((x) => x === t).length;

describe('the seed economics, 8 sections', () => {
  it('budget $0: Ken Burns (with holds), $0', async () => {
    const r = await plan(0);
    expect(r.cost.total).toBe(0);
    expect(tiersOf(r).every((t) => t <= 1)).toBe(true);
    expect(count(tiersOf(r), 1)).toBeGreaterThanOrEqual(6);
  });

  it('budget $0.08: Ken Burns + parallax, $0.08 (four hosted depth maps)', async () => {
    const r = await plan(0.08);
    expect(r.cost.total).toBe(0.08);
    expect(count(tiersOf(r), 2)).toBe(4);
    expect(count(tiersOf(r), 3)).toBe(0);
  });

  it('budget $2.00: Ken Burns + AI, $1.20-2.00, the AI at the climax', async () => {
    const r = await plan(2);
    expect(r.cost.total).toBeGreaterThanOrEqual(1.2);
    expect(r.cost.total).toBeLessThanOrEqual(2);
    expect(count(tiersOf(r), 3)).toBeGreaterThanOrEqual(3);
    expect(r.plan.sections[5]!.tier).toBe(3); // "A whale bursts from the waves!"
    expect(r.plan.sections[0]!.tier).toBe(1); // the calm opening stays Ken Burns
  });

  it('budget $4.00: AI almost everywhere, $2.40-4.00', async () => {
    const r = await plan(4);
    expect(r.cost.total).toBeGreaterThanOrEqual(2.4);
    expect(r.cost.total).toBeLessThanOrEqual(4);
    expect(count(tiersOf(r), 3)).toBeGreaterThanOrEqual(5);
  });

  it('fixed patterns priced by the same cost model reproduce the table', async () => {
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

  it('is never over budget, and the plan states its cost on every section and in total', async () => {
    for (const budget of [0, 0.01, 0.02, 0.05, 0.3, 0.5, 0.51, 0.99, 1.5, 2.49, 3]) {
      const r = await plan(budget);
      expect(r.cost.total).toBeLessThanOrEqual(budget + 1e-9);
      expect(r.plan.estimatedCost).toBe(r.cost.total);
      const sum = r.plan.sections.reduce((a, s) => a + (s.estimatedCost ?? 0), 0);
      expect(sum).toBeCloseTo(r.cost.total, 6);
    }
  });
});
