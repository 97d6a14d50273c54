/**
 * Benchmark (not a test): parallax render frames/s next to Ken Burns, in the same run, at 1080p30,
 * on the same photo, through the real pipeline (Chromium screenshots + x264 veryfast).
 * Run: npx tsx bench/parallax-render.ts [--frames 90]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPlanFile } from '../src/plan/load-plan';
import { prepareAssets } from '../src/render/prepare-assets';
import { RenderSession } from '../src/render/render-session';

const framesArg = process.argv.indexOf('--frames');
const frames = framesArg > 0 ? Number(process.argv[framesArg + 1]) : 90;
const image = path.resolve('examples/launch-day/images/rocket.jpg');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stillmotion-bench-parallax-'));
const seconds = frames / 30;
const planFile = path.join(dir, 'plan.json');
await fs.writeFile(
  planFile,
  JSON.stringify({
    title: 'bench',
    formats: ['16:9'],
    defaults: { transition: { type: 'cut' } },
    sections: [
      { id: 'kenburns', image, tier: 1, duration: seconds, motion: 'zoom-in' },
      { id: 'parallax', image, tier: 2, duration: seconds, parallax: { preset: 'orbit' } },
    ],
  }),
);
const session = await RenderSession.open({ cacheDir: path.join(dir, 'cache') });
try {
  const loaded = await loadPlanFile(planFile);
  const assets = await prepareAssets(loaded, { cacheDir: path.join(dir, 'cache') });
  const prepared = await session.prepare(loaded, '16:9', 1, assets);
  const fps: Record<string, number> = {};
  for (const [name, range] of [
    ['kenburns', [0, frames - 1]],
    ['parallax', [frames, 2 * frames - 1]],
  ] as const) {
    const started = performance.now();
    await session.renderVideo(prepared, { outputLocation: path.join(dir, `${name}.mp4`), frameRange: [range[0], range[1]], x264Preset: 'veryfast', overwrite: true });
    fps[name] = frames / ((performance.now() - started) / 1000);
  }
  console.log(`1920x1080, ${frames} frames each, x264 veryfast, one browser, load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores`);
  console.log(`  Ken Burns  ${fps.kenburns!.toFixed(2)} frames/s`);
  console.log(`  parallax   ${fps.parallax!.toFixed(2)} frames/s (${assets.layers[image] ? assets.layers[image]!.layers.length : '?'} layers)`);
  console.log(`  ratio parallax / Ken Burns ${(fps.parallax! / fps.kenburns!).toFixed(2)}`);
} finally {
  await session.close();
  await fs.rm(dir, { recursive: true, force: true });
}
