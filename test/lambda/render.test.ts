/**
 * `render --lambda` against loopback AWS: the real @remotion/lambda client talks Lambda Invoke to
 * a stand-in on 127.0.0.1 (AWS_ENDPOINT_URL_LAMBDA) and Stillmotion uploads to s3rver
 * (AWS_ENDPOINT_URL_S3). Asserted: the start payloads (serve URL, composition per format, codec,
 * bucket, input props with bucket URLs only, WebGL parallax sent as CSS), content-addressed
 * uploads (skipped the second time), and progress handling: done, a fatal error that fails one
 * format only, throttled starts and polls retried, chunk retries reported, outputs downloaded.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { VERSION } from 'remotion/version';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeS3Client } from '../../src/cache/s3-config';
import { StillmotionError } from '../../src/errors';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { compositionPropsSchema } from '../../src/plan/schema';
import { resolveLambdaTarget, type LambdaTarget } from '../../lambda/config';
import { renderPlanOnLambda, type LambdaPlanRenderOptions } from '../../lambda/render-plan-on-lambda';
import { tempDir, writeDiscImage, writePlan, writeSolidImage, writeWav } from '../helpers/fixtures';
import { runCliInProcess, type CliRun } from '../helpers/run-cli';
import { BUCKET, FUNCTION_NAME, SERVE_URL, startLoopbackAws, type LoopbackAws } from './env';

let env: LoopbackAws;
let dir: string;
let loaded: LoadedPlan;
let target: LambdaTarget;

const FAST = { pollIntervalMs: 10, retry: { baseDelayMs: 5, maxDelayMs: 20 } } as const;

/** Covers (rendered on this machine, tested in publish.test.ts) are off: these tests are about the Lambda round trip. */
function options(extra: Partial<LambdaPlanRenderOptions> = {}): LambdaPlanRenderOptions {
  return { target, scale: 0.25, cacheDir: path.join(dir, 'cache'), cover: false, ...FAST, ...extra };
}

