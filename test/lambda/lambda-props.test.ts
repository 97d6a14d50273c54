/**
 * Lambda input props from prepared assets, without servers: every file the composition loads (the
 * pre-scaled image, narration, depth layers, an AI clip) goes through `url`, the plan's own file
 * references are renamed to those URLs, fallback notes lose local paths, WebGL parallax is sent
 * as CSS without its depth map, and the props lay out exactly as the local ones.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanFile, type LoadedPlan } from '../../src/plan/load-plan';
import { compositionPropsSchema } from '../../src/plan/schema';
import { planMediaFacts } from '../../src/render/media-facts';
import type { PreparedAssets } from '../../src/render/prepare-assets';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { buildLambdaProps } from '../../lambda/lambda-props';
import { withCssParallax } from '../../lambda/css-fallback';
import { tempDir, writeDiscImage, writePlan, writeWav } from '../helpers/fixtures';

let dir: string;
let loaded: LoadedPlan;
let assets: PreparedAssets;

beforeAll(async () => {
  dir = await tempDir('sm-lprops-');
  await writeDiscImage(path.join(dir, 'img', 'a.png'), 800, 600);
  await writeWav(path.join(dir, 'n.wav'), 0.5);
  for (const f of ['layer0.png', 'layer1.png', 'depth.png']) await writeDiscImage(path.join(dir, 'layers', f), 840, 640);
  await fs.writeFile(path.join(dir, 'clip.mp4'), 'not really a video, only its path matters here');
  loaded = await loadPlanFile(
    await writePlan(dir, {
      title: 'Props',
      formats: ['16:9', '9:16'],
      sections: [
        { id: 'p', image: 'img/a.png', narration: 'n.wav', tier: 2, parallax: { mode: 'webgl', layers: 2 }, transition: { type: 'cut' } },
        { id: 'c', image: 'img/a.png', duration: 2, tier: 3 },
        { id: 'f', image: 'img/a.png', duration: 1, tier: 3 },
      ],
    }),
    { cacheDir: path.join(dir, 'cache') },
  );
  assets = {
    layers: {
      'img/a.png': {
        dir: path.join(dir, 'layers'),
        width: 800,
        height: 600,
        overscanPx: 20,
        maxShift: { x: 0.02, y: 0.02 },
        layers: [
          { file: 'layer0.png', parallax: 0 },
          { file: 'layer1.png', parallax: 1 },
        ],
        depth: 'depth.png',
        warnings: [],
      } as unknown as PreparedAssets['layers'][string],
    },
    clips: { c: { file: path.join(dir, 'clip.mp4'), duration: 5, width: 1280, height: 720 } },
    notes: { f: [`luma: cannot read ${path.join(dir, 'secret', 'key.txt')}: denied`] },
    clipResults: [],
    focus: { 'img/a.png': { x: 0.6, y: 0.4 } },
    analysis: { narration: {} },
  };
});

afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

describe('buildLambdaProps', () => {
  it('sends URLs only, renames the plan references, drops depth maps and local paths', async () => {
    const uploaded = new Set<string>();
    const url = async (file: string): Promise<string> => {
      await fs.access(file); // only files that exist are handed over
      uploaded.add(path.relative(dir, file));
      return `https://assets.example/${encodeURIComponent(path.relative(dir, file))}`;
    };
    const props = await buildLambdaProps(loaded, assets, { formats: ['16:9', '9:16'], scale: 0.5, cacheDir: path.join(dir, 'cache'), url });
    expect([...uploaded].filter((f) => !f.startsWith('cache')).sort()).toEqual(['clip.mp4', 'layers/layer0.png', 'layers/layer1.png', 'n.wav']);
    // Pre-scaled images (in the cache) for each format; not the depth map.
    expect([...uploaded].filter((f) => f.startsWith('cache')).length).toBe(2);
    expect(uploaded.has('layers/depth.png')).toBe(false);

    for (const format of ['16:9', '9:16'] as const) {
      const p = props.get(format)!;
      const parsed = compositionPropsSchema.parse(p.inputProps);
      for (const s of strings(p.inputProps).filter((x) => /[\\/]/.test(x))) expect(s).toMatch(/^https:\/\/assets\.example\//);
      expect(strings(p.inputProps).some((s) => s.includes(dir))).toBe(false);
      const imageUrl = parsed.plan.sections[0]!.image;
      expect(parsed.plan.sections.map((s) => s.image)).toEqual([imageUrl, imageUrl, imageUrl]);
      expect(parsed.media!.images[imageUrl]).toMatchObject({ src: imageUrl, focus: { x: 0.6, y: 0.4 } });
      expect(parsed.media!.layers![imageUrl]!.depth).toBeUndefined();
      expect(parsed.media!.clips!.c!.src).toBe('https://assets.example/clip.mp4');
      expect(parsed.plan.sections[0]!.narration).toBe('https://assets.example/n.wav');
      expect(parsed.media!.audio['https://assets.example/n.wav']!.duration).toBeCloseTo(0.5, 2);
      expect(parsed.media!.notes!.f).toEqual(['luma: cannot read key.txt: denied']);
      expect(parsed.plan.sections[0]!.parallax!.mode).toBe('css');
      // Same layout as the local props: scene kinds (parallax, clip, fallback) and length.
      const local = buildTimeline(withCssParallax(loaded.plan).plan, planMediaFacts(loaded, assets), format);
      const remote = buildTimeline(parsed.plan, parsed.media!, format);
      expect(local.scenes.map((s) => s.kind)).toEqual(['parallax', 'clip', 'parallax']);
      expect(remote.scenes.map((s) => s.kind)).toEqual(local.scenes.map((s) => s.kind));
      expect(remote.durationInFrames).toBe(local.durationInFrames);
      expect(p.durationInFrames).toBe(local.durationInFrames);
    }
    // 16:9 and 9:16 need the image at different widths: different files.
    const img = (f: '16:9' | '9:16') => props.get(f)!.inputProps.plan.sections[0]!.image;
    expect(img('16:9')).not.toBe(img('9:16'));
  });
});
