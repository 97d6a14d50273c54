/**
 * A Lambda render is as publishable as a local one: its mix normalised to the delivery loudness
 * and a cover per format. The loopback Lambda (aws-stand-in.ts) answers with the bytes of a real
 * render of the same plan (rendered here with `loudness: off`, so exactly the un-normalised
 * video Remotion makes of the composition); the mix is real speech (the demo's espeak-ng
 * narration) over the demo's music bed. Loudness is measured on the downloaded (or re-fetched)
 * file with the tests' own BS.1770-4 meter (test/helpers/loudness-meter.ts) and, where Debian's
 * ffmpeg is installed, its ebur128 filter: neither shares code with the normaliser (loudnorm).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/cli/output';
import { runFf } from '../../src/media/ffmpeg';
import { probeVideo } from '../../src/media/probe-video';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { renderPlan } from '../../src/render/render-plan';
import { resolveLambdaTarget, type LambdaTarget } from '../../lambda/config';
import { renderPlanOnLambda } from '../../lambda/render-plan-on-lambda';
import { tempDir, writePlan, writeSolidImage } from '../helpers/fixtures';
import { measureFile } from '../helpers/loudness-meter';
import { runCliInProcess } from '../helpers/run-cli';
import { BUCKET, FUNCTION_NAME, SERVE_URL, startLoopbackAws, type LoopbackAws } from './env';

const DEMO_AUDIO = path.resolve('examples/launch-day/audio');
const SCALE = 0.2;
/** 9:16 at SCALE. */
const SIZE = { width: 216, height: 384 };

let env: LoopbackAws;
let dir: string;
let cache: string;
let loaded: LoadedPlan;
let target: LambdaTarget;
/** What Lambda renders of the plan's 9:16 composition (a local render with loudness off). */
let lambdaBytes: Buffer;
/** The local render's cover of the same format. */
let localCover: string;

/** Debian's ffmpeg with ebur128 (Remotion's has none); machines without it use the test meter alone. */
const debianFfmpeg = ['/usr/bin/ffmpeg'].find((f) => existsSync(f) && spawnSync(f, ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout?.includes('ebur128'));

/** Integrated loudness and true peak of a file, by the test meter and (where available) ebur128. */
async function measured(file: string): Promise<{ integrated: number; truePeak: number }> {
  const m = await measureFile(file);
  if (debianFfmpeg) {
    const r = spawnSync(debianFfmpeg, ['-nostats', '-hide_banner', '-i', file, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8' });
    const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
    const i = Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)![1]);
    const tp = Number(/Peak:\s+(-?[\d.]+) dBFS/.exec(summary)![1]);
    // The two meters agree (ebur128 prints one decimal).
    expect(Math.abs(i - m.integrated), `${file}: ebur128 ${i} LUFS vs ${m.integrated}`).toBeLessThanOrEqual(0.15);
    expect(Math.abs(tp - m.truePeak), `${file}: ebur128 ${tp} dBTP vs ${m.truePeak}`).toBeLessThanOrEqual(0.25);
  }
  return m;
}

/**
 * SHA-256 of a file's coded pictures (the H.264 slice NAL units, types 1 and 5, of its Annex B
 * bitstream): equal when the stream was copied, not re-encoded. The sequence header is left out:
 * the join rewrites its colour tags (src/media/colour-tags.ts) without touching a picture.
 */
async function videoStreamHash(file: string): Promise<string> {
  const r = await runFf('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'h264', '-']);
  expect(r.code, String(r.stderr)).toBe(0);
  expect(r.stdout.length).toBeGreaterThan(1000);
  const b = r.stdout;
  const starts: number[] = [];
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) starts.push(i + 3);
  const hash = createHash('sha256');
  let slices = 0;
  starts.forEach((at, k) => {
    const type = b[at]! & 0x1f;
    if (type !== 1 && type !== 5) return;
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : b.length;
    while (end > at && b[end - 1] === 0) end--; // a 4-byte start code's leading zero
    hash.update(b.subarray(at, end));
    slices++;
  });
  expect(slices).toBeGreaterThan(0);
  return hash.digest('hex');
}

/**
 * The file is the Lambda render as it came (coded pictures and audio packets copied), only tagged
 * with the output colours a local render carries (src/media/colour-tags.ts).
 */
async function expectAsRendered(file: string, rendered: Buffer): Promise<void> {
  const original = path.join(dir, `as-rendered-${path.basename(file)}`);
  await fs.writeFile(original, rendered);
  expect(await videoStreamHash(file)).toBe(await videoStreamHash(original));
  const audio = async (f: string): Promise<Buffer> => {
    const r = await runFf('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', f, '-map', '0:a:0', '-c', 'copy', '-f', 'adts', '-']);
    expect(r.code, String(r.stderr)).toBe(0);
    return r.stdout;
  };
  expect((await audio(file)).equals(await audio(original))).toBe(true);
  expect((await probeVideo(file)).colour).toEqual({ matrix: 'smpte170m', primaries: 'bt709', transfer: 'bt709', range: 'tv' });
  await fs.rm(original);
}

