/**
 * Hosted depth against a loopback Replicate (./replicate-server.ts, written from Replicate's docs):
 * the default model with only a token, model / version / input settings, retries on 429 and 5xx,
 * cancelling on abort and on Ctrl-C, and uploads kept under the data-URI limit.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimateDepth } from '../../src/depth/depth-map';
import {
  DEFAULT_HOSTED_COST_USD,
  DEFAULT_HOSTED_MODEL,
  DEFAULT_HOSTED_VERSION,
  MAX_DATA_URI_BYTES,
  encodeUpload,
  pickOutputUrl,
  replicateThrottleWaitMs,
  resolveHostedModel,
  type HostedDepthOptions,
} from '../../src/depth/hosted';
import { generateScene, writeScenePng } from '../../src/depth/synthetic';
import { tempDir } from '../helpers/fixtures';
import { DATA_URI_LIMIT, DEPTH_ANYTHING_V2, DEPTH_ANYTHING_V2_VERSION, OFFICIAL_DEPTH_MODEL, startReplicateServer, type ReplicateServer } from './replicate-server';

const ENV = ['REPLICATE_API_TOKEN', 'STILLMOTION_DEPTH_URL', 'STILLMOTION_DEPTH_VERSION', 'STILLMOTION_DEPTH_HOSTED_MODEL', 'STILLMOTION_DEPTH_HOSTED_INPUT'] as const;
const ROOT = path.resolve(__dirname, '../..');

let dir: string;
let img: string;
let server: ReplicateServer;
let saved: Record<string, string | undefined>;

beforeAll(async () => {
  dir = await tempDir('stillmotion-hosted-');
  img = path.join(dir, 'scene.png');
  await writeScenePng(generateScene({ width: 160, height: 120, seed: 3 }), img);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  server = await startReplicateServer();
  process.env.REPLICATE_API_TOKEN = server.token;
  process.env.STILLMOTION_DEPTH_URL = server.url;
});
afterEach(async () => {
  await server.close();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const creates = (): typeof server.requests => server.requests.filter((r) => r.method === 'POST' && /\/predictions$/.test(r.path));
const polls = (): typeof server.requests => server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/predictions/'));
const cancels = (): typeof server.requests => server.requests.filter((r) => r.path.endsWith('/cancel'));
const fast: HostedDepthOptions = { pollIntervalMs: 5, retry: { baseDelayMs: 10 } };

describe('the loopback server refuses what Replicate refuses', () => {
  const post = (p: string, body: unknown, token = server.token): Promise<Response> =>
    fetch(`${server.url}${p}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('no version, an unknown version, a bad token, a bad input and an oversize data URI', async () => {
    const tiny = `data:image/png;base64,${(await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).png().toBuffer()).toString('base64')}`;
    let r = await post('/v1/predictions', { input: { image: tiny } });
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ title: 'Input validation failed', status: 422, invalid_fields: [{ field: 'version', description: 'version is required' }] });
    r = await post('/v1/predictions', { version: 'f'.repeat(64), input: { image: tiny } });
    expect(await r.json()).toMatchObject({ title: 'Invalid version or not permitted', status: 422 });
    r = await post('/v1/predictions', { version: DEPTH_ANYTHING_V2_VERSION, input: { image: tiny } }, 'wrong');
    expect([r.status, await r.json()]).toEqual([401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 }]);
    r = await post('/v1/predictions', { version: DEPTH_ANYTHING_V2_VERSION, input: { image: tiny, model_size: 'Huge' } });
    expect(await r.json()).toMatchObject({ title: 'Input validation failed', invalid_fields: [{ field: 'input.model_size' }] });
    r = await post(`/v1/models/${DEPTH_ANYTHING_V2}/predictions`, { input: { image: tiny } });
    expect(r.status).toBe(404); // a community model runs by version only
    r = await post('/v1/predictions', { version: DEPTH_ANYTHING_V2_VERSION, input: { image: `data:image/jpeg;base64,${'A'.repeat(DATA_URI_LIMIT)}` } });
    expect(await r.json()).toMatchObject({ title: 'Input validation failed', invalid_fields: [{ field: 'input.image' }] });
    expect(server.predictions.size).toBe(0);
  });
});

describe('hosted depth on Replicate', () => {
  it('works with only REPLICATE_API_TOKEN set: the default model, pinned version, Small weights', async () => {
    expect(DEFAULT_HOSTED_MODEL).toBe(DEPTH_ANYTHING_V2);
    expect(DEFAULT_HOSTED_VERSION).toBe(DEPTH_ANYTHING_V2_VERSION);
    const costs: [number, string][] = [];
    const d = await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: fast, onCost: (usd, label) => costs.push([usd, label]) });
    expect([d.width, d.height]).toEqual([160, 120]);
    // The served depth is a ramp, bright (near) at the bottom.
    expect(d.data[110 * 160 + 80]!).toBeGreaterThan(d.data[8 * 160 + 80]! + 0.5);
    const [c] = creates();
    expect(c!.path).toBe('/v1/predictions');
    expect(c!.headers.authorization).toBe(`Bearer ${server.token}`);
    // No Prefer: wait by default: the prediction id comes back at once, so Ctrl-C can cancel it.
    expect(c!.headers.prefer).toBeUndefined();
    expect(c!.body).toMatchObject({ version: DEPTH_ANYTHING_V2_VERSION, input: { model_size: 'Small' } });
    expect(String((c!.body!.input as { image: string }).image)).toMatch(/^data:image\/jpeg;base64,/);
    expect(polls().length).toBeGreaterThan(0);
    expect(costs).toEqual([[DEFAULT_HOSTED_COST_USD, `depth (hosted) ${img}`]]);
    expect(d.notes.join(' ')).toContain(`${DEPTH_ANYTHING_V2}:${DEPTH_ANYTHING_V2_VERSION}`);
  });

  it('with Prefer: wait, takes the finished prediction from the create (or polls when it outlasts the wait); reports a failed prediction', async () => {
    await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: { ...fast, preferWaitS: 2 } });
    expect(creates()[0]!.headers.prefer).toBe('wait=2');
    expect(polls()).toHaveLength(0);
    server.runMs = 1300;
    const d = await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: { ...fast, preferWaitS: 1 } });
    expect(d.width).toBe(160);
    expect(polls().length).toBeGreaterThan(0);
    server.runMs = 20;
    server.failNextPrediction = 'CUDA out of memory';
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false, hosted: fast })).rejects.toThrow(/scene\.png: hosted depth prediction \S+ failed: CUDA out of memory/);
  });

  it('takes the model, version and inputs from env and options, and names the setting that is wrong', async () => {
    process.env.STILLMOTION_DEPTH_HOSTED_INPUT = '{"model_size":"Base"}';
    await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: fast });
    expect(creates().at(-1)!.body).toMatchObject({ version: DEPTH_ANYTHING_V2_VERSION, input: { model_size: 'Base' } });
    // An official model: its own endpoint, no version, none of the default model's inputs.
    delete process.env.STILLMOTION_DEPTH_HOSTED_INPUT;
    process.env.STILLMOTION_DEPTH_HOSTED_MODEL = OFFICIAL_DEPTH_MODEL;
    await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: fast });
    const official = creates().at(-1)!;
    expect(official.path).toBe(`/v1/models/${OFFICIAL_DEPTH_MODEL}/predictions`);
    expect(official.body).not.toHaveProperty('version');
    expect(official.body!.input).not.toHaveProperty('model_size');
    // owner/name:version in one setting.
    expect(resolveHostedModel({ model: `${DEPTH_ANYTHING_V2}:${DEPTH_ANYTHING_V2_VERSION}` })).toMatchObject({ model: DEPTH_ANYTHING_V2, version: DEPTH_ANYTHING_V2_VERSION });
    // A version Replicate does not know: its 422, with the settings to change.
    process.env.STILLMOTION_DEPTH_HOSTED_MODEL = 'someone/depth';
    process.env.STILLMOTION_DEPTH_VERSION = 'a'.repeat(64);
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false, hosted: fast })).rejects.toThrow(/HTTP 422 on POST \/v1\/predictions: Invalid version or not permitted: The specified version does not exist.*STILLMOTION_DEPTH_VERSION/s);
    process.env.STILLMOTION_DEPTH_VERSION = 'latest';
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false })).rejects.toThrow(/STILLMOTION_DEPTH_VERSION: "latest" is not a Replicate version id/);
    process.env.STILLMOTION_DEPTH_HOSTED_MODEL = 'just-a-name';
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false })).rejects.toThrow(/STILLMOTION_DEPTH_HOSTED_MODEL: "just-a-name" is not a Replicate model/);
    delete process.env.STILLMOTION_DEPTH_HOSTED_MODEL;
    delete process.env.STILLMOTION_DEPTH_VERSION;
    process.env.STILLMOTION_DEPTH_HOSTED_INPUT = '{model_size: Large}';
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false })).rejects.toThrow(/STILLMOTION_DEPTH_HOSTED_INPUT: not JSON/);
  });

  it('reports a bad token and a missing token clearly, never printing the token', async () => {
    const err = await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: { ...fast, token: 'r8_wrong_secret' } }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/scene\.png: hosted depth: .*HTTP 401.*You did not pass a valid authentication token.*REPLICATE_API_TOKEN/s);
    expect((err as Error).message).not.toContain('r8_wrong_secret');
    delete process.env.REPLICATE_API_TOKEN;
    await expect(estimateDepth(img, { estimator: 'hosted', cache: false })).rejects.toThrow(/needs an API token: set REPLICATE_API_TOKEN/);
  });

  it('waits out a 429 as Replicate asks (Retry-After, or "resets in ~Ns"), then succeeds', async () => {
    server.fail('create', { status: 429, body: { detail: 'Request was throttled. Your rate limit resets in ~1s.' }, headers: { 'Retry-After': '1' } });
    // No header: only the body says how long (the documented 429 body).
    server.fail('create', { status: 429, body: { detail: 'Request was throttled. Your rate limit resets in ~1s.' } });
    const retries: string[] = [];
    const d = await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: { ...fast, onRetry: (m) => retries.push(m) } });
    expect(d.width).toBe(160);
    const [a, b, c] = creates();
    expect(creates()).toHaveLength(3);
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
    // Without the body's hint the rate-limit backoff starts at 5 s.
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(950);
    expect(c!.at - b!.at).toBeLessThan(3000);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/rate limited \(HTTP 429\): Request was throttled/);
    expect(server.predictions.size).toBe(1);
    expect(replicateThrottleWaitMs({ retry_after: 7 })).toBe(7000);
  });

  it('retries a 5xx on create and on a poll, then succeeds', async () => {
    server.runMs = 1200;
    server.fail('create', { status: 503, body: { detail: 'Service Unavailable' } });
    server.fail('get', { status: 500, body: { detail: 'Internal Server Error' } });
    const d = await estimateDepth(img, { estimator: 'hosted', cache: false, hosted: { ...fast, preferWaitS: 1 } });
    expect(d.width).toBe(160);
    expect(creates()).toHaveLength(2);
    expect(server.predictions.size).toBe(1);
    expect(polls().length).toBeGreaterThanOrEqual(2);
  });

  it('cancels the prediction when aborted, and stops promptly without charging', async () => {
    server.runMs = Infinity;
    const abort = new AbortController();
    const costs: number[] = [];
    const run = estimateDepth(img, { estimator: 'hosted', cache: false, onCost: (usd) => costs.push(usd), hosted: { ...fast, preferWaitS: 0, pollIntervalMs: 50, signal: abort.signal } });
    while (polls().length < 2) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    abort.abort();
    await expect(run).rejects.toThrow(/scene\.png: hosted depth interrupted: prediction \S+ cancelled/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(cancels()).toHaveLength(1);
    expect([...server.predictions.values()][0]!.status).toBe('canceled');
    expect(costs).toHaveLength(0);
  });

  it('cancels the prediction on Ctrl-C of `stillmotion depth`, and the command exits at once', async () => {
    server.runMs = Infinity;
    const out = path.join(dir, 'ctrl-c.png');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/stillmotion.mjs'), 'depth', img, '--out', out, '--estimator', 'hosted', '--no-cache'], {
      cwd: dir,
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 30_000;
    // Once it polls, the CLI knows the prediction's id (before that, Ctrl-C could only abandon the create).
    while (polls().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.predictions.size).toBe(1);
    const t0 = Date.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(code === 130 || signal === 'SIGINT').toBe(true);
    expect(cancels()).toHaveLength(1);
    expect([...server.predictions.values()][0]!.status).toBe('canceled');
    await expect(fs.stat(out)).rejects.toThrow();
    expect(stderr).not.toContain(server.token);
  }, 60_000);

  it('as a library with no signal handler of its own, Ctrl-C still cancels and still ends the process', async () => {
    server.runMs = Infinity;
    const script = path.join(dir, 'library-use.mts'); // ESM (top-level await) outside the project's package.json
    await fs.writeFile(
      script,
      [
        `import { estimateDepth } from ${JSON.stringify(path.join(ROOT, 'src/depth/depth-map.ts'))};`,
        `await estimateDepth(${JSON.stringify(img)}, { estimator: 'hosted', cache: false, hosted: { pollIntervalMs: 50 } });`,
        `console.log('finished');`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 30_000;
    while (polls().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const { signal } = await exited;
    expect(signal).toBe('SIGINT');
    expect(stdout).not.toContain('finished');
    expect(cancels()).toHaveLength(1);
    expect([...server.predictions.values()][0]!.status).toBe('canceled');
  }, 60_000);

  it('keeps the upload under the data-URI limit however large and detailed the image', async () => {
    // Noise does not compress: 2048x1365 as JPEG is several MB, far over the limit.
    const width = 2048;
    const height = 1365;
    const rgb = new Uint8Array(width * height * 3);
    let s = 7;
    for (let i = 0; i < rgb.length; i++) rgb[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    const file = path.join(dir, 'noise.png');
    await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toFile(file);
    const d = await estimateDepth(file, { estimator: 'hosted', cache: false, hosted: { ...fast, uploadSide: 2048 } });
    expect([d.width, d.height]).toEqual([width, height]);
    const sent = String((creates()[0]!.body!.input as { image: string }).image);
    expect(sent.length).toBeLessThanOrEqual(DATA_URI_LIMIT);
    expect(sent.length).toBeGreaterThan(0.4 * DATA_URI_LIMIT); // shrunk to fit, not to a thumbnail
    const meta = await sharp(Buffer.from(sent.split(',')[1]!, 'base64')).metadata();
    expect(meta.width! / meta.height!).toBeCloseTo(width / height, 2);
    expect(meta.width).toBeLessThan(width);
    // By default the upload is at most 1024 px on its long side.
    const up = await encodeUpload({ rgb, width, height });
    expect([up.width, up.height]).toEqual([1024, 683]);
    expect(up.uri.length).toBeLessThanOrEqual(MAX_DATA_URI_BYTES);
  }, 60_000);

  it('caches by model: a second run is free, another model is not', async () => {
    const cacheDir = path.join(dir, 'cache');
    const costs: number[] = [];
    const opts = { estimator: 'hosted' as const, cacheDir, hosted: fast, onCost: (usd: number) => costs.push(usd) };
    await estimateDepth(img, opts);
    expect((await estimateDepth(img, opts)).cached).toBe(true);
    expect(costs).toHaveLength(1);
    const other = await estimateDepth(img, { ...opts, hosted: { ...fast, input: { model_size: 'Base' } } });
    expect(other.cached).toBe(false);
    expect(costs).toHaveLength(2);
  });

  it('picks the grey depth output among output shapes', () => {
    expect(pickOutputUrl('https://x/d.png')).toBe('https://x/d.png');
    expect(pickOutputUrl(['https://x/color.png', 'https://x/grey.png'])).toBe('https://x/grey.png');
    expect(pickOutputUrl({ color_depth: 'c', grey_depth: 'g' })).toBe('g');
    expect(pickOutputUrl({ depth: 'd' })).toBe('d');
    expect(pickOutputUrl(null)).toBeUndefined();
  });
});
