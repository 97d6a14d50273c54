import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { KlingProvider } from '../../src/providers/kling';
import { ProviderError } from '../../src/providers/errors';
import { klingToken, verifyHs256 } from '../../src/providers/jwt';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, sendJson, startServer, type MockServer } from './helpers';

const ACCESS = 'ak_kling_test_access';
const SECRET = 'sk_kling_test_secret_987654';
let dir: string;
let mp4: Buffer;
let img: string;
let server: MockServer | undefined;

beforeAll(async () => {
  dir = await tempDir('sm-kling-');
  mp4 = (await makeMp4(dir)).bytes;
  img = await makePng(path.join(dir, 'photo.png'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const provider = (extra: ConstructorParameters<typeof KlingProvider>[0] = {}) =>
  new KlingProvider({ ...FAST, accessKey: ACCESS, secretKey: SECRET, baseUrl: server!.url, ...extra });

/** Independent check of the token: recompute the HMAC here rather than trusting src/. */
function checkJwt(auth: string | undefined): Record<string, unknown> {
  expect(auth).toMatch(/^Bearer /);
  const token = auth!.slice(7);
  const [h, p, s] = token.split('.');
  expect(createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url')).toBe(s);
  expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { iss: string; exp: number; nbf: number };
  const now = Math.floor(Date.now() / 1000);
  expect(payload.iss).toBe(ACCESS);
  expect(payload.exp - now).toBeGreaterThan(1700);
  expect(payload.exp - now).toBeLessThanOrEqual(1800);
  expect(now - payload.nbf).toBeGreaterThanOrEqual(5);
  expect(token).not.toContain(SECRET);
  return payload;
}

describe('Kling JWT', () => {
  it('signs HS256 tokens that verify only with the secret', () => {
    const t = klingToken(ACCESS, SECRET, 1_000_000);
    expect(verifyHs256(t, SECRET, 1_000_001).payload).toEqual({ iss: ACCESS, exp: 1_001_800, nbf: 999_995 });
    expect(() => verifyHs256(t, 'wrong-secret', 1_000_001)).toThrow(/signature/);
    expect(() => verifyHs256(t, SECRET, 1_002_000)).toThrow(/expired/);
  });
});

describe('Kling provider', () => {
  it('creates with a JWT and raw base64 image, polls submitted/processing/succeed, downloads', async () => {
    const seq = ['submitted', 'processing', 'succeed'];
    let i = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST' && r.path === '/v1/videos/image2video')
        return sendJson(res, 200, { code: 0, message: 'SUCCEED', request_id: 'rq', data: { task_id: 'k-1', task_status: 'submitted' } });
      if (r.path === '/v1/videos/image2video/k-1') {
        const st = seq[Math.min(i++, 2)];
        return sendJson(res, 200, { code: 0, message: 'SUCCEED', data: { task_id: 'k-1', task_status: st, task_result: st === 'succeed' ? { videos: [{ id: 'v', url: `${server!.url}/v/k-1.mp4`, duration: '5' }] } : undefined } });
      }
      res.writeHead(200);
      res.end(mp4);
    });
    const out = path.join(dir, 'k1.mp4');
    const r = await provider().generate({ image: img, prompt: 'hair blowing in the wind', durationSec: 5, aspect: '1:1', seed: 7 }, { outFile: out });
    expect(r.taskId).toBe('k-1');
    expect(await fs.readFile(out)).toEqual(mp4);
    for (const q of server.requests.filter((q) => q.path.startsWith('/v1/'))) checkJwt(q.headers.authorization);
    const sent = server.requests[0]!.json as Record<string, unknown>;
    // kling-v2-1 takes no cfg_scale; the 32x32 PNG is upscaled to Kling's 300 px minimum, still a PNG.
    expect(sent).toEqual({ model_name: 'kling-v2-1', image: expect.any(String), prompt: 'hair blowing in the wind', mode: 'std', duration: '5' });
    const meta = await sharp(Buffer.from(sent.image as string, 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 300, 300]);
  });

  it('retries 429 code 1303 (too many parallel tasks), then succeeds', async () => {
    let posts = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST') {
        if (++posts < 3) return sendJson(res, 429, { code: 1303, message: 'parallel task over resource pack limit' });
        return sendJson(res, 200, { code: 0, data: { task_id: 'k-2', task_status: 'submitted' } });
      }
      if (r.path.startsWith('/v1/')) return sendJson(res, 200, { code: 0, data: { task_status: 'succeed', task_result: { videos: [{ url: `${server!.url}/v.mp4` }] } } });
      res.writeHead(200);
      res.end(mp4);
    });
    await provider().generate({ image: 'https://img.example/a.jpg', prompt: 'p', durationSec: 10, aspect: '16:9' }, { outFile: path.join(dir, 'k2.mp4') });
    expect(posts).toBe(3);
    expect((server.requests[2]!.json as { duration: string; image: string })).toMatchObject({ duration: '10', image: 'https://img.example/a.jpg' });
  });

  it('reports a failed task with task_status_msg, and error codes without leaking keys', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 200, { code: 0, data: { task_id: 'k-3' } });
      sendJson(res, 200, { code: 0, data: { task_status: 'failed', task_status_msg: 'Failure to pass the risk control system' } });
    });
    const err = (await provider().generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'k3.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('failed');
    expect(err.reason).toContain('risk control');
    await server.close();

    server = await startServer((_r, res) => sendJson(res, 400, { code: 1301, message: `content security policy triggered for ${ACCESS}` }));
    const err2 = (await provider().generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'k4.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err2.kind).toBe('moderation');
    expect(err2.message).not.toContain(ACCESS);
    expect(err2.message).not.toContain(SECRET);
    expect(server.requests).toHaveLength(1);
  });

  it('names the missing key variables', async () => {
    const err = (await new KlingProvider({ ...FAST, env: { KLING_ACCESS_KEY: 'a' } })
      .generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'k5.mp4') })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.reason).toBe('no KLING_SECRET_KEY');
  });
});
