/**
 * Every provider request against a loopback server written from that provider's documentation
 * (test/providers/servers/*, each citing its sources), which refuses what the real API refuses with
 * the real error shape: long prompts, Kling's mode, WebP / GIF / tiny / very wide images, quota
 * errors, Runway's whole-second durations, Luma's create path and its fallback, Haiper's privacy
 * and data URIs, and the plan's own image URL passed through.
 */
import { promises as fs } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalClipCache } from '../../src/cache/clip-cache';
import { estimateClipCost } from '../../src/cost/prices';
import { clipPrompt } from '../../src/director/clip-spec';
import { planSchema } from '../../src/plan/schema';
import { collectClips, estimateClips } from '../../src/providers/collect-clips';
import { ProviderError } from '../../src/providers/errors';
import { HaiperProvider } from '../../src/providers/haiper';
import { KlingProvider } from '../../src/providers/kling';
import { LumaProvider } from '../../src/providers/luma';
import { RunwayProvider } from '../../src/providers/runway';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, startServer, type MockServer, type Recorded } from './helpers';
import { haiperApi } from './servers/haiper-api';
import { klingApi } from './servers/kling-api';
import { lumaApi } from './servers/luma-api';
import { runwayApi } from './servers/runway-api';

const KEY = 'test-key-0123456789abcdef';
const ACCESS = 'ak_documented_access';
const SECRET = 'sk_documented_secret_42';
let dir: string;
let mp4: Buffer;
let server: MockServer | undefined;
const img: Record<'png' | 'tiny' | 'webp' | 'gif' | 'wide' | 'tall', string> = {} as never;

/** A 640x480 photo-like image (a gradient with noise, so it does not compress to nothing). */
async function photo(width: number, height: number): Promise<sharp.Sharp> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = ((x * 7 + y * 13) % 97) * 2;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

