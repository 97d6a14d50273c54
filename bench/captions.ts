/**
 * Benchmark (not a test): what burned-in captions cost the Node-drawn (direct) renderer.
 *
 * A 9:16 Ken Burns section at 1080x1920, 30 fps, x264 veryfast, crf 20, on the example photo,
 * rendered through Stillmotion's segments without captions and with word-timed bold captions
 * (WORDS_PER_SECOND, pages as the timeline builds them), as renderPlan renders a format: timed
 * from the start of the format's preparation (pre-scaling, its composition, the segment jobs),
 * on both sides, because renderPlan starts the caption pictures' Chromium pass with it. Measured
 * `--rounds` times (default 3), interleaved (without, with, without, with, ...), so a change in the
 * machine's load hits both sides alike. "With" is cold: the overlay picture cache is emptied
 * before each such run, so it includes the Chromium pass that renders each caption page once
 * (plain and lit: Node makes its word states from the two; the pass runs while Node prepares and
 * draws; frames wait only for the pictures they show); a warm figure (pictures cached, as on a
 * re-render) is measured once at the end. Printed: median frames/s of each, and the ratio
 * with/without (median of the per-round ratios, each against the mean of the runs without
 * captions just before and after it), with its range. Issue #16 asks >= 0.85; the aim is >= 0.95,
 * so that it holds on a busy machine. Also printed, to see where the rest goes: the preparation's
 * share, the pictures and frames Chromium rendered, how long Node's frames waited for them (and
 * for the first), what compositing costs a frame (measured apart on the same pictures), and frames
 * per CPU-second of each side, all processes included (bench/tree-cpu.ts), and their ratio: a
 * figure the machine's load does not move.
 *
 * Writes bench-results/captions.json. Run: npm run bench:captions [-- --seconds 10 --rounds 3]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeOverlays } from '../src/frame/describe-overlays';
import { loadPlanFile } from '../src/plan/load-plan';
import type { Media } from '../src/plan/schema';
import type { Overlay } from '../src/frame/overlay';
import { blendOverlay } from '../src/render/direct/overlay-blend';
import { OverlayPictures, type OverlayPicture } from '../src/render/overlays/overlay-pictures';
import { distinctOverlays, framesOverlays, startOverlays, startTimelineOverlays } from '../src/render/overlays/segment-overlays';
import { DrawScratchPool } from '../src/render/direct/draw-frame';
import { RenderSession, type PreparedFormat } from '../src/render/render-session';
import { renderSegment, segmentJobs } from '../src/render/segments/render-segmented';
import { buildTimeline } from '../src/timeline/build-timeline';
import { countingRenderer } from '../test/helpers/counting-renderer';
import { writeWav } from '../test/helpers/fixtures';
import { treeCpuSeconds } from './tree-cpu';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 10);
const ROUNDS = Math.max(1, Math.round(arg('rounds', 3)));
const PRESET = 'veryfast' as const;
const CRF = 20;
const photo = path.resolve('examples/launch-day/images/rocket.jpg');
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-captions-'));
const since = (t0: number): number => (performance.now() - t0) / 1000;
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const fmt = (xs: number[]): string => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;

/**
 * The narration's words, in order (145, so runs up to 55 s at WORDS_PER_SECOND show each page once:
 * repeated words would make repeated pages, which the pass renders once, and flatter it).
 */
const TEXT = [
  'Every launch starts with a countdown. Ten engineers, one rocket and a clear night over the pad. The tower falls away, the engines light, and for a moment everything is quiet before the sky opens up.',
  'Minutes later the first stage separates and tumbles back toward the ocean, where a drone ship waits in the swell with its lights burning against the dark water.',
  'Inside the control room nobody speaks. Telemetry scrolls past in green columns, pressures and temperatures and velocities, each one checked against the numbers written months ago in quiet offices far from any coast.',
  'Then the fairing opens like a flower and the satellite drifts free, turning slowly in sunlight that will not set for another forty minutes.',
  'Somebody finally laughs, somebody else starts clapping, and the long night of waiting becomes a morning of coffee, handshakes and the first tired photographs.',
].join(' ');

/** A brisk narration pace (about 155 words a minute). */
const WORDS_PER_SECOND = 2.6;

/** Word timings for TEXT spread over the narration: each word's length by its letters, short gaps between, a pause after each sentence. */
function words(seconds: number): NonNullable<Media['captions']>[string]['captions'] {
  const all = TEXT.split(' ');
  const list = Array.from({ length: Math.max(1, Math.round(seconds * WORDS_PER_SECOND)) }, (_, i) => all[i % all.length]!);
  const weight = list.map((w) => w.length + 2 + (/[.,]$/.test(w) ? 6 : 0));
  const total = weight.reduce((a, b) => a + b, 0);
  const msPer = (seconds * 1000 * 0.95) / total;
  let at = 0;
  return list.map((w, i) => {
    const startMs = Math.round(at);
    const endMs = Math.round(at + (w.length + 2) * msPer * 0.9);
    at += weight[i]! * msPer;
    return { text: i === 0 ? w : ` ${w}`, startMs, endMs, timestampMs: null, confidence: null };
  });
}

