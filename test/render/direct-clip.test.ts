/**
 * Provider clips (tier 3) drawn in Node: which clip frame Remotion's compositor shows at a time
 * (the rule video-frames.ts copies), the decode size a segment needs, and, on a real clip made by
 * Remotion's ffmpeg from a real photograph with a moving crop, Node's frames against Chromium's
 * `<OffthreadVideo>` at 1920x1080 (speed ramp, hold on the last frame, a crossfade into the clip),
 * with the frame count of each segment.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFrame } from '../../src/frame/describe-frame';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { loadPlanFile } from '../../src/plan/load-plan';
import { DirectImages, FrameDrawer } from '../../src/render/direct/draw-frame';
import { encodeFrames } from '../../src/render/direct/encode-frames';
import { ClipFrameStream, compositorFrameIndex, compositorRgbFilter, decodeSize, probeClip, VideoFrames } from '../../src/render/direct/video-frames';
import { i420Frame, rgbToYuv } from '../../src/render/direct/yuv-image';
import { prepareAssets } from '../../src/render/prepare-assets';
import { RenderSession } from '../../src/render/render-session';
import { renderSegment, segmentJobs } from '../../src/render/segments/render-segmented';
import { clipTimeAt } from '../../src/timeline/clip-timing';
import { meanLuma, psnr } from '../helpers/frame-compare';
import { tempDir, writePlan } from '../helpers/fixtures';

const coffee = path.resolve('../shared/samples/images/coffee.png');
const rocket = path.resolve('examples/launch-day/images/rocket.jpg');
const CLIP = { width: 1280, height: 720, fps: 24, frames: 24 };

let dir: string;
let clipFile: string;

/**
 * A 1 s 1280x720 24 fps clip of a photograph (coffee.png, 600x400, CC0), the crop window sliding
 * and narrowing (about 9 clip px a frame: neighbouring frames differ everywhere), encoded by
 * Remotion's ffmpeg and left untagged (the compositor then converts it as BT.709: 720 lines).
 */
