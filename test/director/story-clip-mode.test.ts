/** A story's `clips.mode` (Kling std/pro) reaches the planned tier-3 clips and their price, as a plan clip's `mode` does. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { focalPoints, planStory } from '../../src/director/plan-story';
import { clipCostUsd } from '../../src/director/section-costs';
import { tempDir } from '../helpers/fixtures';
import { loadWithMedia, writeHarbourStory } from './helpers';

it('clips: {provider: kling, mode: pro} plans pro clips, priced as pro', async () => {
  const dir = await tempDir('stillmotion-clip-mode-');
  const planned = async (mode?: 'std' | 'pro') => {
    const { story, media } = await loadWithMedia(await writeHarbourStory(dir, { clips: { provider: 'kling', ...(mode ? { mode } : {}) } }));
    return planStory(story, media, { outPath: path.join(dir, 'plan.json'), budgetUsd: 50, spend: 'max', focus: await focalPoints(story, media) });
  };
  const pro = await planned('pro');
  const clips = pro.plan.sections.filter((s) => s.tier === 3).map((s) => s.clip!);
  expect(clips.length).toBeGreaterThan(0);
  for (const c of clips) expect([c.provider, c.mode]).toEqual(['kling', 'pro']);
  const std = await planned();
  for (const s of std.plan.sections.filter((x) => x.tier === 3)) expect(s.clip!.mode).toBeUndefined();
  // Pro is priced higher: the same 5 s clip costs more.
  expect(clipCostUsd(5, { provider: 'kling', model: 'kling-v2-1', mode: 'pro' })!).toBeGreaterThan(clipCostUsd(5, { provider: 'kling', model: 'kling-v2-1' })!);
}, 120_000);