async function main(): Promise<void> {
  await fs.copyFile(photo, path.join(work, path.basename(photo)));
  await writeWav(path.join(work, 'narration.wav'), SECONDS, { amplitude: 0.2 });
  const planFile = path.join(work, 'plan.json');
  await fs.writeFile(
    planFile,
    JSON.stringify({
      title: 'bench captions',
      formats: ['9:16'],
      captions: { style: 'bold' },
      sections: [{ id: 'a', image: path.basename(photo), tier: 1, duration: SECONDS, motion: { preset: 'zoom-in', amount: 0.15 }, narration: 'narration.wav' }],
    }),
  );
  const loaded = await loadPlanFile(planFile);
  const cacheDir = path.join(work, 'cache');
  const session = await RenderSession.open({ cacheDir });
  const result: Record<string, unknown> = {};
  try {
    const plain = await session.prepare(loaded, '9:16', 1);
    const media = { ...plain.inputProps.media!, captions: { 'narration.wav': { level: 'word' as const, source: 'align' as const, captions: words(SECONDS) } } };
    const captioned: PreparedFormat = { ...plain, inputProps: { ...plain.inputProps, media }, timeline: buildTimeline(loaded.plan, media, '9:16') };
    const t = captioned.timeline;
    const pages = t.captions?.pages.length ?? 0;
    const distinct = distinctOverlays(Array.from({ length: t.durationInFrames }, (_, f) => describeOverlays(t, f))).length;
    if (words(SECONDS).length > TEXT.split(' ').length) console.log(`  (the text's ${TEXT.split(' ').length} words repeat in ${SECONDS} s: repeated pages are rendered once, so the pass costs less than new narration would)`);
    console.log(`captions bench: 9:16 1080x1920, ${t.durationInFrames} frames, ${words(SECONDS).length} words on ${pages} pages (${distinct} distinct pictures to composite), x264 ${PRESET} crf ${CRF}`);
    const settings = { scale: 1, x264Preset: PRESET, crf: CRF, concurrency: 1 };
    const jobsOf = async (p: PreparedFormat, name: string) => (await segmentJobs(session, p, { ...settings, segmentDir: path.join(work, name) })).jobs;
    const plainJobs = await jobsOf(plain, 'plain');
    const capJobs = await jobsOf(captioned, 'captioned');
    if (![...plainJobs, ...capJobs].every((j) => j.direct)) throw new Error('the bench expects every segment drawn in Node');
    const frames = t.durationInFrames;
    const overlayDir = path.join(session.cacheDir, 'overlays');
    /** Renders every segment; with captions, the overlay pictures first (one Chromium pass), as renderSegmented does. */
    // The session, counting the pictures Chromium renders (and the frames they come in).
    const counting = countingRenderer(session);
    /** OverlayPictures that adds up how long frames wait for a picture that is not there yet. */
    class TimedPictures extends OverlayPictures {
      waited = 0;
      /** Of `waited`, the wait for the first picture (the page opening in Chromium). */
      firstWait = 0;
      private readonly ready = new Set<string>();
      override async picture(o: Overlay): Promise<OverlayPicture> {
        const p = super.picture(o);
        if (this.ready.has(o.key)) return p;
        const t0 = performance.now();
        const picture = await p;
        const ms = performance.now() - t0;
        if (!this.ready.size) this.firstWait = ms;
        this.waited += ms;
        this.ready.add(o.key);
        return picture;
      }
      /** The picture when made, not timed (for the pass's own clock). */
      made(o: Overlay): Promise<OverlayPicture> {
        return super.picture(o);
      }
    }
    let lastPictures: TimedPictures | null = null;
    /**
     * Renders the format as renderPlan does, timed from the start of its preparation: with
     * captions, the overlay pass starts with it (startTimelineOverlays); then the preparation
     * (pre-scaling, the composition), the segment jobs and every segment, on both sides.
     */
    const renderAll = async (p: PreparedFormat, name: string, captions: boolean): Promise<{ fps: number; cpuFps: number | null; overlaySeconds: number; waited: number; firstWait: number; pictures: number; chromiumFrames: number; prepareSeconds: number }> => {
      const t0 = performance.now();
      const c0 = treeCpuSeconds();
      let overlaySeconds = 0;
      counting.pictures = 0;
      counting.frames = 0;
      const overlayPictures = new TimedPictures(counting, settings.scale);
      lastPictures = overlayPictures;
      if (captions) startTimelineOverlays(p.timeline, overlayPictures);
      await session.prepare(loaded, '9:16', settings.scale);
      const jobs = await jobsOf(p, name);
      const prepareSeconds = since(t0);
      if (captions) {
        startOverlays(p.timeline, jobs, overlayPictures, false);
        // How long the Chromium pass takes (it runs while Node prepares and draws).
        void Promise.all(jobs.flatMap((j) => framesOverlays(p.timeline, j.seg.from, j.seg.to).flat()).map((o) => overlayPictures.made(o))).then(() => (overlaySeconds = since(t0)));
      }
      // Drawing memory reused from segment to segment, as renderSegmented does.
      const scratch = new DrawScratchPool();
      for (const job of jobs) await renderSegment(session, p, job, { ...settings, scratch, overlayPictures });
      const c1 = treeCpuSeconds();
      return { fps: frames / since(t0), cpuFps: c0 !== null && c1 !== null ? frames / (c1 - c0) : null, overlaySeconds, waited: overlayPictures.waited / 1000, firstWait: overlayPictures.firstWait / 1000, pictures: counting.pictures, chromiumFrames: counting.frames, prepareSeconds };
    };
    const without: number[] = [];
    const withCold: number[] = [];
    const overlaySeconds: number[] = [];
    const waited: number[] = [];
    const pictures: number[] = [];
    // Frames per CPU-second (all processes of a run, Chromium's included): what the ratio is without the machine's load.
    const withoutCpu: (number | null)[] = [];
    const withCpu: (number | null)[] = [];
    const plainRun = async (): Promise<number> => {
      const r = await renderAll(plain, 'plain', false);
      withoutCpu.push(r.cpuFps);
      return r.fps;
    };
    without.push(await plainRun());
    for (let round = 1; round <= ROUNDS; round++) {
      await fs.rm(overlayDir, { recursive: true, force: true });
      const r = await renderAll(captioned, 'captioned', true);
      withCold.push(r.fps);
      overlaySeconds.push(r.overlaySeconds);
      waited.push(r.waited);
      pictures.push(r.pictures);
      withCpu.push(r.cpuFps);
      without.push(await plainRun());
      console.log(
        `  round ${round}: without ${without[round - 1]!.toFixed(2)}, with captions ${r.fps.toFixed(2)} (preparation ${r.prepareSeconds.toFixed(2)} s; ${r.pictures} pictures from Chromium in ${r.chromiumFrames} frames, pass done after ${r.overlaySeconds.toFixed(2)} s, frames waited ${r.waited.toFixed(2)} s for them, ${r.firstWait.toFixed(2)} s of it for the first), without ${without[round]!.toFixed(2)} frames/s`,
      );
    }
    const ratios = withCold.map((w, i) => w / ((without[i]! + without[i + 1]!) / 2));
    const cpuRatios = withCpu.every((c) => c !== null) && withoutCpu.every((c) => c !== null) ? withCpu.map((w, i) => w! / ((withoutCpu[i]! + withoutCpu[i + 1]!) / 2)) : null;
    const warm = (await renderAll(captioned, 'captioned', true)).fps;
    const warmRatio = warm / without[without.length - 1]!;
    // Compositing apart: every frame's overlays over a 1080x1920 frame, on the pictures just made.
    const shown = Array.from({ length: frames }, (_, f) => describeOverlays(t, f));
    const made = await Promise.all(shown.map((list) => Promise.all(list.map(async (o) => ({ o, p: await lastPictures!.picture(o) })))));
    const plane = (w: number, h: number) => ({ width: w, height: h, stride: w, data: new Uint8Array(w * h).fill(90) });
    const canvas = { width: t.width, height: t.height, y: plane(t.width, t.height), u: plane(t.width / 2, t.height / 2), v: plane(t.width / 2, t.height / 2) };
    const blendAll = (): void => {
      for (const list of made) for (const { o, p } of list) blendOverlay(p.image, p.x, p.y, canvas, o.kind === 'card' ? o.opacity : 1);
    };
    blendAll();
    const tb = performance.now();
    blendAll();
    const blendMs = (performance.now() - tb) / frames;
    console.log(`  without captions          ${fmt(without)} frames/s`);
    console.log(`  with captions (cold)      ${fmt(withCold)} frames/s; Chromium pass done after ${fmt(overlaySeconds)} s; frames waited ${fmt(waited)} s for pictures`);
    console.log(`  with captions (warm)      ${warm.toFixed(2)} frames/s (pictures cached)`);
    console.log(`  compositing               ${blendMs.toFixed(2)} ms a frame (${(blendMs * frames / 1000).toFixed(2)} s for the ${frames} frames)`);
    console.log(`  ratio with/without (cold) ${fmt(ratios)}  (issue #16: >= 0.85; aim >= 0.95)   warm ${warmRatio.toFixed(2)}`);
    if (cpuRatios) console.log(`  frames per CPU-second     without ${fmt(withoutCpu as number[])}, with (cold) ${fmt(withCpu as number[])}; ratio ${fmt(cpuRatios)} (all processes: does not depend on the machine's load)`);
    console.log(`  (${load()})`);
    Object.assign(result, { frames, pages, distinctPictures: distinct, rounds: ROUNDS, without, withCold, overlaySeconds, waited, pictures, warm, ratios, ratio: median(ratios), withoutCpu, withCpu, cpuRatios, cpuRatio: cpuRatios ? median(cpuRatios) : null, warmRatio, blendMsPerFrame: blendMs, loadAverage: os.loadavg()[0] });
  } finally {
    await session.close();
    await fs.rm(work, { recursive: true, force: true });
  }
  await fs.mkdir('bench-results', { recursive: true });
  await fs.writeFile('bench-results/captions.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('written: bench-results/captions.json');
}

await main();
