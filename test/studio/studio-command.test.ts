/**
 * `stillmotion studio`: the props it opens Studio with carry what render prepares (depth layers
 * of tier-2 sections, the music analysis, cached clips, never a paid clip unless asked, no
 * secrets); a frame drawn from them in Chromium (what Studio shows) matches the frame the render
 * pipeline draws in Node; a bad plan fails with the field named and nothing started; the real CLI
 * serves Studio on 127.0.0.1:N with the media from its loopback asset server, reloads the open tab
 * when the plan file is edited, keeps the last valid plan on a bad edit, and stops on SIGTERM.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { selectComposition } from '@remotion/renderer';
import sharp from 'sharp';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClipCache } from '../../src/cache/clip-cache';
import { runFf } from '../../src/media/ffmpeg';
import { OUTPUT_FORMATS } from '../../src/plan/formats';
import { loadPlanFile } from '../../src/plan/load-plan';
import { compositionPropsSchema, type CompositionProps } from '../../src/plan/schema';
import { AssetServer } from '../../src/render/asset-server';
import { resolveBrowser } from '../../src/render/browser';
import { prepareAssets } from '../../src/render/prepare-assets';
import { RenderSession } from '../../src/render/render-session';
import { renderSegment, segmentJobs } from '../../src/render/segments/render-segmented';
import { prepareStudio } from '../../src/studio/prepare-studio';
import { studioProps } from '../../src/studio/studio-props';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { meanLuma, psnr } from '../helpers/frame-compare';
import { tempDir, writePlan } from '../helpers/fixtures';
import { runCliInProcess } from '../helpers/run-cli';

const run = promisify(execFile);
const DEMO = path.resolve('examples/launch-day/plan.json');
const SECRET = 'luma-test-secret-3f9a1c';

let dir: string;
let cacheDir: string;
/** A loopback stand-in for the clip provider: any request to it is a failure of "no paid clips". */
let provider: http.Server;
const providerRequests: string[] = [];
const savedEnv = { key: process.env.LUMA_API_KEY, base: process.env.LUMA_BASE_URL };

