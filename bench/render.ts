/**
 * Benchmark (not a test): render speed against ffmpeg's zoompan, measured in the same run.
 *
 * 1. Throughput at 1920x1080, 30 fps, x264 veryfast, crf 20, on the same photo: a Ken Burns
 *    section, a parallax section and a provider-clip section through Stillmotion's pipeline, and
 *    the same Ken Burns shot with ffmpeg's zoompan (the peer). Frames/s and ratios to zoompan.
 * 2. Segment cache: an 8-section plan rendered cold (empty cache), then again after editing one
 *    section; warm / cold render time.
 *
 * Writes bench-results/render.json. Run: npm run bench:render [-- --frames 90]
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { runFf } from '../src/media/ffmpeg';
import { loadPlanFile } from '../src/plan/load-plan';
import { prepareAssets } from '../src/render/prepare-assets';
import { renderPlan } from '../src/render/render-plan';
import { RenderSession } from '../src/render/render-session';
import { renderSegment, segmentJobs } from '../src/render/segments/render-segmented';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FRAMES = arg('frames', 90);
const PRESET = 'veryfast';
const CRF = 20;
const photo = path.resolve('examples/launch-day/images/rocket.jpg');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-render-'));
const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;

/** The peer's ffmpeg: Remotion's bundled one has no zoompan filter, so a static ffmpeg build from npm. */
function peerFfmpeg(): string {
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

function run(exe: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(exe)} exited ${code}: ${err.slice(-500)}`))));
  });
}

/** A 5 s 1280x720 clip made from the photo (stands in for a provider's clip: the same kind of file). */
async function makeClip(file: string): Promise<void> {
  const r = await runFf('ffmpeg', [
    '-y', '-v', 'error', '-loop', '1', '-framerate', '24', '-i', photo, '-t', '5',
    '-vf', 'scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', file,
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
}

async function throughput(): Promise<{ kenBurnsFps: number; parallaxFps: number; clipFps: number; zoompanFps: number }> {
  const dir = path.join(work, 'throughput');
  await fs.mkdir(dir, { recursive: true });
  const planFile = path.join(dir, 'plan.json');
  const dur = FRAMES / 30;
  await fs.writeFile(
    planFile,
    JSON.stringify({
      title: 'bench',
      formats: ['16:9'],
      defaults: { transition: { type: 'cut' } },
      sections: [
        { id: 'kenburns', image: photo, tier: 1, duration: dur, motion: { preset: 'zoom-in', amount: 0.15 }, focus: { x: 0.5, y: 0.5 } },
        { id: 'parallax', image: photo, tier: 2, duration: dur, parallax: { preset: 'orbit' } },
        { id: 'clip', image: photo, tier: 3, duration: dur, clip: { provider: 'runway', prompt: 'slow push in' } },
      ],
    }),
  );
  const cacheDir = path.join(dir, 'cache');
  const loaded = await loadPlanFile(planFile);
  const assets = await prepareAssets(loaded, { cacheDir, skipClips: true });
  const clip = path.join(dir, 'clip.mp4');
  await makeClip(clip);
  assets.clips.clip = { file: clip, duration: 5, width: 1280, height: 720 };
  delete assets.notes.clip;
  const session = await RenderSession.open({ cacheDir });
  const fps: Record<string, number> = {};
  try {
    const prepared = await session.prepare(loaded, '16:9', 1, assets);
    const { jobs } = await segmentJobs(session, prepared, { segmentDir: path.join(dir, 'segments'), scale: 1, x264Preset: PRESET, crf: CRF });
    const names = ['kenburns', 'parallax', 'clip'];
    for (const [i, job] of jobs.entries()) {
      const t0 = performance.now();
      await renderSegment(session, prepared, job, { scale: 1, x264Preset: PRESET, crf: CRF, concurrency: 1 });
      fps[names[i]!] = (job.seg.to - job.seg.from) / seconds(t0);
      console.log(`  ${names[i]!.padEnd(9)} ${fps[names[i]!]!.toFixed(2)} frames/s (${job.direct ? 'drawn in Node' : 'Chromium'}; ${load()})`);
    }
  } finally {
    await session.close();
  }
  // The peer: the same zoom (1 -> 1.15 about the centre) with zoompan, after cropping the photo to 16:9.
  const t0 = performance.now();
  await run(peerFfmpeg(), [
    '-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', photo,
    '-vf', `crop=iw:floor(iw*9/16/2)*2,zoompan=z='1+0.15*on/${FRAMES - 1}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=1920x1080:fps=30`,
    '-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', PRESET, '-crf', String(CRF), '-pix_fmt', 'yuv420p', path.join(dir, 'zoompan.mp4'),
  ]);
  const zoompanFps = FRAMES / seconds(t0);
  console.log(`  zoompan   ${zoompanFps.toFixed(2)} frames/s (ffmpeg ${path.basename(path.dirname(peerFfmpeg()))}; ${load()})`);
  return { kenBurnsFps: fps.kenburns!, parallaxFps: fps.parallax!, clipFps: fps.clip!, zoompanFps };
}

