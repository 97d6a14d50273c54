/**
 * Benchmark (not a test): render speed against ffmpeg's zoompan, measured in the same run.
 *
 * 1. Throughput at 1920x1080, 30 fps, x264 veryfast, crf 20, on the same photo: a Ken Burns
 *    section, a parallax section, a provider-clip section, and a 1 s slide and a 1 s wipe (transition
 *    segments between Ken Burns and a still) through Stillmotion's pipeline, and
 *    the same Ken Burns shot with ffmpeg's zoompan (the peer). Each shot is measured `--rounds`
 *    times (default 3), interleaved with the peer (zoompan, Ken Burns, zoompan, parallax, zoompan,
 *    clip, zoompan, slide, zoompan, wipe, and again), so a change in the machine's load hits both sides of a ratio alike. Printed:
 *    median frames/s and their spread (min-max); each ratio is the median of the per-round ratios
 *    of a shot to the zoompan runs beside it (geometric mean of the one just before and just after).
 *    Also the CPU time each run took, all processes included (this one, the spawn relay, the
 *    encoders, zoompan's ffmpeg; from /proc on Linux): frames per CPU-second do not depend on what
 *    else runs on the machine, so their ratio says what the ratio of frames/s tends to when both
 *    sides are limited by the same cores.
 * 2. Sharpness: the variance of the Laplacian of Gaussian (sigma 1 px) on the subject of a parallax
 *    frame (the orbit half way, layers at rest, zoom 1) against the Ken Burns frame of the same photo
 *    at the same zoom (its first), both from the segments rendered above; parallax / Ken Burns.
 * 3. Segment cache: an 8-section plan rendered cold (empty cache), then again after editing one
 *    section; warm / cold render time.
 *
 * Writes bench-results/render.json. Run: npm run bench:render [-- --frames 90 --rounds 3]
 * (fewer frames or rounds for a quick look: -- --frames 30 --rounds 1).
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
import { DrawScratchPool } from '../src/render/direct/draw-frame';
import { renderSegment, segmentJobs } from '../src/render/segments/render-segmented';
import { treeCpuSeconds } from './tree-cpu';
import { laplacianVariance, readLuma, sharpness, subjectRect } from '../test/layers/sharpness';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const FRAMES = arg('frames', 90);
const ROUNDS = Math.max(1, Math.round(arg('rounds', 3)));
const PRESET = 'veryfast';
const CRF = 20;
const photo = path.resolve('examples/launch-day/images/rocket.jpg');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-render-'));
const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;
const loads: number[] = [];
const noteLoad = (): void => void loads.push(os.loadavg()[0]!);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const spread = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
const fmt = (xs: number[], digits = 2): string => `${median(xs).toFixed(digits)} (${spread(xs).map((x) => x.toFixed(digits)).join('-')})`;

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

/** Frames/s of each shot per round, the zoompan runs (one before the first shot, one after each), and the sharpness of the two drawn scenes. */
interface Throughput {
  fps: Record<Shot, number[]>;
  /** Per round and shot: that shot's frames/s over the zoompan runs beside it (geometric mean of the one before and after). */
  ratios: Record<Shot, number[]>;
  zoompan: number[];
  /** Frames per CPU-second of each shot's runs and of the zoompan runs (empty where /proc is not there). */
  cpuFps: Record<Shot, number[]>;
  zoompanCpuFps: number[];
  sharpness: { kenBurns: number; parallax: number; ratio: number; laplacianRatio: number };
  /** 'node' or 'chromium' per shot. */
  drawnBy: Record<Shot, 'node' | 'chromium'>;
}
type Shot = 'kenburns' | 'parallax' | 'clip' | 'slide' | 'wipe';
const SHOTS: Shot[] = ['kenburns', 'parallax', 'clip', 'slide', 'wipe'];
/** Shots that are a transition segment (out of the section they name), not a scene. */
const TRANSITION_SHOTS: ReadonlySet<Shot> = new Set(['slide', 'wipe']);

