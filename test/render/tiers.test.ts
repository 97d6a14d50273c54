/**
 * Tiers 2 and 3 in real renders: a parallax section shows no edge or hole at any sampled frame;
 * a tier-3 section shows the provider's clip, generated once through a provider speaking its
 * protocol on 127.0.0.1 and then served from the cache; without a key it falls back to tier 2.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFf } from '../../src/media/ffmpeg';
import { loadPlanFile } from '../../src/plan/load-plan';
import { planTimelines, renderPlan } from '../../src/render/render-plan';
import { prepareAssets } from '../../src/render/prepare-assets';
import { cropAtFrame } from '../../src/timeline/camera';
import { tempDir, writePlan, writeSolidImage } from '../helpers/fixtures';
import { FAST, makeMp4, sendJson, startServer, type MockServer } from '../providers/helpers';

let dir: string;
let server: MockServer | undefined;
beforeAll(async () => {
  dir = await tempDir();
  // A scene with depth cues: sky, ground, and a bright near object at the bottom.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400">
    <rect width="640" height="400" fill="rgb(120,160,220)"/>
    <rect y="200" width="640" height="200" fill="rgb(90,130,60)"/>
    <circle cx="320" cy="330" r="90" fill="rgb(230,60,40)"/></svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path.join(dir, 'scene.png'));
  await writeSolidImage(path.join(dir, 'grey.png'), 320, 180, [128, 128, 128]);
});
afterAll(async () => {
  await server?.close();
});

async function frameAt(video: string, seconds: number): Promise<{ data: Buffer; width: number; height: number }> {
  const png = `${video}.${seconds}.png`;
  const r = await runFf('ffmpeg', ['-v', 'error', '-y', '-ss', String(seconds), '-i', video, '-frames:v', '1', png]);
  expect(r.code).toBe(0);
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function mean(img: { data: Buffer }): [number, number, number] {
  const s = [0, 0, 0];
  for (let i = 0; i < img.data.length; i += 3) for (let c = 0; c < 3; c++) s[c]! += img.data[i + c]!;
  const n = img.data.length / 3;
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

function darkBorderPixels(img: { data: Buffer; width: number; height: number }): number {
  let dark = 0;
  const px = (x: number, y: number): number => Math.max(...[0, 1, 2].map((c) => img.data[(y * img.width + x) * 3 + c]!));
  for (let x = 0; x < img.width; x++) for (const y of [0, 1, img.height - 2, img.height - 1]) if (px(x, y) < 25) dark++;
  for (let y = 0; y < img.height; y++) for (const x of [0, 1, img.width - 2, img.width - 1]) if (px(x, y) < 25) dark++;
  return dark;
}

describe('tier 2 parallax render', () => {
  it('moves depth layers with no edge or hole showing, in every preset and format', async () => {
    const presets = ['orbit', 'pan', 'dolly', 'push'] as const;
    const planFile = await writePlan(dir, {
      title: 'parallax',
      defaults: { transition: { type: 'cut' } },
      sections: presets.map((preset, i) => ({ id: preset, image: 'scene.png', tier: 2, duration: 1, parallax: { preset, amount: 1, direction: i % 2 ? 'up' : 'left' } })),
    }, 'parallax.json');
    const loaded = await loadPlanFile(planFile);
    const result = await renderPlan(loaded, { outDir: path.join(dir, 'out-parallax'), scale: 0.2, x264Preset: 'ultrafast' });
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.assets.layers)).toEqual(['scene.png']);
    for (const file of result.files) {
      for (const t of [0, 0.5, 0.96, 1.0, 1.5, 1.96, 2.0, 2.5, 2.96, 3.0, 3.5, 3.9]) {
        expect(darkBorderPixels(await frameAt(file.file, t)), `${file.format} at ${t} s`).toBe(0);
      }
    }
  });
});

describe('tier 2 parallax, WebGL mode', () => {
  it('displaces every pixel by its depth with no edge showing, and really moves', async () => {
    const planFile = await writePlan(dir, {
      title: 'webgl',
      formats: ['16:9', '9:16'],
      defaults: { transition: { type: 'cut' } },
      sections: [
        { id: 'orbit', image: 'scene.png', tier: 2, duration: 1, parallax: { preset: 'orbit', amount: 1, mode: 'webgl' } },
        { id: 'dolly', image: 'scene.png', tier: 2, duration: 1, parallax: { preset: 'dolly', amount: 1, mode: 'webgl' } },
      ],
    }, 'webgl.json');
    const result = await renderPlan(await loadPlanFile(planFile), { outDir: path.join(dir, 'out-webgl'), scale: 0.2, x264Preset: 'ultrafast' });
    expect(result.warnings).toEqual([]);
    for (const file of result.files) {
      const first = await frameAt(file.file, 0);
      const last = await frameAt(file.file, 0.96);
      for (const f of [first, last, await frameAt(file.file, 1.5), await frameAt(file.file, 1.96)]) expect(darkBorderPixels(f)).toBe(0);
      // The picture is the scene (sky blue on top, red object below), not a blank canvas...
      expect(mean(first)[2]).toBeGreaterThan(100);
      // ...and the near object moved between the first and last frame of the orbit.
      let changed = 0;
      for (let i = 0; i < first.data.length; i++) if (Math.abs(first.data[i]! - last.data[i]!) > 40) changed++;
      expect(changed / first.data.length).toBeGreaterThan(0.01);
    }
  });
});

describe('tier 3 clips in a render', () => {
  it('generates the clip once through the provider, shows it, and takes it from the cache next time', async () => {
    const clip = await makeMp4(dir, 'provider.mp4', [20, 200, 40]);
    let creates = 0;
    server = await startServer((r, res) => {
      if (r.method === 'POST' && r.path === '/v1/image_to_video') {
        creates++;
        return sendJson(res, 200, { id: 'task-1' });
      }
      if (r.method === 'GET' && r.path === '/v1/tasks/task-1') return sendJson(res, 200, { id: 'task-1', status: 'SUCCEEDED', output: [`${server!.url}/out.mp4`] });
      if (r.path === '/out.mp4') {
        res.writeHead(200, { 'Content-Type': 'video/mp4' });
        return res.end(clip.bytes);
      }
      sendJson(res, 404, { error: 'not found' });
    });
    const planFile = await writePlan(dir, {
      title: 'clip',
      formats: ['1:1'],
      defaults: { transition: { type: 'cut' } },
      budget: 1,
      sections: [
        { id: 'still', image: 'grey.png', tier: 0, duration: 1 },
        { id: 'climax', image: 'grey.png', tier: 3, duration: 2, clip: { provider: 'runway', prompt: 'the grass sways' } },
      ],
    }, 'clip.json');
    const cacheDir = path.join(dir, 'cache', 'cache');
    const clipOptions = { env: { RUNWAYML_API_SECRET: 'test-key', RUNWAY_BASE_URL: server.url }, providerOptions: { runway: { ...FAST } } };
    const render = async () =>
      renderPlan(await loadPlanFile(planFile), { outDir: path.join(dir, 'out-clip'), scale: 0.2, cacheDir, clipOptions, x264Preset: 'ultrafast' });

    const first = await render();
    expect(first.assets.clipResults.map((c) => c.status)).toEqual(['generated']);
    expect(creates).toBe(1);
    const video = first.files[0]!.file;
    const [r, g] = mean(await frameAt(video, 2.0));
    expect(g).toBeGreaterThan(150); // the green clip, not the grey image
    expect(r).toBeLessThan(60);
    expect(mean(await frameAt(video, 0.5))[1]).toBeLessThan(140);
    // Held on its last frame, never a black tail.
    expect(mean(await frameAt(video, 2.95))[1]).toBeGreaterThan(150);

    const second = await render();
    expect(second.assets.clipResults.map((c) => c.status)).toEqual(['hit']);
    expect(creates).toBe(1);
  });

  it('falls back to tier 2 with the reason when the provider has no key', async () => {
    const planFile = await writePlan(dir, {
      title: 'nokey',
      formats: ['16:9'],
      sections: [{ id: 'climax', image: 'scene.png', tier: 3, duration: 1, clip: { provider: 'kling' } }],
    }, 'nokey.json');
    const result = await renderPlan(await loadPlanFile(planFile), {
      outDir: path.join(dir, 'out-nokey'),
      scale: 0.2,
      frames: [0, 5],
      clipOptions: { env: {} },
      cacheDir: path.join(dir, 'cache2', 'cache'),
    });
    expect(result.assets.clipResults[0]).toMatchObject({ status: 'fallback', reason: expect.stringMatching(/KLING_ACCESS_KEY/) });
    expect(result.warnings.join('\n')).toMatch(/tier 3 \(AI video clip\) not available: .*KLING_ACCESS_KEY.*rendered as tier 2 \(parallax\)/);
  });
});

describe('automatic focal point', () => {
  it('frames the detected subject in every format when the plan gives no focus', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450">
      <rect width="800" height="450" fill="rgb(70,80,90)"/>
      <circle cx="640" cy="135" r="45" fill="rgb(250,40,160)"/></svg>`;
    await sharp(Buffer.from(svg)).png().toFile(path.join(dir, 'subject.png'));
    const planFile = await writePlan(dir, { title: 'focus', sections: [{ id: 'a', image: 'subject.png', duration: 2, motion: 'zoom-in' }] }, 'focus.json');
    const loaded = await loadPlanFile(planFile);
    const assets = await prepareAssets(loaded, { cacheDir: path.join(dir, 'cache3', 'cache') });
    expect(assets.focus['subject.png']!.x).toBeCloseTo(0.8, 1);
    expect(assets.focus['subject.png']!.y).toBeCloseTo(0.3, 1);
    for (const [format, t] of planTimelines(loaded, ['16:9', '9:16', '1:1'], assets)) {
      const scene = t.scenes[0]!;
      for (const f of [0, scene.durationInFrames - 1]) {
        const c = cropAtFrame(scene.camera, f);
        expect(0.8 > c.x && 0.8 < c.x + c.w, `${format} frame ${f}`).toBe(true);
        expect(0.3 > c.y && 0.3 < c.y + c.h, `${format} frame ${f}`).toBe(true);
      }
    }
  });
});

