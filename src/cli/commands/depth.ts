/** `stillmotion depth <image> --out depth.png`: a greyscale depth map (near = bright), same aspect as the image. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { StillmotionError } from '../../errors';
import { estimateDepth, writeDepthPng, type EstimatorId } from '../../depth/depth-map';
import { DEFAULT_HOSTED_MODEL } from '../../depth/hosted';
import { DEPTH_ESTIMATORS } from '../../plan/schema';
import { warn } from '../output';

interface DepthCliOptions {
  out: string;
  estimator: EstimatorId;
  model?: string;
  hostedModel?: string;
  maxSide: string;
  cache: boolean;
  cacheDir?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('depth')
    .description('Estimate a depth map for an image (grey PNG, near = bright)')
    .argument('<image>', 'image file')
    .requiredOption('--out <file>', 'output PNG')
    .addOption(new Option('--estimator <name>', 'depth estimator').choices([...DEPTH_ESTIMATORS]).default('heuristic'))
    .option('--model <file>', 'depth model for --estimator onnx (.onnx) or tflite (.tflite) (default: $STILLMOTION_DEPTH_MODEL)')
    .option(
      '--hosted-model <owner/name[:version]>',
      `Replicate model for --estimator hosted (default: $STILLMOTION_DEPTH_HOSTED_MODEL, else ${DEFAULT_HOSTED_MODEL} Small)`,
    )
    .option('--max-side <px>', 'longest side of the depth map', '2048')
    .option('--cache-dir <dir>', 'cache root (default .stillmotion/cache)')
    .option('--no-cache', 'neither read nor write the cache')
    .option('--json', 'print the result facts as JSON')
    .action(async (image: string, o: DepthCliOptions) => {
      const maxSide = Number(o.maxSide);
      if (!Number.isInteger(maxSide) || maxSide < 1) throw new StillmotionError(`--max-side must be a positive whole number (got ${o.maxSide})`);
      let spent = 0;
      const r = await estimateDepth(image, {
        estimator: o.estimator,
        maxSide,
        cache: o.cache,
        cacheDir: o.cacheDir,
        onnx: { modelPath: o.model },
        tflite: { modelPath: o.model },
        hosted: { model: o.hostedModel },
        onCost: (usd) => {
          spent += usd;
        },
      });
      for (const w of r.warnings) warn(w);
      await writeDepthPng(r, o.out);
      const facts = { out: o.out, width: r.width, height: r.height, estimator: r.estimator, flat: r.flat, cached: r.cached, notes: r.notes, costUsd: spent };
      if (o.json) process.stdout.write(`${JSON.stringify(facts, null, 2)}\n`);
      else {
        process.stdout.write(
          `${o.out}: ${r.width}x${r.height} depth map (${r.estimator}${r.cached ? ', cached' : ''}${spent ? `, $${spent.toFixed(2)}` : ''})${r.flat ? ' - flat: no depth cues, gentle preset used' : ''}\n`,
        );
      }
    });
}
