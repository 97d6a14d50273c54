/**
 * Cached segments are verified before reuse: a truncated and a bit-flipped segment are found by
 * their recorded content hash and rendered again (with a warning naming each), so the output keeps
 * the timeline's frame count; a join that cannot read a segment fails instead of writing a short
 * video, and the previous output is left as it was.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../src/media/probe-video';
import { loadPlanFile } from '../../src/plan/load-plan';
import { countMedia, mediaMismatch } from '../../src/render/check-video';
import { renderPlan, type RenderOptions } from '../../src/render/render-plan';
import { joinSegments } from '../../src/render/segments/join-segments';
import { recordFileFor, type SegmentRecord } from '../../src/render/segments/segment-record';
import { tempDir, writeDiscImage, writePlan, writeWav } from '../helpers/fixtures';

let dir: string;
let planFile: string;
let segmentDir: string;
let opts: RenderOptions;

beforeAll(async () => {
  dir = await tempDir('stillmotion-integrity-');
  await writeDiscImage(path.join(dir, 'disc.png'), 400, 300, 0.3, 0.4);
  await writeDiscImage(path.join(dir, 'disc2.png'), 300, 300, 0.6, 0.5);
  await writeWav(path.join(dir, 'narration.wav'), 1.5, { freq: 440 });
  planFile = await writePlan(dir, {
    title: 'integrity',
    formats: ['16:9'],
    defaults: { transition: { type: 'crossfade', duration: 0.3 } },
    sections: [
      { id: 'a', image: 'disc.png', duration: 1, tier: 1, motion: 'zoom-in', narration: 'narration.wav' },
      { id: 'b', image: 'disc2.png', duration: 1, tier: 0 },
      { id: 'c', image: 'disc.png', duration: 1, tier: 1, motion: 'pan-left' },
    ],
  });
  const cacheDir = path.join(dir, 'cache');
  segmentDir = path.join(cacheDir, 'segments');
  opts = { outDir: path.join(dir, 'out'), cacheDir, scale: 0.1, x264Preset: 'ultrafast' };
});

const sha = async (file: string): Promise<string> => createHash('sha256').update(await fs.readFile(file)).digest('hex');

async function segmentFiles(): Promise<string[]> {
  return (await fs.readdir(segmentDir)).filter((f) => f.endsWith('.mp4')).map((f) => path.join(segmentDir, f)).sort();
}

async function truncate(file: string): Promise<void> {
  const buf = await fs.readFile(file);
  await fs.writeFile(file, buf.subarray(0, Math.floor(buf.length / 2)));
}

describe('cached segments', () => {
  it('are verified before reuse: truncated and bit-flipped ones are rendered again, with a warning', async () => {
    const first = await renderPlan(await loadPlanFile(planFile), opts);
    const total = 90; // 3 sections of 1 s at 30 fps (transitions centred on the boundaries)
    expect(first.files[0]!.segments).toMatchObject({ segments: 5, reused: 0, rerendered: 0 });
    expect((await probeVideo(first.files[0]!.file, { countFrames: true })).frames).toBe(total);
    const [truncated, flipped] = await segmentFiles();
    await truncate(truncated!);
    // Flip bits in the middle of the other: same size, so only its content hash can tell.
    const buf = await fs.readFile(flipped!);
    for (let i = 0; i < 16; i++) buf[Math.floor(buf.length / 2) + i]! ^= 0xff;
    await fs.writeFile(flipped!, buf);

    const warnings: string[] = [];
    const again = await renderPlan(await loadPlanFile(planFile), { ...opts, onLog: (m) => m.startsWith('warning: ') && warnings.push(m) });
    expect(again.files[0]!.segments).toMatchObject({ segments: 5, reused: 3, rerendered: 2 });
    for (const file of [truncated!, flipped!]) {
      expect(warnings.find((w) => w.includes(file)), `a warning naming ${file}`).toMatch(/is damaged/);
      expect(again.warnings.some((w) => w.includes(file))).toBe(true);
    }
    const v = await probeVideo(again.files[0]!.file, { countFrames: true });
    expect(v.frames).toBe(total);
    expect(v.audioDuration).toBeGreaterThan(2.95);
    // The repaired segments verify again: nothing is rendered on the next run.
    const third = await renderPlan(await loadPlanFile(planFile), opts);
    expect(third.files[0]!.segments).toMatchObject({ reused: 5, rerendered: 0, direct: 0, browser: 0 });
  }, 300_000);

  it('a segment that cannot be read fails the join, and the previous output stays', async () => {
    const [victim] = await segmentFiles();
    const output = path.join(dir, 'out', 'integrity-16x9.mp4');
    const before = await sha(output);
    // A truncated segment whose record was rewritten to match (so the hash check passes):
    // the join itself must notice, and the joined file's frame count is checked before the rename.
    await truncate(victim!);
    const record = JSON.parse(await fs.readFile(recordFileFor(victim!), 'utf8')) as SegmentRecord;
    await fs.writeFile(recordFileFor(victim!), JSON.stringify({ ...record, bytes: (await fs.stat(victim!)).size, sha256: await sha(victim!) }));
    await expect(renderPlan(await loadPlanFile(planFile), opts)).rejects.toThrow(/could not join 5 segments|frames, not 90/);
    expect(await sha(output)).toBe(before);
    expect((await fs.readdir(path.join(dir, 'out'))).filter((f) => f.includes('.tmp'))).toEqual([]);

    // joinSegments alone: ffmpeg's concat demuxer logs "Impossible to open" and exits 0; the join must throw.
    const files = await segmentFiles();
    const audio = (await fs.readdir(segmentDir)).find((f) => f.startsWith('audio-') && f.endsWith('.m4a'))!;
    await expect(joinSegments(files, path.join(segmentDir, audio), path.join(dir, 'joined.mp4'))).rejects.toThrow(/could not join/);

    // What the final check sees in such a file: fewer frames than the timeline.
    const short = path.join(dir, 'short.mp4');
    const whole = await fs.readFile(output);
    await fs.writeFile(short, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const counts = await countMedia(short);
    expect(counts.frames).toBeLessThan(90);
    expect(mediaMismatch(counts, { frames: 90, fps: 30, audioSeconds: 3 })).toMatch(/frames, not 90/);
    expect(mediaMismatch(await countMedia(output), { frames: 90, fps: 30, audioSeconds: 3 })).toBeNull();
  }, 300_000);
});
