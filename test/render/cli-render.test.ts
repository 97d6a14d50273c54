/**
 * End to end through the CLI: a 3-section plan with narration and music rendered at --scale 0.25
 * in all three formats, checked with ffprobe; and a bad plan that must fail cleanly.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/probe-video';
import { tempDir, writeDiscImage, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';

const run = promisify(execFile);
const CLI = path.resolve('bin/stillmotion.mjs');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
  await writeDiscImage(path.join(dir, 'img', 'one.png'), 640, 427, 0.3, 0.4);
  await writeSolidImage(path.join(dir, 'img', 'two.png'), 300, 500, [30, 120, 200]);
  await writeDiscImage(path.join(dir, 'img', 'three.png'), 500, 500, 0.7, 0.7);
  await writeWav(path.join(dir, 'audio', 'n1.wav'), 0.8, { freq: 300 });
  await writeWav(path.join(dir, 'audio', 'music.wav'), 1.0, { sampleRate: 44100, freq: 110, amplitude: 0.2 });
});

describe('stillmotion render (CLI)', () => {
  it('documents every command in --help', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['render', 'validate', 'schema']) expect(r.stdout).toContain(cmd);
    const render = await cli(['render', '--help']);
    for (const opt of ['--formats', '--out', '--scale', '--frames', '--browser-executable']) expect(render.stdout).toContain(opt);
  });

  it('renders a 3-section plan in all three formats, exact to the frame, with audio', async () => {
    const plan = {
      title: 'Three Sections',
      music: { file: 'audio/music.wav', volume: 0.3 },
      sections: [
        { id: 'one', image: 'img/one.png', narration: 'audio/n1.wav', motion: 'zoom-in', focus: { x: 0.3, y: 0.4 } },
        { id: 'two', image: 'img/two.png', duration: 1, tier: 0, transition: { type: 'cut' } },
        { id: 'three', image: 'img/three.png', duration: 1.2, motion: 'pan-left' },
      ],
    };
    const planFile = await writePlan(dir, plan);
    const out = path.join(dir, 'out');
    const r = await cli(['render', planFile, '--scale', '0.25', '--out', out]);
    expect(r.stderr + r.stdout).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    // "auto" = 0.4 + 0.8 + 0.8 = 2.0 s; total 2.0 + 1 + 1.2 = 4.2 s = 126 frames.
    const expected = { '16x9': [480, 270], '9x16': [270, 480], '1x1': [270, 270] } as const;
    for (const [suffix, [w, h]] of Object.entries(expected)) {
      const file = path.join(out, `three-sections-${suffix}.mp4`);
      const v = await probeVideo(file, { countFrames: true });
      expect([v.width, v.height]).toEqual([w, h]);
      expect(v.fps).toBe(30);
      expect(v.frames).toBe(126);
      expect(v.videoCodec).toBe('h264');
      expect(v.audioCodec).toBe('aac');
      expect(v.audioDuration).toBeGreaterThan(4.1);
      // Tagged with the colours it is in (src/media/colour-tags.ts), so players do not guess BT.709.
      expect(v.colour).toEqual({ matrix: 'smpte170m', primaries: 'bt709', transfer: 'bt709', range: 'tv' });
      expect(r.stdout).toContain(`three-sections-${suffix}.mp4`);
    }
    // One summary line per file: path, size, duration, render time; under each, its cover.
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('  cover '))).toHaveLength(3);
    expect(lines.filter((l) => /^ {2}cover .*three-sections-(16x9|9x16|1x1)\.jpg {2}frame \d+/.test(l))).toHaveLength(3);
    expect(r.stdout).toMatch(/480x270 {2}4\.2\d s {2}[\d.]+ KiB {2}rendered in [\d.]+ s/);
    const leftovers = (await fs.readdir(out)).filter((f) => f.includes('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('renders a frame range of one format', async () => {
    const planFile = await writePlan(dir, { title: 'Range', sections: [{ id: 'a', image: 'img/one.png', duration: 2 }] }, 'range.json');
    const out = path.join(dir, 'out-range');
    const r = await cli(['render', planFile, '--formats', '9:16', '--scale', '0.2', '--frames', '10-24', '--out', out]);
    expect(r.code).toBe(0);
    expect(await fs.readdir(out)).toEqual(['range-9x16.mp4']);
    const v = await probeVideo(path.join(out, 'range-9x16.mp4'), { countFrames: true });
    expect(v.frames).toBe(15);
  });

  it('--draft renders at half size with the fast preset and prints the time per format', async () => {
    const planFile = await writePlan(dir, { title: 'Draft', sections: [{ id: 'a', image: 'img/one.png', duration: 1 }] }, 'draft.json');
    const out = path.join(dir, 'out-draft');
    const r = await cli(['render', planFile, '--formats', '1:1', '--draft', '--out', out, '--cache', path.join(dir, 'cache')]);
    expect(r.code).toBe(0);
    const v = await probeVideo(path.join(out, 'draft-1x1.mp4'), { countFrames: true });
    expect([v.width, v.height, v.frames]).toEqual([540, 540, 30]);
    expect(r.stdout).toMatch(/540x540 .* rendered in [\d.]+ s {2}\(1 segments: 0 reused, 1 drawn directly, 0 in Chromium\)/);
  });

  it('rejects an invalid plan before rendering, naming each field, and writes nothing', async () => {
    const planFile = await writePlan(
      dir,
      { title: 'Bad', sections: [{ id: 'a', image: 'img/missing.png' }, { id: 'b', image: 'img/one.png', tier: 9, narration: 'audio/nope.wav' }] },
      'bad.json',
    );
    const out = path.join(dir, 'out-bad');
    const r = await cli(['render', planFile, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('sections[1].tier');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for input errors
    const r2 = await cli(['render', await writePlan(dir, { title: 'Bad', sections: [{ id: 'a', image: 'img/missing.png', narration: 'audio/nope.wav' }] }, 'bad2.json'), '--out', out]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toContain('sections[0].image: file not found: img/missing.png');
    expect(r2.stderr).toContain('sections[0].narration: file not found: audio/nope.wav');
    expect(await fs.stat(out).catch(() => null)).toBeNull();
    const r3 = await cli(['render', planFile, '--formats', '4:3']);
    expect(r3.code).not.toBe(0);
    expect(r3.stderr).toContain('--formats: unknown format "4:3"');
  });
});