/** GET on a fresh connection (s3rver may drop a kept-alive one between requests: ECONNRESET). */
function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Mean absolute difference of two images' RGB values (0-255). */
async function meanDiff(a: string | Buffer, b: string | Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((f) => sharp(f).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  expect([x!.info.width, x!.info.height]).toEqual([y!.info.width, y!.info.height]);
  let sum = 0;
  for (let i = 0; i < x!.data.length; i++) sum += Math.abs(x!.data[i]! - y!.data[i]!);
  return sum / x!.data.length;
}

const lambdaArgs = (): string[] => [
  '--formats', '9:16', '--scale', String(SCALE), '--cache', cache,
  '--region', 'us-east-1', '--function', FUNCTION_NAME, '--bucket', BUCKET, '--serve-url', SERVE_URL, '--lambda-config', path.join(dir, 'none.json'),
];

beforeAll(async () => {
  env = await startLoopbackAws();
  dir = await tempDir('sm-lambda-publish-');
  cache = path.join(dir, 'cache');
  await writeSolidImage(path.join(dir, 'a.png'), 200, 300, [90, 120, 150]);
  await writeSolidImage(path.join(dir, 'b.png'), 200, 300, [170, 110, 60]);
  await fs.copyFile(path.join(DEMO_AUDIO, '01-intro.wav'), path.join(dir, 'intro.wav'));
  await fs.copyFile(path.join(DEMO_AUDIO, 'music-96bpm.wav'), path.join(dir, 'music.wav'));
  const planFile = await writePlan(dir, {
    title: 'Publish Me',
    fps: 15,
    formats: ['9:16'],
    captions: false,
    defaults: { transition: { type: 'cut' } },
    music: { file: 'music.wav', offset: 6, volume: 0.5, fadeIn: 0.5, fadeOut: 1 },
    sections: [
      { id: 'spoken', image: 'a.png', narration: 'intro.wav', motion: 'none' },
      { id: 'peak', image: 'b.png', duration: 2, motion: 'none', intensity: 0.9 },
    ],
  });
  loaded = await loadPlanFile(planFile, { cacheDir: cache });
  target = await resolveLambdaTarget({ region: 'us-east-1', function: FUNCTION_NAME, bucket: BUCKET, serveUrl: SERVE_URL, config: path.join(dir, 'none.json') });
  const local = await renderPlan(loaded, { outDir: path.join(dir, 'local'), formats: ['9:16'], scale: SCALE, x264Preset: 'ultrafast', loudness: 'off', cacheDir: cache });
  lambdaBytes = await fs.readFile(local.files[0]!.file);
  localCover = local.files[0]!.cover!.file;
});

afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('publishable output from Lambda (loopback Lambda + s3rver)', () => {
  it('the Lambda output as rendered is far from the target, so the checks below cannot pass by chance', async () => {
    const raw = path.join(dir, 'raw.mp4');
    await fs.writeFile(raw, lambdaBytes);
    const m = await measured(raw);
    expect(m.integrated).toBeLessThan(-16);
  });

  it('`lambda render --download`: the video at -14 LUFS, <= -1 dBTP (video stream copied), the report prints it, the cover beside it', async () => {
    env.aws.scripts = { Portrait: [{ kind: 'progress', progress: 0.5, framesRendered: 60 }, { kind: 'done', cost: 0.002, bytes: lambdaBytes }] };
    const out = path.join(dir, 'out');
    const run = await runCliInProcess(['lambda', 'render', loaded.planPath, ...lambdaArgs(), '--download', '--out', out]);
    expect(run.error).toBeNull();
    const file = path.join(out, 'publish-me-9x16.mp4');
    const m = await measured(file);
    expect(Math.abs(m.integrated - -14)).toBeLessThanOrEqual(1);
    expect(m.truePeak).toBeLessThanOrEqual(-1);
    // Only the audio was re-encoded.
    const raw = path.join(dir, 'raw.mp4');
    await fs.writeFile(raw, lambdaBytes);
    expect(await videoStreamHash(file)).toBe(await videoStreamHash(raw));
    // The report prints the measured loudness, as a local render does; it agrees with the meter.
    const line = run.stdout.split('\n').find((l) => l.startsWith('9:16'))!;
    const printed = /loudness (-?[\d.]+) LUFS, (-?[\d.]+) dBTP \(target -14 LUFS, <= -1 dBTP; (static gain|loudnorm dynamic)\)/.exec(line);
    expect(printed, line).not.toBeNull();
    expect(Math.abs(Number(printed![1]) - m.integrated)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(Number(printed![2]) - m.truePeak)).toBeLessThanOrEqual(0.3);
    expect(line).toContain(formatBytes((await fs.stat(file)).size));
    // The cover: a real JPEG at the video's size, the local render's cover (same code, same assets).
    const cover = path.join(out, 'publish-me-9x16.jpg');
    const meta = await sharp(cover).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', ...SIZE });
    expect(await meanDiff(cover, localCover)).toBeLessThan(1);
    // It shows the climax ("peak", the orange image), not the first section (blue).
    const { dominant } = await sharp(cover).stats();
    expect(dominant.r).toBeGreaterThan(dominant.b);
    expect(run.stdout).toMatch(/ {2}cover .*publish-me-9x16\.jpg {2}frame \d+ \(the climax \(intensity 0\.90\)/);
    // Nothing half-written is left.
    expect((await fs.readdir(out)).sort()).toEqual(['publish-me-9x16.jpg', 'publish-me-9x16.mp4']);
  });

  it('without --download the normalised video replaces the output in the bucket (same URL) and the cover is put beside it', async () => {
    env.aws.scripts = { Portrait: [{ kind: 'done', cost: 0.002, bytes: lambdaBytes }] };
    const r = await renderPlanOnLambda(loaded, {
      target, formats: ['9:16'], scale: SCALE, cacheDir: cache, privacy: 'private', loudness: 'podcast', pollIntervalMs: 10, retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const f = r.formats[0]!;
    expect(f.ok, f.errors.join('; ')).toBe(true);
    expect(f.file).toBeNull();
    const res = await get(f.outputUrl!);
    expect(res.status).toBe(200);
    const fetched = path.join(dir, 'fetched.mp4');
    await fs.writeFile(fetched, res.body);
    expect((await fs.stat(fetched)).size).toBe(f.sizeBytes);
    const m = await measured(fetched);
    expect(Math.abs(m.integrated - -16)).toBeLessThanOrEqual(1);
    expect(m.truePeak).toBeLessThanOrEqual(-1);
    expect(f.loudness).toMatchObject({ target: { integrated: -16, truePeak: -1 } });
    expect(Math.abs(f.loudness!.integrated - m.integrated)).toBeLessThanOrEqual(0.3);
    // The cover is in the bucket beside the video, readable as it is (presigned for a private render).
    expect(f.coverUrl).toMatch(new RegExp(`^${env.s3.endpoint}/${BUCKET}/renders/${f.renderId}/publish-me-9x16\\.jpg\\?.*X-Amz-Signature=`));
    const cover = await get(f.coverUrl!);
    expect(cover.status).toBe(200);
    const jpg = cover.body;
    expect(await sharp(jpg).metadata()).toMatchObject({ format: 'jpeg', ...SIZE });
    expect(await meanDiff(jpg, localCover)).toBeLessThan(1);
  });

  it('a frame range (a preview of part of the video) is neither normalised nor given a cover, as locally, and the log says why', async () => {
    env.aws.scripts = { Portrait: [{ kind: 'done', cost: 0.001, bytes: lambdaBytes }] };
    const out = path.join(dir, 'out-range');
    const logs: string[] = [];
    const r = await renderPlanOnLambda(loaded, {
      target, formats: ['9:16'], scale: SCALE, cacheDir: cache, frames: [0, 29], downloadDir: out, onLog: (m) => logs.push(m), pollIntervalMs: 10, retry: { baseDelayMs: 5, maxDelayMs: 20 },
    });
    const f = r.formats[0]!;
    expect(f.ok, f.errors.join('; ')).toBe(true);
    await expectAsRendered(f.file!, lambdaBytes);
    expect(f.cover).toBeNull();
    // Measured as it came, and marked not normalised.
    expect(f.loudness).toMatchObject({ target: null, mode: null });
    expect(f.loudness!.integrated).toBeLessThan(-16);
    expect(logs).toContain("loudness: not normalised (a frame range; the whole video's gain cannot be measured on part of it)");
    expect(await fs.readdir(out)).toEqual(['publish-me-9x16.mp4']);
  });

  it('`--loudness off --no-cover` leaves the video as Lambda rendered it (streams copied, colour-tagged; measured, said) and writes no cover', async () => {
    env.aws.scripts = { Portrait: [{ kind: 'done', cost: 0.002, bytes: lambdaBytes }] };
    const out = path.join(dir, 'out-off');
    const run = await runCliInProcess(['lambda', 'render', loaded.planPath, ...lambdaArgs(), '--download', '--out', out, '--loudness', 'off', '--no-cover']);
    expect(run.error).toBeNull();
    const file = path.join(out, 'publish-me-9x16.mp4');
    await expectAsRendered(file, lambdaBytes);
    expect(run.stdout).toMatch(/9:16 .*loudness -?[\d.]+ LUFS, -?[\d.]+ dBTP \(not normalised\)/);
    expect(await fs.readdir(out)).toEqual(['publish-me-9x16.mp4']);
  });
});
