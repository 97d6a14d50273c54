/**
 * A plan's URL cannot reach link-local or cloud-metadata addresses (ever) or loopback and private
 * ones (unless allowed), directly, through DNS or through a redirect. Host names resolve through a
 * stub resolver, so no traffic goes anywhere but the test's server on 127.0.0.1; a refused address
 * is refused before any connection (the server counts its connections).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchToCache, fetchVerified } from '../../src/media/fetch-remote';
import { probeImage } from '../../src/media/probe-image';
import { addressRefusal, classifyAddress } from '../../src/net/address-policy';
import { guardedGet, type ResolvedAddress, type Resolver } from '../../src/net/guarded-get';
import { resolveInputPolicy } from '../../src/net/input-policy';
import { loadPlanFile } from '../../src/plan/load-plan';
import { loadStory } from '../../src/story/load-story';
import { probeStoryMedia } from '../../src/story/story-media';
import { runCliInProcess } from '../helpers/run-cli';
import { tempDir, writePlan, writeWav } from '../helpers/fixtures';
import { startLoopbackServer, type LoopbackServer } from './loopback-server';

let dir: string;
let server: LoopbackServer;
let png: Buffer;
beforeAll(async () => {
  dir = await tempDir('stillmotion-address-policy-');
  server = await startLoopbackServer();
  png = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 10, g: 120, b: 200 } } }).png().toBuffer();
});
afterAll(async () => {
  await server.close();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => server.reset());

/** A stub DNS: the names a test made up and what they resolve to; records every question. */
function stubResolver(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    const list = table[host];
    if (!list) throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const PUBLIC_STANDIN = '203.0.113.10'; // TEST-NET-3: a public address no test can reach; dialled as the loopback server
const toLoopback = (a: ResolvedAddress): ResolvedAddress => (a.address === PUBLIC_STANDIN ? { address: '127.0.0.1', family: 4 } : a);

function serveImage(): void {
  server.handle((req, res) => {
    if (req.url === '/img.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else res.writeHead(404).end();
  });
}

describe('address classes', () => {
  it('judges addresses, IPv4 inside IPv6 included', () => {
    const cases: [string, string][] = [
      ['169.254.169.254', 'forbidden'],
      ['169.254.0.1', 'forbidden'],
      ['100.100.100.200', 'forbidden'],
      ['fd00:ec2::254', 'forbidden'],
      ['fe80::1', 'forbidden'],
      ['::ffff:169.254.169.254', 'forbidden'],
      ['::ffff:a9fe:a9fe', 'forbidden'],
      ['64:ff9b::a9fe:a9fe', 'forbidden'],
      ['224.0.0.1', 'forbidden'],
      ['255.255.255.255', 'forbidden'],
      ['127.0.0.1', 'local'],
      ['127.8.9.10', 'local'],
      ['::1', 'local'],
      ['::ffff:127.0.0.1', 'local'],
      ['0.0.0.0', 'local'],
      ['10.0.0.1', 'local'],
      ['172.20.1.1', 'local'],
      ['192.168.1.1', 'local'],
      ['100.64.0.1', 'local'],
      ['fd12:3456::1', 'local'],
      ['93.184.216.34', 'public'],
      ['2606:4700::1111', 'public'],
      ['172.32.0.1', 'public'],
      ['not-an-ip', 'forbidden'],
    ];
    for (const [address, cls] of cases) expect([address, classifyAddress(address)]).toEqual([address, cls]);
    expect(addressRefusal('127.0.0.1', true)).toBeNull();
    expect(addressRefusal('169.254.169.254', true)).toMatch(/link-local, cloud-metadata/);
    expect(addressRefusal('10.0.0.1', false)).toMatch(/--allow-local-urls or STILLMOTION_ALLOW_LOCAL_URLS=1/);
  });

  it('reads --allow-local-urls / --allow-outside-paths and their environment variables (the flag wins)', () => {
    expect(resolveInputPolicy({}, {})).toMatchObject({ allowLocalUrls: false, allowOutsidePaths: false });
    expect(resolveInputPolicy({}, { STILLMOTION_ALLOW_LOCAL_URLS: '1', STILLMOTION_ALLOW_OUTSIDE_PATHS: 'true' })).toMatchObject({ allowLocalUrls: true, allowOutsidePaths: true });
    expect(resolveInputPolicy({ allowLocalUrls: true }, {}).allowLocalUrls).toBe(true);
    expect(() => resolveInputPolicy({}, { STILLMOTION_ALLOW_LOCAL_URLS: 'maybe' })).toThrow('STILLMOTION_ALLOW_LOCAL_URLS: 1 or 0 (got "maybe")');
  });
});

describe('URLs from a plan', () => {
  it('never connects to a host that resolves to the metadata address, allowed local URLs or not', async () => {
    const resolve = stubResolver({ 'metadata.test': ['169.254.169.254'] });
    for (const allowLocal of [false, true]) {
      await expect(guardedGet(`http://metadata.test:${server.port}/latest/meta-data/`, { allowLocal, resolve })).rejects.toThrow(
        `refused metadata.test:${server.port}: it resolves to 169.254.169.254, a link-local, cloud-metadata or reserved address (never fetched)`,
      );
    }
    expect(resolve.asked).toEqual(['metadata.test', 'metadata.test']);
    expect(server.connections).toBe(0);
  });

  it('refuses a name that resolves to loopback unless local URLs are allowed, before connecting', async () => {
    serveImage();
    const resolve = stubResolver({ 'sneaky.test': ['127.0.0.1'], 'mixed.test': ['93.184.216.34', '10.0.0.1'] });
    const cacheDir = path.join(dir, 'cache-sneaky');
    const url = `http://sneaky.test:${server.port}/img.png`;
    await expect(fetchToCache(url, cacheDir, 'img', { policy: { allowLocalUrls: false, maxDownloadBytes: 1e6 }, net: { resolve } })).rejects.toThrow(
      /img: cannot download http:\/\/sneaky\.test:\d+\/img\.png: refused sneaky\.test:\d+: it resolves to 127\.0\.0\.1, a loopback or private address \(allow it with --allow-local-urls/,
    );
    // One private address among public ones refuses the name: the connection could use any of them.
    await expect(guardedGet(`http://mixed.test:${server.port}/img.png`, { allowLocal: false, resolve })).rejects.toThrow(/it resolves to 10\.0\.0\.1, a loopback or private address/);
    expect(server.connections).toBe(0);

    const got = await fetchVerified(url, { cacheDir, label: 'img', kind: 'image', verify: (f) => probeImage(f), policy: { allowLocalUrls: true, maxDownloadBytes: 1e6 }, net: { resolve } });
    expect(got.facts).toMatchObject({ width: 32, height: 24 });
    expect(server.connections).toBe(1);
  });

  it('refuses IP literals in every spelling before connecting', async () => {
    for (const url of ['http://169.254.169.254/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/']) {
      await expect(guardedGet(url, { allowLocal: true })).rejects.toThrow(/link-local, cloud-metadata or reserved address/);
    }
    for (const url of [`http://127.0.0.1:${server.port}/img.png`, `http://0x7f.1:${server.port}/img.png`, `http://[::1]:${server.port}/img.png`, `http://0.0.0.0:${server.port}/img.png`]) {
      await expect(guardedGet(url, { allowLocal: false })).rejects.toThrow(/a loopback or private address/);
    }
    expect(server.connections).toBe(0);
  });

  it('checks every redirect hop: never into metadata, into loopback only when allowed, at most 5 hops, http(s) only', async () => {
    serveImage();
    const resolve = stubResolver({ 'metadata.test': ['169.254.169.254'], 'cdn.test': [PUBLIC_STANDIN] });
    server.handle((req, res) => {
      const u = req.url ?? '';
      if (u === '/img.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else if (u === '/to-metadata') res.writeHead(302, { location: 'http://metadata.test/latest/meta-data/iam' }).end();
      else if (u === '/to-loopback') res.writeHead(301, { location: `http://127.0.0.1:${server.port}/img.png` }).end();
      else if (u === '/to-file') res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      else if (u.startsWith('/loop')) res.writeHead(307, { location: `/loop${Number(u.slice(5) || 0) + 1}` }).end();
      else res.writeHead(404).end();
    });
    const base = `http://127.0.0.1:${server.port}`;
    await expect(guardedGet(`${base}/to-metadata`, { allowLocal: true, resolve })).rejects.toThrow(
      'redirected to http://metadata.test/latest/meta-data/iam: refused metadata.test: it resolves to 169.254.169.254, a link-local, cloud-metadata or reserved address (never fetched)',
    );
    expect(server.connections).toBe(1); // the first hop only

    // A public host (a stand-in routed to the test server) redirecting into loopback.
    server.reset();
    const viaCdn = `http://cdn.test:${server.port}/to-loopback`;
    await expect(guardedGet(viaCdn, { allowLocal: false, resolve, dial: toLoopback })).rejects.toThrow(
      `redirected to http://127.0.0.1:${server.port}/img.png: refused 127.0.0.1:${server.port}: a loopback or private address`,
    );
    expect(server.requests.map((r) => r.path)).toEqual(['/to-loopback']);
    const allowed = await guardedGet(viaCdn, { allowLocal: true, resolve, dial: toLoopback });
    expect([allowed.status, allowed.url]).toEqual([200, `http://127.0.0.1:${server.port}/img.png`]);
    allowed.discard();

    await expect(guardedGet(`${base}/to-file`, { allowLocal: true })).rejects.toThrow(/redirect from .*\/to-file: only http and https URLs are fetched \(got file:\)/);
    server.reset();
    await expect(guardedGet(`${base}/loop`, { allowLocal: true })).rejects.toThrow('more than 5 redirects');
    expect(server.requests).toHaveLength(6);
  });

  it("downloads a story's narration URL under the policy (ffprobe is never handed a URL)", async () => {
    const wav = await fs.readFile(await writeWav(path.join(dir, 'voice-src.wav'), 0.5));
    server.handle((req, res) => (req.url === '/voice.wav' ? res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav) : res.writeHead(404).end()));
    const story = path.join(dir, 'story.md');
    await sharp(png).toFile(path.join(dir, 'one.png'));
    await fs.writeFile(story, ['# Voice', '## One', '![one](one.png)', `[narration](${server.url}/voice.wav)`, 'Hello.'].join('\n'));
    const cacheDir = path.join(dir, 'cache-story');
    const loaded = await loadStory(story);
    await expect(probeStoryMedia(loaded, { cacheDir, policy: { allowLocalUrls: false } })).rejects.toThrow(/sections\[0\]\.narration: .*refused 127\.0\.0\.1:\d+: a loopback or private address/);
    expect(server.connections).toBe(0);
    const media = await probeStoryMedia(loaded, { cacheDir, policy: { allowLocalUrls: true } });
    expect(media.audio.get(`${server.url}/voice.wav`)!.duration).toBeCloseTo(0.5, 2);
    expect(server.requests.map((r) => r.path)).toEqual(['/voice.wav']);
  });

  it('validate refuses a plan image on 127.0.0.1 by default, naming the field and the flag, and loads it with --allow-local-urls', async () => {
    serveImage();
    const planFile = await writePlan(dir, { title: 'Local', sections: [{ id: 'a', image: `${server.url}/img.png`, duration: 1, tier: 0 }] }, 'local.json');
    const cache = path.join(dir, 'cache-validate');
    const refused = await runCliInProcess(['validate', planFile, '--cache', cache]);
    expect(String(refused.error)).toMatch(/sections\[0\]\.image: cannot download http:\/\/127\.0\.0\.1:\d+\/img\.png: refused 127\.0\.0\.1:\d+: a loopback or private address \(allow it with --allow-local-urls or STILLMOTION_ALLOW_LOCAL_URLS=1\)/);
    expect(server.connections).toBe(0);
    const ok = await runCliInProcess(['validate', planFile, '--cache', cache, '--allow-local-urls']);
    expect(ok.error).toBeNull();
    const viaEnv = await loadPlanFile(planFile, { cacheDir: cache, policy: resolveInputPolicy({}, { STILLMOTION_ALLOW_LOCAL_URLS: '1' }) });
    expect(viaEnv.images[`${server.url}/img.png`]).toMatchObject({ width: 32, height: 24 });
  });
});
