/** `stillmotion layers <image> --out DIR`: 2.5D parallax layers, a layers.json manifest and a contact sheet. */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { StillmotionError } from '../../errors';
import type { EstimatorId } from '../../depth/depth-map';
import { DEPTH_ESTIMATORS } from '../../plan/schema';
import { prepareLayers } from '../../layers/build';
import { warn } from '../output';

interface LayersCliOptions {
  out: string;
  count: string;
  estimator: EstimatorId;
  model?: string;
  overscan: string;
  maxSide: string;
  cache: boolean;
  cacheDir?: string;
}

export function register(program: Command): void {
  program
    .command('layers')
    .description('Split an image into depth layers for 2.5D parallax (PNG layers, layers.json, contact-sheet.png)')
    .argument('<image>', 'image file')
    .requiredOption('--out <dir>', 'output directory')
    .option('--count <n>', 'number of layers (2-6)', '3')
    .addOption(new Option('--estimator <name>', 'depth estimator').choices([...DEPTH_ESTIMATORS]).default('heuristic'))
    .option('--model <file>', 'depth model for --estimator onnx (.onnx) or tflite (.tflite) (default: $STILLMOTION_DEPTH_MODEL)')
    .option('--overscan <share>', 'margin added on every side, as a share of the long side', '0.06')
    .option('--max-side <px>', 'longest side of the layers', '2048')
    .option('--cache-dir <dir>', 'cache root (default .stillmotion/cache)')
    .option('--no-cache', 'neither read nor write the cache')
    .action(async (image: string, o: LayersCliOptions) => {
      const count = Number(o.count);
      const overscan = Number(o.overscan);
      const maxSide = Number(o.maxSide);
      if (!Number.isInteger(count) || count < 2 || count > 6) throw new StillmotionError(`--count must be a whole number from 2 to 6 (got ${o.count})`);
      if (!Number.isFinite(overscan)) throw new StillmotionError(`--overscan must be a number (got ${o.overscan})`);
      if (!Number.isInteger(maxSide) || maxSide < 1) throw new StillmotionError(`--max-side must be a positive whole number (got ${o.maxSide})`);
      const m = await prepareLayers(image, {
        outDir: o.out,
        count,
        overscan,
        maxSide,
        estimator: o.estimator,
        onnx: { modelPath: o.model },
        tflite: { modelPath: o.model },
        cache: o.cache,
        cacheDir: o.cacheDir,
      });
      for (const w of m.warnings) warn(w);
      const rows = m.layers.map((l) => `  ${l.file}  ${l.name}, ${(l.coverage * 100).toFixed(0)}% of pixels, parallax ${l.parallax.toFixed(2)}`);
      process.stdout.write(
        `${path.join(o.out, 'layers.json')}: ${m.layers.length} layers ${m.layerWidth}x${m.layerHeight} (image ${m.width}x${m.height} + ${m.overscanPx} px overscan)${m.cached ? ', cached' : ''}${m.flat ? ' - flat: no depth cues, gentle preset used' : ''}\n${rows.join('\n')}\n  contact sheet: ${path.join(o.out, m.contactSheet)}\n`,
      );
    });
}
