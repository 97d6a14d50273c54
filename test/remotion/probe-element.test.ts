/**
 * The browser-side media probe (Studio's calculateMetadata without `media`) in a real Chromium against
 * a real HTTP server on 127.0.0.1 that can answer slowly, never, or wrongly - and that counts the
 * connections left open, since a media element that keeps its connection is what starves the next file.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBrowser } from '../../src/render/browser';

const AUDIO_DIR = path.resolve('examples/launch-day/audio');
const IMAGE = path.resolve('examples/launch-day/images/rocket.jpg');

let server: http.Server;
let base = '';
let browser: Browser;
let page: Page;
const sockets = new Set<Socket>();
/** Responses begun and not yet finished or abandoned by the client, by request URL. */
const openResponses = new Map<string, number>();
/** Requests per path, to see the second try. */
const asked = new Map<string, number>();

/**
 * Routes: /audio/NAME (a real WAV; with ?trickle all but its last 4 KB and then nothing until the
 * client leaves - Chromium reads about 5 s of a WAV before it has metadata - as a server under load may), /stall-once/NAME (no answer to the first request, a normal one
 * to the next), /never/NAME, /missing/NAME (404), /text/NAME (200 with a text body), /image/rocket.jpg.
 */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  if (url.pathname !== '/') {
    const key = req.url!;
    openResponses.set(key, (openResponses.get(key) ?? 0) + 1);
    res.on('close', () => {
      const left = openResponses.get(key)! - 1;
      if (left > 0) openResponses.set(key, left);
      else openResponses.delete(key);
    });
  }
  const n = (asked.get(url.pathname) ?? 0) + 1;
  asked.set(url.pathname, n);
  const [, route, name] = url.pathname.split('/');
  if (url.pathname === '/') {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><html><body></body></html>');
    return;
  }
  if (route === 'never' || (route === 'stall-once' && n === 1)) return; // holds the connection, says nothing
  if (route === 'missing') {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  if (route === 'text') {
    res.setHeader('content-type', 'audio/wav');
    res.end('this is not audio at all '.repeat(40));
    return;
  }
  const file = route === 'image' ? IMAGE : path.join(AUDIO_DIR, name!);
  void fs.readFile(file).then((bytes) => {
    res.setHeader('content-type', route === 'image' ? 'image/jpeg' : 'audio/wav');
    res.setHeader('accept-ranges', 'bytes');
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Number(m[2]) : bytes.length - 1;
    if (m) {
      res.statusCode = 206;
      res.setHeader('content-range', `bytes ${start}-${end}/${bytes.length}`);
    }
    res.setHeader('content-length', end - start + 1);
    const body = bytes.subarray(start, end + 1);
    if (url.searchParams.has('trickle')) res.write(body.subarray(0, body.length - 4096));
    else res.end(body);
  });
}

beforeAll(async () => {
  server = http.createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bundle = await build({
    entryPoints: [path.resolve('remotion/media/probe-element.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'probe',
    write: false,
    target: 'chrome120',
  });
  const exe = await resolveBrowser({ skipDownload: true });
  browser = await chromium.launch({ executablePath: exe.executable!, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
});

afterAll(async () => {
  await browser?.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => server?.close(r));
});

type Result = { ok: true; value: unknown } | { ok: false; message: string };

/** Runs probe.NAME(src, options) in the page; errors come back as their message. */
function run(fn: 'probeAudioDuration' | 'probeImageSize', src: string, options?: { tryMs?: number; tries?: number }): Promise<Result> {
  return page.evaluate(
    async ({ fn, src, options }) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return { ok: true as const, value: await (window as any).probe[fn](src, options) };
      } catch (e) {
        return { ok: false as const, message: (e as Error).message };
      }
    },
    { fn, src, options },
  );
}

/**
 * The requests whose responses are still open once Chromium has had time to let go of them (idle
 * keep-alive sockets are not counted: they hold no request). Letting go is asynchronous in Chromium
 * (the media player and its buffered reader are torn down off the main thread), and a CI run on a
 * loaded machine once found 2 of 12 still open after 3 s; a leaked request stays open for ever, so a
 * generous wait still tells the two apart.
 */
async function openResponsesSettle(): Promise<string[]> {
  for (let i = 0; i < 150 && openResponses.size > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return [...openResponses.keys()];
}

describe('media probe in the browser', () => {
  it('measures twelve narrations served slowly, all at once, and leaves no connection open', async () => {
    const names = (await fs.readdir(AUDIO_DIR)).filter((f) => f.endsWith('.wav') && !f.startsWith('music'));
    // More files than Chromium's six connections a host, each of which the server never finishes sending.
    const srcs = Array.from({ length: 12 }, (_, i) => `${base}/audio/${names[i % names.length]}?trickle&n=${i}`);
    const results = await page.evaluate(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (srcs) => Promise.all(srcs.map((s) => (window as any).probe.probeAudioDuration(s, { tryMs: 20_000, tries: 1 }))),
      srcs,
    );
    expect(results).toHaveLength(12);
    for (const d of results as number[]) expect(d).toBeGreaterThan(5);
    // The WAV header says 6.05 s for the intro: metadata, not a guess.
    const intro = results[names.indexOf('01-intro.wav')] as number;
    expect(intro).toBeCloseTo(266944 / 2 / 22050, 2);
    expect(await openResponsesSettle()).toEqual([]);
  });

  it('asks again when the first request gets no answer', async () => {
    const r = await run('probeAudioDuration', `${base}/stall-once/02-cat.wav`, { tryMs: 1500, tries: 2 });
    expect(r).toMatchObject({ ok: true });
    expect((r as { value: number }).value).toBeGreaterThan(6);
    expect(asked.get('/stall-once/02-cat.wav')).toBe(2);
  });

  it('says why a file cannot be measured, within its deadline, and frees the connection', async () => {
    const t0 = Date.now();
    expect(await run('probeAudioDuration', `${base}/never/a.wav`, { tryMs: 800, tries: 2 })).toEqual({ ok: false, message: 'no answer within 0.8 s (2 tries)' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(asked.get('/never/a.wav')).toBe(2);
    const missing = await run('probeAudioDuration', `${base}/missing/b.wav`, { tryMs: 5000, tries: 1 });
    expect(missing).toMatchObject({ ok: false });
    expect((missing as { message: string }).message).toMatch(/not supported|network error/);
    const text = await run('probeAudioDuration', `${base}/text/c.wav`, { tryMs: 5000, tries: 1 });
    expect(text).toMatchObject({ ok: false });
    expect((text as { message: string }).message).toMatch(/not supported|could not be decoded/);
    expect(await run('probeImageSize', `${base}/missing/d.png`, { tryMs: 5000, tries: 1 })).toEqual({
      ok: false,
      message: 'it did not load or is not an image the browser decodes',
    });
    expect(await openResponsesSettle()).toEqual([]);
  });

  it('measures an image', async () => {
    const meta = await (await import('sharp')).default(IMAGE).metadata();
    expect(await run('probeImageSize', `${base}/image/rocket.jpg`)).toEqual({ ok: true, value: { width: meta.width, height: meta.height } });
  });
});