beforeAll(async () => {
  dir = await tempDir('sm-docs-');
  mp4 = (await makeMp4(dir)).bytes;
  img.png = path.join(dir, 'photo.png');
  await (await photo(640, 480)).png().toFile(img.png);
  img.tiny = await makePng(path.join(dir, 'tiny.png'));
  img.webp = path.join(dir, 'story.webp');
  await (await photo(640, 480)).webp().toFile(img.webp);
  img.gif = path.join(dir, 'story.gif');
  await (await photo(400, 300)).gif().toFile(img.gif);
  // 2000x200, blue, with a red 120x200 block centred at x = 0.85: the subject.
  img.wide = path.join(dir, 'wide.jpg');
  await sharp({ create: { width: 2000, height: 200, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: { create: { width: 120, height: 200, channels: 3, background: { r: 255, g: 0, b: 0 } } }, left: 1640, top: 0 }])
    .jpeg()
    .toFile(img.wide);
  img.tall = path.join(dir, 'tall.png');
  await (await photo(300, 1200)).png().toFile(img.tall);
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The provider API plus what a CDN would serve: finished clips under /out/, images under /img/. */
async function serve(api: (r: Recorded, res: http.ServerResponse) => Promise<void>): Promise<MockServer> {
  server = await startServer(async (r, res) => {
    if (r.path.startsWith('/out/')) {
      res.writeHead(200, { 'Content-Type': 'video/mp4' });
      return res.end(mp4);
    }
    if (r.path.startsWith('/img/')) {
      const file = path.join(dir, path.basename(r.path));
      res.writeHead(200);
      return res.end(await fs.readFile(file));
    }
    return api(r, res);
  });
  return server;
}
const base = () => server!.url;
const out = (name: string) => path.join(dir, `${name}.mp4`);
const fail = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ProviderError);

async function decoded(b64: string) {
  const buf = Buffer.from(b64, 'base64');
  const m = await sharp(buf).metadata();
  return { format: m.format, width: m.width!, height: m.height!, buf };
}

describe('Runway (sdk-node, docs.dev.runwayml.com)', () => {
  const runway = (extra = {}) => new RunwayProvider({ ...FAST, apiKey: KEY, baseUrl: server!.url, ...extra });

  it('a long section: promptText fitted to 1,000 UTF-16 units, camera direction kept, cut at a word', async () => {
    const api = runwayApi({ key: KEY, base });
    await serve(api.handler);
    const words = 'The storm rolls over the hills and the village wakes to the sound of thunder'.split(' ');
    const text = Array.from({ length: 400 }, (_, i) => words[i % words.length]).join(' ');
    const prompt = clipPrompt(text, 'climax');
    expect(prompt.length).toBeGreaterThan(2000);
    await runway().generate({ image: img.png, prompt, durationSec: 5, aspect: '16:9' }, { outFile: out('rw-long') });
    const sent = api.state.accepted[0]!.promptText as string;
    expect(sent.length).toBeLessThanOrEqual(1000);
    expect(sent).toMatch(/^The camera pushes in with the action; /);
    expect(sent.endsWith('...')).toBe(true);
    const kept = sent.slice(0, -3);
    expect(prompt.startsWith(kept)).toBe(true);
    expect(prompt[kept.length]).toBe(' '); // the cut falls between words
  });

  it('the server refuses what Runway refuses, and the error shows the field-level detail', async () => {
    const api = runwayApi({ key: KEY, base });
    await serve(api.handler);
    const err = await fail(runway().generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', model: 'gen4_alpha' }, { outFile: out('rw-bad') }));
    expect(err?.kind).toBe('rejected');
    expect(err?.message).toMatch(/HTTP 400 .*Validation of body failed: model: Invalid option/);
    // And the loopback server really enforces the documented limit (so the fitting above is tested).
    const res = await fetch(`${server!.url}/v1/image_to_video`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'X-Runway-Version': '2024-11-06', 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'gen4_turbo', promptImage: 'https://img.example/a.jpg', promptText: 'x'.repeat(1001), ratio: '1280:720', duration: 5 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: { path: string[] }[] }).issues.map((i) => i.path.join('.'))).toEqual(['promptText']);
  });

  it('a 7 s section buys 7 s, priced per second', async () => {
    const api = runwayApi({ key: KEY, base });
    await serve(api.handler);
    const p = runway();
    expect([1, 2, 6.2, 7, 9.5, 12].map((s) => p.snapDuration(s))).toEqual([2, 2, 7, 7, 10, 10]);
    const r = await p.generate({ image: img.png, prompt: 'p', durationSec: 7, aspect: '16:9' }, { outFile: out('rw-7') });
    expect(r.durationSec).toBe(7);
    expect(api.state.accepted[0]!.duration).toBe(7);
    expect(estimateClipCost('runway', 'gen4_turbo', 7)).toBe(0.35);
    expect(estimateClipCost('runway', 'gen4_turbo', 10)).toBe(0.5);
  });

  it('the daily quota (429 on create) is final: reported at once with the provider message, no retries', async () => {
    const api = runwayApi({ key: KEY, base, dailyLimit: 0 });
    const s = await serve(api.handler);
    const t0 = Date.now();
    const err = await fail(runway({ retry: { rateLimitAttempts: 6, rateLimitBaseDelayMs: 2000 } }).generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('rw-quota') }));
    expect(err?.kind).toBe('quota');
    expect(err?.message).toMatch(/daily generation quota.*maximum number of daily generations/);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(s.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
  });

  it('GIF is converted; WebP (accepted) goes as it is; data URIs stay under 5 MB', async () => {
    const api = runwayApi({ key: KEY, base });
    await serve(api.handler);
    await runway().generate({ image: img.gif, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('rw-gif') });
    await runway().generate({ image: img.webp, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('rw-webp') });
    const [gif, webp] = api.state.accepted.map((b) => b.promptImage as string);
    expect(gif).toMatch(/^data:image\/jpeg;base64,/);
    expect(webp).toBe(`data:image/webp;base64,${(await fs.readFile(img.webp)).toString('base64')}`);
    // A 2000x1500 uncompressed PNG (~9 MB) is brought under Runway's 5 MB data-URI limit.
    const big = path.join(dir, 'big.png');
    await (await photo(2000, 1500)).png({ compressionLevel: 0 }).toFile(big);
    expect((await fs.stat(big)).size).toBeGreaterThan(8 * 1024 * 1024);
    await runway().generate({ image: big, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('rw-big') });
    expect((api.state.accepted[2]!.promptImage as string).length).toBeLessThan(5 * 1024 * 1024);
  });
});