async function makeClip(file: string): Promise<void> {
  const meta = await sharp(coffee).metadata();
  await encodeFrames({
    ...CLIP,
    x264Preset: 'veryfast',
    crf: 14,
    outputLocation: file,
    draw: async (i, f) => {
      const t = i / (CLIP.frames - 1);
      const w = Math.round(560 - 160 * t);
      const h = Math.round((w * 9) / 16);
      const left = Math.round(10 + 140 * t);
      const top = Math.round(20 + 80 * t);
      expect(left + w).toBeLessThanOrEqual(meta.width!);
      expect(top + h).toBeLessThanOrEqual(meta.height!);
      const rgb = await sharp(coffee).extract({ left, top, width: w, height: h }).resize(CLIP.width, CLIP.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
      const yuv = rgbToYuv(new Uint8Array(rgb), CLIP.width, CLIP.height);
      f.y.data.set(yuv.y.data);
      f.u.data.set(yuv.u.data);
      f.v.data.set(yuv.v.data);
    },
  });
}

beforeAll(async () => {
  dir = await tempDir('stillmotion-direct-clip-');
  clipFile = path.join(dir, 'clip.mp4');
  await makeClip(clipFile);
});

describe('clip frames as the compositor picks them', () => {
  it('the last frame at or before the truncated position, the last frame past the end', () => {
    // 24 fps in a 1/12288 time base (512 a frame).
    const pts = Array.from({ length: 10 }, (_, i) => i * 512);
    const tb: [number, number] = [1, 12288];
    expect(compositorFrameIndex(pts, tb, 0)).toBe(0);
    // 30 fps composition frame 1 = 409.6: still frame 0 (frame 1, nearer, is not shown yet).
    expect(compositorFrameIndex(pts, tb, 1 / 30)).toBe(0);
    expect(compositorFrameIndex(pts, tb, 2 / 30)).toBe(1);
    expect(compositorFrameIndex(pts, tb, 512 / 12288)).toBe(1);
    expect(compositorFrameIndex(pts, tb, 511 / 12288)).toBe(0);
    expect(compositorFrameIndex(pts, tb, 100)).toBe(9);
    // Millisecond time base (WebM): 66.9 ms truncates to 66, before the frame at 67 ms.
    expect(compositorFrameIndex([0, 33, 67], [1, 1000], 0.0669)).toBe(1);
    // A clip whose first frame starts late shows it from the start.
    expect(compositorFrameIndex([1000, 1512], tb, 0)).toBe(0);
  });

  it('are the frames Remotion\'s compositor returns for OffthreadVideo, byte for byte, at 24, 25, 30 and 60 fps', async () => {
    // The compositor the renderer starts for <OffthreadVideo> (not exported by the package: its file).
    const require = createRequire(import.meta.url);
    const compositorJs = path.join(path.dirname(require.resolve('@remotion/renderer')), 'compositor', 'compositor.js');
    const { startLongRunningCompositor } = require(compositorJs) as {
      startLongRunningCompositor: (o: object) => { executeCommand: (type: string, payload: object) => Promise<Uint8Array>; finishCommands: () => Promise<void> };
    };
    const compositor = startLongRunningCompositor({ maximumFrameCacheItemsInBytes: 500e6, logLevel: 'error', indent: false, binariesDirectory: null, extraThreads: 0 });
    const src = await probeClip(clipFile);
    // Every frame through the compositor's own RGB conversion (the first half of decodeFilter).
    const rgbBytes = CLIP.width * CLIP.height * 3;
    const r = await runFf('ffmpeg', ['-v', 'error', '-i', clipFile, '-vf', `${compositorRgbFilter(src)},format=bgr24`, '-c:v', 'rawvideo', '-f', 'image2pipe', 'pipe:1']);
    expect(r.stdout.length).toBe(CLIP.frames * rgbBytes);
    const mismatches: string[] = [];
    let asked = 0;
    try {
      for (const fps of [24, 25, 30, 60]) {
        for (let k = 0; k <= Math.ceil(1.2 * fps); k++) {
          const time = k / fps;
          const bmp = Buffer.from(await compositor.executeCommand('ExtractFrame', { src: clipFile, original_src: clipFile, time, transparent: false, tone_mapped: true }));
          const at = bmp.readUInt32LE(10);
          const i = compositorFrameIndex(src.pts, src.timeBase, time);
          const row = CLIP.width * 3;
          // BMP rows run bottom-up.
          let same = true;
          for (let y = 0; y < CLIP.height && same; y++) same = bmp.subarray(at + (CLIP.height - 1 - y) * row, at + (CLIP.height - y) * row).equals(r.stdout.subarray(i * rgbBytes + y * row, i * rgbBytes + (y + 1) * row));
          asked++;
          if (!same) mismatches.push(`${fps} fps frame ${k}: not clip frame ${i}`);
        }
      }
    } finally {
      await compositor.finishCommands();
    }
    expect(asked).toBe(30 + 31 + 37 + 73);
    expect(mismatches).toEqual([]);
  });

  it('decodes only as large as the largest crop needs, never larger than the clip, on even sizes', () => {
    expect(decodeSize({ width: 1280, height: 720 }, 1.5, 1.5)).toEqual({ width: 1280, height: 720 });
    expect(decodeSize({ width: 3840, height: 2160 }, 0.5, 0.5)).toEqual({ width: 1920, height: 1080 });
    expect(decodeSize({ width: 3840, height: 2160 }, 0.3001, 0.3001)).toEqual({ width: 1154, height: 650 });
    expect(decodeSize({ width: 1279, height: 719 }, 2, 2)).toEqual({ width: 1280, height: 720 });
  });

  it('reads the clip\'s timestamps, colour conversion and frames, streamed in order', async () => {
    const src = await probeClip(clipFile);
    expect([src.width, src.height, src.pts.length, src.matrix, src.range]).toEqual([1280, 720, CLIP.frames, 'bt709', 'tv']);
    const step = src.timeBase[1] / src.timeBase[0] / CLIP.fps;
    expect(src.pts.every((p, i) => Math.abs(p - i * step) < 1)).toBe(true);
    const frames = new VideoFrames(probeClip);
    frames.need(clipFile, 0.5, 0.5);
    try {
      const first = await frames.at(clipFile, 0);
      expect([first.width, first.height]).toEqual([640, 360]);
      const a = Buffer.from(first.y.data);
      const again = await frames.at(clipFile, 0.01);
      expect(Buffer.from(again.y.data).equals(a)).toBe(true);
      const last = await frames.at(clipFile, 10);
      expect(Buffer.from(last.y.data).equals(a)).toBe(false);
      // Backwards: decoded again from the start, the same picture.
      expect(Buffer.from((await frames.at(clipFile, 0)).y.data).equals(a)).toBe(true);
    } finally {
      frames.close();
    }
  });

  it('a stream started late in the clip (seeking) gives the frames of one read from the start, keyframes and B-frames between', async () => {
    // The same clip with a keyframe every 5 frames and B-frames: a seek lands on a keyframe before the frame and decodes on.
    const gop = path.join(dir, 'clip-gop5.mp4');
    const enc = await runFf('ffmpeg', ['-v', 'error', '-i', clipFile, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '5', '-bf', '2', '-crf', '14', '-y', gop]);
    expect(enc.code, enc.stderr).toBe(0);
    const src = await probeClip(gop);
    expect(src.pts.length).toBe(CLIP.frames);
    const fromStart = new ClipFrameStream(src, 320, 180);
    const frames: Buffer[] = [];
    try {
      for (let i = 0; i < CLIP.frames; i++) {
        const f = await fromStart.seek(i);
        frames.push(Buffer.concat([f.y.data, f.u.data, f.v.data]));
      }
    } finally {
      fromStart.close();
    }
    const wrong: number[] = [];
    for (const first of [1, 4, 5, 6, 11, 17, 23]) {
      const late = new ClipFrameStream(src, 320, 180, first);
      try {
        for (const i of [first, Math.min(first + 2, CLIP.frames - 1)]) {
          const f = await late.seek(i);
          if (!Buffer.concat([f.y.data, f.u.data, f.v.data]).equals(frames[i]!)) wrong.push(i);
        }
      } finally {
        late.close();
      }
    }
    expect(wrong).toEqual([]);
    // Neighbouring frames differ, so a stream off by one would have been caught.
    expect(frames[5]!.equals(frames[4]!)).toBe(false);
  });

  it('names the clip when it cannot be read', async () => {
    const bad = path.join(dir, 'not-a-clip.mp4');
    await fs.writeFile(bad, 'not a video');
    await expect(probeClip(bad)).rejects.toThrow(/not-a-clip\.mp4: cannot read the clip/);
  });
});

/** A frame of a video as RGB (converted as its colour tags say). */
async function frameAt(file: string, seconds: number): Promise<Buffer> {
  const r = await runFf('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-pix_fmt', 'rgb24', '-c:v', 'rawvideo', '-f', 'image2pipe', 'pipe:1']);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('clip segments drawn in Node', () => {
  let session: RenderSession;
  beforeAll(async () => {
    session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('match Chromium at 1920x1080 in the speed ramp, the hold and a crossfade into the clip, frame for frame', async () => {
    await fs.copyFile(rocket, path.join(dir, 'rocket.jpg'));
    await fs.copyFile(coffee, path.join(dir, 'coffee.png'));
    const planFile = await writePlan(dir, {
      title: 'clip parity',
      formats: ['16:9'],
      defaults: { transition: { type: 'cut' } },
      sections: [
        { id: 'kb', image: 'rocket.jpg', duration: 0.5, tier: 1, motion: 'zoom-in', transition: { type: 'crossfade', duration: 0.2 } },
        // 3 s from a 1 s clip: half speed, eased, then held on the last frame.
        { id: 'clip', image: 'coffee.png', duration: 3, tier: 3, clip: { provider: 'runway', prompt: 'slow push in' } },
      ],
    });
    const loaded = await loadPlanFile(planFile);
    const cacheDir = path.join(dir, 'cache');
    const assets = await prepareAssets(loaded, { cacheDir, skipClips: true });
    const facts = await probeVideo(clipFile);
    assets.clips.clip = { file: clipFile, duration: facts.duration, width: facts.width, height: facts.height };
    delete assets.notes.clip;
    const scale = 1;
    const prepared = await session.prepare(loaded, '16:9', scale, assets);
    const t = prepared.timeline;
    const fps = t.fps;
    const settings = { scale, x264Preset: 'ultrafast' as const, crf: 12, concurrency: 1 };
    const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'seg') });
    expect(jobs.map((j) => j.seg.kind)).toEqual(['scene', 'transition', 'scene']);
    expect(jobs.every((j) => j.direct)).toBe(true);
    const scene = t.scenes[1]!;
    const clip = scene.clip!;
    const clipSeg = jobs[2]!.seg;
    const src = await probeClip(clipFile);
    /** The compositor's frame index at the clip scene's local frame. */
    const shown = (local: number): number => {
      const item = describeFrame(scene, local, fps).items[0]!;
      expect(item.kind).toBe('video');
      return compositorFrameIndex(src.pts, src.timeBase, (item as { frame: number }).frame / fps);
    };
    const holdFrom = Array.from({ length: scene.durationInFrames }, (_, f) => f).find((f) => shown(f) === src.pts.length - 1)!;
    // The section holds the clip's last frame for its last stretch (ramp, then hold).
    expect(clipTimeAt(scene.durationInFrames - 1, scene.durationInFrames, clip.duration, fps)).toBeCloseTo(clip.duration - 1 / fps, 6);
    expect(holdFrom).toBeGreaterThan(scene.durationInFrames / 2);
    expect(holdFrom).toBeLessThan(scene.durationInFrames - 10);

    const report: string[] = [];
    const failures: string[] = [];
    const rendered: { direct: string; browser: string }[] = [];
    for (const [i, job] of jobs.entries()) {
      const direct = { ...job, file: path.join(dir, `direct-${i}.mp4`) };
      const browser = { ...job, direct: false, file: path.join(dir, `browser-${i}.mp4`) };
      await renderSegment(session, prepared, direct, settings);
      await renderSegment(session, prepared, browser, settings);
      rendered.push({ direct: direct.file, browser: browser.file });
      const frames = job.seg.to - job.seg.from;
      expect((await probeVideo(direct.file, { countFrames: true })).frames).toBe(frames);
      // Clip segment: frames early and late in the ramp (moving fastest in the middle) and in the hold.
      const local = (f: number): number => f + job.seg.from - scene.from;
      const hold = holdFrom + scene.from - clipSeg.from;
      const picks = i === 2 ? [0, 10, 25, 40, hold - 2, hold + 10, frames - 1] : [0, Math.floor(frames / 2), frames - 1];
      for (const f of picks) {
        const a = await frameAt(direct.file, f / fps);
        const b = await frameAt(browser.file, f / fps);
        expect(a.length).toBe(1920 * 1080 * 3);
        const p = psnr(a, b);
        const la = meanLuma(a);
        const lb = meanLuma(b);
        const luma = Math.abs(la - lb) / lb;
        const what = i === 2 ? `clip frame ${f} (source frame ${shown(local(f))})` : `${job.seg.kind} frame ${f}`;
        report.push(`${what}: PSNR ${p.toFixed(2)} dB, mean luma ${la.toFixed(2)} vs ${lb.toFixed(2)} (${(luma * 100).toFixed(2)}%)`);
        if (p <= 33 || luma >= 0.01) failures.push(report.at(-1)!);
      }
    }
    console.log(`Clip frames, Node vs Chromium at 1920x1080:\n${report.join('\n')}`);
    expect(failures).toEqual([]);

    // Which source frame Chromium shows: in the ramp, its picture is nearer the frame Node picked
    // than either neighbour (each drawn by Node's drawer at that clip time, compared on luma).
    const drawer = new FrameDrawer({ fileFor: (url) => prepared.assetFiles.get(url)!, images: new DirectImages(), width: t.width, height: t.height, scale, fps });
    const out = i420Frame(new Uint8Array(1920 * 1080 * 1.5), 1920, 1080);
    const neighbours: string[] = [];
    try {
      for (const f of [10, 25, 40]) {
        const d = describeFrame(scene, f + clipSeg.from - scene.from, fps);
        const k = shown(f + clipSeg.from - scene.from);
        // Chromium's frame as RGB (decoded by its colour tags), then Y' as Node computes it.
        const chromium = rgbToYuv(new Uint8Array(await frameAt(rendered[2]!.browser, f / fps)), 1920, 1080).y.data;
        const score: Record<number, number> = {};
        for (const j of [k - 1, k, k + 1]) {
          // A composition frame index whose time is half a clip frame past source frame j's timestamp.
          const frame = (((src.pts[j]! + (src.pts[1]! - src.pts[0]!) / 2) * src.timeBase[0]) / src.timeBase[1]) * fps;
          await drawer.draw({ ...d, items: d.items.map((it) => ({ ...it, frame })) }, out);
          score[j] = psnr(out.y.data, chromium);
        }
        neighbours.push(`clip frame ${f}: source ${k - 1} ${score[k - 1]!.toFixed(2)} dB, ${k} ${score[k]!.toFixed(2)} dB, ${k + 1} ${score[k + 1]!.toFixed(2)} dB`);
        expect(score[k]!).toBeGreaterThan(score[k - 1]! + 1);
        expect(score[k]!).toBeGreaterThan(score[k + 1]! + 1);
      }
    } finally {
      drawer.close();
    }
    console.log(`Chromium's clip frame against Node's pick and its neighbours (luma PSNR):\n${neighbours.join('\n')}`);
  }, 600_000);
});
