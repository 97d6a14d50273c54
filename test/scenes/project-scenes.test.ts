/**
 * A template author's project, outside this repository: its own folder with node_modules/stillmotion
 * (a link to this checkout, as `npm link` makes), two scene types of its own (a split screen drawn
 * from a frame description, so in Node; a text card drawn by a React component, so in Chromium), a
 * stillmotion.config.mjs listing them and a plan using both. The real CLI (a child process)
 * validates it, writes its JSON Schema and renders it; the video's pixels show both scenes.
 * Bad plans name the field; `npm pack` ships the entries. (Frames are read with the system ffmpeg:
 * a measuring tool here, not the product's.)
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeSolidImage } from '../helpers/fixtures';

const run = promisify(execFile);
const REPO = path.resolve('.');
const CLI = path.join(REPO, 'bin/stillmotion.mjs');

const SPLIT = `import { defineScene, sceneImage, z } from 'stillmotion/scenes';

const channel = z.number().int().min(0).max(255);

/** The section image squeezed into the left half; the right half a solid colour. */
export const split = defineScene({
  type: 'split',
  description: 'The image on the left half, a solid colour on the right',
  schema: z.object({ color: z.tuple([channel, channel, channel]).default([255, 0, 0]).describe('Right half, sRGB') }),
  describe: (scene) => ({
    background: scene.params.color,
    crop: { x: 0, y: 0, w: 1, h: 1 },
    items: [{ ...sceneImage(scene), rect: { x: 0, y: 0, w: 0.5, h: 1 } }],
  }),
});
`;

const CARD = `import React from 'react';
import { AbsoluteFill } from 'remotion';
import { defineScene, z } from 'stillmotion/scenes';

/** A line of text on a flat colour (React: drawn in Chromium). */
export const textCard = defineScene({
  type: 'text-card',
  schema: z.object({ text: z.string().min(1), background: z.string().default('#0000ff') }),
  component: ({ scene }) =>
    React.createElement(
      AbsoluteFill,
      { style: { backgroundColor: scene.params.background, color: 'white', fontSize: 80, justifyContent: 'center', alignItems: 'center' } },
      scene.params.text,
    ),
});
`;

const CONFIG = `import { split } from './scenes/split.mjs';
import { textCard } from './scenes/card.mjs';

