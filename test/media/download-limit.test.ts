/**
 * A plan's image URL cannot exhaust memory or disk: the body streams to a temp file and stops at the
 * download limit (default 100 MiB, --max-download-mb / STILLMOTION_MAX_DOWNLOAD_MB), and nothing of
 * a refused download stays in the cache. Real HTTP server on 127.0.0.1 (allowed explicitly).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DOWNLOAD_MB, resolveInputPolicy } from '../../src/net/input-policy';
import { loadPlanFile } from '../../src/plan/load-plan';
import { runCliInProcess } from '../helpers/run-cli';
import { tempDir, writePlan } from '../helpers/fixtures';
import { startLoopbackServer, streamBytes, type LoopbackServer } from './loopback-server';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** The tests serve on 127.0.0.1, which plans may only reach when the user allows it. */
const LOCAL = { allowLocalUrls: true } as const;

let dir: string;
let server: LoopbackServer;
let png: Buffer;
beforeAll(async () => {
  dir = await tempDir('stillmotion-download-limit-');
  server = await startLoopbackServer();
  png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer();
});
afterAll(async () => {
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function filesUnder(d: string): Promise<string[]> {
  const entries = await fs.readdir(d, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

async function planFor(url: string, name: string): Promise<string> {
  return writePlan(dir, { title: 'Remote', sections: [{ id: 'a', image: url, duration: 1, tier: 0 }] }, name);
}

describe('download limit', () => {
  it('cuts a 1 GiB streamed image at the 100 MiB default with bounded memory and keeps nothing', async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      streamBytes(res, GIB, chunk);
    });
    const cacheDir = path.join(dir, 'cache-gib');
    const planFile = await planFor(`${server.url}/huge.png`, 'huge.json');
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    const started = Date.now();
    const err = await loadPlanFile(planFile, { cacheDir, policy: LOCAL }).catch((e: unknown) => e as Error);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/sections\[0\]\.image: cannot download http:\/\/127\.0\.0\.1:\d+\/huge\.png: the body is more than the download limit of 100 MiB \(raise it with --max-download-mb or STILLMOTION_MAX_DOWNLOAD_MB\)/);
    const growthMb = (peak - before) / MIB;
    console.log(`1 GiB stream: refused after ${Date.now() - started} ms, RSS growth ${growthMb.toFixed(1)} MiB`);
    expect(growthMb).toBeLessThan(200);
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it('refuses an announced Content-Length over the limit before reading the body', async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(GIB) });
      res.write(png); // then stalls: a client that waited for the body would hang
    });
    const cacheDir = path.join(dir, 'cache-announced');
    const started = Date.now();
    await expect(loadPlanFile(await planFor(`${server.url}/announced.png`, 'announced.json'), { cacheDir, policy: LOCAL })).rejects.toThrow(
      /the server announces 1073741824 bytes, which is more than the download limit of 100 MiB/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  it('takes the limit from --max-download-mb or STILLMOTION_MAX_DOWNLOAD_MB (the flag wins) and names a bad value', async () => {
    expect(resolveInputPolicy({}, {}).maxDownloadBytes).toBe(DEFAULT_MAX_DOWNLOAD_MB * MIB);
    expect(resolveInputPolicy({}, { STILLMOTION_MAX_DOWNLOAD_MB: '0.5' }).maxDownloadBytes).toBe(MIB / 2);
    expect(resolveInputPolicy({ maxDownloadMb: '2' }, { STILLMOTION_MAX_DOWNLOAD_MB: '0.5' }).maxDownloadBytes).toBe(2 * MIB);
    expect(() => resolveInputPolicy({ maxDownloadMb: 'lots' })).toThrow('--max-download-mb: a positive number of MiB (got "lots")');
    expect(() => resolveInputPolicy({}, { STILLMOTION_MAX_DOWNLOAD_MB: '-1' })).toThrow('STILLMOTION_MAX_DOWNLOAD_MB: a positive number of MiB (got "-1")');

    // A real image of 0.3 MiB against a 0.25 MiB limit, through `validate`.
    const big = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#888' } }).raw().toBuffer();
    const noisy = await sharp(big.map((_, i) => (i * 7919) % 251), { raw: { width: 400, height: 400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(noisy.length).toBeGreaterThan(0.3 * MIB);
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(noisy));
    const planFile = await planFor(`${server.url}/noisy.png`, 'noisy.json');
    const cache = path.join(dir, 'cache-flag');
    const small = await runCliInProcess(['validate', planFile, '--cache', cache, '--allow-local-urls', '--max-download-mb', '0.25']);
    expect(String(small.error)).toMatch(/sections\[0\]\.image: cannot download .*: (the body|the server announces \d+ bytes, which) is more than the download limit of 0\.25 MiB/);
    expect(await filesUnder(cache)).toEqual([]);
    const enough = await runCliInProcess(['validate', planFile, '--cache', cache, '--allow-local-urls', '--max-download-mb', '1']);
    expect(enough.error).toBeNull();
    expect(enough.stdout).toMatch(/valid - 1 sections/);
  });
});
