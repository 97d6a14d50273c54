/**
 * Segmented renders in a real Chromium: the joined video has the frame count and A/V sync of a
 * single-pass render; an edit re-renders only the edited section and its transitions; frames
 * drawn in Node (Ken Burns, CSS parallax) match Chromium's.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_SAMPLE_RATE as RATE, decodeAudio } from '../../src/audio/decode-audio';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { loadPlanFile } from '../../src/plan/load-plan';
import { prepareAssets } from '../../src/render/prepare-assets';
import { renderPlan } from '../../src/render/render-plan';
import { RenderSession } from '../../src/render/render-session';
import { renderSegment, segmentJobs } from '../../src/render/segments/render-segmented';
import { meanLuma, psnr } from '../helpers/frame-compare';
import { tempDir, writeDiscImage, writePlan, writeWav } from '../helpers/fixtures';

let dir: string;
const rocket = path.resolve('examples/launch-day/images/rocket.jpg');

beforeAll(async () => {
  dir = await tempDir('stillmotion-segments-');
  await writeDiscImage(path.join(dir, 'disc.png'), 800, 450, 0.3, 0.4);
  await writeDiscImage(path.join(dir, 'disc2.png'), 600, 600, 0.7, 0.6);
  await writeWav(path.join(dir, 'silence.wav'), 0.4, { amplitude: 0 });
  // Narration: 0.4 s of silence, then a tone (its onset is the sync mark).
  const tone = path.join(dir, 'tone.wav');
  await writeWav(tone, 0.8, { freq: 660, amplitude: 0.5 });
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-i', path.join(dir, 'silence.wav'), '-i', tone, '-filter_complex', '[0:a][1:a]concat=n=2:v=0:a=1', path.join(dir, 'narration.wav')]);
  if (r.code !== 0) throw new Error(r.stderr);
});

function plan(secondMotion: string): unknown {
  return {
    title: 'segments',
    formats: ['16:9'],
    defaults: { transition: { type: 'crossfade', duration: 0.3 } },
    sections: [
      { id: 'a', image: 'disc.png', duration: 1, tier: 1, motion: 'zoom-in' },
      { id: 'b', image: 'disc2.png', duration: 1, tier: 1, motion: secondMotion, narration: 'narration.wav' },
      { id: 'c', image: 'disc.png', duration: 1, tier: 0, transition: { type: 'wipe', duration: 0.3 } },
      { id: 'd', image: 'disc2.png', duration: 1, tier: 1, motion: 'pan-left' },
    ],
  };
}

async function frameAt(file: string, seconds: number): Promise<Buffer> {
  const png = `${file}.${seconds}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', String(seconds), '-i', file, '-frames:v', '1', png]);
  if (r.code !== 0) throw new Error(r.stderr);
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Time of the first sample louder than -20 dBFS. */
function onset(samples: Float32Array): number {
  const i = samples.findIndex((s) => Math.abs(s) > 0.1);
  return i / RATE;
}

describe('segmented render', () => {
  it('has the frame count and A/V sync of a single pass, and reuses unchanged segments after an edit', async () => {
    const cacheDir = path.join(dir, 'cache');
    const planFile = await writePlan(dir, plan('pan-right'));
    const opts = { outDir: path.join(dir, 'out'), cacheDir, scale: 0.2, x264Preset: 'ultrafast' as const };
    const seg = await renderPlan(await loadPlanFile(planFile), { ...opts, name: 'segmented' });
    const total = (await probeVideo(seg.files[0]!.file, { countFrames: true })).frames!;
    const single = await renderPlan(await loadPlanFile(planFile), { ...opts, name: 'single', frames: [0, total - 1] });
    expect(single.files[0]!.segments).toBeNull();
    const st = seg.files[0]!.segments!;
    // The four scenes' own frames, the two crossfades and the wipe are all drawn in Node.
    expect(st).toMatchObject({ segments: 7, reused: 0, direct: 7, browser: 0 });
    const a = await probeVideo(seg.files[0]!.file, { countFrames: true });
    const b = await probeVideo(single.files[0]!.file, { countFrames: true });
    expect(a.frames).toBe(b.frames);
    expect(a.frames).toBe(120); // 4 sections of 1 s: transitions are centred on the boundaries
    expect(a.width).toBe(384);
    expect(Math.abs(a.duration - b.duration)).toBeLessThan(0.05);
    // A/V sync: the narration tone starts at the same instant in both files (within 2 ms).
    const pa = (await decodeAudio(seg.files[0]!.file)).samples;
    const pb = (await decodeAudio(single.files[0]!.file)).samples;
    expect(onset(pa)).toBeGreaterThan(0.5);
    expect(Math.abs(onset(pa) - onset(pb))).toBeLessThan(0.002);
    // The pictures agree frame for frame (Node-drawn scenes vs Chromium, both through x264).
    // Scenes at 0.1, 0.5, 1.3, 2.2, 3.2 s; crossfades at 1.0 and 2.0 s; the wipe at 3.0 s.
    for (const t of [0.1, 0.5, 1.0, 1.3, 2.0, 2.2, 3.0, 3.2]) expect(psnr(await frameAt(seg.files[0]!.file, t), await frameAt(single.files[0]!.file, t))).toBeGreaterThan(30);

    // Edit section b's motion: its scene segment and the two transitions beside it render again.
    await writePlan(dir, plan('zoom-out'));
    const edited = await renderPlan(await loadPlanFile(planFile), { ...opts, name: 'segmented' });
    expect(edited.files[0]!.segments).toMatchObject({ segments: 7, reused: 4, direct: 3, browser: 0 });
    expect((await probeVideo(edited.files[0]!.file, { countFrames: true })).frames).toBe(a.frames);
    // Nothing changed: everything is reused.
    const again = await renderPlan(await loadPlanFile(planFile), { ...opts, name: 'segmented' });
    expect(again.files[0]!.segments).toMatchObject({ reused: 7, direct: 0, browser: 0 });
    // --fresh renders everything again.
    const fresh = await renderPlan(await loadPlanFile(planFile), { ...opts, name: 'segmented', reuseSegments: false });
    expect(fresh.files[0]!.segments).toMatchObject({ reused: 0, direct: 7, browser: 0 });
  }, 300_000);
});