describe('Kling (API reference: image2video)', () => {
  const kling = (extra = {}) => new KlingProvider({ ...FAST, accessKey: ACCESS, secretKey: SECRET, baseUrl: server!.url, ...extra });

  it('"kling-v2-1:pro" is sent as model_name kling-v2-1 + mode pro, without cfg_scale; priced as pro', async () => {
    const api = klingApi({ access: ACCESS, secret: SECRET, base });
    await serve(api.handler);
    const r = await kling().generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', model: 'kling-v2-1:pro' }, { outFile: out('k-pro') });
    expect(r).toMatchObject({ model: 'kling-v2-1', mode: 'pro' });
    await kling().generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', model: 'kling-v2-1', mode: 'pro' }, { outFile: out('k-pro2') });
    for (const b of api.state.accepted) {
      expect(b).toMatchObject({ model_name: 'kling-v2-1', mode: 'pro', duration: '5' });
      expect(b).not.toHaveProperty('cfg_scale');
    }
    // v1 models still get cfg_scale, which they take.
    await kling().generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', model: 'kling-v1-6' }, { outFile: out('k-v1') });
    expect(api.state.accepted[2]).toMatchObject({ model_name: 'kling-v1-6', mode: 'std', cfg_scale: 0.5 });
    expect(estimateClipCost('kling', 'kling-v2-1', 5, undefined, 'pro')).toBe(0.49);
    expect(estimateClipCost('kling', 'kling-v2-1:pro', 10)).toBe(0.98);
    expect(estimateClipCost('kling', 'kling-v2-1', 5)).toBe(0.28);
    // A mode Kling does not have is a config error naming clip.mode, before any request.
    const err = await fail(kling().generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', mode: 'ultra' }, { outFile: out('k-bad') }));
    expect(err?.kind).toBe('config');
    expect(err?.message).toMatch(/clip\.mode "ultra" is not one of std, pro/);
  });

  it('the plan reads the old "model:mode" spelling as model + mode, and the estimate prices the mode', async () => {
    const plan = planSchema.parse({ title: 't', sections: [{ id: 'a', image: 'a.png', tier: 3, clip: { provider: 'kling', model: 'kling-v2-1:pro' } }] });
    expect(plan.sections[0]!.clip).toEqual({ provider: 'kling', model: 'kling-v2-1', mode: 'pro' });
    const bad = planSchema.safeParse({ title: 't', sections: [{ id: 'a', image: 'a.png', tier: 3, clip: { provider: 'kling', model: 'kling-v2-1:pro', mode: 'std' } }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/sections.*clip.*model/);
    const cacheDir = path.join(dir, 'cache-est');
    const { results } = await estimateClips(
      [
        { image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', provider: 'kling', model: 'kling-v2-1', mode: 'pro' },
        { image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9', provider: 'kling', model: 'kling-v2-1' },
      ],
      { cacheDir, cache: new LocalClipCache(cacheDir), ledger: null, env: { KLING_ACCESS_KEY: ACCESS, KLING_SECRET_KEY: SECRET } },
    );
    expect(results.map((r) => [r.mode, r.estimateUsd])).toEqual([
      ['pro', 0.49],
      ['std', 0.28],
    ]);
    expect(results[0]!.key).not.toBe(results[1]!.key); // pro and std are different clips
  });

  it('WebP becomes JPEG, a tiny image is upscaled to 300 px, a very wide one is cropped around the focus', async () => {
    const api = klingApi({ access: ACCESS, secret: SECRET, base });
    await serve(api.handler);
    await kling().generate({ image: img.webp, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('k-webp') });
    await kling().generate({ image: img.tiny, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('k-tiny') });
    const events: string[] = [];
    await kling().generate({ image: img.wide, focus: { x: 0.85, y: 0.5 }, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('k-wide'), onProgress: (e) => e.message && events.push(e.message) });
    await kling().generate({ image: img.tall, prompt: 'p', durationSec: 5, aspect: '9:16' }, { outFile: out('k-tall') });
    const [webp, tiny, wide, tall] = await Promise.all(api.state.accepted.map((b) => decoded(b.image as string)));
    expect([webp!.format, webp!.width, webp!.height]).toEqual(['jpeg', 640, 480]);
    expect([tiny!.format, tiny!.width, tiny!.height]).toEqual(['png', 300, 300]);
    // 2000x200 -> 500x200 (2.5:1) around x = 0.85, then up to 750x300: the red subject is in the middle.
    expect([wide!.width, wide!.height]).toEqual([750, 300]);
    const { data } = await sharp(wide!.buf).extract({ left: 370, top: 145, width: 10, height: 10 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(60);
    expect(events.join(' ')).toMatch(/cropped 2000x200 to 500x200 around the focal point/);
    expect(tall!.height / tall!.width).toBeLessThanOrEqual(2.5);
  });

  it('account / billing codes 1100-1102 are final: one request, the provider message reported', async () => {
    for (const code of [1101, 1102] as const) {
      const api = klingApi({ access: ACCESS, secret: SECRET, base, accountCode: code });
      await serve(api.handler);
      const err = await fail(kling({ retry: { rateLimitAttempts: 6, rateLimitBaseDelayMs: 2000 } }).generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out(`k-${code}`) }));
      expect(err?.kind).toBe('quota');
      expect(err?.message).toMatch(code === 1101 ? /code 1101.*arrears/ : /code 1102.*Resource pack depleted/);
      expect(api.state.creates).toBe(1);
      await server!.close();
      server = undefined;
    }
  });

  it('after a quota answer, the rest of the run falls back without asking again', async () => {
    const api = klingApi({ access: ACCESS, secret: SECRET, base, accountCode: 1102 });
    await serve(api.handler);
    const cacheDir = path.join(dir, 'cache-quota');
    const results = await collectClips(
      [0, 1, 2].map((i) => ({ image: img.png, prompt: `shot ${i}`, durationSec: 5, aspect: '16:9' as const, provider: 'kling' as const })),
      { cacheDir, cache: new LocalClipCache(cacheDir), ledger: null, env: {}, providerOptions: { kling: { ...FAST, accessKey: ACCESS, secretKey: SECRET, baseUrl: server!.url, maxConcurrency: 1 } } },
    );
    expect(results.map((r) => r.status)).toEqual(['fallback', 'fallback', 'fallback']);
    expect(results.every((r) => /Resource pack depleted/.test(r.reason ?? ''))).toBe(true);
    expect(api.state.creates).toBe(1);
  });
});

describe('Luma (lumaai-python / lumaai-node, OpenAPI spec)', () => {
  const luma = (extra = {}) => new LumaProvider({ ...FAST, apiKey: KEY, baseUrl: server!.url, ...extra });

  it('creates with POST /generations/video', async () => {
    const api = lumaApi({ key: KEY, base });
    await serve(api.handler);
    await luma().generate({ image: `${base()}/img/photo.png`, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('l-new') });
    expect(api.state.accepted.map((a) => a.path)).toEqual(['/generations/video']);
  });

  it('falls back to POST /generations when the server answers 404 for the new path, and stays there', async () => {
    const api = lumaApi({ key: KEY, base, legacyOnly: true });
    const s = await serve(api.handler);
    const p = luma();
    await p.generate({ image: `${base()}/img/photo.png`, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('l-old1') });
    await p.generate({ image: `${base()}/img/photo.png`, prompt: 'q', durationSec: 5, aspect: '16:9' }, { outFile: out('l-old2') });
    expect(api.state.accepted.map((a) => a.path)).toEqual(['/generations', '/generations']);
    expect(s.requests.filter((q) => q.path === '/generations/video')).toHaveLength(1);
  });

  it("the plan's own URL is passed through when the image fits (no bucket needed)", async () => {
    const api = lumaApi({ key: KEY, base });
    await serve(api.handler);
    const url = `${base()}/img/photo.png`;
    await luma().generate({ image: img.png, imageUrl: url, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('l-url') });
    expect((api.state.accepted[0]!.body.keyframes as { frame0: { url: string } }).frame0.url).toBe(url);
    expect(api.state.fetchedImages).toEqual([url]);
    // A WebP URL does not fit Luma as it is: the message says so instead of asking for "an http(s) image".
    const err = await fail(luma().generate({ image: img.webp, imageUrl: `${base()}/img/story.webp`, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('l-webp') }));
    expect(err?.kind).toBe('config');
    expect(err?.message).toMatch(/story\.webp cannot be used as it is \(webp is not accepted.*STILLMOTION_UPLOAD_S3_BUCKET/);
    expect(err?.message).not.toMatch(/use an http\(s\) image/);
  });
});

describe('Haiper (its ComfyUI client, last public API)', () => {
  const haiper = (extra = {}) => new HaiperProvider({ ...FAST, apiKey: KEY, baseUrl: server!.url, ...extra });

  it('sends a local image as a data URI (no bucket), is_public false and the prompt enhancer off unless asked', async () => {
    const api = haiperApi({ key: KEY, base });
    await serve(api.handler);
    await haiper().generate({ image: img.webp, prompt: 'clouds drift', durationSec: 5, aspect: '16:9' }, { outFile: out('h-1') });
    const c = api.state.creates[0]!;
    expect(c).toMatchObject({ published: false, promptEnhanced: false });
    expect((c.body.config as { source_image: string }).source_image).toMatch(/^data:image\/jpeg;base64,/);
    expect(c.body.prompt).toBe('clouds drift');
    await haiper({ promptEnhancer: true }).generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('h-2') });
    await new HaiperProvider({ ...FAST, baseUrl: server!.url, env: { HAIPER_API_KEY: KEY, HAIPER_PROMPT_ENHANCER: '1' } }).generate({ image: img.png, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('h-3') });
    expect(api.state.creates.slice(1).map((x) => [x.published, x.promptEnhanced])).toEqual([
      [false, true],
      [false, true],
    ]);
  });

  it("passes the plan's URL through when the image fits", async () => {
    const api = haiperApi({ key: KEY, base });
    await serve(api.handler);
    const url = `${base()}/img/photo.png`;
    await haiper().generate({ image: img.png, imageUrl: url, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: out('h-url') });
    expect((api.state.creates[0]!.body.config as { source_image: string }).source_image).toBe(url);
  });
});
