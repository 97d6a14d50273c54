/**
 * Benchmark (not a test): what burned-in captions cost the Node-drawn (direct) renderer.
 *
 * A 9:16 Ken Burns section at 1080x1920, 30 fps, x264 veryfast, crf 20, on the example photo,
 * rendered through Stillmotion's segments without captions and with word-timed bold captions
 * (WORDS_PER_SECOND, pages as the timeline builds them). Measured `--rounds` times (default 3),
 * interleaved (without, with, without, with, ...), so a change in the machine's load hits both
 * sides alike. "With" is cold: the overlay picture cache is emptied before each such run, so it
 * includes the Chromium pass that renders each distinct caption page once (it runs while Node
 * draws; frames wait only for the pictures they show); a warm figure (pictures
 * cached, as on a re-render) is measured once at the end. Printed: median frames/s of each, and
 * the ratio with/without (median of the per-round ratios, each against the mean of the runs
 * without captions just before and after it). Target: >= 0.85.
 *
 * Writes bench-results/captions.json. Run: npm run bench:captions [-- --seconds 10 --rounds 3]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeOverlays } from '../src/frame/describe-overlays';
import { loadPlanFile } from '../src/plan/load-plan';
import type { Media } from '../src/plan/schema';
import { OverlayPictures } from '../src/render/overlays/overlay-pictures';
import { framesOverlays, startOverlays } from '../src/render/overlays/segment-overlays';
import { RenderSession, type PreparedFormat } from '../src/render/render-session';
import { renderSegment, segmentJobs } from '../src/render/segments/render-segmented';
import { buildTimeline } from '../src/timeline/build-timeline';
import { writeWav } from '../test/helpers/fixtures';

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

const TEXT =
  'Every launch starts with a countdown. Ten engineers, one rocket and a clear night over the pad. The tower falls away, the engines light, and for a moment everything is quiet before the sky opens up.';

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
    const distinct = new Set(Array.from({ length: t.durationInFrames }, (_, f) => describeOverlays(t, f).map((o) => o.key).join('|')).filter(Boolean)).size;
    console.log(`captions bench: 9:16 1080x1920, ${t.durationInFrames} frames, ${words(SECONDS).length} words on ${pages} pages (${distinct} distinct overlays), x264 ${PRESET} crf ${CRF}`);
    const settings = { scale: 1, x264Preset: PRESET, crf: CRF, concurrency: 1 };
    const jobsOf = async (p: PreparedFormat, name: string) => (await segmentJobs(session, p, { ...settings, segmentDir: path.join(work, name) })).jobs;
    const plainJobs = await jobsOf(plain, 'plain');
    const capJobs = await jobsOf(captioned, 'captioned');
    if (![...plainJobs, ...capJobs].every((j) => j.direct)) throw new Error('the bench expects every segment drawn in Node');
    const frames = t.durationInFrames;
    const overlayDir = path.join(session.cacheDir, 'overlays');
    /** Renders every segment; with captions, the overlay pictures first (one Chromium pass), as renderSegmented does. */
    const renderAll = async (p: PreparedFormat, jobs: typeof plainJobs, captions: boolean): Promise<{ fps: number; overlaySeconds: number }> => {
      const t0 = performance.now();
      let overlaySeconds = 0;
      const overlayPictures = new OverlayPictures(session, settings.scale);
      if (captions) {
        startOverlays(p.timeline, jobs, overlayPictures, false);
        // How long the Chromium pass takes (it runs while Node draws).
        void Promise.all(jobs.flatMap((j) => framesOverlays(p.timeline, j.seg.from, j.seg.to).flat()).map((o) => overlayPictures.picture(o))).then(() => (overlaySeconds = since(t0)));
      }
      for (const job of jobs) await renderSegment(session, p, job, { ...settings, overlayPictures });
      return { fps: frames / since(t0), overlaySeconds };
    };
    const without: number[] = [];
    const withCold: number[] = [];
    const overlaySeconds: number[] = [];
    without.push((await renderAll(plain, plainJobs, false)).fps);
    for (let round = 1; round <= ROUNDS; round++) {
      await fs.rm(overlayDir, { recursive: true, force: true });
      const r = await renderAll(captioned, capJobs, true);
      withCold.push(r.fps);
      overlaySeconds.push(r.overlaySeconds);
      without.push((await renderAll(plain, plainJobs, false)).fps);
      console.log(`  round ${round}: without ${without[round - 1]!.toFixed(2)}, with captions ${r.fps.toFixed(2)} (Chromium pass done after ${r.overlaySeconds.toFixed(2)} s), without ${without[round]!.toFixed(2)} frames/s`);
    }
    const ratios = withCold.map((w, i) => w / ((without[i]! + without[i + 1]!) / 2));
    const warm = (await renderAll(captioned, capJobs, true)).fps;
    const warmRatio = warm / without[without.length - 1]!;
    console.log(`  without captions          ${fmt(without)} frames/s`);
    console.log(`  with captions (cold)      ${fmt(withCold)} frames/s; Chromium pass done after ${fmt(overlaySeconds)} s`);
    console.log(`  with captions (warm)      ${warm.toFixed(2)} frames/s (pictures cached)`);
    console.log(`  ratio with/without (cold) ${fmt(ratios)}  (target >= 0.85)   warm ${warmRatio.toFixed(2)}`);
    console.log(`  (${load()})`);
    Object.assign(result, { frames, pages, distinctOverlays: distinct, rounds: ROUNDS, without, withCold, overlaySeconds, warm, ratios, ratio: median(ratios), warmRatio, loadAverage: os.loadavg()[0] });
  } finally {
    await session.close();
    await fs.rm(work, { recursive: true, force: true });
  }
  await fs.mkdir('bench-results', { recursive: true });
  await fs.writeFile('bench-results/captions.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log('written: bench-results/captions.json');
}

await main();