export default { scenes: [split, textCard] };
`;

let project: string;

async function cli(args: string[], cwd = project): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function writeJson(file: string, data: unknown): Promise<string> {
  await fs.writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

const plan = (sections: unknown[]): unknown => ({ title: 'scenes', formats: ['16:9'], defaults: { transition: { type: 'cut' } }, sections });

beforeAll(async () => {
  project = await tempDir('stillmotion-project-');
  await fs.mkdir(path.join(project, 'node_modules'), { recursive: true });
  await fs.symlink(REPO, path.join(project, 'node_modules/stillmotion'), 'dir');
  await fs.writeFile(path.join(project, 'package.json'), '{ "name": "my-videos", "private": true, "type": "module" }\n');
  await fs.mkdir(path.join(project, 'scenes'));
  await fs.writeFile(path.join(project, 'scenes/split.mjs'), SPLIT);
  await fs.writeFile(path.join(project, 'scenes/card.mjs'), CARD);
  await fs.writeFile(path.join(project, 'stillmotion.config.mjs'), CONFIG);
  await fs.mkdir(path.join(project, 'plans'));
  await writeSolidImage(path.join(project, 'plans/green.png'), 400, 300, [0, 200, 0]);
  await writeJson(
    path.join(project, 'plans/plan.json'),
    plan([
      { id: 'a', image: 'green.png', duration: 1, scene: { type: 'split', color: [255, 0, 0] } },
      { id: 'b', image: 'green.png', duration: 1, scene: { type: 'text-card', text: 'Hi' } },
    ]),
  );
}, 60_000);

describe('a project with its own scenes', () => {
  it('validate accepts a plan using them (config found above the plan\'s folder)', async () => {
    const r = await cli(['validate', 'plans/plan.json']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/plans\/plan\.json: valid - 2 sections, 2\.00 s at 30 fps \(60 frames\)/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('an unknown scene type or a bad param is an error naming the field', async () => {
    await writeJson(
      path.join(project, 'plans/bad.json'),
      plan([
        { id: 'a', image: 'green.png', duration: 1, scene: { type: 'splitt' } },
        { id: 'b', image: 'green.png', duration: 1, scene: { type: 'split', color: [300, 0, 0] } },
        { id: 'c', image: 'green.png', duration: 1, scene: { type: 'text-card', text: 'x', colour: 'red' } },
        { id: 'd', image: 'green.png', duration: 1, scene: { type: 'text-card' } },
      ]),
    );
    const r = await cli(['validate', 'plans/bad.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sections[0].scene.type');
    expect(r.stderr).toMatch(/sections\[0\]\.scene\.type: .*'spotlight' \| 'split' \| 'text-card'/);
    expect(r.stderr).toMatch(/sections\[1\]\.scene\.color\[0\]: .*<=255/);
    expect(r.stderr).toMatch(/sections\[2\]\.scene: .*"colour"/);
    expect(r.stderr).toMatch(/sections\[3\]\.scene\.text: /);
  }, 120_000);

  it('without the config the scene types are unknown; --config names it from elsewhere', async () => {
    const elsewhere = await tempDir('stillmotion-elsewhere-');
    await fs.writeFile(path.join(elsewhere, 'package.json'), '{ "private": true }\n');
    await fs.copyFile(path.join(project, 'plans/green.png'), path.join(elsewhere, 'green.png'));
    await writeJson(path.join(elsewhere, 'plan.json'), plan([{ id: 'a', image: 'green.png', duration: 1, scene: { type: 'split' } }]));
    const without = await cli(['validate', 'plan.json'], elsewhere);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/sections\[0\]\.scene\.type: Invalid discriminator value\. Expected 'spotlight'/);
    const withFlag = await cli(['validate', 'plan.json', '--config', path.join(project, 'stillmotion.config.mjs')], elsewhere);
    expect(withFlag.stderr).toBe('');
    expect(withFlag.code).toBe(0);
  }, 120_000);

  it('plan --keep keeps a section the user gave a project scene (config found above the story)', async () => {
    await writeJson(path.join(project, 'plans/story.json'), {
      title: 'Kept scenes',
      sections: [
        { id: 'a', text: 'A quiet green field.', image: 'green.png', duration: 2 },
        { id: 'b', text: 'The field again, still green.', image: 'green.png', duration: 2 },
      ],
    });
    const first = await cli(['plan', 'plans/story.json', '--out', 'plans/story.plan.json']);
    expect(first.code, first.stderr).toBe(0);
    const file = path.join(project, 'plans/story.plan.json');
    const planned = JSON.parse(await fs.readFile(file, 'utf8')) as { sections: Record<string, unknown>[] };
    planned.sections[0]!.scene = { type: 'split', color: [0, 0, 255] };
    await writeJson(file, planned);
    const kept = await cli(['plan', 'plans/story.json', '--out', 'plans/story.plan.json', '--keep']);
    expect(kept.code, kept.stderr).toBe(0);
    const after = JSON.parse(await fs.readFile(file, 'utf8')) as { sections: Record<string, unknown>[] };
    expect(after.sections[0]!.scene).toEqual({ type: 'split', color: [0, 0, 255] });
  }, 120_000);

  it('a config that is not one is an error naming the file', async () => {
    const broken = await tempDir('stillmotion-broken-');
    await fs.writeFile(path.join(broken, 'package.json'), '{ "private": true }\n');
    await fs.writeFile(path.join(broken, 'stillmotion.config.mjs'), 'export default { scenes: [{ type: "x" }] };\n');
    const r = await cli(['schema'], broken);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stillmotion.config.mjs: scenes[0] is not a scene made with defineScene()');
    await fs.writeFile(path.join(broken, 'stillmotion.config.mjs'), 'export default { scenes: [ };\n');
    const syntax = await cli(['schema'], broken);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/stillmotion\.config\.mjs:1:\d+: cannot compile the config/);
  }, 120_000);

  it('schema --out writes a JSON Schema with their params', async () => {
    const r = await cli(['schema', '--out', 'plan.schema.json']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(await fs.readFile(path.join(project, 'plan.schema.json'), 'utf8')) as unknown;
    const text = JSON.stringify(schema);
    expect(text).toContain('"const":"split"');
    expect(text).toContain('"const":"text-card"');
    expect(text).toContain('The image on the left half, a solid colour on the right');
    expect(text).toContain('Right half, sRGB');
    // The repository's own plan.schema.json stays built-ins only (no config there).
    expect(await fs.readFile(path.join(REPO, 'plan.schema.json'), 'utf8')).not.toContain('"const": "split"');
  }, 120_000);

  it('render draws both: the split screen in Node, the text card in Chromium', async () => {
    // The whole video (segmented: a --frames range would send every frame to Chromium).
    const r = await cli(['render', 'plans/plan.json', '--scale', '0.2', '--out', 'out', '--cache', '.cache']);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 drawn directly, 1 in Chromium/);
    const video = path.join(project, 'out/scenes-16x9.mp4');
    const frame = async (n: number): Promise<Buffer> => {
      const { stdout } = await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', video, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
        encoding: 'buffer',
        maxBuffer: 16 << 20,
      });
      return stdout as unknown as Buffer;
    };
    const W = 384;
    const H = 216;
    const at = (f: Buffer, x: number, y: number): number[] => [...f.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
    const near = (got: number[], want: number[]): void => got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(8));
    const split = await frame(15);
    expect(split.length).toBe(W * H * 3);
    for (const [x, y] of [[40, 40], [96, 108], [150, 180]] as const) near(at(split, x, y), [0, 200, 0]);
    for (const [x, y] of [[230, 40], [288, 108], [350, 180]] as const) near(at(split, x, y), [255, 0, 0]);
    const card = await frame(45);
    for (const [x, y] of [[10, 10], [370, 200], [40, 108]] as const) near(at(card, x, y), [0, 0, 255]);
    // The text: white pixels in the middle of the frame.
    let white = 0;
    for (let y = 80; y < 140; y++) for (let x = 150; x < 234; x++) if (at(card, x, y).every((v) => v > 200)) white++;
    expect(white).toBeGreaterThan(20);
  }, 600_000);
});

describe('npm pack', () => {
  it('ships every entry of package.json exports and the CLI, and no tests, benches or outputs', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, maxBuffer: 64 << 20 });
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
    const pkg = JSON.parse(await fs.readFile(path.join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>>; bin: Record<string, string> };
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)));
    for (const t of [...targets, ...Object.values(pkg.bin)]) expect(files, t).toContain(t.replace(/^\.\//, ''));
    // What the entries load at run time: the Remotion project the bundle is made from, the example plan Root imports.
    for (const f of ['remotion/index.ts', 'remotion/Root.tsx', 'remotion/register-project.ts', 'examples/launch-day/plan.json', 'src/cli/main.ts', 'src/config/load-config.ts']) expect(files, f).toContain(f);
    expect([...files].filter((f) => /^(test|bench|bench-results|out|\.stillmotion|node_modules)\//.test(f))).toEqual([]);
  }, 120_000);
});
