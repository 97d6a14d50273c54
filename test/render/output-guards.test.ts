/**
 * What a render promises about its output, through the real CLI and renderer (small renders):
 * every scale gives even whole sizes, long titles give file names that fit, `--name` never leaves
 * `--out`, a bad `--out` fails before any work, and a `--frames` preview prepares only the sections
 * its frames show.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StillmotionError } from '../../src/errors';
import { probeVideo } from '../../src/media/probe-video';
import { outputScale } from '../../src/plan/formats';
import { loadPlanFile } from '../../src/plan/load-plan';
import { MAX_STEM_BYTES, slugify } from '../../src/render/output-name';
import { renderPlan } from '../../src/render/render-plan';
import { tempDir, writeDiscImage, writePlan } from '../helpers/fixtures';
import { runCliInProcess } from '../helpers/run-cli';

let dir: string;
let cache: string;
/** Folders made unwritable for the test (root ignores permission bits: those get the immutable flag). */
const locked: string[] = [];

async function lock(folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  if (process.getuid?.() === 0) execFileSync('chattr', ['+i', folder]);
  else await fs.chmod(folder, 0o555);
  locked.push(folder);
}

beforeAll(async () => {
  dir = await tempDir('sm-output-guards-');
  cache = path.join(dir, 'cache');
  for (let i = 0; i < 6; i++) await writeDiscImage(path.join(dir, 'img', `${i}.png`), 320, 240, 0.2 + i * 0.12, 0.5);
});
afterAll(async () => {
  for (const f of locked) {
    if (process.getuid?.() === 0) execFileSync('chattr', ['-i', f]);
    else await fs.chmod(f, 0o755);
  }
  await fs.rm(dir, { recursive: true, force: true });
});

const tiny = (title: string) => ({ title, sections: [{ id: 'a', image: 'img/0.png', duration: 0.3, motion: 'zoom-in' }] });

describe('output sizes', () => {
  it('rounds every scale to even whole sizes, the same for every format', () => {
    expect(outputScale(0.333)).toBeCloseTo(1 / 3, 12);
    expect(1920 * outputScale(0.333)).toBe(640);
    expect(1080 * outputScale(0.333)).toBe(360);
    expect(1920 * outputScale(0.77)).toBe(1472);
    expect(1080 * outputScale(0.77)).toBe(828);
    for (let s = 0.01; s <= 4; s += 0.0137) {
      const o = outputScale(s);
      // The nearest 1/60 step, or (where floating point spoils a step: 31, 62, 123-125) the nearest good one.
      expect(Math.abs(o - s)).toBeLessThanOrEqual(2 / 60);
      for (const side of [1920, 1080]) {
        expect(Number.isInteger(side * o)).toBe(true);
        expect((side * o) % 2).toBe(0);
      }
    }
    expect(outputScale(0.5)).toBe(0.5);
    expect(outputScale(0.001)).toBe(1 / 60);
    expect(() => outputScale(0)).toThrow(/--scale: must be > 0 and <= 4/);
    expect(() => outputScale(4.5)).toThrow(/--scale/);
  });

  it.each([
    ['0.333', '9:16', [360, 640]],
    ['0.77', '16:9', [1472, 828]],
  ] as const)('renders --scale %s (%s) at even whole sizes', async (scale, format, [w, h]) => {
    const plan = await writePlan(dir, tiny(`Scale ${scale}`), `scale-${scale}.json`);
    const out = path.join(dir, `out-scale-${scale}`);
    const r = await runCliInProcess(['render', plan, '--scale', scale, '--formats', format, '--out', out, '--cache', cache]);
    expect(r.error).toBeNull();
    const file = (await fs.readdir(out)).find((f) => f.endsWith('.mp4'));
    const v = await probeVideo(path.join(out, file!), { countFrames: true });
    expect([v.width, v.height, v.frames]).toEqual([w, h, 9]);
  });
});

