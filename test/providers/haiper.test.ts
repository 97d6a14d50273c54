import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HaiperProvider } from '../../src/providers/haiper';
import { ProviderError } from '../../src/providers/errors';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, sendJson, startServer, type MockServer } from './helpers';

const KEY = 'haiper-key-abcdef123';
let dir: string;
let mp4: Buffer;
let server: MockServer | undefined;

beforeAll(async () => {
  dir = await tempDir('sm-haiper-');
  mp4 = (await makeMp4(dir)).bytes;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('Haiper provider (legacy API)', () => {
  it('creates a gen2 image2video job, polls status, reads the creation and downloads', async () => {
    const seq = ['pending', 'processing', 'post_processing', 'succeed'];
    let i = 0;
    server = await startServer((r, res) => {
      expect(r.path.startsWith('/files/') || r.headers.authorization === `Bearer ${KEY}`).toBe(true);
      if (r.method === 'POST' && r.path === '/v1/jobs/gen2/image2video') return sendJson(res, 200, { status: 'success', value: { generation_id: 'h-1' } });
      if (r.path === '/v1/jobs/h-1/status') return sendJson(res, 200, { status: 'success', value: { status: seq[Math.min(i++, 3)] } });
      if (r.path === '/v1/creation/h-1') return sendJson(res, 200, { status: 'success', value: { video_url: `${server!.url}/files/h-1.mp4` } });
      res.writeHead(200);
      res.end(mp4);
    });
    const p = new HaiperProvider({ ...FAST, apiKey: KEY, baseUrl: server.url });
    expect(p.legacy).toBe(true);
    const out = path.join(dir, 'h1.mp4');
    await p.generate({ image: 'https://img.example/a.jpg', prompt: 'clouds drift', durationSec: 5, aspect: '16:9', seed: 3 }, { outFile: out });
    expect(await fs.readFile(out)).toEqual(mp4);
    expect(server.requests[0]!.json).toEqual({ prompt: 'clouds drift', config: { source_image: 'https://img.example/a.jpg' }, settings: { duration: 6, resolution: 720, seed: 3 }, is_public: false, is_enable_prompt_enhancer: false });
    expect(server.requests.filter((q) => q.path === '/v1/jobs/h-1/status')).toHaveLength(4);
  });

  it('reports a failed job', async () => {
    server = await startServer((r, res) => {
      if (r.method === 'POST') return sendJson(res, 200, { status: 'success', value: { generation_id: 'h-2' } });
      sendJson(res, 200, { status: 'success', value: { status: 'failed', failed_reason: 'NSFW content detected' } });
    });
    const err = (await new HaiperProvider({ ...FAST, apiKey: KEY, baseUrl: server.url })
      .generate({ image: 'https://img.example/a.jpg', prompt: 'p', durationSec: 4, aspect: '16:9' }, { outFile: path.join(dir, 'h2.mp4') })
      .catch((e: unknown) => e)) as ProviderError;
    expect(err.kind).toBe('moderation');
    expect(err.reason).toContain('NSFW');
  });
});