beforeAll(async () => {
  dir = await tempDir('stillmotion-studio-');
  cacheDir = path.join(dir, 'cache');
  provider = http.createServer((req, res) => {
    providerRequests.push(`${req.method} ${req.url}`);
    res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"detail":"not expected"}');
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  // A key is set, so only the studio's own rule keeps it from generating the tier-3 clip.
  process.env.LUMA_API_KEY = SECRET;
  process.env.LUMA_BASE_URL = `http://127.0.0.1:${(provider.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  if (savedEnv.key === undefined) delete process.env.LUMA_API_KEY;
  else process.env.LUMA_API_KEY = savedEnv.key;
  if (savedEnv.base === undefined) delete process.env.LUMA_BASE_URL;
  else process.env.LUMA_BASE_URL = savedEnv.base;
  await new Promise((r) => provider.close(r));
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (r) => r.ok,
    () => false,
  );
}

/** Whether anything answers at all (the asset server answers 404 to what it does not serve). */
async function connects(url: string): Promise<boolean> {
  return fetch(url).then(
    () => true,
    () => false,
  );
}

/** Remotion Studio processes started for a port (by their command line). */
async function studioProcesses(port: number): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid,args']);
  return stdout.split('\n').filter((l) => l.includes('remotion-cli.js studio') && l.includes(`--port=${port}`));
}

/** The first frame of a video as RGB. */
async function firstFrame(file: string): Promise<Buffer> {
  const png = `${file}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-i', file, '-frames:v', '1', png]);
  if (r.code !== 0) throw new Error(r.stderr);
  return sharp(png).removeAlpha().raw().toBuffer();
}

async function readProps(file: string): Promise<CompositionProps> {
  return compositionPropsSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
}

describe('stillmotion studio --print-props', () => {
  it('gives the demo plan with the layers of its tier-2 sections, the music analysis and no secret, generating no clip', async () => {
    const out = path.join(dir, 'props.json');
    const r = await runCliInProcess(['studio', DEMO, '--print-props', out, '--cache', cacheDir]);
    expect(r.error).toBeNull();
    const text = await fs.readFile(out, 'utf8');
    expect(text).not.toContain(SECRET);
    const props = await readProps(out);
    const media = props.media!;
    const tier2 = [...new Set(props.plan.sections.filter((s) => s.tier === 2).map((s) => s.image))];
    expect(tier2.length).toBeGreaterThan(0);
    for (const ref of tier2) {
      const set = media.layers?.[ref];
      expect(set, ref).toBeDefined();
      expect(set!.layers.length).toBeGreaterThanOrEqual(2);
      for (const l of [...set!.layers.map((x) => x.src), set!.depth!]) expect((await fs.stat(l)).isFile()).toBe(true);
    }
    const music = media.analysis?.music;
    expect(music).toBeDefined();
    // The demo's music is a 96 BPM track: beats 0.625 s apart over its length.
    expect(music!.beats.length).toBeGreaterThan(20);
    const gaps = music!.beats.slice(1).map((b, i) => b - music!.beats[i]!);
    expect(gaps.every((g) => g > 0)).toBe(true);
    const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    expect(Math.abs(median - 60 / 96)).toBeLessThan(0.03);
    // Pre-scaled images, as render draws them.
    for (const img of Object.values(media.images)) expect((await fs.stat(img.src)).isFile()).toBe(true);
    // The tier-3 section: no request reached the provider, and the preview says why it falls back.
    expect(providerRequests).toEqual([]);
    const tier3 = props.plan.sections.filter((s) => s.tier === 3).map((s) => s.id);
    expect(tier3.length).toBeGreaterThan(0);
    for (const id of tier3) expect(media.notes?.[id]?.join(' ')).toMatch(/--generate-clips/);
  }, 600_000);

  it('shows a tier-3 section\'s cached clip', async () => {
    const { loaded, assets } = await prepareStudio(DEMO, { cacheDir });
    const launch = assets.clipResults.find((c) => c.sectionId === 'launch' && c.key);
    expect(launch).toBeDefined();
    const clip = path.join(dir, 'clip.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=24:duration=5', '-pix_fmt', 'yuv420p', clip]);
    await openClipCache({ dir: cacheDir }).put(launch!.key!, clip, { provider: launch!.provider, model: launch!.model, durationSec: launch!.durationSec, aspect: '16:9', costUsd: 0 });
    const out = path.join(dir, 'props-clip.json');
    const r = await runCliInProcess(['studio', DEMO, '--print-props', out, '--cache', cacheDir]);
    expect(r.error).toBeNull();
    const media = (await readProps(out)).media!;
    expect(media.clips?.launch).toMatchObject({ width: 640, height: 360 });
    expect(media.notes?.launch).toBeUndefined();
    expect(providerRequests).toEqual([]);
    // The timeline built from them plays the clip.
    expect(buildTimeline(loaded.plan, media, '16:9').scenes.find((s) => s.id === 'launch')?.tier).toBe(3);
  }, 300_000);
});

describe('stillmotion studio <story>', () => {
  it('plans the story where make writes its plan, then prints the props of that plan', async () => {
    const outDir = path.join(dir, 'story-out');
    const props = path.join(dir, 'story-props.json');
    const r = await runCliInProcess(['studio', 'examples/launch-day/story.md', '--print-props', props, '--out', outDir, '--no-storyboard', '--cache', cacheDir]);
    expect(r.error).toBeNull();
    // make's plan file: <out>/<name>.plan.json.
    const planFile = path.join(outDir, 'launch-day.plan.json');
    const loaded = await loadPlanFile(planFile, { cacheDir, roots: [path.resolve('examples/launch-day')] });
    const printed = await readProps(props);
    expect(printed.plan).toEqual(loaded.plan);
    for (const ref of new Set(loaded.plan.sections.filter((s) => s.tier === 2).map((s) => s.image))) expect(printed.media!.layers?.[ref]?.layers.length).toBeGreaterThanOrEqual(2);
    expect(providerRequests).toEqual([]);
  }, 600_000);
});

describe('a parallax frame in Studio', () => {
  let session: RenderSession;
  let server: AssetServer;
  beforeAll(async () => {
    session = await RenderSession.open({ cacheDir });
    server = new AssetServer();
    await server.start();
  });
  afterAll(async () => {
    await session?.close();
    await server?.close();
  });

  it('matches the frame the render draws in Node (PSNR and mean luma, 1920x1080)', async () => {
    const format = '16:9';
    // What render does: its assets, its pre-scaled images, its segments; the parallax scene drawn in Node.
    const loaded = await loadPlanFile(DEMO, { cacheDir });
    const assets = await prepareAssets(loaded, { cacheDir, dryRun: true });
    const prepared = await session.prepare(loaded, format, 1, assets);
    const t = prepared.timeline;
    const settings = { scale: 1, x264Preset: 'ultrafast' as const, crf: 12, concurrency: 1 };
    const { jobs } = await segmentJobs(session, prepared, { ...settings, segmentDir: path.join(dir, 'seg') });
    // What Studio shows: its props, served over loopback, laid out by the composition's own calculateMetadata.
    const studio = await prepareStudio(DEMO, { cacheDir });
    const props = await studioProps(studio.loaded, studio.assets, { cacheDir, url: (f) => server.url(f) });
    const composition = await selectComposition({
      serveUrl: session.serveUrl,
      id: OUTPUT_FORMATS[format].compositionId,
      inputProps: props,
      browserExecutable: session.browser.executable,
      chromiumOptions: session.chromiumOptions,
      logLevel: 'error',
    });
    expect(composition.durationInFrames).toBe(t.durationInFrames);
    // Studio lays the plan out as render does: the same cuts, parallax drawn with layers (no fallback).
    const shownTimeline = buildTimeline(props.plan, props.media!, format);
    expect(shownTimeline.scenes.map((s) => [s.id, s.from, s.durationInFrames, s.tier])).toEqual(t.scenes.map((s) => [s.id, s.from, s.durationInFrames, s.tier]));
    const report: string[] = [];
    for (const id of props.plan.sections.filter((s) => s.tier === 2).map((s) => s.id)) {
      const index = t.scenes.findIndex((s) => s.id === id);
      expect(t.scenes[index]!.tier, id).toBe(2);
      const job = jobs.find((j) => j.seg.kind === 'scene' && j.seg.scenes[0] === index)!;
      expect(job.direct, id).toBe(true);
      const frame = Math.floor((job.seg.from + job.seg.to) / 2);
      const seg = { ...job.seg, from: frame, to: frame + 1 };
      // The render's frame: one frame of its Node-drawn segment, through x264 as in a render.
      const node = { ...job, seg, file: path.join(dir, `node-${id}.mp4`) };
      await renderSegment(session, prepared, node, settings);
      // Studio's frame: the composition with Studio's props, drawn by Chromium and encoded the same way.
      const shown = { ...job, seg, direct: false, file: path.join(dir, `studio-${id}.mp4`) };
      await renderSegment(session, { ...prepared, composition, inputProps: props }, shown, settings);
      const a = await firstFrame(node.file);
      const b = await firstFrame(shown.file);
      expect(b.length).toBe(1920 * 1080 * 3);
      const p = psnr(a, b);
      const la = meanLuma(a);
      const lb = meanLuma(b);
      report.push(`${id} frame ${frame}: PSNR ${p.toFixed(2)} dB, mean luma ${la.toFixed(2)} (render, Node) vs ${lb.toFixed(2)} (Studio, Chromium) (${((Math.abs(la - lb) / lb) * 100).toFixed(2)}%)`);
      expect(p, report.at(-1)).toBeGreaterThan(33);
      expect(Math.abs(la - lb) / lb, report.at(-1)).toBeLessThan(0.01);
    }
    console.log(`Studio frame vs the render's Node-drawn frame:\n${report.join('\n')}`);
  }, 900_000);
});

describe('stillmotion studio with a bad plan', () => {
  it('names the field and the missing file, and starts nothing', async () => {
    const bad = await writePlan(dir, { title: 'bad', sections: [{ id: 'a', image: 'missing.png', tier: 7 }] }, 'bad.json');
    const port = await freePort();
    const r = await runCliInProcess(['studio', bad, '--port', String(port), '--no-open', '--cache', cacheDir]);
    expect(String(r.error)).toContain('sections[0].tier');
    const missing = await writePlan(dir, { title: 'missing', sections: [{ id: 'a', image: 'missing.png', duration: 1 }] }, 'missing.json');
    const m = await runCliInProcess(['studio', missing, '--port', String(port), '--no-open', '--cache', cacheDir]);
    expect(String(m.error)).toMatch(/sections\[0\]\.image: file not found: missing\.png/);
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(false);
    expect(await studioProcesses(port)).toEqual([]);
    // --print-props writes nothing for it.
    const out = path.join(dir, 'bad-props.json');
    const p = await runCliInProcess(['studio', bad, '--print-props', out, '--cache', cacheDir]);
    expect(String(p.error)).toContain('sections[0].tier');
    await expect(fs.stat(out)).rejects.toThrow();
  });
});

describe('stillmotion studio --port N (the real CLI)', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves Studio with the prepared media, reloads the tab on a plan edit, keeps the last valid plan, and stops on SIGTERM', async () => {
    // A copy of the demo, so that editing its plan touches nothing of the repository's.
    const demo = path.join(dir, 'demo');
    await fs.cp(path.dirname(DEMO), demo, { recursive: true });
    const planFile = path.join(demo, 'plan.json');
    const port = await freePort();
    let out = '';
    child = spawn(process.execPath, [path.resolve('bin/stillmotion.mjs'), 'studio', planFile, '--port', String(port), '--no-open', '--cache', cacheDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const waitFor = async (what: () => boolean | Promise<boolean>, ms: number, label: string): Promise<void> => {
      const until = Date.now() + ms;
      while (!(await what())) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${label}:\n${out}`);
        if (child!.exitCode !== null) throw new Error(`studio exited (${child!.exitCode}):\n${out}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    };
    await waitFor(() => out.includes(`Studio: http://127.0.0.1:${port}`), 300_000, 'Studio to start');
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(true);

    let assetLayer = '';
    const exe = await resolveBrowser({ skipDownload: true });
    const browser = await chromium.launch({ executablePath: exe.executable!, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/Landscape`, { waitUntil: 'load', timeout: 120_000 });
      const inputProps = async (): Promise<CompositionProps> => JSON.parse(await page.evaluate(() => (window as unknown as { remotion_inputProps: string }).remotion_inputProps));
      const props = await inputProps();
      const layer = props.media!.layers!['images/rocket.jpg']!.layers[0]!.src;
      expect(layer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/a\/[0-9a-f]+\/layer-0-background\.png$/);
      // The asset server answers with the layer; Studio's preview draws the intro from the pre-scaled image it serves.
      const served = await fetch(layer);
      expect(served.headers.get('content-type')).toBe('image/png');
      assetLayer = layer;
      const coffee = props.media!.images['images/coffee.png']!.src;
      await page.waitForFunction((src) => Array.from(document.querySelectorAll('img')).some((i) => i.src === src && i.complete && i.naturalWidth > 0), coffee, { timeout: 120_000 });

      // An edit of the plan file reaches the open tab: it reloads with the new props.
      const plan = JSON.parse(await fs.readFile(planFile, 'utf8'));
      plan.title = 'Launch Day (edited)';
      plan.sections[0].duration = 6;
      await page.evaluate(() => ((window as unknown as { beforeEdit: boolean }).beforeEdit = true));
      await fs.writeFile(planFile, `${JSON.stringify(plan, null, 2)}\n`);
      await page.waitForFunction(() => (window as unknown as { remotion_inputProps?: string }).remotion_inputProps?.includes('Launch Day (edited)'), undefined, { timeout: 120_000, polling: 500 });
      // It is a new page (Studio reloads the tab), not the old one patched.
      expect(await page.evaluate(() => (window as unknown as { beforeEdit?: boolean }).beforeEdit)).toBeUndefined();
      const edited = await inputProps();
      expect(edited.plan.title).toBe('Launch Day (edited)');
      expect(edited.plan.sections[0]!.duration).toBe(6);
      expect(edited.media!.layers!['images/rocket.jpg']).toBeDefined();
      expect(out).toMatch(/plan\.json reloaded in [\d.]+ s/);

      // A bad edit: reported with the field, and Studio keeps the last valid plan.
      plan.sections[1].tier = 9;
      // What the session prints from here on (the write truncates the file first: that moment must not be reported).
      const before = out.length;
      await fs.writeFile(planFile, `${JSON.stringify(plan, null, 2)}\n`);
      await waitFor(() => out.slice(before).includes('not reloaded'), 60_000, 'the bad edit to be reported');
      expect(out.slice(before)).toContain('sections[1].tier');
      expect(out).not.toContain('invalid JSON');
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(html).toContain('Launch Day (edited)');
    } finally {
      await browser.close();
    }

    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15_000))]);
    expect(code).toBe(143);
    expect(out).toContain('Studio stopped.');
    expect(await answers(`http://127.0.0.1:${port}/`)).toBe(false);
    expect(await connects(assetLayer)).toBe(false);
    expect(await studioProcesses(port)).toEqual([]);
  }, 900_000);
});
