/**
 * `plan --keep`: re-planning keeps every user edit. Sections the user edited or pinned survive as
 * they are (and count against the budget), sections the user added stay where they were, edited
 * plan settings stay, and only the director's own, untouched sections are planned afresh.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FocalPoint } from '../../src/director/camera-motion';
import { sectionFingerprint } from '../../src/director/fingerprint';
import { decideKeep, readKeepPlan, sectionStatus } from '../../src/director/keep-merge';
import { focalPoints, planStory } from '../../src/director/plan-story';
import { loadPlanFile } from '../../src/plan/load-plan';
import { tempDir } from '../helpers/fixtures';
import { loadWithMedia, writeSceneImage, writeStoryFile } from './helpers';

type Raw = Record<string, unknown> & { id: string };
let dir: string;
let focus: Map<string, FocalPoint>;

const TEXTS = [
  'The town sleeps under a soft, quiet snow.',
  'In the mine below, the workers hear a strange noise and the lamps flicker.',
  'The noise grows louder. Dust falls, and the foreman orders everyone out, fast.',
  'Explosion! The tunnel collapses in a roar of fire and rock!',
  'At home again, the families sit together by the warm stove. The snow keeps falling, gently.',
];

async function writeStory(texts: string[]): Promise<string> {
  return writeStoryFile(dir, 'mine.json', {
    title: 'The Mine',
    sections: texts.map((text, i) => ({ id: `s${i + 1}`, text, image: `img/${i + 1}.png`, duration: 7 })),
  });
}

async function plan(storyFile: string, out: string, budgetUsd: number | undefined, keepFile?: string) {
  const { story, media } = await loadWithMedia(storyFile);
  focus ??= await focalPoints(story, media);
  const keep = keepFile ? await readKeepPlan(keepFile) : null;
  const r = await planStory(story, media, { outPath: out, budgetUsd, keep, focus: new Map([...focus].filter(([f]) => story.sections.some((s) => s.image.file === f))) });
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, JSON.stringify(r.json, null, 2));
  return r;
}

const sectionsOf = (json: Record<string, unknown>): Raw[] => json.sections as Raw[];
const byId = (json: Record<string, unknown>, id: string): Raw => sectionsOf(json).find((s) => s.id === id)!;

beforeAll(async () => {
  dir = await tempDir('stillmotion-keep-');
  for (let i = 1; i <= 5; i++) await writeSceneImage(path.join(dir, 'img', `${i}.png`), i);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('plan --keep', () => {
  it('fingerprints tell the director\'s sections from edited and pinned ones', async () => {
    const r = await plan(await writeStory(TEXTS), path.join(dir, 'fp.json'), 0.6);
    const s = sectionsOf(r.json)[0]!;
    expect(sectionStatus(s)).toBe('director');
    expect(sectionStatus({ ...s, estimatedCost: 9 })).toBe('director'); // bookkeeping, not an edit
    expect(sectionStatus({ ...s, tier: 0 })).toBe('edited');
    expect(sectionStatus({ ...s, hold: { start: 2 } })).toBe('edited');
    expect(sectionStatus({ ...s, pinned: true })).toBe('pinned');
    const { directorFingerprint: _, ...unsigned } = s;
    expect(sectionStatus(unsigned)).toBe('edited');
    expect(sectionFingerprint({ b: 1, a: { y: 2, x: 1 } })).toBe(sectionFingerprint({ a: { x: 1, y: 2 }, b: 1 }));
  });

  it('keeps edited, pinned and added sections and edited settings; re-plans the rest', async () => {
    const storyFile = await writeStory(TEXTS);
    const first = path.join(dir, 'plan.json');
    const v1 = await plan(storyFile, first, 0.6);
    expect(sectionsOf(v1.json).map((s) => s.tier)).toEqual([1, expect.any(Number), expect.any(Number), 3, 1]);

    // The user edits the plan: a new move for s2, pins the climax, adds a credits section, renames it.
    const edited = structuredClone(v1.json) as Record<string, unknown>;
    const s2 = byId(edited, 's2');
    s2.tier = 1;
    s2.motion = { preset: 'pan-up', amount: 0.4 };
    delete s2.parallax;
    byId(edited, 's4').pinned = true;
    sectionsOf(edited).push({ id: 'credits', image: 'img/1.png', duration: 2, tier: 0 });
    edited.title = 'The Mine (director\'s cut)';
    await fs.writeFile(first, JSON.stringify(edited, null, 2));

    // Re-plan into another folder with a smaller budget.
    const second = path.join(dir, 'out', 'plan.json');
    const v2 = await plan(storyFile, second, 0.5, first);
    const ids = sectionsOf(v2.json).map((s) => s.id);
    expect(ids).toEqual(['s1', 's2', 's3', 's4', 's5', 'credits']);
    const rebased = (s: Raw): Raw => ({ ...s, image: `../${String(s.image)}` });
    const { estimatedCost: _e2, ...s2Now } = byId(v2.json, 's2');
    const { estimatedCost: _e1, ...s2Edited } = rebased(byId(edited, 's2'));
    expect(s2Now).toEqual(s2Edited);
    const { estimatedCost: _e3, ...s4Now } = byId(v2.json, 's4');
    const { estimatedCost: _e4, ...s4Pinned } = rebased(byId(edited, 's4'));
    expect(s4Now).toEqual(s4Pinned);
    expect(byId(v2.json, 'credits')).toMatchObject({ image: '../img/1.png', tier: 0, duration: 2 });
    expect(v2.json.title).toBe('The Mine (director\'s cut)');
    // The pinned clip (priced per second of the section, under the $0.50 budget) is all that costs anything.
    const clipCost = byId(v1.json, 's4').estimatedCost as number;
    expect(clipCost).toBeGreaterThan(0);
    expect(clipCost).toBeLessThanOrEqual(0.5);
    expect(v2.cost.total).toBe(clipCost);
    expect(byId(v2.json, 's4').estimatedCost).toBe(clipCost);
    // Untouched sections were planned afresh and are the director's again.
    for (const id of ['s1', 's3', 's5']) expect(sectionStatus(byId(v2.json, id))).toBe('director');
    expect(v2.notes.join('\n')).toMatch(/kept 2 sections as you have them: s2 \(edited\), s4 \(pinned\)/);
    expect(v2.notes.join('\n')).toMatch(/section "credits" is not in the story; kept/);
    // The written plan is valid and its files resolve from its new folder.
    await expect(loadPlanFile(second, { policy: { allowOutsidePaths: true } })).resolves.toBeTruthy();

    // The story changes; the edits survive a second re-plan too.
    const storyFile2 = await writeStory([...TEXTS.slice(0, 2), 'The noise stops. The foreman waits in silence, calm.', ...TEXTS.slice(3)]);
    const v3 = await plan(storyFile2, second, 0.5, second);
    expect(byId(v3.json, 's3').text).toBe('The noise stops. The foreman waits in silence, calm.');
    expect(byId(v3.json, 's2')).toMatchObject({ tier: 1, motion: { preset: 'pan-up', amount: 0.4 } });
    expect(byId(v3.json, 's4')).toMatchObject({ pinned: true, tier: 3 });
    expect(v3.json.title).toBe('The Mine (director\'s cut)');
    expect(sectionsOf(v3.json).map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4', 's5', 'credits']);
  });

  it('keeps pinned sections over budget, planning the rest free, with a warning', async () => {
    const storyFile = await writeStory(TEXTS);
    const file = path.join(dir, 'over.json');
    const v1 = await plan(storyFile, file, 0.6);
    byId(v1.json, 's4').pinned = true;
    await fs.writeFile(file, JSON.stringify(v1.json));
    const v2 = await plan(storyFile, file, 0, file);
    expect(byId(v2.json, 's4').tier).toBe(3);
    const clipCost = byId(v1.json, 's4').estimatedCost as number;
    expect(clipCost).toBeGreaterThan(0);
    expect(v2.warnings.join('\n')).toContain(`the sections you kept cost ${clipCost.toFixed(2)} USD, over the budget of 0.00 USD`);
    expect(sectionsOf(v2.json).filter((s) => s.id !== 's4').every((s) => (s.estimatedCost as number) === 0)).toBe(true);
  });

  it('drops the director\'s sections the story no longer has, keeps edited ones', async () => {
    const storyFile = await writeStory(TEXTS);
    const file = path.join(dir, 'drop.json');
    const v1 = await plan(storyFile, file, 0);
    byId(v1.json, 's5').hold = { end: 2 };
    const keep = { raw: v1.json, plan: v1.plan, path: file };
    const fewer = decideKeep(keep, ['s1', 's2', 's3'], dir);
    expect(fewer.added.map((a) => a.raw.id)).toEqual(['s5']);
    expect(fewer.added[0]!.after).toBe('s4');
    expect(fewer.notes.join('\n')).toMatch(/section "s4" is no longer in the story; dropped/);
    expect(fewer.settings).toBeNull();
  });
});
