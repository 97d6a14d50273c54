/**
 * Arc detection on stories written for it: an all-calm story (no climax), a story that builds to a
 * climax, and one whose climax comes early and resolves slowly. Then the tiers, moves and transitions
 * the director derives from the arc.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseArc } from '../../src/director/arc';
import { kenBurnsPreset, panToward } from '../../src/director/camera-motion';
import { planStory } from '../../src/director/plan-story';
import { clipCostUsd, DEFAULT_CLIP_CHOICE } from '../../src/director/section-costs';
import { readMood } from '../../src/director/text-mood';
import { tempDir } from '../helpers/fixtures';
import { loadWithMedia, writeSceneImage, writeStoryFile } from './helpers';

const sections = (texts: string[]) => texts.map((text, i) => ({ id: `s${i + 1}`, text }));

const CALM = [
  'A quiet morning on the lake. The water is still.',
  'Ducks drift slowly past the reeds.',
  'An old man sits on the bench with his tea, at peace.',
  'The sun warms the dock as the day goes on, calm and slow.',
];

const BUILD_UP = [
  'The town sleeps under a soft, quiet snow.',
  'In the mine below, the workers hear a strange noise and the lamps flicker.',
  'The noise grows louder. Dust falls, and the foreman orders everyone out, fast.',
  'Explosion! The tunnel collapses in a roar of fire and rock!',
  'Hours later, the rescue teams dig through the rubble and find them alive.',
  'At home again, the families sit together by the warm stove. The snow keeps falling, gently.',
];

const EARLY_CLIMAX = [
  'The drivers wait on the grid. The lights come on, one by one.',
  'Go! A crash on the first corner! Engines scream and cars spin into the wall in a burst of fire!',
  'The marshals wave the cars into the pits while the wreck is cleared.',
  'Later, in the quiet garage, the mechanics slowly pack their tools.',
  'The driver sits alone with a cup of tea, calm, and smiles. Next year, again.',
];

describe('text mood', () => {
  it('reads action, calm and negation', () => {
    expect(readMood('Explosion! The tunnel collapses in a roar of fire!').textIntensity).toBeGreaterThan(0.9);
    expect(readMood('A quiet, calm morning at home.').textIntensity).toBeLessThan(0.1);
    expect(readMood('Nothing seems urgent.').arousal).toBeLessThan(readMood('Everything seems urgent.').arousal);
    expect(readMood('But the door was open.').reveal).toBe(true);
    expect(readMood('Beyond the hills lies the sea.').reveal).toBe(true);
    expect(readMood('The door was open, but nobody came.').reveal).toBe(false);
    expect(readMood('In 1969, 600 million people watched Neil Armstrong and Buzz Aldrin land.').information).toBeGreaterThan(0.5);
  });
});

describe('analyseArc', () => {
  it('a calm story has no climax: all intensities low, no turn into a climax', () => {
    const arc = analyseArc(sections(CALM));
    expect(arc.climax).toBeNull();
    for (const s of arc.sections) expect(s.intensity).toBeLessThan(0.3);
    expect(arc.sections.map((s) => s.role)).toEqual(['opening', 'calm', 'calm', 'conclusion']);
    expect(arc.turningPoints.filter((t) => t.kind === 'into-climax' || t.kind === 'out-of-climax')).toEqual([]);
  });

  it('a story that builds up: rising action, the climax where it is written, then resolution', () => {
    const arc = analyseArc(sections(BUILD_UP));
    const e = arc.sections.map((s) => s.intensity);
    expect(arc.climax).toBe(3);
    expect(e[3]).toBeGreaterThan(0.9);
    expect(Math.max(...e)).toBe(e[3]);
    expect(e[0]).toBeLessThan(e[1]!);
    expect(e[1]).toBeLessThan(e[2]!);
    expect(e[2]).toBeLessThan(e[3]!);
    expect(e[4]).toBeLessThan(e[3]!);
    expect(e[5]).toBeLessThan(e[4]!);
    expect(e[5]).toBeLessThan(0.3);
    expect(arc.sections.map((s) => s.role)).toEqual(['opening', 'rising', 'rising', 'climax', 'falling', 'conclusion']);
    expect(arc.turningPoints.map((t) => [t.after, t.kind])).toEqual(
      expect.arrayContaining([
        ['s3', 'into-climax'],
        ['s4', 'out-of-climax'],
      ]),
    );
    expect(arc.sections[3]!.why).toMatch(/^climax, intensity (0\.\d\d|1\.00): .*"explosion"/i);
  });

  it('an early climax resolves: intensity falls section by section to the end', () => {
    const arc = analyseArc(sections(EARLY_CLIMAX));
    const e = arc.sections.map((s) => s.intensity);
    expect(arc.climax).toBe(1);
    for (let i = 2; i < e.length; i++) expect(e[i]).toBeLessThan(e[i - 1]!);
    expect(arc.sections.map((s) => s.role)).toEqual(['opening', 'climax', 'falling', 'resolution', 'conclusion']);
    expect(e[4]).toBeLessThan(0.2);
  });

  it('is deterministic', () => {
    expect(analyseArc(sections(BUILD_UP))).toEqual(analyseArc(sections(BUILD_UP)));
  });
});

describe('Ken Burns direction from the focal point', () => {
  it('pans toward an off-centre subject, pushes in on a centred one, never repeats a move', () => {
    expect(panToward({ x: 0.8, y: 0.5, found: true })).toBe('pan-right');
    expect(panToward({ x: 0.2, y: 0.45, found: true })).toBe('pan-left');
    expect(panToward({ x: 0.5, y: 0.85, found: true })).toBe('pan-down');
    expect(panToward({ x: 0.52, y: 0.5, found: true })).toBeNull();
    expect(panToward({ x: 0.9, y: 0.5, found: false })).toBeNull();
    const rising = { role: 'rising' as const, intensity: 0.5 };
    expect(kenBurnsPreset({ ...rising, focus: { x: 0.8, y: 0.5, found: true } }, null).preset).toBe('pan-right');
    expect(kenBurnsPreset({ ...rising, focus: { x: 0.5, y: 0.5, found: true } }, null).preset).toBe('zoom-in');
    expect(kenBurnsPreset({ ...rising, focus: { x: 0.5, y: 0.5, found: true } }, 'zoom-in').preset).toBe('zoom-out');
    expect(kenBurnsPreset({ role: 'opening', intensity: 0.1, focus: { x: 0.8, y: 0.5, found: true } }, null).preset).toBe('zoom-in');
    expect(kenBurnsPreset({ role: 'conclusion', intensity: 0.1, focus: { x: 0.8, y: 0.5, found: true } }, null).preset).toBe('zoom-out');
  });
});

describe('tiers, moves and transitions follow the arc', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('stillmotion-arc-');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('calm opening -> Ken Burns, climax -> AI clip, conclusion -> Ken Burns; a cut into the climax', async () => {
    for (let i = 0; i < BUILD_UP.length; i++) await writeSceneImage(path.join(dir, `${i}.png`), i, i === 2 ? 0.85 : 0.5, 0.5);
    const file = await writeStoryFile(dir, 'mine.yaml', [
      'title: The Mine',
      'budget: 0.6',
      'sections:',
      ...BUILD_UP.map((t, i) => `  - id: s${i + 1}\n    text: "${t}"\n    image: ${i}.png\n    duration: 7`),
    ].join('\n'));
    const { story, media } = await loadWithMedia(file);
    const r = await planStory(story, media, { outPath: path.join(dir, 'out', 'plan.json') });
    const tiers = r.plan.sections.map((s) => s.tier);
    expect(tiers[0]).toBe(1);
    expect(tiers[3]).toBe(3);
    expect(tiers[5]).toBe(1);
    expect(tiers.filter((t) => t === 3)).toHaveLength(1); // one clip, for the climax
    expect(r.plan.estimatedCost).toBe(clipCostUsd(7, DEFAULT_CLIP_CHOICE));
    expect(r.plan.sections[2]!.transition).toEqual({ type: 'cut' });
    expect(r.plan.sections[3]!.transition).toMatchObject({ type: 'crossfade', duration: 1.2 });
    expect(r.plan.sections[4]!.transition).toMatchObject({ type: 'crossfade', duration: 1.5 });
    expect(r.plan.sections[0]!.motion).toMatchObject({ preset: 'zoom-in', easing: 'gentle' });
    expect(r.plan.sections[5]!.motion).toMatchObject({ preset: 'zoom-out' });
    const written = r.json.sections as Record<string, unknown>[];
    expect(written[0]!.hold).toEqual({ start: 0.6 });
    expect(written[5]!.hold).toEqual({ end: 1 });
    expect(r.plan.sections[3]!.clip).toMatchObject({ provider: 'runway', model: 'gen4_turbo' });
    for (const s of r.plan.sections) {
      expect(s.reason).toMatch(/^(opening|calm|rising|reveal|climax|falling|resolution|conclusion), intensity \d\.\d\d/);
      expect(s.reason).not.toContain('\n');
    }
    // Paths are relative to the plan file.
    expect(r.plan.sections[0]!.image).toBe('../0.png');
    expect(r.director.turningPoints!.map((t) => t.after)).toEqual(expect.arrayContaining(['s3', 's4']));
  });
});
