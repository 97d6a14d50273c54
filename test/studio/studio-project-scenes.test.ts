/**
 * `stillmotion studio` in a project with its own scene (stillmotion.config.mjs beside the plan):
 * the plan validates with it, and Studio (the real CLI, a real Chromium) draws it from the
 * generated entry, with the image served by the session's asset server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBrowser } from '../../src/render/browser';
import { tempDir, writeDiscImage, writePlan } from '../helpers/fixtures';
import { runCliInProcess } from '../helpers/run-cli';

const CONFIG = `import { defineScene, sceneImage, cropAtFrame, z } from 'stillmotion/scenes';

const dimmed = defineScene({
  type: 'dimmed',
  description: 'the image, dimmed',
  schema: z.object({ dim: z.number().min(0).max(1).default(0.5) }),
  describe: (scene, frame) => ({
    background: [0, 0, 0],
    crop: cropAtFrame(scene.camera, frame),
    items: [{ ...sceneImage(scene), opacity: 1 - scene.params.dim }],
  }),
});
export default { scenes: [dimmed] };
`;

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

let child: ChildProcess | null = null;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('stillmotion studio with a project scene', () => {
  it('validates the plan with it and shows it in Studio', async () => {
    const dir = await tempDir('stillmotion-studio-scenes-');
    // A project root, so the config search stops here.
    await fs.writeFile(path.join(dir, 'package.json'), '{"name": "my-video", "private": true}\n');
    await fs.writeFile(path.join(dir, 'stillmotion.config.mjs'), CONFIG);
    await writeDiscImage(path.join(dir, 'disc.png'), 800, 450, 0.4, 0.5);
    const planFile = await writePlan(dir, { title: 'scenes', formats: ['16:9'], sections: [{ id: 'a', image: 'disc.png', duration: 2, scene: { type: 'dimmed', dim: 0.6 } }] });
    const cacheDir = path.join(dir, 'cache');

    const out = path.join(dir, 'props.json');
    const r = await runCliInProcess(['studio', planFile, '--print-props', out, '--cache', cacheDir]);
    expect(r.error).toBeNull();
    // (The package's static props schema knows only the built-in scenes.)
    const props = JSON.parse(await fs.readFile(out, 'utf8')) as { plan: { sections: { scene?: unknown }[] }; media: { images: Record<string, { src: string }> } };
    expect(props.plan.sections[0]!.scene).toMatchObject({ type: 'dimmed', dim: 0.6 });
    expect((await fs.stat(props.media.images['disc.png']!.src)).isFile()).toBe(true);

    const port = await freePort();
    let log = '';
    child = spawn(process.execPath, [path.resolve('bin/stillmotion.mjs'), 'studio', planFile, '--port', String(port), '--no-open', '--cache', cacheDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((res) => child!.once('exit', (code) => res(code)));
    const until = Date.now() + 300_000;
    while (!log.includes(`Studio: http://127.0.0.1:${port}`)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`Studio did not start:\n${log}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    const exe = await resolveBrowser({ skipDownload: true });
    const browser = await chromium.launch({ executablePath: exe.executable!, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/Landscape`, { waitUntil: 'load', timeout: 120_000 });
      // The project's scene draws the served image at opacity 1 - dim.
      const drawn = await page.waitForFunction(
        () => {
          const img = Array.from(document.querySelectorAll('img')).find((i) => /^http:\/\/127\.0\.0\.1:\d+\/a\//.test(i.src) && i.complete && i.naturalWidth > 0);
          return img ? getComputedStyle(img).opacity : null;
        },
        undefined,
        { timeout: 120_000 },
      );
      expect(Number(await drawn.jsonValue())).toBeCloseTo(0.4, 5);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  }, 600_000);
});
