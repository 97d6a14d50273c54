/**
 * Delivery loudness, measured on the rendered files with a BS.1770-4 meter written for the tests
 * (test/helpers/loudness-meter.ts), not with the numbers the normaliser (ffmpeg loudnorm) printed.
 * The mix is real speech (the demo's espeak-ng narration) over the demo's music bed, ducked and
 * faded as the plan says; as rendered it is about -20 LUFS.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load-plan';
import { renderPlan, type RenderResult } from '../../src/render/render-plan';
import { RenderSession } from '../../src/render/render-session';
import { normaliseLoudness } from '../../src/audio/loudness-normalise';
import { outputLoudnessText } from '../../src/render/loudness';
import { tempDir, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';
import { decodePlanar, integratedLoudness, measureFile, truePeakLinear } from '../helpers/loudness-meter';
import { runCliInProcess } from '../helpers/run-cli';

const DEMO_AUDIO = path.resolve('examples/launch-day/audio');

describe('the test meter (BS.1770-4)', () => {
  const rate = 48000;
  const sine = (seconds: number, freq: number, amplitude: number, phase = 0): Float64Array =>
    Float64Array.from({ length: seconds * rate }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate + phase));

  it('reads EBU Tech 3341 test signals: a stereo 1 kHz sine at -23 and -33 dBFS is -23 and -33 LUFS', () => {
    for (const level of [-23, -33]) {
      const s = sine(10, 1000, 10 ** (level / 20));
      expect(integratedLoudness([s, s], rate)).toBeCloseTo(level, 1);
    }
    // 20 s at -36 then 20 s at -23 dBFS (Tech 3341 case 3 style): the relative gate drops the quiet half.
    const quiet = sine(20, 1000, 10 ** (-36 / 20));
    const loud = sine(20, 1000, 10 ** (-23 / 20));
    const both = new Float64Array([...quiet, ...loud]);
    expect(integratedLoudness([both, both], rate)).toBeCloseTo(-23, 1);
    // Below the absolute gate there is no loudness at all.
    const faint = sine(5, 1000, 10 ** (-80 / 20));
    expect(integratedLoudness([faint, faint], rate)).toBe(-Infinity);
  });

  it('finds the true peak between samples: a sine at a quarter of the rate sampled 45 degrees off its crest', () => {
    const s = sine(1, rate / 4, 0.5, Math.PI / 4); // every sample at 0.354; the wave reaches 0.5
    const samplePeak = Math.max(...s.map(Math.abs));
    expect(20 * Math.log10(samplePeak)).toBeCloseTo(-9.03, 1);
    expect(20 * Math.log10(truePeakLinear(s))).toBeCloseTo(-6.02, 0);
    expect(20 * Math.log10(truePeakLinear(s))).toBeGreaterThan(-6.3);
  });

  // Debian's ffmpeg has the ebur128 filter (Remotion's does not); CI machines without it skip this.
  const debianFfmpeg = ['/usr/bin/ffmpeg'].find((f) => existsSync(f) && spawnSync(f, ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout?.includes('ebur128'));
  it.skipIf(!debianFfmpeg)('agrees with ffmpeg ebur128 on recorded material within 0.1 LU and 0.2 dB', async () => {
    for (const file of ['01-intro.wav', '04-launch.wav', 'music-96bpm.wav'].map((f) => path.join(DEMO_AUDIO, f))) {
      const r = spawnSync(debianFfmpeg!, ['-nostats', '-hide_banner', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
      const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
      const reference = { integrated: Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)![1]), truePeak: Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)![1]) };
      const m = await measureFile(file);
      // ebur128 prints one decimal.
      expect(Math.abs(m.integrated - reference.integrated), file).toBeLessThanOrEqual(0.1);
      expect(Math.abs(m.truePeak - reference.truePeak), file).toBeLessThanOrEqual(0.2);
    }
  });
});

describe('normaliseLoudness', () => {
  it('leaves silence as it is (no gain can bring it to a target) and says so', async () => {
    const dir = await tempDir();
    try {
      const silent = await writeWav(path.join(dir, 'silent.wav'), 2, { amplitude: 0 });
      const out = path.join(dir, 'out.m4a');
      const r = await normaliseLoudness(silent, out, { integrated: -14, truePeak: -1 });
      expect(r.mode).toBe('silent');
      expect(r.filter).toBeNull();
      expect((await measureFile(out)).integrated).toBe(-Infinity);
      expect(outputLoudnessText({ integrated: r.output.integrated, truePeak: r.output.truePeak, target: { integrated: -14, truePeak: -1 }, mode: r.mode })).toMatch(/loudness silent \(target -14 LUFS.*silent, left as is\)/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('delivery loudness of rendered files', () => {
  let dir: string;
  let planFile: string;
  let cache: string;
  const renders = new Map<string, RenderResult>();

  beforeAll(async () => {
    dir = await tempDir();
    cache = path.join(dir, 'cache');
    await writeSolidImage(path.join(dir, 'a.png'), 160, 160, [90, 120, 150]);
    await fs.copyFile(path.join(DEMO_AUDIO, '01-intro.wav'), path.join(dir, 'intro.wav'));
    await fs.copyFile(path.join(DEMO_AUDIO, 'music-96bpm.wav'), path.join(dir, 'music.wav'));
    planFile = await writePlan(dir, {
      title: 'loud',
      fps: 15,
      formats: ['1:1'],
      defaults: { transition: { type: 'cut' } },
      // From the drum groove on: real transients for the true-peak limit to meet.
      music: { file: 'music.wav', offset: 6, volume: 0.5, fadeIn: 0.5, fadeOut: 1 },
      sections: [
        { id: 'spoken', image: 'a.png', narration: 'intro.wav', motion: 'none' },
        { id: 'music', image: 'a.png', duration: 2, motion: 'none' },
      ],
    });
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const render = async (key: string, opts: Partial<Parameters<typeof renderPlan>[1]> = {}, plan = planFile): Promise<RenderResult> => {
    const loaded = await loadPlanFile(plan);
    const r = await renderPlan(loaded, { outDir: path.join(dir, key), scale: 0.1, x264Preset: 'ultrafast', cacheDir: cache, ...opts });
    renders.set(key, r);
    return r;
  };

  it('normalises to -14 LUFS with true peak <= -1 dBTP by default, and the report says what it measured', async () => {
    const out = path.join(dir, 'default');
    const run = await runCliInProcess(['render', planFile, '--scale', '0.1', '--preset', 'ultrafast', '--cache', cache, '--out', out]);
    expect(run.error).toBeNull();
    const file = path.join(out, 'loud-1x1.mp4');
    const m = await measureFile(file);
    expect(Math.abs(m.integrated - -14)).toBeLessThanOrEqual(1);
    expect(m.truePeak).toBeLessThanOrEqual(-1);
    // The per-file line prints the output's measured loudness; it agrees with the independent meter.
    const line = run.stdout.split('\n').find((l) => l.includes('loud-1x1.mp4'))!;
    const printed = /loudness (-?[\d.]+) LUFS, (-?[\d.]+) dBTP \(target -14 LUFS, <= -1 dBTP/.exec(line);
    expect(printed, line).not.toBeNull();
    expect(Math.abs(Number(printed![1]) - m.integrated)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(Number(printed![2]) - m.truePeak)).toBeLessThanOrEqual(0.3);
  });

  it('normalises to the plan\'s preset (broadcast: -23 LUFS) and leaves the mix as rendered with off', async () => {
    const broadcastPlan = await writePlan(dir, { ...JSON.parse(await fs.readFile(planFile, 'utf8')), loudness: 'broadcast' }, 'broadcast.json');
    const broadcast = await render('broadcast', {}, broadcastPlan);
    const b = await measureFile(broadcast.files[0]!.file);
    expect(Math.abs(b.integrated - -23)).toBeLessThanOrEqual(1);
    expect(b.truePeak).toBeLessThanOrEqual(-1);
    expect(broadcast.files[0]!.loudness.target).toEqual({ integrated: -23, truePeak: -1 });

    // --loudness (here the option) overrides the plan: off is the soundtrack as Remotion rendered it.
    const off = await render('off', { loudness: 'off' }, broadcastPlan);
    expect(off.files[0]!.loudness.target).toBeNull();
    const o = await measureFile(off.files[0]!.file);
    // The level before this feature: the plan rendered in one pass by Remotion, as audio-mix.test.ts does.
    const session = await RenderSession.open({ cacheDir: cache });
    const before = path.join(dir, 'before.mp4');
    try {
      const prepared = await session.prepare(await loadPlanFile(planFile), '1:1', 0.1);
      await session.renderVideo(prepared, { outputLocation: before, scale: 0.1, overwrite: true, x264Preset: 'ultrafast' });
    } finally {
      await session.close();
    }
    const rendered = await measureFile(before);
    expect(Math.abs(o.integrated - rendered.integrated)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(o.truePeak - rendered.truePeak)).toBeLessThanOrEqual(0.2);
    // And that level is far from the targets, so the two checks above are not met by chance.
    expect(o.integrated).toBeLessThan(-16);
    expect(o.integrated).toBeGreaterThan(-22);
  });

  it('gives a preview (--frames) the level of the whole video: its audio is the normalised soundtrack\'s', async () => {
    const preview = await render('preview', { frames: [30, 89] });
    expect(preview.files[0]!.segments).toBeNull();
    const full = path.join(dir, 'default', 'loud-1x1.mp4');
    const [a, b] = await Promise.all([decodePlanar(preview.files[0]!.file), decodePlanar(full)]);
    const from = 2 * a.rate;
    const part = b.channels.map((c) => c.slice(from, from + 4 * a.rate));
    const previewLoudness = integratedLoudness(a.channels, a.rate);
    expect(Math.abs(previewLoudness - integratedLoudness(part, b.rate))).toBeLessThanOrEqual(0.3);
    expect((await measureFile(preview.files[0]!.file)).truePeak).toBeLessThanOrEqual(-0.9);
    expect(a.channels[0]!.length / a.rate).toBeCloseTo(4, 1);
  });

  it('refuses an unknown preset before any work, naming the option or the plan field', async () => {
    const out = path.join(dir, 'never');
    for (const cmd of ['render', 'batch']) {
      const r = await runCliInProcess([cmd, planFile, '--loudness', 'loud', '--out', out]);
      expect(String((r.error as Error).message)).toMatch(/--loudness: one of youtube, tiktok, podcast, broadcast, off \(got "loud"\)/);
    }
    expect(existsSync(out)).toBe(false);
    for (const [loudness, field] of [['loud', /loudness/], [{ integrated: -2 }, /loudness\.integrated/]] as const) {
      const bad = await writePlan(dir, { ...JSON.parse(await fs.readFile(planFile, 'utf8')), loudness }, 'bad.json');
      const r = await runCliInProcess(['render', bad, '--out', out]);
      expect(String((r.error as Error).message)).toMatch(field);
    }
    expect(existsSync(out)).toBe(false);
  });
});
