import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunwayProvider } from '../../src/providers/runway';
import { ProviderError } from '../../src/providers/errors';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, sendJson, startServer, type MockServer } from './helpers';

const KEY = 'key_runway_0123456789abcdef';
let dir: string;
let mp4: Buffer;
let img: string;
let server: MockServer | undefined;

beforeAll(async () => {
  dir = await tempDir('sm-runway-');
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

const provider = (extra: ConstructorParameters<typeof RunwayProvider>[0] = {}) => new RunwayProvider({ ...FAST, apiKey: KEY, baseUrl: server!.url, ...extra });

describe('Runway provider', () => {
  it('sends version header, data URI, ratio and seed; follows PENDING/THROTTLED/RUNNING to SUCCEEDED', async () => {
    const seq = ['PENDING', 'THROTTLED', 'RUNNING', 'SUCCEEDED'];
    let i = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST' && r.path === '/v1/image_to_video') return sendJson(res, 200, { id: 'task-1' });
      if (r.path === '/v1/tasks/task-1') {
        const status = seq[Math.min(i++, seq.length - 1)];
        return sendJson(res, 200, { id: 'task-1', status, progress: 0.5, ...(status === 'SUCCEEDED' ? { output: [`${server!.url}/out/task-1.mp4?sig=1`] } : {}) });
      }
      if (r.path.startsWith('/out/')) {
        res.writeHead(200);
        return res.end(mp4);
      }
      sendJson(res, 404, { error: 'nope' });
    });
    const out = path.join(dir, 'r1.mp4');
    const r = await provider().generate({ image: img, prompt: 'waves roll in', durationSec: 6, aspect: '16:9', seed: 42 }, { outFile: out });
    // gen4_turbo makes any whole 2..10 s: a 6 s section buys 6 s, not 10.
    expect(r.durationSec).toBe(6);
    expect(await fs.readFile(out)).toEqual(mp4);
    for (const q of server.requests.filter((q) => !q.path.startsWith('/out/'))) {
      expect(q.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(q.headers['x-runway-version']).toBe('2024-11-06');
    }
    const body = server.requests[0]!.json as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'gen4_turbo', promptText: 'waves roll in', ratio: '1280:720', duration: 6, seed: 42 });
    expect(body.promptImage).toBe(`data:image/png;base64,${(await fs.readFile(img)).toString('base64')}`);
    expect(server.requests.filter((q) => q.path === '/v1/tasks/task-1')).toHaveLength(4);
  });

  it('maps 9:16 and 1:1 to gen4_turbo ratios and leaves seed out when not given', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 200, { id: 't' });
      if (r.path === '/v1/tasks/t') return sendJson(res, 200, { status: 'SUCCEEDED', output: [`${server!.url}/o.mp4`] });
      res.writeHead(200);
      res.end(mp4);
    });
    await provider().generate({ image: 'https://img.example/a.jpg', prompt: 'p', durationSec: 5, aspect: '9:16' }, { outFile: path.join(dir, 'r2.mp4') });
    await provider().generate({ image: 'https://img.example/a.jpg', prompt: 'p', durationSec: 5, aspect: '1:1' }, { outFile: path.join(dir, 'r3.mp4') });
    const posts = server.requests.filter((q) => q.method === 'POST').map((q) => q.json as Record<string, unknown>);
    expect(posts.map((p) => p.ratio)).toEqual(['720:1280', '960:960']);
    expect(posts[0]).not.toHaveProperty('seed');
    expect(posts[0]!.promptImage).toBe('https://img.example/a.jpg');
  });

  it('retries 502 on create, then succeeds', async () => {
    let posts = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST') {
        posts++;
        if (posts <= 2) return sendJson(res, 502, 'Bad Gateway');
        return sendJson(res, 200, { id: 'ok' });
      }
      if (r.path === '/v1/tasks/ok') return sendJson(res, 200, { status: 'SUCCEEDED', output: [`${server!.url}/o.mp4`] });
      res.writeHead(200);
      res.end(mp4);
    });
    await provider().generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'r4.mp4') });
    expect(posts).toBe(3);
  });

  it('reports FAILED with its failure code; SAFETY codes count as moderation; no retry', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 200, { id: 'bad' });
      sendJson(res, 200, { status: 'FAILED', failure: 'The input image did not pass our safety checks', failureCode: 'SAFETY.INPUT.IMAGE' });
    });
    const err = (await provider().generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'r5.mp4') }).catch((e: unknown) => e)) as ProviderError;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('moderation');
    expect(err.billed).toBe(false);
    expect(err.reason).toContain('SAFETY.INPUT.IMAGE');
    expect(server.requests.filter((q) => q.method === 'POST')).toHaveLength(1);
    expect(server.requests.some((q) => q.method === 'DELETE')).toBe(false);
  });

  it('cancels the task (DELETE /v1/tasks/{id}) on abort', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 200, { id: 'long' });
      if (r.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      sendJson(res, 200, { status: 'RUNNING', progress: 0.1 });
    });
    const ac = new AbortController();
    let polls = 0;
    const err = (await provider()
      .generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'r6.mp4'), signal: ac.signal, onProgress: (e) => e.phase === 'poll' && ++polls === 2 && ac.abort() })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('aborted');
    const del = server.requests.find((q) => q.method === 'DELETE');
    expect(del?.path).toBe('/v1/tasks/long');
    expect(del?.headers['x-runway-version']).toBe('2024-11-06');
  });

  it('a create already on the wire when Ctrl-C comes is allowed to finish, then cancelled', async () => {
    server = await startServer(async (r, res) => {
      if (r.method === 'POST') {
        await new Promise((ok) => setTimeout(ok, 150));
        return sendJson(res, 200, { id: 'late' });
      }
      if (r.method === 'DELETE') {
        res.writeHead(204);
        return res.end();
      }
      sendJson(res, 200, { status: 'RUNNING' });
    });
    const ac = new AbortController();
    const err = (await provider()
      .generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'r7.mp4'), signal: ac.signal, onProgress: (e) => e.phase === 'create' && !e.taskId && setTimeout(() => ac.abort(), 20) })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('aborted');
    expect(server.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /v1/image_to_video', 'DELETE /v1/tasks/late']);
  });

  it('defaults to polling no faster than every 5 s', () => {
    const p = new RunwayProvider({ apiKey: 'k', uploader: null });
    expect((p as unknown as { poll: { initialMs: number } }).poll.initialMs).toBeGreaterThanOrEqual(5000);
  });
});
