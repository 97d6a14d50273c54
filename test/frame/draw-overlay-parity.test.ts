/**
 * The one drawing of overlays (src/frame/draw-overlay.ts) on the browser's canvas - a real Chromium,
 * the fonts loaded as the Remotion page loads them (FontFace woff2, glyph outlines from the woff, from a 127.0.0.1 server) - and
 * on Node's (@napi-rs/canvas, src/render/overlays/overlay-pictures.ts): the same pixels for each
 * caption style and a card, at scales 0.5 and 1 (glyph outlines), and close ones for words the
 * bundled fonts lack (right-to-left text drawn by each canvas's own text engine).
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FONT_FACES, glyphFileOf } from '../../src/captions/font-faces';
import { describeOverlays } from '../../src/frame/describe-overlays';
import { overlayKey, type CardOverlay, type Overlay } from '../../src/frame/overlay';
import { placeBox } from '../../src/frame/safe-zone';
import { overlayRgba, pictureRegion } from '../../src/render/overlays/overlay-pictures';
import { resolveBrowser } from '../../src/render/browser';
import { captionOf, captionTimeline } from '../captions/overlay-timeline';

const require = createRequire(import.meta.url);
let server: http.Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url!, 'http://x').pathname.slice(1));
    const face = FONT_FACES.find((f) => f.file === name || glyphFileOf(f) === name);
    if (!face) {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><html><body></body></html>');
      return;
    }
    void fs.readFile(require.resolve(`@fontsource/${face.package}/files/${name}`)).then((b) => {
      res.setHeader('content-type', name.endsWith('2') ? 'font/woff2' : 'font/woff');
      res.end(b);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entry = path.resolve('test/frame/draw-overlay-page.ts');
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'iife', globalName: 'overlayPage', write: false, target: 'chrome120' });
  const exe = await resolveBrowser({ skipDownload: true });
  browser = await chromium.launch({ executablePath: exe.executable!, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.goto(`${base}/`);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  await page.evaluate((base) => (window as any).overlayPage.loadFonts(base), base);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** The RGBA Chromium's canvas draws for `o` in its picture region at `scale`. */
async function inChromium(o: Overlay, scale: number): Promise<Uint8Array> {
  const r = pictureRegion(o, scale);
  const data = await page.evaluate(({ o, scale, r }) => (window as any).overlayPage.draw(o, scale, r) as string, { o, scale, r });
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** PSNR over premultiplied RGB (what shows over any background) and alpha. */
function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i += 4) {
    const aa = a[i + 3]! / 255;
    const ba = b[i + 3]! / 255;
    for (let c = 0; c < 3; c++) se += (a[i + c]! * aa - b[i + c]! * ba) ** 2;
    se += (a[i + 3]! - b[i + 3]!) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (se / a.length + 1e-9));
}

const caption = (format: '9:16' | '16:9' | '1:1', style: 'bold' | 'subtitle' | 'karaoke', words: string[], at = 25): Overlay =>
  captionOf(describeOverlays(captionTimeline({ format, frames: 90, style, pages: [{ words: words.map((w, i) => [w, i * 200] as [string, number]) }] }), at));

function card(): CardOverlay {
  const o = { kind: 'card' as const, frame: { width: 1920, height: 1080 }, role: 'title' as const, text: 'Launch day at the pad', subtitle: 'A story in seven pictures', opacity: 1, place: 'middle' as const, box: placeBox('16:9', 'middle', 1920, 1080) };
  return { ...o, key: overlayKey(o) };
}

describe('overlays drawn by the browser and by Node', () => {
  // Text the bundled fonts draw is glyph outlines: the same pixels (measured: identical). Hebrew and
  // Arabic fall back to each canvas's own text and system fonts: close, not equal.
  const cases: [string, () => Overlay, number][] = [
    ['bold 9:16, a word lit', () => caption('9:16', 'bold', ['Every', 'launch', 'starts', 'with', 'a', 'countdown']), 50],
    ['karaoke 1:1, words filled', () => caption('1:1', 'karaoke', ['Ten', 'engineers', 'one', 'rocket', 'and', 'a', 'night']), 50],
    ['subtitle 16:9, Łódź and Ünïcödé', () => caption('16:9', 'subtitle', ['Launch', 'day', 'in', 'Łódź', 'Ünïcödé']), 50],
    ['subtitle 16:9, Hebrew and Arabic', () => caption('16:9', 'subtitle', ['Launch', 'day', 'שלום', 'עולם', 'مرحبا', 'Ünïcödé']), 30],
    ['title card 16:9', card, 50],
  ];
  for (const [name, make, bound] of cases) {
    for (const scale of [0.5, 1]) {
      it(`${name} at scale ${scale}`, async () => {
        const o = make();
        const node = overlayRgba(o, scale);
        const web = await inChromium(o, scale);
        expect(web.length).toBe(node.rgba.length);
        const db = psnr(node.rgba, web);
        console.log(`${name} at ${scale}: PSNR ${db.toFixed(2)} dB`);
        expect(db).toBeGreaterThan(bound);
      });
    }
  }
});
