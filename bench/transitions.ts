/**
 * Benchmark (not a test): a slide and a wipe segment at 1920x1080, 30 fps, x264 veryfast, crf 20,
 * drawn in Node (the direct renderer, what segment planning now picks) and by Remotion in Chromium
 * (what rendered them before), interleaved round by round so a change in the machine's load hits
 * both alike. Each transition is 1 s (30 frames) between a Ken Burns section and a still of two
 * photographs. `transitionThroughput` is what bench/render.ts can call to print and record these.
 *
 * Run: npx tsx bench/transitions.ts [--rounds 3]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPlanFile } from '../src/plan/load-plan';
import { prepareAssets } from '../src/render/prepare-assets';
import { RenderSession } from '../src/render/render-session';
import { renderSegment, segmentJobs } from '../src/render/segments/render-segmented';

export type TransitionShot = 'slide' | 'wipe';
export interface TransitionThroughput {
  frames: number;
  /** Frames/s per round, in Node and in Chromium. */
  node: Record<TransitionShot, number[]>;
  chromium: Record<TransitionShot, number[]>;
}

const SHOTS: TransitionShot[] = ['slide', 'wipe'];

/** Measures each transition `rounds` times in each renderer (Node, Chromium, Node, ...), in `work`. */
export async function transitionThroughput(work: string, o: { rounds?: number; preset?: 'veryfast'; crf?: number; onLine?: (s: string) => void } = {}): Promise<TransitionThroughput> {
  const rounds = Math.max(1, o.rounds ?? 3);
  const settings = { scale: 1, x264Preset: o.preset ?? ('veryfast' as const), crf: o.crf ?? 20, concurrency: 1 };
  const dir = path.join(work, 'transitions');
  await fs.mkdir(path.join(dir, 'images'), { recursive: true });
  const photos = ['rocket.jpg', 'coffee.png'];
  for (const p of photos) await fs.copyFile(path.resolve('examples/launch-day/images', p), path.join(dir, 'images', p));
  const kb = { tier: 1, motion: { preset: 'zoom-in', amount: 0.2 } };
  const planFile = path.join(dir, 'plan.json');
  await fs.writeFile(
    planFile,
    JSON.stringify({
      title: 'bench transitions',
      formats: ['16:9'],
      sections: [
        { id: 'a', image: `images/${photos[0]}`, duration: 2, ...kb, transition: { type: 'slide', direction: 'from-right', duration: 1 } },
        { id: 'b', image: `images/${photos[1]}`, duration: 2, tier: 0, transition: { type: 'wipe', direction: 'from-left', duration: 1 } },
        { id: 'c', image: `images/${photos[0]}`, duration: 2, ...kb },
      ],
    }),
  );
  const cacheDir = path.join(dir, 'cache');
  const loaded = await loadPlanFile(planFile);
  const assets = await prepareAssets(loaded, { cacheDir });
  const session = await RenderSession.open({ cacheDir });
  const node = { slide: [], wipe: [] } as Record<TransitionShot, number[]>;
  const chromium = { slide: [], wipe: [] } as Record<TransitionShot, number[]>;
  let frames = 0;
  try {
    const prepared = await session.prepare(loaded, '16:9', 1, assets);
    const t = prepared.timeline;
    const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'segments') });
    for (let round = 1; round <= rounds; round++) {
      for (const shot of SHOTS) {
        const job = jobs.find((j) => j.seg.kind === 'transition' && t.scenes[j.seg.scenes[0]!]!.transitionOut!.type === shot)!;
        if (!job.direct) throw new Error(`the ${shot} is not planned for Node`);
        frames = job.seg.to - job.seg.from;
        for (const direct of [true, false]) {
          const file = path.join(dir, `${shot}-${direct ? 'node' : 'chromium'}-${round}.mp4`);
          const t0 = performance.now();
          await renderSegment(session, prepared, { ...job, direct, file }, settings);
          const fps = frames / ((performance.now() - t0) / 1000);
          (direct ? node : chromium)[shot].push(fps);
          o.onLine?.(`  round ${round}  ${shot.padEnd(5)} ${direct ? 'Node    ' : 'Chromium'} ${fps.toFixed(2)} frames/s (${frames} frames; load average ${os.loadavg()[0]!.toFixed(2)})`);
        }
      }
    }
  } finally {
    await session.close();
  }
  return { frames, node, chromium };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--rounds');
  const rounds = i > 0 ? Number(process.argv[i + 1]) : 3;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-transitions-'));
  try {
    console.log(`Slides and wipes at 1920x1080 (${os.cpus().length} cores):`);
    const r = await transitionThroughput(work, { rounds, onLine: console.log });
    for (const shot of SHOTS) {
      const n = median(r.node[shot]);
      const c = median(r.chromium[shot]);
      const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
      console.log(`${shot}: Node ${n.toFixed(2)} frames/s (${range(r.node[shot])}), Chromium ${c.toFixed(2)} (${range(r.chromium[shot])}): ${(n / c).toFixed(2)}x`);
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