/** Every string anywhere in a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

async function bucketKeys(prefix: string): Promise<string[]> {
  const client = makeS3Client(env.s3.cfg);
  const r = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  client.destroy();
  return (r.Contents ?? []).map((o) => o.Key!).sort();
}

beforeAll(async () => {
  env = await startLoopbackAws();
  dir = await tempDir('sm-lambda-');
  await writeDiscImage(path.join(dir, 'img', 'one.png'), 640, 427, 0.3, 0.4);
  await writeDiscImage(path.join(dir, 'img', 'two.png'), 480, 480, 0.6, 0.5);
  await writeSolidImage(path.join(dir, 'img', 'three.png'), 300, 500, [30, 120, 200]);
  await writeWav(path.join(dir, 'audio', 'n1.wav'), 0.8, { freq: 300 });
  await writeWav(path.join(dir, 'audio', 'music.wav'), 1.0, { sampleRate: 44100, freq: 110, amplitude: 0.2 });
  const planFile = await writePlan(dir, {
    $schema: '../../plan.schema.json',
    title: 'Lambda Story',
    music: { file: 'audio/music.wav', volume: 0.3 },
    sections: [
      { id: 'one', image: 'img/one.png', narration: 'audio/n1.wav', motion: 'zoom-in', focus: { x: 0.3, y: 0.4 } },
      { id: 'depth', image: 'img/two.png', duration: 1, tier: 2, parallax: { mode: 'webgl', layers: 2 } },
      { id: 'three', image: 'img/three.png', duration: 1.2, tier: 0 },
    ],
  });
  loaded = await loadPlanFile(planFile, { cacheDir: path.join(dir, 'cache') });
  target = await resolveLambdaTarget({ region: 'us-east-1', function: FUNCTION_NAME, bucket: BUCKET, serveUrl: SERVE_URL, config: path.join(dir, 'none.json') });
});

afterAll(async () => {
  await env?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  env.aws.starts.length = 0;
  env.aws.scripts = {};
  env.aws.startBehaviour = {};
});

describe('render on Lambda (loopback Lambda + s3rver)', () => {
  it('starts one render per format with URL-only props, survives a fatal error in one format, retries throttling', async () => {
    env.aws.startBehaviour = { Portrait: 'throttle-once' };
    env.aws.scripts = {
      // Landscape: a throttled poll in the middle, then done.
      Landscape: [
        { kind: 'progress', progress: 0.3, framesRendered: 30, cost: 0.002 },
        { kind: 'throttle' },
        { kind: 'progress', progress: 0.7, framesRendered: 90 },
        { kind: 'progress', progress: 0.9, framesRendered: 126 },
        { kind: 'done', cost: 0.0123 },
      ],
      // Portrait: a chunk that Remotion retries, a Lambda 5xx, then done.
      Portrait: [
        { kind: 'chunk-error', chunk: 1, message: 'Timeout loading image', progress: 0.2 },
        { kind: 'server-error' },
        { kind: 'progress', progress: 0.8, framesRendered: 100 },
        { kind: 'progress', progress: 0.95, framesRendered: 126 },
        { kind: 'done', cost: 0.0101 },
      ],
      // Square fails for good while the others are still rendering.
      Square: [
        { kind: 'progress', progress: 0.2, framesRendered: 20 },
        { kind: 'fatal', message: 'Chromium crashed: out of memory', cost: 0.004 },
      ],
    };
    const logs: string[] = [];
    const stages = new Map<string, string[]>();
    const r = await renderPlanOnLambda(loaded, options({ onLog: (m) => logs.push(m), onProgress: (p) => stages.set(p.format, [...(stages.get(p.format) ?? []), p.stage]) }));

    // One start per format, each naming its composition, with the deployed site and the bucket.
    const byComposition = Object.fromEntries(env.aws.starts.map((s) => [s.payload.composition, s]));
    expect(Object.keys(byComposition).sort()).toEqual(['Landscape', 'Portrait', 'Square']);
    for (const [composition, suffix] of [['Landscape', '16x9'], ['Portrait', '9x16'], ['Square', '1x1']] as const) {
      const s = byComposition[composition]!;
      expect(s.functionName).toBe(FUNCTION_NAME);
      expect(s.payload).toMatchObject({
        type: 'start',
        serveUrl: SERVE_URL,
        codec: 'h264',
        audioCodec: 'aac',
        imageFormat: 'jpeg',
        bucketName: BUCKET,
        privacy: 'public',
        scale: 0.25,
        outName: `lambda-story-${suffix}.mp4`,
        version: VERSION,
        enableCancellation: true,
      });
      // The props are valid composition props...
      const props = compositionPropsSchema.parse(s.inputProps);
      // ...the WebGL section is sent in CSS mode, without a depth map...
      expect(props.plan.sections.find((x) => x.id === 'depth')!.parallax!.mode).toBe('css');
      const layerSets = Object.values(props.media!.layers!);
      expect(layerSets).toHaveLength(1);
      expect(layerSets[0]!.depth).toBeUndefined();
      expect(layerSets[0]!.layers).toHaveLength(2);
      // ...and every file reference is a URL into the bucket's content-addressed assets.
      const all = strings(s.inputProps);
      const fileLike = all.filter((x) => /[\\/]|\.(png|jpe?g|webp|wav|mp3|mp4|m4a|json)\b/i.test(x));
      expect(fileLike.length).toBeGreaterThan(5);
      for (const x of fileLike) expect(x).toMatch(new RegExp(`^${env.s3.endpoint}/${BUCKET}/assets/[0-9a-f]{64}\\.(png|jpg|wav)\\?X-Amz-`));
      expect(all.some((x) => x.includes(dir))).toBe(false);
      expect(props.plan.$schema).toBeUndefined();
      const refs = [...props.plan.sections.map((x) => x.image), props.plan.music!.file, props.plan.sections[0]!.narration!];
      for (const ref of refs) expect(ref).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    // The URLs work (s3rver checks the presigned signature) and serve the bytes their key names.
    const urls = [...new Set(strings(byComposition.Landscape!.inputProps).filter((x) => x.startsWith('http')))];
    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      const sha = createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex');
      expect(url).toContain(`/assets/${sha}.`);
    }
    // Images are pre-scaled per format: the portrait's image URLs differ from the landscape's.
    const images = (c: string) => Object.keys(compositionPropsSchema.parse(byComposition[c]!.inputProps).media!.images).sort();
    expect(images('Portrait')).not.toEqual(images('Landscape'));

    // Results: two done with URL and cost, Square failed with its error and cost so far.
    const res = Object.fromEntries(r.formats.map((f) => [f.format, f]));
    expect(res['16:9']).toMatchObject({ ok: true, costUsd: 0.0123, errors: [] });
    expect(res['16:9']!.outputUrl).toBe(`https://s3.us-east-1.amazonaws.com/${BUCKET}/renders/${res['16:9']!.renderId}/lambda-story-16x9.mp4`);
    expect(res['9:16']).toMatchObject({ ok: true, costUsd: 0.0101, errors: [] });
    expect(res['1:1']).toMatchObject({ ok: false, costUsd: 0.004 });
    expect(res['1:1']!.errors.join(' ')).toContain('Chromium crashed: out of memory');
    // 126 frames at 30 fps = 4.2 s for each format.
    expect(r.formats.map((f) => f.videoSeconds)).toEqual([4.2, 4.2, 4.2]);
    // Square failed at its second poll; the others kept being polled to the end.
    expect(env.aws.statusCalls.get(res['1:1']!.renderId!)).toBe(2);
    expect(env.aws.statusCalls.get(res['16:9']!.renderId!)).toBe(5);
    expect(env.aws.statusCalls.get(res['9:16']!.renderId!)).toBe(5);
    // Throttled start and poll, the 5xx and the chunk retry were each retried/reported.
    expect(res['16:9']!.retries).toBe(1);
    expect(res['9:16']!.retries).toBe(3);
    expect(logs.some((l) => /9:16: start failed \(.*Rate Exceeded/.test(l))).toBe(true);
    expect(logs.some((l) => /9:16: chunk 1 failed \(attempt 1\/2\), retrying: Timeout loading image/.test(l))).toBe(true);
    expect(logs).toContain('section "depth": parallax mode webgl renders as css on Lambda (no GPU there)');
    expect(stages.get('16:9')).toEqual(expect.arrayContaining(['preparing', 'rendering', 'encoding', 'done']));
    expect(stages.get('1:1')).not.toContain('done');
    // Uploads: images per format, layers, narration and music.
    expect(r.uploads.uploaded).toBeGreaterThan(5);
    expect(r.uploads.skipped).toBe(0);
  });

  it('skips assets already in the bucket and downloads finished outputs, each with its cover (the WebGL section drawn in CSS, as on Lambda)', async () => {
    const before = await bucketKeys('assets/');
    expect(before.length).toBeGreaterThan(5);
    const out = path.join(dir, 'out');
    const r = await renderPlanOnLambda(loaded, options({ formats: ['16:9', '9:16', '1:1'], downloadDir: out, cover: true }));
    expect(r.uploads).toMatchObject({ uploaded: 0, bytesUploaded: 0 });
    expect(r.uploads.skipped).toBe(before.length);
    expect(await bucketKeys('assets/')).toEqual(before);
    for (const f of r.formats) {
      expect(f.ok).toBe(true);
      expect(f.file).toBe(path.join(out, `lambda-story-${f.format.replace(':', 'x')}.mp4`));
      // The stand-in's output (a real MP4), normalised to the default target after the download.
      expect((await fs.readFile(f.file!)).subarray(4, 8).toString()).toBe('ftyp');
      expect(f.sizeBytes).toBe((await fs.stat(f.file!)).size);
      expect(f.loudness!.target).toEqual({ integrated: -14, truePeak: -1 });
      expect(Math.abs(f.loudness!.integrated - -14)).toBeLessThanOrEqual(1);
      // The cover beside it: a JPEG at the format's size (scale 0.25), from the middle section (the WebGL one).
      const size = { '16:9': [480, 270], '9:16': [270, 480], '1:1': [270, 270] }[f.format];
      expect(f.cover).toMatchObject({ file: path.join(out, `lambda-story-${f.format.replace(':', 'x')}.jpg`), sectionId: 'depth' });
      const meta = await sharp(f.cover!.file).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', ...size]);
    }
    expect((await fs.readdir(out)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('a format whose start fails is reported; the others render', async () => {
    env.aws.startBehaviour = { Square: 'function-error' };
    const r = await renderPlanOnLambda(loaded, options({ formats: ['16:9', '1:1'] }));
    const [landscape, square] = r.formats;
    expect(landscape).toMatchObject({ format: '16:9', ok: true });
    expect(square).toMatchObject({ format: '1:1', ok: false, renderId: null });
    expect(square!.errors[0]).toMatch(/could not start: Composition "Square" could not be opened: out of memory/);
  });

  it('names --function when the function does not exist', async () => {
    env.aws.startBehaviour = { Landscape: 'not-found', Portrait: 'not-found', Square: 'not-found' };
    const err = await renderPlanOnLambda(loaded, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StillmotionError);
    expect((err as Error).message).toMatch(new RegExp(`function "${FUNCTION_NAME}" not found in us-east-1.*--function`));
  });

  it('an interrupt cancels the render on Lambda (Remotion writes the cancel signal to the bucket)', async () => {
    env.aws.scripts = { Square: Array.from({ length: 50 }, (_, i) => ({ kind: 'progress' as const, progress: i / 50, framesRendered: i })) };
    const abort = new AbortController();
    const r = await renderPlanOnLambda(loaded, options({ formats: ['1:1'], signal: abort.signal, onProgress: (p) => p.stage === 'rendering' && abort.abort() }));
    const f = r.formats[0]!;
    expect(f).toMatchObject({ ok: false, errors: ['interrupted; the render was cancelled'] });
    expect(env.aws.statusCalls.get(f.renderId!)).toBeLessThan(5);
    expect(await bucketKeys(`renders/${f.renderId}/`)).toEqual([`renders/${f.renderId}/cancel.json`, `renders/${f.renderId}/progress.json`]);
  });

  it('private renders get presigned output URLs', async () => {
    const r = await renderPlanOnLambda(loaded, options({ formats: ['1:1'], privacy: 'private' }));
    expect(env.aws.starts[0]!.payload.privacy).toBe('private');
    const url = r.formats[0]!.outputUrl!;
    expect(url).toMatch(new RegExp(`^${env.s3.endpoint}/${BUCKET}/renders/.*X-Amz-Signature=`));
    const res = await fetch(url);
    // The normalised video, put back under the same key.
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    expect(bytes.length).toBe(r.formats[0]!.sizeBytes);
  });

  it('sends large props through the bucket (Remotion uploads them to s3rver) and still only URLs', async () => {
    const planFile = await writePlan(
      dir,
      {
        title: 'Long Text',
        formats: ['1:1'],
        sections: [{ id: 'one', image: 'img/one.png', duration: 1, tier: 0, text: 'word '.repeat(50_000) }],
      },
      'long.json',
    );
    const long = await loadPlanFile(planFile, { cacheDir: path.join(dir, 'cache') });
    const warnSpy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const r = await renderPlanOnLambda(long, options());
      expect(r.formats[0]!.ok).toBe(true);
    } finally {
      warnSpy.mockRestore();
    }
    const start = env.aws.starts[0]!;
    expect(start.payload.inputProps).toMatchObject({ type: 'bucket-url', bucketName: BUCKET });
    expect(await bucketKeys('input-props/')).toHaveLength(1);
    const props = compositionPropsSchema.parse(start.inputProps);
    expect(props.plan.sections[0]!.image).toMatch(new RegExp(`^${env.s3.endpoint}/${BUCKET}/assets/[0-9a-f]{64}\\.png\\?`));
  });

  it('CLI: one line per format with URL and cost, the total per minute, non-zero exit when a format failed; the license key is sent, never printed', async () => {
    env.aws.scripts = {
      Landscape: [{ kind: 'progress', progress: 0.5, framesRendered: 60 }, { kind: 'done', cost: 0.0123 }],
      Square: [{ kind: 'fatal', message: 'Chromium crashed: out of memory', cost: 0.004 }],
    };
    process.env.REMOTION_LICENSE_KEY = 'rm-license-do-not-print-1234';
    let r: CliRun;
    try {
      r = await runCliInProcess(['lambda', 'render', loaded.planPath, '--formats', '16:9,1:1', '--scale', '0.25', '--no-cover', '--cache', path.join(dir, 'cache'),
        '--region', 'us-east-1', '--function', FUNCTION_NAME, '--bucket', BUCKET, '--serve-url', SERVE_URL, '--lambda-config', path.join(dir, 'none.json')]);
    } finally {
      delete process.env.REMOTION_LICENSE_KEY;
    }
    const err = r.error;
    const text = r.stdout + r.stderr;
    expect(err).toBeInstanceOf(StillmotionError);
    expect((err as Error).message).toMatch(/1 of 2 formats failed on Lambda: 1:1 \(chunk 2: Chromium crashed: out of memory\)/);
    expect(text).toMatch(new RegExp(`16:9  https://s3\\.us-east-1\\.amazonaws\\.com/${BUCKET}/renders/render\\d+/lambda-story-16x9\\.mp4  4\\.20 s  [\\d.]+ (B|KiB)  \\$0\\.012 \\(\\$0\\.176/min\\)  rendered in`));
    expect(text).toMatch(/1:1 {3}FAILED {2}\$0\.0040 spent {2}chunk 2: Chromium crashed: out of memory/);
    expect(text).toMatch(/Lambda cost: \$0\.016; \$0\.176 per minute of video \(0\.07 min rendered\)/);
    expect(env.aws.starts.every((s) => s.payload.licenseKey === 'rm-license-do-not-print-1234')).toBe(true);
    expect(text).not.toContain('rm-license-do-not-print-1234');
    expect(text).not.toContain('S3RVER/');
  });

  it('CLI: `render --lambda` (with --draft) renders on Lambda instead of this machine', async () => {
    env.aws.scripts = { Portrait: [{ kind: 'done', cost: 0.002 }] };
    const r = await runCliInProcess(['render', loaded.planPath, '--lambda', '--draft', '--no-cover', '--formats', '9:16', '--cache', path.join(dir, 'cache'),
      '--region', 'us-east-1', '--function', FUNCTION_NAME, '--bucket', BUCKET, '--serve-url', SERVE_URL, '--lambda-config', path.join(dir, 'none.json')]);
    expect(r.error).toBeNull();
    expect(r.stdout).toMatch(/9:16  https:\/\/s3\.us-east-1\.amazonaws\.com\/.*-9x16\.mp4/);
    expect(env.aws.starts).toHaveLength(1);
    const start = env.aws.starts[0]!.payload;
    expect(start.composition).toBe('Portrait');
    // --draft applies on Lambda as it does locally: half size, x264 ultrafast.
    expect(start.scale).toBe(0.5);
    expect(start.x264Preset).toBe('ultrafast');
  });
  it('CLI: caption flags apply on Lambda as they do locally (`lambda render --caption-style`, `render --lambda --no-captions`)', async () => {
    const common = ['--formats', '9:16', '--scale', '0.25', '--no-cover', '--cache', path.join(dir, 'cache'),
      '--region', 'us-east-1', '--function', FUNCTION_NAME, '--bucket', BUCKET, '--serve-url', SERVE_URL, '--lambda-config', path.join(dir, 'none.json')];
    env.aws.scripts = { Portrait: [{ kind: 'done', cost: 0.001 }] };
    const styled = await runCliInProcess(['lambda', 'render', loaded.planPath, '--caption-style', 'subtitle', ...common]);
    expect(styled.error).toBeNull();
    const sent = (i: number) => compositionPropsSchema.parse(env.aws.starts[i]!.inputProps).plan.captions;
    expect(sent(0)).toMatchObject({ style: 'subtitle' });
    const off = await runCliInProcess(['render', loaded.planPath, '--lambda', '--no-captions', ...common]);
    expect(off.error).toBeNull();
    expect(env.aws.starts).toHaveLength(2);
    expect(sent(1)).toBe(false);
    const bad = await runCliInProcess(['lambda', 'render', loaded.planPath, '--captions-source', 'guess', ...common]);
    expect((bad.error as Error).message).toMatch(/--captions-source: one of align, openai, whisper-cpp \(got "guess"\)/);
    expect(env.aws.starts).toHaveLength(2);
  });
});