describe('output names', () => {
  it('shortens a long title to a readable, unique name that fits, and renders it', async () => {
    const words = 'the quick brown fox jumps over the lazy dog while the harbour wakes up slowly ';
    const title = words.repeat(4).slice(0, 300);
    expect(title).toHaveLength(300);
    const slug = slugify(title);
    expect(slug.length).toBeLessThanOrEqual(MAX_STEM_BYTES);
    expect(slug).toMatch(/^the-quick-brown-fox-jumps-[a-z-]+[a-z]-[0-9a-f]{8}$/);
    expect(slugify(`${title.slice(0, 299)}x`)).not.toBe(slug);
    expect(slugify('Café at Dawn!')).toBe('cafe-at-dawn');

    const plan = await writePlan(dir, tiny(title), 'long-title.json');
    const out = path.join(dir, 'out-long');
    const r = await runCliInProcess(['render', plan, '--scale', '0.1', '--formats', '1:1', '--out', out, '--cache', cache, '--explain']);
    expect(r.error).toBeNull();
    expect((await fs.readdir(out)).sort()).toEqual([`${slug}-1x1.jpg`, `${slug}-1x1.mp4`, `${slug}.timeline.json`]);
  });

  it('keeps --name inside --out: a path is refused before anything is written', async () => {
    const plan = await writePlan(dir, tiny('Named'), 'named.json');
    const out = path.join(dir, 'deep', 'er', 'out-named');
    for (const name of ['../../escape', 'a/b', '..', '']) {
      const r = await runCliInProcess(['render', plan, '--name', name, '--scale', '0.1', '--formats', '1:1', '--out', out, '--cache', cache]);
      expect(r.error).toBeInstanceOf(StillmotionError);
      expect((r.error as Error).message).toMatch(/--name: a file name stem without folders, written inside --out/);
    }
    const long = await runCliInProcess(['render', plan, '--name', 'n'.repeat(300), '--out', out]);
    expect((long.error as Error).message).toMatch(/--name: at most 120 bytes/);
    await expect(fs.stat(path.join(dir, 'escape-1x1.mp4'))).rejects.toThrow();
    await expect(fs.stat(out)).rejects.toThrow();
  });
});

describe('--out', () => {
  it('fails before any work when it is a file, under a file, or not writable, naming the path', async () => {
    const plan = await writePlan(dir, tiny('Out'), 'out.json');
    const file = path.join(dir, 'a-file.txt');
    await fs.writeFile(file, 'not a folder');
    const readOnly = path.join(dir, 'read-only');
    await lock(readOnly);
    const cases: [string, RegExp][] = [
      [file, /--out .*a-file\.txt: exists and is not a folder/],
      [path.join(file, 'sub'), /--out .*a-file\.txt\/sub: a part of this path is a file, not a folder/],
      [readOnly, /--out .*read-only: cannot write into this folder/],
      [path.join(readOnly, 'new'), /--out .*read-only\/new: cannot create it in .*read-only/],
    ];
    for (const [out, message] of cases) {
      const started = performance.now();
      // A browser that does not exist: reaching the browser would fail with another message.
      const r = await runCliInProcess(['render', plan, '--out', out, '--cache', cache, '--browser-executable', path.join(dir, 'no-such-browser')]);
      expect(r.error).toBeInstanceOf(StillmotionError);
      expect((r.error as Error).message).toMatch(message);
      expect(r.stderr).not.toMatch(/browser:/);
      expect(performance.now() - started).toBeLessThan(3000);
    }
    for (const cmd of [['make', path.join(dir, 'story.md')], ['batch', plan]]) {
      const r = await runCliInProcess([...cmd, '--out', file, '--cache', cache]);
      expect((r.error as Error).message).toMatch(/--out .*a-file\.txt: exists and is not a folder/);
    }
  });
});

describe('--frames preview', () => {
  it('prepares only the sections whose frames are in the range', async () => {
    const plan = await writePlan(
      dir,
      {
        title: 'Six Parallax Sections',
        defaults: { transition: { type: 'crossfade', duration: 0.2 } },
        sections: Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, image: `img/${i}.png`, duration: 1, tier: 2 })),
      },
      'six.json',
    );
    const previewCache = path.join(dir, 'preview-cache');
    const logs: string[] = [];
    // Frames 25-34 straddle the crossfade between s0 and s1 (the cut at frame 30).
    const r = await renderPlan(await loadPlanFile(plan), {
      outDir: path.join(dir, 'out-preview'),
      formats: ['16:9'],
      scale: 0.1,
      frames: [25, 34],
      cacheDir: previewCache,
      onLog: (m) => logs.push(m),
    });
    expect(Object.keys(r.assets.layers).sort()).toEqual(['img/0.png', 'img/1.png']);
    expect(r.assets.outsideRange).toEqual(['s2', 's3', 's4', 's5']);
    expect(await fs.readdir(path.join(previewCache, 'layers'))).toHaveLength(2);
    expect(logs).toContain('frames 25-34: preparing 2 of 6 sections (s0, s1)');
    // The sections left out render nothing here, so their fallback is no news.
    expect(logs.filter((l) => l.startsWith('warning:'))).toEqual([]);
    const v = await probeVideo(r.files[0]!.file, { countFrames: true });
    expect(v.frames).toBe(10);
  });
});
