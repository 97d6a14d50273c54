import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StillmotionError } from '../../src/errors';
import { loadPlanFile, parsePlan } from '../../src/plan/load-plan';
import { tempDir, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';

const minimal = { title: 'T', sections: [{ id: 'a', image: 'a.png' }] };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StillmotionError);
    return (err as StillmotionError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the plan to be rejected');
}

async function problemsOfAsync(fn: () => Promise<unknown>): Promise<string[]> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StillmotionError);
    return (err as StillmotionError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the plan to be rejected');
}

describe('plan schema', () => {
  it('fills defaults on a minimal plan', () => {
    const plan = parsePlan(minimal, 'plan.json');
    expect(plan.fps).toBe(30);
    expect(plan.formats).toEqual(['16:9', '9:16', '1:1']);
    expect(plan.defaults.transition).toEqual({ type: 'crossfade', duration: 0.8 });
    expect(plan.defaults.easing).toBe('ease-in-out');
    expect(plan.defaults.padding).toEqual({ before: 0.4, after: 0.8 });
    expect(plan.sections[0]).toMatchObject({ id: 'a', duration: 'auto', tier: 1 });
  });

  it('accepts every motion form, transitions, holds and custom scenes', () => {
    const plan = parsePlan(
      {
        title: 'T',
        music: { file: 'm.wav' },
        sections: [
          { id: 'a', image: 'a.png', motion: 'pan-left', transition: { type: 'cut' } },
          { id: 'b', image: 'b.png', motion: { preset: 'zoom-in', amount: 0.3, easing: [0.1, 0.2, 0.3, 1] }, hold: { start: 1 } },
          { id: 'c', image: 'c.png', tier: 0, motion: { start: { rect: { x: 0, y: 0, w: 0.5, h: 0.5 } }, end: { zoom: 2, focus: { x: 1, y: 1 } } } },
          { id: 'd', image: 'd.png', scene: { type: 'spotlight' }, transition: { type: 'slide', duration: 0.5 } },
        ],
      },
      'p',
    );
    expect(plan.music).toMatchObject({ volume: 0.4, loop: true, ducking: { enabled: true, db: -12 } });
    expect(plan.sections[1]!.hold).toEqual({ start: 1, end: 0 });
    expect(plan.sections[3]!.scene).toEqual({ type: 'spotlight', vignette: 0.55, radius: 0.45 });
    expect(plan.sections[3]!.transition).toEqual({ type: 'slide', duration: 0.5, direction: 'from-right' });
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(() =>
      parsePlan(
        {
          title: '',
          fps: 0,
          sections: [
            { id: 'a', image: 'a.png', tier: 5 },
            { id: 'a', image: 'b.png', focus: { x: 2, y: 0.5 } },
            { id: 'c', image: 'c.png', duration: -1, transition: { type: 'crossfade', duration: 0 } },
            { id: 'd', image: 'd.png', motion: { preset: 'spin' } },
            { id: 'e', image: 'e.png', zoom: 2 },
          ],
        },
        'p',
      ),
    );
    const text = problems.join('\n');
    expect(text).toMatch(/^title: /m);
    expect(text).toMatch(/^fps: /m);
    expect(text).toMatch(/^sections\[0\]\.tier: /m);
    expect(text).toMatch(/^sections\[1\]\.id: duplicate id "a" \(also sections\[0\]\)/m);
    expect(text).toMatch(/^sections\[1\]\.focus\.x: /m);
    expect(text).toMatch(/^sections\[2\]\.duration/m);
    expect(text).toMatch(/^sections\[2\]\.transition\.duration: /m);
    expect(text).toMatch(/^sections\[3\]\.motion/m);
    expect(text).toMatch(/^sections\[4\]: .*zoom/m);
  });

  it('rejects an empty plan and a rectangle outside the image', () => {
    expect(problemsOf(() => parsePlan({ title: 'T', sections: [] }, 'p')).join('\n')).toMatch(/^sections: /m);
    const p = problemsOf(() =>
      parsePlan({ title: 'T', sections: [{ id: 'a', image: 'a', motion: { start: { rect: { x: 0.8, y: 0, w: 0.5, h: 0.5 } }, end: { zoom: 1 } } }] }, 'p'),
    );
    expect(p.join('\n')).toMatch(/sections\[0\]\.motion\.start\.rect: rectangle must lie inside the image/);
  });
});

describe('loading a plan file', () => {
  it('reports JSON syntax errors with line and column', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'plan.json');
    await fs.writeFile(file, '{\n  "title": "T",\n  "sections": [,]\n}');
    await expect(loadPlanFile(file)).rejects.toThrow(/plan\.json:3:\d+: invalid JSON/);
  });

  it('reports a missing plan file', async () => {
    await expect(loadPlanFile('/nonexistent/plan.json')).rejects.toThrow(/plan file not found/);
  });

  it('checks that every image and audio file exists and decodes', async () => {
    const dir = await tempDir();
    await writeSolidImage(path.join(dir, 'ok.png'), 64, 48, [10, 20, 30]);
    await writeWav(path.join(dir, 'ok.wav'), 0.5);
    await fs.writeFile(path.join(dir, 'corrupt.png'), Buffer.from('this is not a png'));
    const png = await fs.readFile(path.join(dir, 'ok.png'));
    await fs.writeFile(path.join(dir, 'truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
    await fs.writeFile(path.join(dir, 'corrupt.wav'), Buffer.from('RIFF....WAVEgarbage'));
    await fs.writeFile(path.join(dir, 'empty.wav'), '');
    const planFile = await writePlan(dir, {
      title: 'T',
      music: { file: 'nope.mp3' },
      sections: [
        { id: 'a', image: 'ok.png', narration: 'ok.wav' },
        { id: 'b', image: 'img/x.png', narration: 'corrupt.wav' },
        { id: 'c', image: 'corrupt.png', narration: 'empty.wav' },
        { id: 'd', image: 'truncated.png' },
      ],
    });
    const problems = await problemsOfAsync(() => loadPlanFile(planFile));
    expect(problems).toEqual([
      'music.file: file not found: nope.mp3',
      'sections[1].image: file not found: img/x.png',
      expect.stringMatching(/^sections\[1\]\.narration: cannot read audio: /),
      expect.stringMatching(/^sections\[2\]\.image: cannot decode image: /),
      'sections[2].narration: file is empty: empty.wav',
      expect.stringMatching(/^sections\[3\]\.image: cannot decode image: /),
    ]);
  });

  it('loads a valid plan with image sizes and audio durations', async () => {
    const dir = await tempDir();
    await writeSolidImage(path.join(dir, 'img', 'a.png'), 64, 48, [10, 20, 30]);
    await writeWav(path.join(dir, 'a.wav'), 1.5);
    const planFile = await writePlan(dir, { title: 'T', sections: [{ id: 'a', image: 'img/a.png', narration: 'a.wav' }] });
    const loaded = await loadPlanFile(planFile);
    expect(loaded.images['img/a.png']).toMatchObject({ width: 64, height: 48, file: path.join(dir, 'img', 'a.png') });
    expect(loaded.audio['a.wav']!.duration).toBeCloseTo(1.5, 2);
  });
});
