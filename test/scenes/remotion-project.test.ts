/**
 * A Remotion project of someone else's: it imports StoryVideo and calculateStoryMetadata from
 * `stillmotion/remotion` (node_modules/stillmotion linked to this checkout), registers a scene type
 * of its own and puts a plan in its own composition. Remotion's bundler builds it and a frame is
 * rendered in real Chromium (the project's browser picker); its pixels show the plan's scene.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundle } from '@remotion/bundler';
import { renderStill, selectComposition } from '@remotion/renderer';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { resolveBrowser } from '../../src/render/browser';
import { tempDir } from '../helpers/fixtures';

const REPO = path.resolve('.');

const ENTRY = `import React from 'react';
import { Composition, registerRoot } from 'remotion';
import { calculateStoryMetadata, defineScene, OUTPUT_FORMATS, registerScenes, sceneImage, StoryVideo, z } from 'stillmotion/remotion';

/** The image in the left half, a flat colour in the right half. */
const split = defineScene({
  type: 'split',
  schema: z.object({ color: z.tuple([z.number(), z.number(), z.number()]) }),
  describe: (scene) => ({ background: scene.params.color, crop: { x: 0, y: 0, w: 1, h: 1 }, items: [{ ...sceneImage(scene), rect: { x: 0, y: 0, w: 0.5, h: 1 } }] }),
});
registerScenes([split]);

const square = OUTPUT_FORMATS['1:1'];

const Root: React.FC = () => (
  <>
    <Composition id="Intro" component={() => null} width={320} height={180} fps={30} durationInFrames={30} />
    <Composition
      id={square.compositionId}
      component={StoryVideo}
      calculateMetadata={calculateStoryMetadata}
      defaultProps={{ plan: { title: 'unset', sections: [] } } as never}
      width={square.width}
      height={square.height}
      fps={30}
      durationInFrames={1}
    />
  </>
);

registerRoot(Root);
`;

it('a Remotion project renders a frame of StoryVideo with its own scene', async () => {
  const dir = await tempDir('stillmotion-remotion-project-');
  await fs.mkdir(path.join(dir, 'node_modules'), { recursive: true });
  await fs.symlink(REPO, path.join(dir, 'node_modules/stillmotion'), 'dir');
  await fs.writeFile(path.join(dir, 'package.json'), '{ "name": "their-videos", "private": true }\n');
  await fs.mkdir(path.join(dir, 'src'));
  await fs.writeFile(path.join(dir, 'src/index.tsx'), ENTRY);

  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 230 } } }).png().toBuffer();
  const inputProps = {
    plan: {
      title: 'Theirs',
      formats: ['1:1'],
      captions: false,
      sections: [{ id: 'a', image: 'blue.png', tier: 0, duration: 1, scene: { type: 'split', color: [250, 200, 0] } }],
    },
    media: { images: { 'blue.png': { src: `data:image/png;base64,${png.toString('base64')}`, width: 64, height: 64 } }, audio: {} },
  };

  const serveUrl = await bundle({ entryPoint: path.join(dir, 'src/index.tsx'), rootDir: dir, outDir: path.join(dir, 'build') });
  const { executable } = await resolveBrowser({ skipDownload: true });
  const composition = await selectComposition({ serveUrl, id: 'Square', inputProps, browserExecutable: executable, logLevel: 'error' });
  expect([composition.width, composition.height, composition.durationInFrames]).toEqual([1080, 1080, 30]);
  const output = path.join(dir, 'frame.png');
  await renderStill({ serveUrl, composition, inputProps, output, frame: 10, scale: 0.25, browserExecutable: executable, logLevel: 'error', overwrite: true });

  const { data, info } = await sharp(output).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([270, 270]);
  const at = (x: number, y: number): number[] => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
  const near = (got: number[], want: number[]): void => got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${got} vs ${want}`).toBeLessThanOrEqual(6));
  for (const [x, y] of [[20, 20], [67, 135], [115, 250]] as const) near(at(x, y), [0, 0, 230]);
  for (const [x, y] of [[155, 20], [202, 135], [250, 250]] as const) near(at(x, y), [250, 200, 0]);
}, 600_000);
