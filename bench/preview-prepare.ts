/**
 * Benchmark (not a test): what a `--frames` preview prepares. A plan of parallax (tier 2) sections
 * over the example photos (examples/launch-day/images, each photo used by sections/5 of them) is
 * prepared twice from an empty cache: for the whole video, and for a preview of its first second
 * (frames 0-29). Time and bytes of depth layers cached, per mode.
 *
 * Run: npx tsx bench/preview-prepare.ts [--sections 10]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPlanFile } from '../src/plan/load-plan';
import { prepareAssets } from '../src/render/prepare-assets';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECTIONS = arg('sections', 10);

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) total += (await fs.stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'sm-bench-preview-'));
  try {
    const images = path.resolve('examples/launch-day/images');
    const photos = (await fs.readdir(images)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
    await fs.cp(images, path.join(work, 'images'), { recursive: true });
    const plan = {
      title: 'Preview bench',
      sections: Array.from({ length: SECTIONS }, (_, i) => ({ id: `s${i + 1}`, image: `images/${photos[i % photos.length]}`, duration: 3, tier: 2 })),
    };
    const planFile = path.join(work, 'plan.json');
    await fs.writeFile(planFile, JSON.stringify(plan));
    const loaded = await loadPlanFile(planFile);
    const rows: { mode: string; seconds: number; layerSets: number; layerMiB: number }[] = [];
    // The preview first: it pays the cold start (module loading, sharp's first use), so its gain is not overstated.
    for (const mode of ['frames 0-29', 'whole video'] as const) {
      const cacheDir = path.join(work, mode === 'whole video' ? 'cache-full' : 'cache-preview');
      const started = performance.now();
      const assets = await prepareAssets(loaded, { cacheDir, ...(mode === 'frames 0-29' ? { frames: { range: [0, 29] as [number, number], formats: ['16:9' as const] } } : {}) });
      const seconds = (performance.now() - started) / 1000;
      rows.push({ mode, seconds, layerSets: Object.keys(assets.layers).length, layerMiB: (await bytesUnder(path.join(cacheDir, 'layers'))) / 1024 ** 2 });
    }
    console.log(`${SECTIONS} parallax sections over ${photos.length} photos, ${os.availableParallelism()} cores`);
    for (const r of rows) console.log(`${r.mode.padEnd(12)}  ${r.seconds.toFixed(1).padStart(6)} s  ${String(r.layerSets).padStart(2)} layer sets  ${r.layerMiB.toFixed(1).padStart(6)} MiB cached`);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

void main();
