import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LumaProvider } from '../../src/providers/luma';
import { ProviderError } from '../../src/providers/errors';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, sendJson, startServer, type MockServer } from './helpers';

const KEY = 'luma-secret-key-123456';
let dir: string;
let mp4: Buffer;
let server: MockServer | undefined;

beforeAll(async () => {
  dir = await tempDir('sm-luma-');
  mp4 = (await makeMp4(dir)).bytes;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function provider(extra: ConstructorParameters<typeof LumaProvider>[0] = {}) {
  return new LumaProvider({ ...FAST, apiKey: KEY, baseUrl: server!.url, ...extra });
}

const req = (image: string) => ({ image, prompt: 'slow push in, leaves moving', durationSec: 4, aspect: '9:16' as const });

describe('Luma provider', () => {
  it('creates, polls through queued/dreaming, downloads and verifies the clip', async () => {
    let polls = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST' && r.path === '/generations') return sendJson(res, 201, { id: 'gen-1', state: 'queued' });
      if (r.method === 'GET' && r.path === '/generations/gen-1') {
        polls++;
        const state = polls === 1 ? 'queued' : polls === 2 ? 'dreaming' : 'completed';
        return sendJson(res, 200, { id: 'gen-1', state, failure_reason: null, assets: state === 'completed' ? { video: `${server!.url}/files/gen-1.mp4` } : null });
      }
      if (r.path === '/files/gen-1.mp4') {
        res.writeHead(200, { 'Content-Type': 'video/mp4' });
        return res.end(mp4);
      }
      sendJson(res, 404, { detail: 'not found' });
    });
    const out = path.join(dir, 'out1.mp4');
    const states: string[] = [];
    const r = await provider().generate(req('https://images.example/photo.jpg'), { outFile: out, onProgress: (e) => e.state && states.push(e.state) });
    expect(r.taskId).toBe('gen-1');
    expect(r.durationSec).toBe(5);
    expect(await fs.readFile(out)).toEqual(mp4);
    expect(states).toEqual(['queued', 'dreaming', 'completed']);
    const create = server.requests[0]!;
    expect(create.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(create.json).toEqual({
      model: 'ray-2',
      prompt: 'slow push in, leaves moving',
      keyframes: { frame0: { type: 'image', url: 'https://images.example/photo.jpg' } },
      aspect_ratio: '9:16',
      loop: false,
      duration: '5s',
      resolution: '720p',
    });
    expect(server.requests.filter((q) => q.path === '/generations/gen-1').every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('backs off on 429 (Retry-After) and on 5xx, then succeeds; creates once', async () => {
    let creates = 0;
    let polls = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST') {
        creates++;
        if (creates === 1) return sendJson(res, 429, { detail: 'Too many concurrent generations' }, { 'Retry-After': '0' });
        return sendJson(res, 201, { id: 'g2', state: 'queued' });
      }
      if (r.path === '/generations/g2') {
        polls++;
        if (polls === 1) return sendJson(res, 503, { detail: 'unavailable' });
        return sendJson(res, 200, { id: 'g2', state: 'completed', assets: { video: `${server!.url}/v.mp4` } });
      }
      res.writeHead(200);
      res.end(mp4);
    });
    const retries: string[] = [];
    const r = await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o2.mp4'), onProgress: (e) => e.phase === 'retry' && retries.push(e.message ?? '') });
    expect(r.taskId).toBe('g2');
    expect(creates).toBe(2);
    expect(polls).toBe(2);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/rate limited \(HTTP 429\)/);
    expect(retries[1]).toMatch(/HTTP 503/);
  });

  it('gives up after a bounded number of 429s with a rate_limited error', async () => {
    server = await startServer((_r, res) => sendJson(res, 429, { detail: 'rate limit' }));
    const err = await provider({ retry: { ...FAST.retry, rateLimitAttempts: 3 } })
      .generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o3.mp4') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('rate_limited');
    expect(server.requests).toHaveLength(3);
  });

  it('reports a failed generation without retrying', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g4', state: 'queued' });
      sendJson(res, 200, { id: 'g4', state: 'failed', failure_reason: 'Prompt violates our content moderation policy' });
    });
    const err = (await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o4.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('moderation');
    expect(err.reason).toContain('content moderation');
    expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    await expect(fs.access(path.join(dir, 'o4.mp4'))).rejects.toThrow();
  });

  it('treats malformed JSON on create as fatal (no duplicate paid task) and on poll as retryable', async () => {
    server = await startServer((r, res) => sendJson(res, 200, '{"id": "oops'));
    const err = (await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o5.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('bad_response');
    expect(err.message).toMatch(/malformed JSON/);
    expect(server.requests).toHaveLength(1);
    await server.close();

    let polls = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g6', state: 'queued' });
      if (r.path === '/generations/g6') return ++polls === 1 ? sendJson(res, 200, '<html>bad gateway</html>') : sendJson(res, 200, { state: 'completed', assets: { video: `${server!.url}/v.mp4` } });
      res.writeHead(200);
      res.end(mp4);
    });
    await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o6.mp4') });
    expect(polls).toBe(2);
  });

  it('fails a download that is too slow, and a download that is not a video', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g7', state: 'queued' });
      if (r.path.startsWith('/generations/')) return sendJson(res, 200, { state: 'completed', assets: { video: `${server!.url}/slow.mp4` } });
      res.writeHead(200, { 'Content-Type': 'video/mp4' });
      res.write(mp4.subarray(0, 100)); // then stall
    });
    const err = (await provider({ downloadTimeoutMs: 150, retry: { ...FAST.retry, maxAttempts: 2 } })
      .generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o7.mp4') })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('timeout');
    expect(err.reason).toMatch(/timed out/);
    await server.close();

    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g8', state: 'queued' });
      if (r.path.startsWith('/generations/')) return sendJson(res, 200, { state: 'completed', assets: { video: `${server!.url}/bad.mp4` } });
      res.writeHead(200);
      res.end('this is not a video at all');
    });
    const err2 = (await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o8.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err2.kind).toBe('not_playable');
    await expect(fs.access(path.join(dir, 'o8.mp4'))).rejects.toThrow();
  });

  it('times out in total and cancels (DELETE) the remote generation; same on abort', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g9', state: 'queued' });
      if (r.method === 'DELETE') return sendJson(res, 204, '');
      sendJson(res, 200, { id: 'g9', state: 'dreaming' });
    });
    const err = (await provider({ totalTimeoutMs: 1000 }).generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o9.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('timeout');
    expect(server.requests.some((q) => q.method === 'DELETE' && q.path === '/generations/g9' && q.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    server.requests.length = 0;
    const ac = new AbortController();
    const p = provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o10.mp4'), signal: ac.signal, onProgress: (e) => e.phase === 'poll' && ac.abort() });
    const err2 = (await p.catch((e: unknown) => e)) as ProviderError;
    expect(err2.kind).toBe('aborted');
    expect(server.requests.some((q) => q.method === 'DELETE' && q.path === '/generations/g9')).toBe(true);
  });

  it('cancels a task it stops following because of an unreadable answer', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g16', state: 'queued' });
      if (r.method === 'DELETE') return sendJson(res, 204, '');
      sendJson(res, 200, { id: 'g16', state: 'exploded' });
    });
    const err = (await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o16.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('bad_response');
    expect(err.billed).toBeUndefined();
    expect(server.requests.map((q) => q.method)).toEqual(['POST', 'GET', 'DELETE']);
  });

  it('needs a URL for local images: uses the uploader, or explains how to configure one', async () => {
    const img = await makePng(path.join(dir, 'local.png'));
    server = await startServer((r, res) => sendJson(res, 500, {}));
    const err = (await provider().generate(req(img), { outFile: path.join(dir, 'o11.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('config');
    expect(err.message).toMatch(/STILLMOTION_UPLOAD_S3_BUCKET/);
    expect(server.requests).toHaveLength(0);

    await server.close();
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g12' });
      if (r.path.startsWith('/generations/')) return sendJson(res, 200, { state: 'completed', assets: { video: `${server!.url}/v.mp4` } });
      res.writeHead(200);
      res.end(mp4);
    });
    const uploaded: unknown[] = [];
    await provider({ uploader: { upload: async (f) => (uploaded.push(f), 'https://bucket.example/uploads/x.png?X-Amz-Signature=abc') } }).generate(req(img), { outFile: path.join(dir, 'o12.mp4') });
    // The image fits Luma as it is: its own bytes are uploaded.
    expect(uploaded).toEqual([{ bytes: await fs.readFile(img), ext: '.png' }]);
    expect((server.requests[0]!.json as { keyframes: { frame0: { url: string } } }).keyframes.frame0.url).toBe('https://bucket.example/uploads/x.png?X-Amz-Signature=abc');
  });

  it('never puts the key in error messages, and reports a missing key', async () => {
    server = await startServer((_r, res) => sendJson(res, 401, { detail: `invalid key ${KEY}` }));
    const err = (await provider().generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o13.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('rejected');
    expect(err.message).not.toContain(KEY);
    expect(err.message).toMatch(/401/);
    const err2 = (await new LumaProvider({ ...FAST, env: {}, baseUrl: server.url }).generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o14.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err2.reason).toBe('no LUMA_API_KEY');
  });

  it('takes its base URL from LUMA_BASE_URL', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 201, { id: 'g15' });
      if (r.path.startsWith('/v1/generations/')) return sendJson(res, 200, { state: 'completed', assets: { video: `${server!.url}/v.mp4` } });
      res.writeHead(200);
      res.end(mp4);
    });
    await new LumaProvider({ ...FAST, env: { LUMA_API_KEY: KEY, LUMA_BASE_URL: `${server.url}/v1` } }).generate(req('https://x.example/a.png'), { outFile: path.join(dir, 'o15.mp4') });
    expect(server.requests[0]!.path).toBe('/v1/generations/video');
  });
});
