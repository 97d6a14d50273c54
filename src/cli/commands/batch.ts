/**
 * `stillmotion batch <plans...> [--lambda] [--concurrency N]`: renders many plans (files, folders
 * of plans, globs), resumably, and prints one summary table at the end.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { LambdaPrivacy } from '../../../lambda/privacy';
import { runBatch, type BatchLambdaOptions } from '../../batch/run-batch';
import { summaryTable, type BatchRow } from '../../batch/summary-table';
import { StillmotionError } from '../../errors';
import { lambdaRenderOptions, type LambdaTargetOptions } from './lambda';
import { addCaptionOptions, checkPrivacy, intOption, LOUDNESS_OPTION_HELP, parseFrames, parseRenderSettings, type RenderSettingsFlags } from '../render-options';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { interruptSignal } from '../../process/interrupt';

export interface BatchCommandOptions extends LambdaTargetOptions, InputPolicyFlags, ProjectConfigFlags, Pick<RenderSettingsFlags, 'captions' | 'captionsSource' | 'captionStyle'> {
  lambda?: boolean;
  concurrency?: string;
  out: string;
  force?: boolean;
  formats?: string;
  scale?: string;
  frames?: string;
  preset?: string;
  crf?: string;
  cache: string;
  budget?: string;
  loudness?: string;
  clips: boolean;
  browserExecutable?: string;
  download?: boolean;
  privacy?: string;
  framesPerLambda?: string;
}

async function runBatchCommand(inputs: string[], o: BatchCommandOptions): Promise<BatchRow[]> {
  const concurrency = intOption(o.concurrency, '--concurrency', 1);
  const { formats, scale, x264Preset, crf, budgetUsd, loudness, captions } = parseRenderSettings(o);
  const inputPolicy = resolveInputPolicy(o);
  checkPrivacy(o.privacy);
  const lambdaOnly = (['download', 'privacy', 'framesPerLambda', 'function', 'serveUrl', 'bucket', 'region'] as const).filter((k) => o[k] !== undefined);
  if (!o.lambda && lambdaOnly.length) throw new StillmotionError(`--${lambdaOnly[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --lambda`);

  // One project config for the batch: the one beside the first input (a plan file or a folder of plans).
  const first = path.resolve(inputs[0] ?? '.');
  const firstIsDir = await fs.stat(first).then((s) => s.isDirectory(), () => false);
  await useProjectConfig({ file: o.config, searchFrom: firstIsDir ? first : path.dirname(first) });

  let lambda: BatchLambdaOptions | null = null;
  if (o.lambda) {
    const { resolveLambdaTarget } = await import('../../../lambda/config');
    const { awsCredentialSource } = await import('../../../lambda/credentials');
    const target = await resolveLambdaTarget({ region: o.region, function: o.function, bucket: o.bucket, serveUrl: o.serveUrl, config: o.lambdaConfig });
    awsCredentialSource();
    lambda = { target, download: o.download, privacy: o.privacy as LambdaPrivacy | undefined, framesPerLambda: intOption(o.framesPerLambda, '--frames-per-lambda', 4) };
  }

  const rows = await runBatch({
    inputs,
    outDir: o.out,
    concurrency,
    force: o.force,
    formats,
    scale,
    frames: o.frames ? parseFrames(o.frames) : undefined,
    crf,
    x264Preset,
    cacheDir: o.cache,
    inputPolicy,
    budgetUsd,
    loudness,
    captions,
    skipClips: o.clips === false,
    browserExecutable: o.browserExecutable,
    lambda,
    // Ctrl-C, SIGTERM and SIGHUP stop the batch (src/process/interrupt.ts: exit 130/143/129, temp files removed).
    signal: interruptSignal(),
    onLog: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(summaryTable(rows));
  const bad = rows.filter((r) => r.status === 'failed' || r.status === 'partial');
  if (bad.length) {
    throw new StillmotionError(`${bad.length} of ${rows.length} plans did not finish (${bad.map((r) => r.name).join(', ')}); run the same command again to retry only what is missing`);
  }
  return rows;
}

export function register(program: Command): void {
  const batch = addCaptionOptions(addProjectConfigOption(addInputPolicyOptions(program.command('batch')), 'the first input\'s folder'))
    .description('Render many plans (plan files, folders of plans or globs), resumably; one summary table at the end')
    .argument('<plans...>', 'plan files, folders of plans, or globs such as "plans/*.json" (quoted)')
    .option('--lambda', 'render on Remotion Lambda (run `stillmotion lambda deploy` first)')
    .option('--concurrency <n>', 'plans rendered at the same time (default: 1 locally, 4 with --lambda)')
    .option('--out <dir>', 'output directory (also holds the batch manifest .stillmotion-batch.json)', 'out')
    .option('--force', 'render everything again, even outputs that are up to date')
    .option('--formats <list>', "comma-separated formats: 16:9,9:16,1:1 (default: each plan's formats)")
    .option('--scale <factor>', 'output size factor, e.g. 0.5 for half size')
    .option('--frames <a-b>', 'render only frames a to b (inclusive), or one frame')
    .option('--preset <x264>', 'x264 preset: ultrafast ... veryslow (default veryfast)')
    .option('--crf <n>', 'x264 quality, 0-51, lower is better (default 20)')
    .option('--loudness <preset>', LOUDNESS_OPTION_HELP)
    .option('--cache <dir>', 'cache directory', '.stillmotion/cache')
    .option('--budget <usd>', 'most USD to spend on AI clips per plan (overrides each plan\'s budget)')
    .option('--no-clips', 'do not generate AI clips: tier 3 sections render as tier 2')
    .option('--browser-executable <path>', 'Chrome/Chromium for local renders (also REMOTION_BROWSER_EXECUTABLE)');
  lambdaRenderOptions(batch, 'with --lambda: ')
    .addHelpText(
      'after',
      `\nOutputs <out>/<name>-16x9.mp4 ... per plan, <name> from the plan's path (launch-day/plan.json -> launch-day).\nA rerun skips every format whose inputs (plan, images, audio, settings) are unchanged and whose file is still there;\n${path.join('<out>', '.stillmotion-batch.json')} records what is done. Exits non-zero when a plan did not finish.`,
    )
    .action(async (plans: string[], o: BatchCommandOptions) => {
      await runBatchCommand(plans, o);
    });
}
