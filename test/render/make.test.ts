/** `stillmotion make`: a Markdown story becomes a plan, a storyboard and a rendered video in one command. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/probe-video';
import { loadPlanFile } from '../../src/plan/load-plan';
import { planTimelines } from '../../src/render/render-plan';
import { tempDir, writeDiscImage, writeWav } from '../helpers/fixtures';

const run = promisify(execFile);

describe('stillmotion make (CLI)', () => {
  it('plans a Markdown story, writes the storyboard and renders the plan', async () => {
    const dir = await tempDir('stillmotion-make-');
    await writeDiscImage(path.join(dir, 'img', 'calm.png'), 640, 360, 0.4, 0.5);
    await writeDiscImage(path.join(dir, 'img', 'peak.png'), 640, 640, 0.6, 0.4);
    await writeWav(path.join(dir, 'audio', 'one.wav'), 0.8, { freq: 300 });
    await fs.writeFile(
      path.join(dir, 'story.md'),
      [
        '---',
        'budget: 0',
        '---',
        '# Tiny Story',
        '## Morning',
        '![a quiet morning](img/calm.png)',
        '[narration](audio/one.wav)',
        'A quiet morning. Nothing moves.',
        '## Liftoff',
        '<!-- stillmotion: {duration: 1.5} -->',
        '![the peak](img/peak.png)',
        'Ignition! The engines roar and the rocket climbs!',
        '',
      ].join('\n'),
    );
    const out = path.join(dir, 'out');
    const r = await run(process.execPath, [path.resolve('bin/stillmotion.mjs'), 'make', path.join(dir, 'story.md'), '--formats', '1:1', '--scale', '0.2', '--out', out, '--cache', path.join(dir, 'cache')], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(r.stdout).toContain('tiny-story-1x1.mp4');
    const planFile = path.join(out, 'tiny-story.plan.json');
    const loaded = await loadPlanFile(planFile, { roots: [dir] }); // as make loads it: its files are in the story's folder
    expect(loaded.plan.sections.map((s) => s.id)).toEqual(['morning', 'liftoff']);
    expect(loaded.plan.estimatedCost).toBe(0);
    for (const s of loaded.plan.sections) expect(s.reason).toBeTruthy();
    const board = await sharp(path.join(out, 'tiny-story.storyboard.png')).metadata();
    expect(board.width).toBeGreaterThan(400);
    const v = await probeVideo(path.join(out, 'tiny-story-1x1.mp4'), { countFrames: true });
    expect([v.width, v.height]).toEqual([216, 216]);
    expect(v.frames).toBe(planTimelines(loaded, ['1:1']).get('1:1')!.durationInFrames);
    expect(v.frames).toBeGreaterThan(Math.round(1.5 * 30));
    expect(v.audioCodec).toBe('aac');
  }, 240_000);
});
