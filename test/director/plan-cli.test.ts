/**
 * `stillmotion plan` and `stillmotion make` end to end (no video render here): the demo story becomes a
 * valid plan whose paths resolve from where it is written, with the music and beat sync of the story,
 * one AI clip at the climax within its $0.50 budget, and a storyboard PNG; bad input fails cleanly.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerMake } from '../../src/cli/commands/make';
import { register as registerPlan } from '../../src/cli/commands/plan';
import { register as registerValidate } from '../../src/cli/commands/validate';
import { StillmotionError } from '../../src/errors';
import { loadPlanFile } from '../../src/plan/load-plan';
import { TIER_COLOURS } from '../../src/storyboard/storyboard';
import { tempDir, writeWav } from '../helpers/fixtures';
import { runCommand, writeSceneImage } from './helpers';

let dir: string;
let small: string;
beforeAll(async () => {
  dir = await tempDir('stillmotion-plan-cli-');
  for (let i = 1; i <= 3; i++) await writeSceneImage(path.join(dir, 'story', `${i}.png`), i);
  await writeWav(path.join(dir, 'story', 'n1.wav'), 0.5);
  small = path.join(dir, 'story', 'small.md');
  await fs.writeFile(
    small,
    [
      '# Small',
      '## Calm',
      '![one](1.png)',
      '[narration](n1.wav)',
      'A quiet morning at home.',
      '## Storm',
      '![two](2.png)',
      'Thunder! The storm tears the roof away!',
      '## After',
      '![three](3.png)',
      'Back home, the tea is warm again.',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const hex = (rgb: number[]): string => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

describe('stillmotion plan', () => {
  it('plans the demo story: a valid plan, its music and sync, one AI clip at the climax, a storyboard', async () => {
    const out = path.join(dir, 'nested', 'plan.json');
    const board = path.join(dir, 'board.png');
    const r = await runCommand([registerPlan], ['plan', 'examples/launch-day/story.md', '--out', out, '--storyboard', board]);
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/^#\s+section\s+role\s+intensity\s+tier\s+motion\s+seconds\s+cost/);
    expect(r.stdout).toMatch(/4\s+launch\s+climax\s+0\.9\d\s+3 AI clip\s+runway clip/);
    const total = /total: 7 sections, \d+\.\d s, estimated \$(\d+\.\d\d) of a \$0\.50 budget \(heuristic director\)/.exec(r.stdout);
    expect(total).not.toBeNull();

    // Every path resolves from the plan's folder; the plan is written away from the story's files, which plans may use when allowed.
    const loaded = await loadPlanFile(out, { policy: { allowOutsidePaths: true } });
    const plan = loaded.plan;
    expect(plan.title).toBe('Launch Day');
    expect(plan.music).toMatchObject({ volume: 0.35, fadeOut: 3 });
    expect(path.resolve(path.dirname(out), plan.music!.file)).toBe(path.resolve('examples/launch-day/audio/music-96bpm.wav'));
    expect(plan.sync).toMatchObject({ beats: true, crescendo: true, swell: true });
    expect(plan.budget).toBe(0.5);
    // The one clip, billed per second of its section, is the whole estimate and within the budget.
    const clipSection = plan.sections.find((s) => s.tier === 3)!;
    expect(plan.estimatedCost).toBe(Number(total![1]));
    expect(plan.estimatedCost).toBe(clipSection.estimatedCost);
    expect(plan.estimatedCost).toBeGreaterThan(0);
    expect(plan.estimatedCost).toBeLessThanOrEqual(0.5);
    expect(plan.sections.map((s) => s.tier).filter((t) => t === 3)).toHaveLength(1);
    expect(plan.sections.find((s) => s.tier === 3)!.id).toBe('launch');
    expect(plan.sections[0]!.tier).toBe(1); // calm intro: Ken Burns
    expect(plan.sections[6]!.tier).toBe(1); // conclusion: Ken Burns
    expect(new Set(plan.sections.map((s) => s.tier)).size).toBeGreaterThanOrEqual(3); // mixed tiers
    expect(plan.sections[2]!.transition).toEqual({ type: 'cut' }); // into the climax
    for (const s of plan.sections) {
      expect(s.intensity).toBeGreaterThanOrEqual(0);
      expect(s.reason).toBeTruthy();
      expect(s.estimatedCost).toBeDefined();
    }
    expect(plan.director).toMatchObject({ by: 'heuristic', story: path.relative(path.dirname(out), path.resolve('examples/launch-day/story.md')) });

    const v = await runCommand([registerValidate], ['validate', out, '--allow-outside-paths']);
    expect(v.error).toBeNull();
    expect(v.stdout).toMatch(/valid - 7 sections/);

    // The storyboard: one tile per section (4 columns, 2 rows) under the header and the arc.
    const meta = await sharp(board).metadata();
    expect([meta.width, meta.height]).toEqual([4 * 360 + 5 * 16, 70 + 170 + 2 * (203 + 112 + 16) + 16]);
    const { data, info } = await sharp(board).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): string => hex([...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)]);
    // Tile 4 (launch, tier 3) wears the AI colour in its badge; tile 2 (cat) is a still or Ken Burns.
    const left4 = 16 + 3 * (360 + 16);
    expect(at(left4 + 360 - 20, 240 + 17)).toBe(TIER_COLOURS[3]);
    expect(at(16 + 360 + 16 + 360 - 20, 240 + 17)).toBe(TIER_COLOURS[plan.sections[1]!.tier]);
  });

  it('with --director openai and no key: a warning, and the heuristic plan', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const out = path.join(dir, 'openai.json');
      const r = await runCommand([registerPlan], ['plan', small, '--out', out, '--director', 'openai', '--budget', '0']);
      expect(r.error).toBeNull();
      expect(r.stderr).toMatch(/openai director \(.+\): no OPENAI_API_KEY; planned with the heuristic director instead/);
      const plan = (await loadPlanFile(out)).plan;
      expect(plan.director!.by).toBe('heuristic');
      expect(plan.estimatedCost).toBe(0);
      expect(plan.sections.every((s) => s.tier < 3)).toBe(true);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('--keep with a plan that does not exist yet plans everything, with a warning', async () => {
    const out = path.join(dir, 'first.json');
    const r = await runCommand([registerPlan], ['plan', small, '--out', out, '--keep', out]);
    expect(r.error).toBeNull();
    expect(r.stderr).toMatch(/no such plan yet; planning every section/);
    await expect(fs.stat(out)).resolves.toBeTruthy();
  });

  it('rejects bad options and bad stories with clear messages, writing nothing', async () => {
    const out = path.join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['--budget', 'lots'], /--budget: a non-negative number of USD \(got "lots"\)/],
      [['--budget', '-1'], /--budget: a non-negative number/],
      [['--director', 'oracle'], /--director: one of heuristic, openai \(got "oracle"\)/],
      [['--provider', 'sora'], /--provider: one of luma, runway, kling, haiper/],
      [['--depth', 'lidar'], /--depth: one of heuristic, onnx, tflite, hosted/],
    ];
    for (const [args, message] of cases) {
      const r = await runCommand([registerPlan], ['plan', small, '--out', out, ...args]);
      expect(r.error).toBeInstanceOf(StillmotionError);
      expect(r.error!.message).toMatch(message);
    }
    const bad = path.join(dir, 'bad.md');
    await fs.writeFile(bad, '## One\n\n![x](missing.png)\n');
    const r = await runCommand([registerPlan], ['plan', bad, '--out', out]);
    expect(r.error!.message).toMatch(/bad\.md:3: sections\[0\]\.image: image file not found: missing\.png/);
    await expect(fs.stat(out)).rejects.toThrow();
  });
});

describe('plan --out over an existing plan', () => {
  const planTo = (out: string, ...extra: string[]) => runCommand([registerPlan], ['plan', small, '--out', out, '--budget', '0', ...extra]);
  const readJson = async (f: string) => JSON.parse(await fs.readFile(f, 'utf8')) as { title: string; sections: Record<string, unknown>[] };

  it('re-plans over its own unchanged plan', async () => {
    const out = path.join(dir, 'again.plan.json');
    expect((await planTo(out)).error).toBeNull();
    const r = await planTo(out);
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/written: /);
  });

  it('refuses to overwrite an edited plan; --force overwrites it, --keep merges it', async () => {
    const out = path.join(dir, 'edited.plan.json');
    expect((await planTo(out)).error).toBeNull();
    const plan = await readJson(out);
    plan.sections[1]!.text = 'My own words for the storm.';
    const edited = `${JSON.stringify(plan, null, 2)}\n`;
    await fs.writeFile(out, edited);

    const refused = await planTo(out);
    expect(refused.error).toBeInstanceOf(StillmotionError);
    expect(refused.error!.message).toMatch(/edited\.plan\.json has changes the director did not write: sections "storm" \(edited\)/);
    expect(refused.error!.message).toMatch(/--keep/);
    expect(refused.error!.message).toMatch(/--force/);
    expect(await fs.readFile(out, 'utf8')).toBe(edited);

    // --keep alone keeps the edits of the plan being written.
    const kept = await planTo(out, '--keep');
    expect(kept.error).toBeNull();
    expect((await readJson(out)).sections[1]!.text).toBe('My own words for the storm.');

    const forced = await planTo(out, '--force');
    expect(forced.error).toBeNull();
    expect((await readJson(out)).sections[1]!.text).not.toBe('My own words for the storm.');
    // And now it is the director's own again: a plain re-plan goes through.
    expect((await planTo(out)).error).toBeNull();
  });

  it('refuses to overwrite a pinned plan, edited settings, or a file that is not a plan', async () => {
    const pinned = path.join(dir, 'pinned.plan.json');
    expect((await planTo(pinned)).error).toBeNull();
    const plan = await readJson(pinned);
    plan.sections[2]!.pinned = true;
    await fs.writeFile(pinned, JSON.stringify(plan));
    const r1 = await planTo(pinned);
    expect(r1.error!.message).toMatch(/sections "after" \(pinned\)\. Not overwritten: re-run with --keep .* or --force/);
    const r2 = await planTo(pinned, '--keep', pinned);
    expect(r2.error).toBeNull();
    expect((await readJson(pinned)).sections[2]!.pinned).toBe(true);

    const retitled = path.join(dir, 'retitled.plan.json');
    expect((await planTo(retitled)).error).toBeNull();
    await fs.writeFile(retitled, JSON.stringify({ ...(await readJson(retitled)), title: 'My title' }));
    expect((await planTo(retitled)).error!.message).toMatch(/the plan settings/);

    const notes = path.join(dir, 'notes.json');
    await fs.writeFile(notes, 'my notes, not a plan');
    expect((await planTo(notes)).error!.message).toMatch(/notes\.json has changes the director did not write: it is not JSON the director wrote/);
    expect(await fs.readFile(notes, 'utf8')).toBe('my notes, not a plan');
    // Another plan as --keep does not protect this one's edits.
    expect((await planTo(notes, '--keep', pinned)).error!.message).toMatch(/Not overwritten/);
    expect((await planTo(notes, '--keep', '--force')).error!.message).toMatch(/--keep and --force: give one/);
  });
});

describe('plan output folders', () => {
  it('checks the plan\'s and the storyboard\'s folders before planning, writing nothing', async () => {
    const file = path.join(dir, 'a-file.txt');
    await fs.writeFile(file, 'not a folder');
    const r1 = await runCommand([registerPlan], ['plan', small, '--out', path.join(file, 'plan.json')]);
    expect(r1.error!.message).toMatch(/--out .*a-file\.txt: exists and is not a folder/);
    const out = path.join(dir, 'boardless.plan.json');
    const r2 = await runCommand([registerPlan], ['plan', small, '--out', out, '--storyboard', path.join(file, 'board.png')]);
    expect(r2.error!.message).toMatch(/--storyboard .*a-file\.txt: exists and is not a folder/);
    await expect(fs.stat(out)).rejects.toThrow();
  });
});

describe('stillmotion make', () => {
  it('checks every option before writing the plan: a bad flag leaves the plan as it was', async () => {
    const out = path.join(dir, 'make-checked');
    const cases: [string[], RegExp][] = [
      [['--formats', '4:3'], /--formats: unknown format "4:3"/],
      [['--crf', '99'], /--crf: an integer 0-51 \(got 99\)/],
      [['--scale', 'big'], /--scale: not a number/],
      [['--frames', 'a-b'], /--frames: expected a frame/],
      [['--name', '../../escape'], /--name: a file name stem without folders/],
    ];
    for (const [args, message] of cases) {
      const r = await runCommand([registerMake], ['make', small, '--out', out, '--budget', '0', ...args]);
      expect(r.error).toBeInstanceOf(StillmotionError);
      expect(r.error!.message).toMatch(message);
      await expect(fs.stat(path.join(out, 'small.plan.json'))).rejects.toThrow();
    }
    // An existing, edited plan is left byte for byte as it was.
    const planFile = path.join(out, 'small.plan.json');
    expect((await runCommand([registerPlan], ['plan', small, '--out', planFile, '--budget', '0'])).error).toBeNull();
    const text = (await fs.readFile(planFile, 'utf8')).replace('"title": "Small"', '"title": "Mine"');
    await fs.writeFile(planFile, text);
    const before = await fs.stat(planFile);
    const bad = await runCommand([registerMake], ['make', small, '--out', out, '--budget', '0', '--formats', '4:3']);
    expect(bad.error!.message).toMatch(/--formats/);
    const refused = await runCommand([registerMake], ['make', small, '--out', out, '--budget', '0']);
    expect(refused.error!.message).toMatch(/small\.plan\.json has changes the director did not write: the plan settings.*--keep.*--force/);
    expect(await fs.readFile(planFile, 'utf8')).toBe(text);
    expect((await fs.stat(planFile)).mtimeMs).toBe(before.mtimeMs);
  });

  it('writes the plan and the storyboard next to the outputs, then hands the plan to the renderer', async () => {
    const out = path.join(dir, 'make-out');
    // A frame range past the end stops the render before it starts: the planning half is what is checked here.
    const r = await runCommand([registerMake], ['make', small, '--out', out, '--frames', '99999', '--budget', '0']);
    expect(r.error).toBeInstanceOf(StillmotionError);
    expect(r.error!.message).toMatch(/--frames: 99999-99999 is outside the video/);
    const loaded = await loadPlanFile(path.join(out, 'small.plan.json'), { roots: [path.join(dir, 'story')] }); // as make loads it
    expect(loaded.plan.budget).toBe(0);
    expect(path.resolve(out, loaded.plan.sections[0]!.image)).toBe(path.join(dir, 'story', '1.png'));
    expect((await sharp(path.join(out, 'small.storyboard.png')).metadata()).format).toBe('png');
    const help = await runCommand([registerMake], ['make', '--help']);
    expect(help.error).toBeTruthy(); // commander exits after help
    for (const opt of ['--budget', '--formats', '--out', '--director', '--keep', '--scale', '--frames']) expect(help.stdout).toContain(opt);
  });
});
