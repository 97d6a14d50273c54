/**
 * `stillmotion batch` with real local renders (tiny: --scale 0.25, 1:1, about a second of video):
 * a folder of plans renders every plan, a broken plan fails alone, the summary table lists each;
 * a rerun skips everything that is up to date; editing a plan or deleting an output renders just
 * that one again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_NAME } from '../../src/batch/manifest';
import { runBatch } from '../../src/batch/run-batch';
import { StillmotionError } from '../../src/errors';
import { probeVideo } from '../../src/media/probe-video';
import { tempDir, writeDiscImage, writePlan, writeSolidImage } from '../helpers/fixtures';
import { runCliInProcess, type CliRun } from '../helpers/run-cli';

// The plans share images in a folder beside theirs (../img): plans may use files outside their folder only when the user allows it.
process.env.STILLMOTION_ALLOW_OUTSIDE_PATHS = '1';

let dir: string;
let plans: string;
let out: string;

const planA = (duration: number) => ({
  title: 'A',
  formats: ['1:1'],
  sections: [
    { id: 'one', image: '../img/disc.png', duration, motion: 'zoom-in', focus: { x: 0.4, y: 0.5 }, transition: { type: 'cut' } },
    { id: 'two', image: '../img/blue.png', duration: 0.5, tier: 0 },
  ],
});

const cli = (args: string[]): Promise<CliRun> => runCliInProcess(['batch', ...args]);

beforeAll(async () => {
  dir = await tempDir('sm-batch-');
  plans = path.join(dir, 'plans');
  out = path.join(dir, 'out');
  await writeDiscImage(path.join(dir, 'img', 'disc.png'), 400, 300, 0.4, 0.5);
  await writeSolidImage(path.join(dir, 'img', 'blue.png'), 300, 300, [30, 90, 200]);
  await fs.mkdir(plans, { recursive: true });
  await writePlan(plans, planA(0.5), 'a.json');
  await fs.mkdir(path.join(plans, 'b'), { recursive: true });
  await writePlan(path.join(plans, 'b'), { title: 'B', formats: ['1:1'], sections: [{ id: 'only', image: '../../img/blue.png', duration: 0.6, tier: 0 }] }, 'plan.json');
  await writePlan(plans, { title: 'Broken', formats: ['1:1'], sections: [{ id: 'x', image: '../img/missing.png', duration: 1 }] }, 'broken.json');
  await fs.writeFile(path.join(plans, 'notes.json'), '{"not": "a plan"}');
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('batch (local renders)', () => {
  it('renders a folder of plans, fails the broken one alone, prints one table; a rerun skips what is done', async () => {
    const first = await cli([plans, '--out', out, '--scale', '0.25']);
    expect(first.error).toBeInstanceOf(StillmotionError);
    expect((first.error as Error).message).toMatch(/1 of 3 plans did not finish \(broken\); run the same command again/);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^plan +status +formats +video +time +cost +output \/ error$/);
    expect(lines.find((l) => l.startsWith('a '))).toMatch(/^a +rendered +1:1 +1\.0 s +[\d.]+ s +- +.*out\/a-1x1\.mp4$/);
    expect(lines.find((l) => l.startsWith('b '))).toMatch(/^b +rendered +1:1 +0\.6 s .*out\/b-1x1\.mp4$/);
    expect(lines.find((l) => l.startsWith('broken '))).toMatch(/^broken +failed +- +- .*error: Invalid plan .*sections\[0\]\.image: file not found: \.\.\/img\/missing\.png$/);
    expect(first.stdout).toContain('3 plans: 2 rendered, 0 skipped (up to date), 0 partial, 1 failed');
    // Real videos: 1 s (30 frames) and 0.6 s (18 frames), 270x270.
    const a = await probeVideo(path.join(out, 'a-1x1.mp4'), { countFrames: true });
    expect([a.width, a.height, a.frames]).toEqual([270, 270, 30]);
    expect((await probeVideo(path.join(out, 'b-1x1.mp4'), { countFrames: true })).frames).toBe(18);
    const manifest = JSON.parse(await fs.readFile(path.join(out, MANIFEST_NAME), 'utf8'));
    expect(Object.keys(manifest.outputs).sort()).toEqual(['a', 'b']);

    const mtime = (await fs.stat(path.join(out, 'a-1x1.mp4'))).mtimeMs;
    const second = await cli([plans, '--out', out, '--scale', '0.25']);
    expect(second.stdout).toContain('3 plans: 0 rendered, 2 skipped (up to date), 0 partial, 1 failed');
    expect(second.stdout).toMatch(/\na +skipped +1:1 \(done\)/);
    expect((await fs.stat(path.join(out, 'a-1x1.mp4'))).mtimeMs).toBe(mtime);
  });

  it('renders again only what changed: an edited plan, a deleted output, other settings', async () => {
    await writePlan(plans, planA(0.8), 'a.json');
    await fs.rm(path.join(out, 'b-1x1.mp4'));
    const rows = await runBatch({ inputs: [path.join(plans, 'a.json'), path.join(plans, 'b')], outDir: out, scale: 0.25, concurrency: 2 });
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ['a', 'rendered'],
      ['b', 'rendered'],
    ]);
    expect((await probeVideo(path.join(out, 'a-1x1.mp4'), { countFrames: true })).frames).toBe(39);
    // The same inputs at another scale are other outputs.
    const again = await runBatch({ inputs: [path.join(plans, 'b')], outDir: out, scale: 0.25 });
    expect(again[0]!.status).toBe('skipped');
    const bigger = await runBatch({ inputs: [path.join(plans, 'b')], outDir: out, scale: 0.3 });
    expect(bigger[0]!.status).toBe('rendered');
  });

  it('an interrupted batch keeps the formats that finished and resumes with the rest', async () => {
    // Formats overlap (the next is drawn while the one before is finished), so when 1:1 is done 9:16
    // is usually part-drawn but may be finished: what holds either way is checked.
    const c = await writePlan(plans, { title: 'C', formats: ['1:1', '9:16'], sections: [{ id: 'only', image: '../img/disc.png', duration: 3, tier: 0 }] }, 'c.json');
    const abort = new AbortController();
    const logs: string[] = [];
    const rows = await runBatch({
      inputs: [c],
      outDir: out,
      scale: 0.25,
      signal: abort.signal,
      onLog: (m) => {
        logs.push(m);
        if (m.startsWith('c: 1:1 done')) abort.abort(new StillmotionError('interrupted'));
      },
    });
    const row = rows[0]!;
    // 9:16 may even be done first: its frames are drawn while 1:1 gets its cover and is measured.
    expect(row.rendered).toContain('1:1');
    expect([...row.rendered, ...row.failed].sort()).toEqual(['1:1', '9:16']);
    if (row.failed.length) expect(row).toMatchObject({ name: 'c', status: 'partial', rendered: ['1:1'], failed: ['9:16'], error: 'interrupted' });
    else expect(['rendered', 'partial']).toContain(row.status); // both whole; the interrupt may still be reported
    // A format reported failed left no file, or (renamed into place just as the interrupt came, before
    // it was measured) a whole one: never a partial one.
    const left = await fs.access(path.join(out, 'c-9x16.mp4')).then(() => true, () => false);
    if (row.failed.length && left) expect((await probeVideo(path.join(out, 'c-9x16.mp4'))).duration).toBeCloseTo(3, 0);
    const resumed = await runBatch({ inputs: [c], outDir: out, scale: 0.25, onLog: (m) => logs.push(m) });
    if (row.failed.length) {
      expect(resumed[0]).toMatchObject({ status: 'rendered', rendered: ['9:16'], skipped: ['1:1'] });
      expect(logs).toContain('c: rendering 9:16 (1:1 up to date)');
    } else {
      expect(resumed[0]).toMatchObject({ status: 'skipped', rendered: [] });
      expect([...resumed[0]!.skipped].sort()).toEqual(['1:1', '9:16']);
    }
    expect((await probeVideo(path.join(out, 'c-9x16.mp4'))).height).toBe(480);
  });
});

