import { promises as fs } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ClipCache, cacheStats, openClipCache } from '../../src/cache/clip-cache';
import { s3ConfigFromEnv } from '../../src/cache/s3-config';
import { S3ImageUploader } from '../../src/providers/image-source';
import { LumaProvider } from '../../src/providers/luma';
import { tempDir } from '../helpers/fixtures';
import { FAST, makeMp4, makePng, sendJson, startServer } from '../providers/helpers';
import { startS3, type RunningS3 } from './s3rver';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const meta = { provider: 'luma', model: 'ray-2', durationSec: 5, aspect: '16:9', costUsd: 0.71 };

let s3: RunningS3;
let dir: string;
let clip: { file: string; bytes: Buffer };

beforeAll(async () => {
  [s3, dir] = await Promise.all([startS3(), tempDir('sm-s3cache-')]);
  clip = await makeMp4(dir);
});
afterAll(async () => {
  await s3?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('S3 clip cache (s3rver)', () => {
  it('stores, lists and reads back a verified clip', async () => {
    const cache = new S3ClipCache(s3.cfg, path.join(dir, 'local1'));
    expect(await cache.get(KEY_A)).toBeNull();
    await cache.put(KEY_A, clip.file, meta);
    // A second cache with an empty local dir must download from the bucket.
    const other = new S3ClipCache(s3.cfg, path.join(dir, 'local2'));
    const got = await other.get(KEY_A);
    expect(got).toBe(path.join(dir, 'local2', `${KEY_A}.mp4`));
    expect(await fs.readFile(got!)).toEqual(clip.bytes);
    const list = await other.list();
    expect(list.map((e) => [e.key, e.provider, e.model, e.durationSec, e.costUsd, e.bytes])).toEqual([[KEY_A, 'luma', 'ray-2', 5, 0.71, clip.bytes.length]]);
    expect(cacheStats(list)).toMatchObject({ entries: 1, bytes: clip.bytes.length, costUsd: 0.71 });
    const raw = await other.client.send(new GetObjectCommand({ Bucket: s3.cfg.bucket, Key: `sm/clips/${KEY_A}.mp4` }));
    expect(raw.Metadata?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('discards a corrupt object (bytes no longer match their hash)', async () => {
    const cache = new S3ClipCache(s3.cfg, path.join(dir, 'local3'));
    await cache.put(KEY_B, clip.file, meta);
    const original = await cache.client.send(new GetObjectCommand({ Bucket: s3.cfg.bucket, Key: `sm/clips/${KEY_B}.mp4` }));
    // Overwrite the bytes but keep the old metadata (as a torn or tampered upload would).
    await cache.client.send(new PutObjectCommand({ Bucket: s3.cfg.bucket, Key: `sm/clips/${KEY_B}.mp4`, Body: Buffer.from('garbage'), Metadata: original.Metadata }));
    const fresh = new S3ClipCache(s3.cfg, path.join(dir, 'local4'));
    expect(await fresh.get(KEY_B)).toBeNull();
    expect((await fresh.list()).map((e) => e.key)).not.toContain(KEY_B);
    await expect(fs.access(path.join(dir, 'local4', `${KEY_B}.mp4`))).rejects.toThrow();
  });

  it('is chosen from STILLMOTION_CACHE_S3_* env', () => {
    const env = { STILLMOTION_CACHE_S3_BUCKET: 'b', STILLMOTION_CACHE_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' };
    expect(s3ConfigFromEnv(env)).toMatchObject({ bucket: 'b', endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: 'x' });
    expect(openClipCache({ env })).toBeInstanceOf(S3ClipCache);
    expect(openClipCache({ env: {} })).not.toBeInstanceOf(S3ClipCache);
  });

  it('uploads local images and hands out a presigned GET URL that serves them', async () => {
    const img = await makePng(path.join(dir, 'up.png'));
    const url = await new S3ImageUploader(s3.cfg).upload(img);
    expect(url).toMatch(/X-Amz-Signature=/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(await fs.readFile(img));
  });

  it('gets a local image to Luma (URL-only) through the bucket, configured from env', async () => {
    const img = await makePng(path.join(dir, 'luma-local.png'), [1, 2, 3]);
    let fetched: Buffer | undefined;
    const server = await startServer(async (r, res) => {
      if (r.method === 'POST') {
        // Like the real service, fetch the image from the URL we were given.
        const url = (r.json as { keyframes: { frame0: { url: string } } }).keyframes.frame0.url;
        fetched = Buffer.from(await (await fetch(url)).arrayBuffer());
        return sendJson(res, 201, { id: 'g' });
      }
      if (r.path.startsWith('/generations/')) return sendJson(res, 200, { state: 'completed', assets: { video: `${server.url}/v.mp4` } });
      res.writeHead(200);
      res.end(clip.bytes);
    });
    try {
      const env = {
        LUMA_API_KEY: 'k',
        LUMA_BASE_URL: server.url,
        STILLMOTION_UPLOAD_S3_BUCKET: s3.cfg.bucket,
        STILLMOTION_UPLOAD_S3_ENDPOINT: s3.endpoint,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
      };
      const { uploader: _ignored, ...fast } = FAST;
      await new LumaProvider({ ...fast, env }).generate({ image: img, prompt: 'p', durationSec: 5, aspect: '16:9' }, { outFile: path.join(dir, 'luma-out.mp4') });
      expect(fetched).toEqual(await fs.readFile(img));
    } finally {
      await server.close();
    }
  });
});