/** The 8-section plan of the segment-cache benchmark; `edited` changes one section's motion. */
function eightSections(edited: boolean): object {
  const img = (f: string): string => path.resolve('examples/launch-day/images', f);
  const kb = (id: string, image: string, preset: string): object => ({ id, image: img(image), tier: 1, duration: 3, motion: preset });
  return {
    title: 'bench eight',
    formats: ['16:9'],
    defaults: { transition: { type: 'crossfade', duration: 0.5 } },
    sections: [
      kb('s1', 'coffee.png', 'zoom-in'),
      { id: 's2', image: img('chelsea.png'), tier: 0, duration: 3 },
      { id: 's3', image: img('rocket.jpg'), tier: 2, duration: 3, parallax: { preset: 'orbit' } },
      kb('s4', 'astronaut.png', 'pan-right'),
      kb('s5', 'hubble_deep_field.jpg', edited ? 'zoom-out' : 'zoom-in'),
      { id: 's6', image: img('astronaut.png'), tier: 2, duration: 3, parallax: { preset: 'dolly' } },
      kb('s7', 'coffee.png', 'pan-left'),
      kb('s8', 'rocket.jpg', 'zoom-out'),
    ],
  };
}

async function segmentCache(): Promise<{ coldSeconds: number; warmSeconds: number; warmRatio: number; frames: number }> {
  const dir = path.join(work, 'eight');
  const cacheDir = path.join(dir, 'cache');
  const planFile = path.join(dir, 'plan.json');
  await fs.mkdir(dir, { recursive: true });
  const render = async (edited: boolean): Promise<{ s: number; frames: number; note: string }> => {
    await fs.writeFile(planFile, JSON.stringify(eightSections(edited)));
    const t0 = performance.now();
    const r = await renderPlan(await loadPlanFile(planFile), { outDir: path.join(dir, 'out'), cacheDir, x264Preset: PRESET, crf: CRF });
    const f = r.files[0]!;
    const st = f.segments!;
    return { s: seconds(t0), frames: f.frames, note: `${st.segments} segments: ${st.reused} reused, ${st.direct} drawn in Node, ${st.browser} in Chromium` };
  };
  const cold = await render(false);
  console.log(`  cold      ${cold.s.toFixed(1)} s for ${cold.frames} frames (${cold.note}; ${load()})`);
  const warm = await render(true);
  console.log(`  warm      ${warm.s.toFixed(1)} s after changing section 5's motion (${warm.note}; ${load()})`);
  return { coldSeconds: cold.s, warmSeconds: warm.s, warmRatio: warm.s / cold.s, frames: cold.frames };
}

try {
  console.log(`Render speed, 1920x1080 30 fps, x264 ${PRESET} crf ${CRF}, ${FRAMES} frames a shot, photo ${path.basename(photo)}`);
  const t = await throughput();
  console.log('Segment cache, 8 sections of 3 s, crossfades, 1920x1080');
  const c = await segmentCache();
  const result = {
    ...t,
    kenBurnsRatio: t.kenBurnsFps / t.zoompanFps,
    parallaxRatio: t.parallaxFps / t.zoompanFps,
    clipRatio: t.clipFps / t.zoompanFps,
    coldSeconds: c.coldSeconds,
    warmSeconds: c.warmSeconds,
    warmRatio: c.warmRatio,
    frames: FRAMES,
    cores: os.cpus().length,
    date: new Date().toISOString(),
  };
  console.log(
    `Ken Burns ${result.kenBurnsRatio.toFixed(2)}x zoompan (goal >= 0.5), parallax ${result.parallaxRatio.toFixed(2)}x (goal >= 0.35), clip ${result.clipRatio.toFixed(2)}x; warm/cold ${result.warmRatio.toFixed(2)} (goal <= 0.25)`,
  );
  await fs.mkdir('bench-results', { recursive: true });
  await fs.writeFile('bench-results/render.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('written: bench-results/render.json');
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