async function throughput(): Promise<Throughput> {
  const dir = path.join(work, 'throughput');
  await fs.mkdir(dir, { recursive: true });
  // The photo sits beside the plan, as a user's images do (plans may not reach outside their folder).
  await fs.copyFile(photo, path.join(dir, path.basename(photo)));
  const image = path.basename(photo);
  const planFile = path.join(dir, 'plan.json');
  const dur = FRAMES / 30;
  // Ken Burns and parallax frame the same subject (same focus), so their sharpness compares like for like.
  const focus = { x: 0.5, y: 0.5 };
  await fs.writeFile(
    planFile,
    JSON.stringify({
      title: 'bench',
      formats: ['16:9'],
      defaults: { transition: { type: 'cut' } },
      sections: [
        { id: 'kenburns', image, tier: 1, duration: dur, motion: { preset: 'zoom-in', amount: 0.15 }, focus },
        { id: 'parallax', image, tier: 2, duration: dur, parallax: { preset: 'orbit' }, focus },
        { id: 'clip', image, tier: 3, duration: dur, clip: { provider: 'runway', prompt: 'slow push in' } },
        // A 1 s slide and a 1 s wipe between Ken Burns and a still of the same photo (transition segments).
        { id: 'slide-out', image, tier: 1, duration: 2, motion: { preset: 'zoom-in', amount: 0.2 }, focus, transition: { type: 'slide', direction: 'from-right', duration: 1 } },
        { id: 'wipe-out', image, tier: 0, duration: 2, focus, transition: { type: 'wipe', direction: 'from-left', duration: 1 } },
        { id: 'after', image, tier: 1, duration: 2, motion: { preset: 'zoom-out', amount: 0.2 }, focus },
      ],
    }),
  );
  const cacheDir = path.join(dir, 'cache');
  const loaded = await loadPlanFile(planFile);
  let t0 = performance.now();
  const assets = await prepareAssets(loaded, { cacheDir, skipClips: true });
  const m = assets.layers[image]!;
  console.log(`  prepared  ${seconds(t0).toFixed(2)} s: focus, depth and ${m.layers.length} layers of ${m.layerWidth}x${m.layerHeight} px (image area ${m.width}x${m.height}; ${load()})`);
  const clip = path.join(dir, 'clip.mp4');
  await makeClip(clip);
  assets.clips.clip = { file: clip, duration: 5, width: 1280, height: 720 };
  delete assets.notes.clip;
  const session = await RenderSession.open({ cacheDir });
  const fps = Object.fromEntries(SHOTS.map((s) => [s, []])) as unknown as Record<Shot, number[]>;
  const ratios = Object.fromEntries(SHOTS.map((s) => [s, []])) as unknown as Record<Shot, number[]>;
  const zoompan: number[] = [];
  const cpuFps = Object.fromEntries(SHOTS.map((s) => [s, []])) as unknown as Record<Shot, number[]>;
  const zoompanCpuFps: number[] = [];
  const drawnBy = {} as Record<Shot, 'node' | 'chromium'>;
  let sharp: Throughput['sharpness'];
  try {
    const prepared = await session.prepare(loaded, '16:9', 1, assets);
    const t = prepared.timeline;
    const { jobs } = await segmentJobs(session, prepared, { segmentDir: path.join(dir, 'segments'), scale: 1, x264Preset: PRESET, crf: CRF });
    const jobOf = (shot: Shot) =>
      jobs.find((j) =>
        TRANSITION_SHOTS.has(shot)
          ? j.seg.kind === 'transition' && t.scenes[j.seg.scenes[0]!]!.transitionOut?.type === shot
          : j.seg.kind === 'scene' && t.scenes[j.seg.scenes[0]!]!.id === shot,
      )!;
    // zoompan, shot, zoompan, shot, ... zoompan: every shot sits between two peer runs.
    const runs: { shot: Shot; round: number; fps: number; direct: boolean }[] = [];
    // Frames per CPU-second of what `measure` runs (nothing when /proc cannot be read).
    const perCpu = async (frames: number, measure: () => Promise<number>, into: number[]): Promise<number> => {
      const c0 = treeCpuSeconds();
      const fps = await measure();
      const c1 = treeCpuSeconds();
      if (c0 !== null && c1 !== null && c1 > c0) into.push(frames / (c1 - c0));
      return fps;
    };
    const peer = (): Promise<number> => perCpu(FRAMES, () => zoompanFps(dir), zoompanCpuFps);
    // Drawing memory reused from segment to segment, as renderSegmented does for a format's segments.
    const scratch = new DrawScratchPool();
    zoompan.push(await peer());
    for (let round = 1; round <= ROUNDS; round++) {
      for (const shot of SHOTS) {
        const job = jobOf(shot);
        const frames = job.seg.to - job.seg.from;
        const f = await perCpu(frames, async () => {
          t0 = performance.now();
          await renderSegment(session, prepared, job, { scale: 1, x264Preset: PRESET, crf: CRF, concurrency: 1, scratch });
          return frames / seconds(t0);
        }, cpuFps[shot]);
        noteLoad();
        runs.push({ shot, round, fps: f, direct: job.direct });
        drawnBy[shot] = job.direct ? 'node' : 'chromium';
        zoompan.push(await peer());
      }
    }
    runs.forEach((r, i) => {
      // The peer beside the shot: the geometric mean of the zoompan runs just before and just after it.
      const peer = Math.sqrt(zoompan[i]! * zoompan[i + 1]!);
      fps[r.shot].push(r.fps);
      ratios[r.shot].push(r.fps / peer);
      console.log(
        `  round ${r.round}  ${r.shot.padEnd(8)} ${r.fps.toFixed(2)} frames/s, zoompan ${zoompan[i]!.toFixed(2)} before and ${zoompan[i + 1]!.toFixed(2)} after: ${(r.fps / peer).toFixed(2)}x (${r.direct ? 'drawn in Node' : 'Chromium'})`,
      );
    });
    console.log(`  (${load()})`);
    // Sharpness of the subject: Ken Burns at its first frame (zoom 1), the orbit half way (layers at rest, zoom 1).
    const frame = async (shot: Shot, f: number): Promise<{ s: number; l: number }> => {
      const scene = t.scenes.find((sc) => sc.id === shot)!;
      const luma = await readLuma(jobOf(shot).file, f, t.fps);
      const rect = subjectRect(scene, f, luma.width, luma.height);
      return { s: sharpness(luma, rect), l: laplacianVariance(luma, rect) };
    };
    const kb = await frame('kenburns', 0);
    const px = await frame('parallax', Math.floor((jobOf('parallax').seg.to - jobOf('parallax').seg.from) / 2));
    sharp = { kenBurns: kb.s, parallax: px.s, ratio: px.s / kb.s, laplacianRatio: px.l / kb.l };
  } finally {
    await session.close();
  }
  return { fps, ratios, zoompan, cpuFps, zoompanCpuFps, sharpness: sharp, drawnBy };
}

