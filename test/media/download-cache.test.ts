/**
 * Only what decodes is cached, and a cached download follows the server: an error page (even one
 * sent with status 200) is never kept, so the next run succeeds once the server is fixed; a copy
 * with an ETag or Last-Modified is revalidated (304 keeps it, a new version replaces it); `--fresh`
 * downloads again; a damaged cached copy is fetched again. Real HTTP server on 127.0.0.1.
 */
import { promises as fs } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPlanFile } from '../../src/plan/load-plan';
import { tempDir, writePlan } from '../helpers/fixtures';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

/** The tests serve on 127.0.0.1, which plans may only reach when the user allows it. */
const LOCAL = { allowLocalUrls: true } as const;
const ERROR_PAGE = '<!doctype html><html><body><h1>503 Service Unavailable</h1><p>Try again later.</p></body></html>';

let dir: string;
let server: LoopbackServer;
const pngOf = (width: number): Promise<Buffer> => sharp({ create: { width, height: 30, channels: 3, background: { r: 90, g: 160, b: 60 } } }).png().toBuffer();
beforeAll(async () => {
  dir = await tempDir('stillmotion-download-cache-');
  server = await startLoopbackServer();
});
afterAll(async () => {
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

async function downloads(cacheDir: string): Promise<string[]> {
  return (await fs.readdir(path.join(cacheDir, 'downloads')).catch(() => [] as string[])).sort();
}

async function setup(name: string): Promise<{ planFile: string; cacheDir: string; url: string }> {
  const url = `${server.url}/${name}.png`;
  const planFile = await writePlan(dir, { title: name, sections: [{ id: 'a', image: url, duration: 1, tier: 0 }] }, `${name}.json`);
  return { planFile, cacheDir: path.join(dir, `cache-${name}`), url };
}

describe('downloaded images in the cache', () => {
  it('never caches an HTML error page sent with 200: the next run, after the server is fixed, succeeds', async () => {
    const { planFile, cacheDir, url } = await setup('flipping');
    const image = await pngOf(80);
    let fixed = false;
    server.handle((_req, res) => (fixed ? res.writeHead(200, { 'content-type': 'image/png' }).end(image) : res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ERROR_PAGE)));
    await expect(loadPlanFile(planFile, { cacheDir, policy: LOCAL })).rejects.toThrow(`sections[0].image: cannot download ${url}: the server sent text/html, not an image`);
    expect(await downloads(cacheDir)).toEqual([]);
    fixed = true;
    const loaded = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(loaded.images[url]).toMatchObject({ width: 80, height: 30, format: 'png' });
    expect(await fs.readFile(loaded.images[url]!.file)).toEqual(image);
  });

  it('never caches a body that does not decode, whatever content type it claims', async () => {
    const { planFile, cacheDir, url } = await setup('lying');
    const image = await pngOf(90);
    let fixed = false;
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(fixed ? image : ERROR_PAGE));
    await expect(loadPlanFile(planFile, { cacheDir, policy: LOCAL })).rejects.toThrow(
      new RegExp(`sections\\[0\\]\\.image: cannot download ${url.replace(/[.]/g, '\\.')}: what the server sent \\(image/png, ${ERROR_PAGE.length} bytes\\) does not decode: cannot decode image`),
    );
    expect(await downloads(cacheDir)).toEqual([]);
    fixed = true;
    expect((await loadPlanFile(planFile, { cacheDir, policy: LOCAL })).images[url]).toMatchObject({ width: 90 });
  });

  it('revalidates with the ETag: 304 keeps the copy, a new version replaces it (and the old file goes)', async () => {
    const { planFile, cacheDir, url } = await setup('etag');
    let version = { etag: '"v1"', body: await pngOf(100) };
    const answers: number[] = [];
    server.handle((req: http.IncomingMessage, res: http.ServerResponse) => {
      const status = req.headers['if-none-match'] === version.etag ? 304 : 200;
      answers.push(status);
      if (status === 304) res.writeHead(304, { etag: version.etag }).end();
      else res.writeHead(200, { 'content-type': 'image/png', etag: version.etag }).end(version.body);
    });
    const first = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(first.images[url]!.width).toBe(100);
    const second = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(second.images[url]!.file).toBe(first.images[url]!.file);
    expect(server.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"v1"']);
    expect(answers).toEqual([200, 304]);

    version = { etag: '"v2"', body: await pngOf(120) };
    const third = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(third.images[url]!.width).toBe(120);
    expect(answers).toEqual([200, 304, 200]);
    const files = await downloads(cacheDir);
    expect(files).toHaveLength(2); // the entry and the current version
    expect(files).toContain(path.basename(third.images[url]!.file));
    await expect(fs.access(first.images[url]!.file)).rejects.toThrow();
  });

  it('revalidates with Last-Modified, and keeps the verified copy when the server is down (5xx)', async () => {
    const { planFile, cacheDir, url } = await setup('modified');
    const image = await pngOf(70);
    const stamp = 'Wed, 21 Oct 2015 07:28:00 GMT';
    let down = false;
    server.handle((req, res) => {
      if (down) res.writeHead(503, { 'content-type': 'text/html' }).end(ERROR_PAGE);
      else if (req.headers['if-modified-since'] === stamp) res.writeHead(304).end();
      else res.writeHead(200, { 'content-type': 'image/png', 'last-modified': stamp }).end(image);
    });
    const first = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect((await loadPlanFile(planFile, { cacheDir, policy: LOCAL })).images[url]!.file).toBe(first.images[url]!.file);
    expect(server.requests[1]!.headers['if-modified-since']).toBe(stamp);
    down = true;
    expect((await loadPlanFile(planFile, { cacheDir, policy: LOCAL })).images[url]).toMatchObject({ file: first.images[url]!.file, width: 70 });
  });

  it('keeps a copy without validators until --fresh, and fetches a damaged copy again', async () => {
    const { planFile, cacheDir, url } = await setup('fresh');
    let body = await pngOf(60);
    server.handle((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(body));
    const first = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    body = await pngOf(66);
    const second = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(second.images[url]!.width).toBe(60);
    expect(server.requests).toHaveLength(1); // nothing to revalidate with: no request
    const fresh = await loadPlanFile(planFile, { cacheDir, policy: LOCAL, fresh: true });
    expect(fresh.images[url]!.width).toBe(66);
    expect(server.requests).toHaveLength(2);

    // Damage the cached copy (same size, bytes flipped in the middle): it no longer decodes, so it is fetched again.
    const cached = fresh.images[url]!.file;
    const bytes = await fs.readFile(cached);
    bytes.fill(0, 40, bytes.length - 20);
    await fs.writeFile(cached, bytes);
    const healed = await loadPlanFile(planFile, { cacheDir, policy: LOCAL });
    expect(healed.images[url]!.width).toBe(66);
    expect(server.requests).toHaveLength(3);
    expect(first.images[url]!.file).not.toBe(fresh.images[url]!.file);
  });
});
