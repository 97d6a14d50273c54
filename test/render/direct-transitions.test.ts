/**
 * Slides and wipes drawn in Node against Chromium: both draw src/frame/transition.ts's sideLook
 * (Node in transition-blend.ts, Chromium through remotion/transitions/SideLook.tsx). Each direction
 * of each kind, between two real photographs (one side a moving Ken Burns scene), at 25%, 50% and 75%
 * progress, at 1920x1080, within the PSNR and mean-luma bounds of the other Node-drawn kinds.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sideLook, transitionProgress, type TransitionSide } from '../../src/frame/transition';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { SLIDE_DIRECTIONS } from '../../src/plan/schema';
import { loadPlanFile } from '../../src/plan/load-plan';
import { prepareAssets } from '../../src/render/prepare-assets';
import { RenderSession } from '../../src/render/render-session';
import { renderSegment, segmentJobs } from '../../src/render/segments/render-segmented';
import { meanLuma, psnr } from '../helpers/frame-compare';
import { tempDir, writePlan } from '../helpers/fixtures';

const images = path.resolve('examples/launch-day/images');

describe('transition looks', () => {
  const grid = { width: 1920, height: 1080, scale: 1 };
  const look = (type: 'slide' | 'wipe', direction: (typeof SLIDE_DIRECTIONS)[number], side: TransitionSide, p: number) => sideLook({ type, direction }, side, p, grid);

  it('slides abut the two sides, the entering one travelling in from its direction', () => {
    for (const direction of SLIDE_DIRECTIONS) {
      for (const p of [0, 0.13, 0.5, 0.77, 1]) {
        const a = look('slide', direction, 'exiting', p);
        const b = look('slide', direction, 'entering', p);
        const axis = direction === 'from-left' || direction === 'from-right' ? 'x' : 'y';
        const size = axis === 'x' ? grid.width : grid.height;
        // The two pictures are one frame apart along the axis, and on even pixels.
        expect(Math.abs(a.offset[axis] - b.offset[axis])).toBe(size);
        expect(Math.abs(a.offset[axis] % 2)).toBe(0);
        expect([a.opacity, b.opacity]).toEqual([1, 1]);
        // Each is shown exactly where its moved picture lies.
        const lo = axis === 'x' ? 'x0' : 'y0';
        const hi = axis === 'x' ? 'x1' : 'y1';
        for (const l of [a, b]) {
          expect(l.clip[lo]).toBe(Math.max(0, l.offset[axis]));
          expect(l.clip[hi]).toBe(Math.min(size, l.offset[axis] + size));
        }
      }
      expect(look('slide', direction, 'entering', 1).offset).toEqual({ x: 0, y: 0 });
      expect(look('slide', direction, 'exiting', 0).offset).toEqual({ x: 0, y: 0 });
    }
    // from-left: the entering picture comes from the left, the exiting one leaves to the right.
    expect(look('slide', 'from-left', 'entering', 0.25).offset.x).toBe(-1440);
    expect(look('slide', 'from-left', 'exiting', 0.25).offset.x).toBe(480);
    expect(look('slide', 'from-bottom', 'entering', 0.25).offset.y).toBe(810);
  });

  it('wipes split the frame between the unmoved sides, revealing the entering one from its direction', () => {
    for (const direction of SLIDE_DIRECTIONS) {
      for (const p of [0, 0.31, 0.5, 1]) {
        const a = look('wipe', direction, 'exiting', p);
        const b = look('wipe', direction, 'entering', p);
        expect([a.offset, b.offset]).toEqual([
          { x: 0, y: 0 },
          { x: 0, y: 0 },
        ]);
        const area = (c: typeof a.clip): number => Math.max(0, c.x1 - c.x0) * Math.max(0, c.y1 - c.y0);
        expect(area(a.clip) + area(b.clip)).toBe(grid.width * grid.height);
        expect(area(b.clip) / (grid.width * grid.height)).toBeCloseTo(p, 2);
      }
    }
    expect(look('wipe', 'from-left', 'entering', 0.5).clip).toEqual({ x0: 0, y0: 0, x1: 960, y1: 1080 });
    expect(look('wipe', 'from-top', 'exiting', 0.25).clip).toEqual({ x0: 0, y0: 270, x1: 1920, y1: 1080 });
    expect(look('wipe', 'from-right', 'entering', 0.25).clip).toEqual({ x0: 1440, y0: 0, x1: 1920, y1: 1080 });
  });

  it('snap moved and cut edges to even output pixels at any scale', () => {
    for (const scale of [1, 0.5, 0.2, 0.3]) {
      const g = { width: 1920, height: 1080, scale };
      for (const p of [0.011, 0.37, 0.5, 0.93]) {
        const l = sideLook({ type: 'slide', direction: 'from-right' }, 'entering', p, g);
        const out = l.offset.x * scale;
        expect(Math.abs(out - Math.round(out))).toBeLessThan(1e-6);
        expect(Math.round(out) % 2).toBe(0);
      }
    }
  });
});

async function framePng(file: string, seconds: number): Promise<Buffer> {
  const png = `${file}.${seconds}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', String(seconds), '-i', file, '-frames:v', '1', png]);
  if (r.code !== 0) throw new Error(r.stderr);
  return sharp(png).removeAlpha().raw().toBuffer();
}

describe('slides and wipes drawn in Node', () => {
  let dir: string;
  let session: RenderSession;
  beforeAll(async () => {
    dir = await tempDir('stillmotion-transitions-');
    session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
  });
  afterAll(async () => {
    await session?.close();
  });

  const cases = (['slide', 'wipe'] as const).flatMap((type) => SLIDE_DIRECTIONS.map((direction) => ({ type, direction })));

  it('match Chromium at 1920x1080 in every direction at 25%, 50% and 75% progress (PSNR and mean luma)', async () => {
    // Sections alternate two photographs; every other one moves (Ken Burns), so a moved side's
    // picture changes from frame to frame too. Each section's transition out is one of the cases.
    const photos = ['rocket.jpg', 'coffee.png'];
    const planFile = await writePlan(
      dir,
      {
        title: 'transition parity',
        formats: ['16:9'],
        sections: [...cases, null].map((c, i) => ({
          id: `s${i}`,
          image: path.join(images, photos[i % 2]!),
          duration: 1,
          ...(i % 2 ? { tier: 0 } : { tier: 1, motion: { preset: 'zoom-in', amount: 0.3 } }),
          // 20 frames at 30 fps: frames 8, 10 and 12 are at 25.6%, 50% and 74.4% of the eased progress.
          transition: c ? { ...c, duration: 20 / 30 } : { type: 'cut' },
        })),
      },
      'transitions.json',
    );
    const loaded = await loadPlanFile(planFile, { policy: { allowOutsidePaths: true } });
    const cacheDir = path.join(dir, 'cache');
    const assets = await prepareAssets(loaded, { cacheDir });
    const scale = 1;
    const prepared = await session.prepare(loaded, '16:9', scale, assets);
    const t = prepared.timeline;
    const settings = { scale, x264Preset: 'ultrafast' as const, crf: 12, concurrency: 1 };
    const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'seg') });
    const transitions = jobs.filter((j) => j.seg.kind === 'transition');
    expect(transitions.map((j) => t.scenes[j.seg.scenes[0]!]!.transitionOut).map((x) => `${x!.type} ${x!.direction}`)).toEqual(cases.map((c) => `${c.type} ${c.direction}`));
    // Segment planning sends every one of them to Node.
    expect(transitions.every((j) => j.direct)).toBe(true);
    const report: string[] = [];
    const failures: string[] = [];
    for (const [n, job] of transitions.entries()) {
      const tr = t.scenes[job.seg.scenes[0]!]!.transitionOut!;
      const into = t.scenes[job.seg.scenes[1]!]!;
      // The frames of the transition whose (eased) progress is nearest 25%, 50% and 75%.
      const frames = [0.25, 0.5, 0.75].map((target) => {
        let best = 0;
        for (let f = 0; f < tr.durationInFrames; f++) if (Math.abs(transitionProgress(tr, f) - target) < Math.abs(transitionProgress(tr, best) - target)) best = f;
        expect(Math.abs(transitionProgress(tr, best) - target), `${tr.type} at ${target}`).toBeLessThan(0.03);
        return best;
      });
      // Only those frames' span is rendered (the transition starts where the entering scene does).
      const seg = { ...job.seg, from: into.from + frames[0]!, to: into.from + frames[2]! + 1 };
      expect(seg.from).toBeGreaterThanOrEqual(job.seg.from);
      expect(seg.to).toBeLessThanOrEqual(job.seg.to);
      const direct = { ...job, seg, file: path.join(dir, `direct-${n}.mp4`) };
      const browser = { ...job, seg, direct: false, file: path.join(dir, `browser-${n}.mp4`) };
      await renderSegment(session, prepared, direct, settings);
      await renderSegment(session, prepared, browser, settings);
      expect((await probeVideo(direct.file, { countFrames: true })).frames).toBe(seg.to - seg.from);
      const node = await Promise.all(frames.map((f) => framePng(direct.file, (f - frames[0]!) / t.fps)));
      const chromium = await Promise.all(frames.map((f) => framePng(browser.file, (f - frames[0]!) / t.fps)));
      // The bound tells frames apart: Node's 50% frame against Chromium's 25% one fails it.
      const apart = psnr(node[1]!, chromium[0]!);
      if (apart > 33) failures.push(`${tr.type} ${tr.direction}: 50% against 25% passes (${apart.toFixed(2)} dB)`);
      for (const [k, f] of frames.entries()) {
        const a = node[k]!;
        const b = chromium[k]!;
        expect(a.length).toBe(1920 * 1080 * 3);
        const p = psnr(a, b);
        const la = meanLuma(a);
        const lb = meanLuma(b);
        const luma = Math.abs(la - lb) / lb;
        report.push(`${tr.type} ${tr.direction} at ${(transitionProgress(tr, f) * 100).toFixed(0)}%: PSNR ${p.toFixed(2)} dB, mean luma ${la.toFixed(2)} vs ${lb.toFixed(2)} (${(luma * 100).toFixed(2)}%)`);
        if (p <= 33 || luma >= 0.01) failures.push(report.at(-1)!);
      }
    }
    console.log(`Slides and wipes, Node vs Chromium at 1920x1080:\n${report.join('\n')}`);
    expect(failures).toEqual([]);
    await fs.rm(path.join(dir, 'seg'), { recursive: true, force: true });
  }, 900_000);
});