/** The peer: the same zoom (1 -> 1.15 about the centre) with zoompan, after cropping the photo to 16:9. */
async function zoompanFps(dir: string): Promise<number> {
  const t0 = performance.now();
  await run(peerFfmpeg(), [
    '-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', photo,
    '-vf', `crop=iw:floor(iw*9/16/2)*2,zoompan=z='1+0.15*on/${FRAMES - 1}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=1920x1080:fps=30`,
    '-frames:v', String(FRAMES), '-c:v', 'libx264', '-preset', PRESET, '-crf', String(CRF), '-pix_fmt', 'yuv420p', path.join(dir, 'zoompan.mp4'),
  ]);
  return FRAMES / seconds(t0);
}

/** The 8-section plan of the segment-cache benchmark; `edited` changes one section's motion. */
function eightSections(edited: boolean): object {
  const img = (f: string): string => `images/${f}`;
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
  // The images sit in the plan's folder, as a user's do (plans may not reach outside it).
  await fs.cp(path.resolve('examples/launch-day/images'), path.join(dir, 'images'), { recursive: true });
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
  console.log(`Render speed, 1920x1080 30 fps, x264 ${PRESET} crf ${CRF}, ${FRAMES} frames a shot, ${ROUNDS} rounds interleaved with zoompan, photo ${path.basename(photo)}`);
  console.log(`  (ffmpeg ${path.basename(path.dirname(peerFfmpeg()))} as the peer; ${load()})`);
  const t = await throughput();
  console.log('Segment cache, 8 sections of 3 s, crossfades, 1920x1080');
  const c = await segmentCache();
  noteLoad();
  const ratio = (shot: Shot): number => median(t.ratios[shot]);
  const hasCpu = t.zoompanCpuFps.length > 0 && SHOTS.every((s) => t.cpuFps[s].length > 0);
  // Frames per CPU-second, shot over zoompan (medians), where /proc could be read.
  const cpuRatio = (shot: Shot): number | null => (hasCpu ? median(t.cpuFps[shot]) / median(t.zoompanCpuFps) : null);
  const result = {
    kenBurnsFps: median(t.fps.kenburns),
    parallaxFps: median(t.fps.parallax),
    clipFps: median(t.fps.clip),
    slideFps: median(t.fps.slide),
    wipeFps: median(t.fps.wipe),
    zoompanFps: median(t.zoompan),
    kenBurnsRatio: ratio('kenburns'),
    parallaxRatio: ratio('parallax'),
    clipRatio: ratio('clip'),
    slideRatio: ratio('slide'),
    wipeRatio: ratio('wipe'),
    coldSeconds: c.coldSeconds,
    warmSeconds: c.warmSeconds,
    warmRatio: c.warmRatio,
    /** Min and max over the rounds (frames/s, and per-round ratios to the zoompan runs beside each shot). */
    spread: {
      kenBurnsFps: spread(t.fps.kenburns),
      parallaxFps: spread(t.fps.parallax),
      clipFps: spread(t.fps.clip),
      slideFps: spread(t.fps.slide),
      wipeFps: spread(t.fps.wipe),
      zoompanFps: spread(t.zoompan),
      kenBurnsRatio: spread(t.ratios.kenburns),
      parallaxRatio: spread(t.ratios.parallax),
      clipRatio: spread(t.ratios.clip),
      slideRatio: spread(t.ratios.slide),
      wipeRatio: spread(t.ratios.wipe),
    },
    /**
     * Frames per CPU-second (all processes of a run) and their ratio to zoompan's: what the ratios
     * above tend to when both sides are limited by the same busy cores. Null where /proc is missing.
     */
    cpu: hasCpu
      ? {
          framesPerCpuSecond: { ...Object.fromEntries(SHOTS.map((s) => [s, median(t.cpuFps[s])])), zoompan: median(t.zoompanCpuFps) },
          ratios: Object.fromEntries(SHOTS.map((s) => [s, cpuRatio(s)])),
        }
      : null,
    /** Which renderer drew each shot (a transition or clip still in Chromium is slower for that reason). */
    drawnBy: t.drawnBy,
    /** Subject sharpness (variance of the Laplacian of Gaussian, sigma 1 px) of parallax over Ken Burns at the same zoom. */
    parallaxSharpnessRatio: t.sharpness.ratio,
    sharpness: t.sharpness,
    rounds: ROUNDS,
    frames: FRAMES,
    cores: os.cpus().length,
    loadAverage: { median: median(loads), range: spread(loads) },
    date: new Date().toISOString(),
  };
  console.log(
    `Median frames/s (min-max over ${ROUNDS} rounds): Ken Burns ${fmt(t.fps.kenburns)}, parallax ${fmt(t.fps.parallax)}, clip ${fmt(t.fps.clip)}, slide ${fmt(t.fps.slide)}, wipe ${fmt(t.fps.wipe)}, zoompan ${fmt(t.zoompan)}`,
  );
  console.log(
    `Ratios to zoompan (median of per-round ratios to the zoompan runs beside each shot, min-max): Ken Burns ${fmt(t.ratios.kenburns)} (goal >= 0.8), parallax ${fmt(t.ratios.parallax)} (goal >= 0.5), clip ${fmt(t.ratios.clip)} (goal >= 0.5), slide ${fmt(t.ratios.slide)}, wipe ${fmt(t.ratios.wipe)}; warm/cold ${result.warmRatio.toFixed(2)} (goal <= 0.25)`,
  );
  if (hasCpu) {
    console.log(
      `Frames per CPU-second, all processes (median, min-max): Ken Burns ${fmt(t.cpuFps.kenburns)}, parallax ${fmt(t.cpuFps.parallax)}, clip ${fmt(t.cpuFps.clip)}, slide ${fmt(t.cpuFps.slide)}, wipe ${fmt(t.cpuFps.wipe)}, zoompan ${fmt(t.zoompanCpuFps)}; ` +
        `over zoompan's: ${SHOTS.map((s) => `${s} ${cpuRatio(s)!.toFixed(2)}`).join(', ')}`,
    );
  }
  console.log(
    `Sharpness of the subject, parallax / Ken Burns at zoom 1: ${t.sharpness.ratio.toFixed(2)} (LoG variance ${t.sharpness.parallax.toFixed(2)} / ${t.sharpness.kenBurns.toFixed(2)}; plain Laplacian ${t.sharpness.laplacianRatio.toFixed(2)}; goal >= 0.8)`,
  );
  console.log(`Load average during the run: median ${median(loads).toFixed(2)}, ${spread(loads).map((x) => x.toFixed(2)).join('-')} on ${os.cpus().length} cores`);
  await fs.mkdir('bench-results', { recursive: true });
  await fs.writeFile('bench-results/render.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('written: bench-results/render.json');
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