describe('frames drawn in Node', () => {
  let session: RenderSession;
  beforeAll(async () => {
    session = await RenderSession.open({ cacheDir: path.join(dir, 'parity-cache') });
  });
  afterAll(async () => {
    await session?.close();
  });

  // Every kind Node draws, on a real photograph, at full size (1080p: the one-pass layer blend of
  // production parallax), a few frames each. A look changed in one renderer only fails here.
  const kinds: { name: string; section: Record<string, unknown> }[] = [
    { name: 'still', section: { tier: 0 } },
    { name: 'kenburns', section: { tier: 1, motion: { preset: 'zoom-in', amount: 0.3 } } },
    { name: 'parallax orbit', section: { tier: 2, parallax: { preset: 'orbit', amount: 1 } } },
    { name: 'parallax dolly', section: { tier: 2, parallax: { preset: 'dolly', amount: 1 }, transition: { type: 'crossfade', duration: 0.2 } } },
    { name: 'spotlight', section: { scene: { type: 'spotlight', vignette: 0.7 }, focus: { x: 0.4, y: 0.35 }, motion: 'zoom-in' } },
  ];

  it('match Chromium at full size for every kind Node draws, and their crossfade (PSNR and mean luma)', async () => {
    const planFile = await writePlan(
      dir,
      {
        title: 'parity',
        formats: ['16:9'],
        defaults: { transition: { type: 'cut' } },
        sections: kinds.map((k, i) => ({ id: `s${i}`, image: rocket, duration: 0.3, ...k.section })),
      },
      'parity.json',
    );
    const cacheDir = path.join(dir, 'parity-cache');
    // The photo is the example's, outside this temp plan's folder: allowed explicitly.
    const loaded = await loadPlanFile(planFile, { policy: { allowOutsidePaths: true } });
    const assets = await prepareAssets(loaded, { cacheDir });
    const scale = 1;
    const prepared = await session.prepare(loaded, '16:9', scale, assets);
    const settings = { scale, x264Preset: 'ultrafast' as const, crf: 12, concurrency: 1 };
    const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'parity-seg') });
    const names = jobs.map((j) => (j.seg.kind === 'transition' ? 'crossfade' : kinds[j.seg.scenes[0]!]!.name));
    expect(names).toEqual(['still', 'kenburns', 'parallax orbit', 'parallax dolly', 'crossfade', 'spotlight']);
    expect(jobs.every((j) => j.direct)).toBe(true);
    const fps = prepared.timeline.fps;
    const report: string[] = [];
    const failures: string[] = [];
    for (const [i, job] of jobs.entries()) {
      const direct = { ...job, file: path.join(dir, `direct-${i}.mp4`) };
      const browser = { ...job, direct: false, file: path.join(dir, `browser-${i}.mp4`) };
      await renderSegment(session, prepared, direct, settings);
      await renderSegment(session, prepared, browser, settings);
      const frames = job.seg.to - job.seg.from;
      expect((await probeVideo(direct.file, { countFrames: true })).frames).toBe(frames);
      for (const f of [0, Math.floor(frames / 2), frames - 1]) {
        const a = await frameAt(direct.file, f / fps);
        const b = await frameAt(browser.file, f / fps);
        expect(a.length).toBe(1920 * 1080 * 3);
        const p = psnr(a, b);
        const la = meanLuma(a);
        const lb = meanLuma(b);
        const luma = Math.abs(la - lb) / lb;
        report.push(`${names[i]} frame ${f}: PSNR ${p.toFixed(2)} dB, mean luma ${la.toFixed(2)} vs ${lb.toFixed(2)} (${(luma * 100).toFixed(2)}%)`);
        if (p <= 33 || luma >= 0.01) failures.push(report.at(-1)!);
      }
    }
    console.log(`Node vs Chromium at 1920x1080:\n${report.join('\n')}`);
    expect(failures).toEqual([]);
    await fs.rm(path.join(dir, 'parity-seg'), { recursive: true, force: true });
  }, 600_000);
});
