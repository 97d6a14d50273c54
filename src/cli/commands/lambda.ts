/**
 * `stillmotion lambda deploy` and `stillmotion lambda render <plan>`: Remotion Lambda.
 * `runLambdaRenderCommand` is also what `render --lambda` runs. The Lambda modules are imported
 * when a command runs (loading @remotion/lambda takes seconds), not when the CLI starts.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { LambdaPlanRenderResult } from '../../../lambda/render-plan-on-lambda';
import type { LambdaPrivacy } from '../../../lambda/privacy';
import { StillmotionError } from '../../errors';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { interruptSignal } from '../../process/interrupt';
import { loadPlanFile } from '../../plan/load-plan';
import { outputLoudnessText } from '../../render/loudness';
import { formatBytes, formatSeconds, warn } from '../output';
import { createProgressView } from '../progress';
import { addCaptionOptions, checkPrivacy, intOption, LOUDNESS_OPTION_HELP, parseFrames, parseRenderSettings, reportClipResults, withCaptionOverride, type RenderSettingsFlags } from '../render-options';

/** Where to render: the options every Lambda command takes. */
export interface LambdaTargetOptions {
  region?: string;
  function?: string;
  bucket?: string;
  serveUrl?: string;
  /** The Lambda deploy config file (`--lambda-config`). */
  lambdaConfig?: string;
}

/**
 * Options of `render <plan> --lambda` and `lambda render <plan>` (commander's camelCase names).
 * The render options mean what they mean for a local render; browserExecutable and explain do not
 * apply on Lambda and are ignored with a warning.
 */
export interface LambdaRenderCommandOptions extends LambdaTargetOptions, InputPolicyFlags, ProjectConfigFlags, Pick<RenderSettingsFlags, 'captions' | 'captionsSource' | 'captionStyle'> {
  formats?: string;
  out?: string;
  name?: string;
  scale?: string;
  frames?: string;
  preset?: string;
  crf?: string;
  cache?: string;
  budget?: string;
  /** false with --no-clips. */
  clips?: boolean;
  /** public (default), private (presigned download URLs) or no-acl. */
  privacy?: string;
  /** Download the outputs into --out. */
  download?: boolean;
  framesPerLambda?: string;
  /** Covers are rendered on this machine: its Chromium. */
  browserExecutable?: string;
  explain?: boolean;
  loudness?: string;
  /** false with --no-cover. */
  cover?: boolean;
}

/** Renders a plan on Remotion Lambda; prints one line per format (URL, size, cost) and the total cost. Throws when a format failed. */
export async function runLambdaRenderCommand(planPath: string, o: LambdaRenderCommandOptions): Promise<LambdaPlanRenderResult> {
  const { formats, scale, x264Preset, crf, budgetUsd, loudness, captions } = parseRenderSettings(o);
  checkPrivacy(o.privacy);
  const framesPerLambda = intOption(o.framesPerLambda, '--frames-per-lambda', 4);
  const frames = o.frames ? parseFrames(o.frames) : undefined;
  if (o.explain) warn('--explain is not supported with --lambda; run `stillmotion render --explain` locally (it writes no video with --frames 0)');

  const { resolveLambdaTarget } = await import('../../../lambda/config');
  const { renderPlanOnLambda } = await import('../../../lambda/render-plan-on-lambda');
  const { costPerMinute, formatLambdaUsd, totalCost } = await import('../../../lambda/cost');
  const cache = o.cache ?? '.stillmotion/cache';
  // The deployed site must hold the same scenes: `lambda deploy` bundles the same config (the bundle hash is checked).
  await useProjectConfig({ file: o.config, searchFrom: path.dirname(path.resolve(planPath)) });
  const file = await loadPlanFile(planPath, { cacheDir: cache, policy: resolveInputPolicy(o) });
  const loaded = { ...file, plan: withCaptionOverride(file.plan, captions) };
  const target = await resolveLambdaTarget({ region: o.region, function: o.function, bucket: o.bucket, serveUrl: o.serveUrl, config: o.lambdaConfig });
  const chosen = formats ?? loaded.plan.formats;
  const view = createProgressView(chosen);
  let result: LambdaPlanRenderResult;
  try {
    result = await renderPlanOnLambda(loaded, {
      target,
      formats: chosen,
      name: o.name,
      scale,
      frames,
      crf,
      x264Preset,
      framesPerLambda,
      privacy: o.privacy as LambdaPrivacy | undefined,
      cacheDir: cache,
      budgetUsd,
      skipClips: o.clips === false,
      downloadDir: o.download ? (o.out ?? 'out') : undefined,
      loudness,
      cover: o.cover,
      browserExecutable: o.browserExecutable,
      // Ctrl-C, SIGTERM and SIGHUP cancel the Lambda renders in flight (src/process/interrupt.ts).
      signal: interruptSignal(),
      onLog: (m) => (m.startsWith('warning: ') ? warn(m.slice(9)) : view.log(m)),
      onProgress: (p) => view.update(p),
    });
  } finally {
    view.stop();
  }
  reportClipResults(result.assets.clipResults);
  for (const f of result.formats) {
    const perMin = costPerMinute(f.costUsd, f.videoSeconds);
    const cost = `${formatLambdaUsd(f.costUsd)}${perMin !== null ? ` (${formatLambdaUsd(perMin)}/min)` : ''}`;
    if (f.ok) {
      const where = f.file ? `${path.relative(process.cwd(), f.file) || f.file}  ${f.outputUrl}` : f.outputUrl;
      process.stdout.write(
        `${f.format.padEnd(4)}  ${where}  ${formatSeconds(f.videoSeconds)}  ${f.sizeBytes !== null ? formatBytes(f.sizeBytes) : '?'}  ${cost}  rendered in ${formatSeconds(f.renderSeconds)}${
          f.loudness ? `  ${outputLoudnessText(f.loudness)}` : ''
        }\n`,
      );
      if (f.cover) process.stdout.write(`  cover ${f.coverUrl ?? (path.relative(process.cwd(), f.cover.file) || f.cover.file)}  frame ${f.cover.frame} (${f.cover.why})  in ${formatSeconds(f.cover.seconds)}\n`);
    } else {
      process.stdout.write(`${f.format.padEnd(4)}  FAILED  ${formatLambdaUsd(f.costUsd)} spent  ${f.errors[0] ?? ''}\n`);
      for (const e of f.errors.slice(1)) process.stderr.write(`  ${f.format}: ${e}\n`);
    }
  }
  // Per minute: what the finished videos cost; failed renders' spend is in the total.
  const done = totalCost(result.formats.filter((f) => f.ok).map((f) => ({ costUsd: f.costUsd, videoSeconds: f.videoSeconds })));
  const spent = result.formats.reduce((a, f) => a + f.costUsd, 0);
  process.stdout.write(
    `Lambda cost: ${formatLambdaUsd(spent)}${done.perMinuteUsd !== null ? `; ${formatLambdaUsd(done.perMinuteUsd)} per minute of video (${done.videoMinutes.toFixed(2)} min rendered)` : ''}\n`,
  );
  const failed = result.formats.filter((f) => !f.ok);
  if (failed.length) {
    throw new StillmotionError(`${failed.length} of ${result.formats.length} formats failed on Lambda: ${failed.map((f) => `${f.format} (${f.errors[0] ?? 'unknown error'})`).join('; ')}`);
  }
  return result;
}

/** Where `lambda deploy` puts the function and site. */
function targetOptions(c: Command): Command {
  return c
    .option('--region <region>', REGION_HELP)
    .option('--bucket <name>', BUCKET_HELP)
    .option('--lambda-config <file>', CONFIG_HELP);
}

const REGION_HELP = 'AWS region (also STILLMOTION_LAMBDA_REGION, REMOTION_AWS_REGION; default: the deployed config, AWS_REGION, us-east-1)';
const BUCKET_HELP = 'S3 bucket (also STILLMOTION_LAMBDA_BUCKET; default: the deployed config)';
const CONFIG_HELP = 'Lambda config written by `lambda deploy` (also STILLMOTION_LAMBDA_CONFIG)';

/**
 * The flags of a render on Lambda, shared by `lambda render`, `render --lambda` and `batch --lambda`.
 * `when` ("--lambda: ") marks them in commands that also render locally.
 */
export function lambdaRenderOptions(c: Command, when = ''): Command {
  return c
    .option('--region <region>', `${when}${REGION_HELP}`)
    .option('--function <name>', `${when}render function (also STILLMOTION_LAMBDA_FUNCTION; default: the deployed config)`)
    .option('--bucket <name>', `${when}${BUCKET_HELP}`)
    .option('--serve-url <url>', `${when}deployed site (also STILLMOTION_LAMBDA_SERVE_URL; default: the deployed config)`)
    .option('--lambda-config <file>', `${when}${CONFIG_HELP}`)
    .option('--privacy <p>', `${when}outputs public (readable by URL; the default), private (presigned links) or no-acl`)
    .option('--download', `${when}also download the outputs into --out`)
    .option('--frames-per-lambda <n>', `${when}frames each function renders (default: chosen by Remotion)`);
}

export function register(program: Command): void {
  const lambda = program
    .command('lambda')
    .description('Render on Remotion Lambda: deploy the function and site, render plans in the cloud')
    .addHelpText(
      'after',
      '\nCredentials: REMOTION_AWS_ACCESS_KEY_ID + REMOTION_AWS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or a profile in REMOTION_AWS_PROFILE / AWS_PROFILE).',
    );

  addProjectConfigOption(targetOptions(
    lambda
      .command('deploy')
      .description('Create or reuse the bucket, the render function and the site (idempotent); writes .stillmotion/lambda.json')
      .option('--memory <mb>', 'function memory in MB (default 2048)')
      .option('--disk <mb>', 'function disk in MB (default 2048)')
      .option('--timeout <s>', 'function timeout in seconds; the whole render must finish within it (default 240)')
      .option('--site-name <name>', 'name of the site in the bucket (default stillmotion)')
      .option('--bundle-dir <dir>', 'deploy this ready Remotion bundle (from `npx remotion bundle`) instead of bundling remotion/')
      .option('--cache <dir>', 'cache directory (the bundle is kept next to it)', '.stillmotion/cache'),
  ), 'the current folder').action(async (o: LambdaTargetOptions & ProjectConfigFlags & { memory?: string; disk?: string; timeout?: string; siteName?: string; bundleDir?: string; cache: string }) => {
    // The site includes the project's own scenes (its stillmotion.config).
    await useProjectConfig({ file: o.config, searchFrom: process.cwd() });
    const { deployLambda } = await import('../../../lambda/deploy');
    const r = await deployLambda({
      flags: { region: o.region, bucket: o.bucket, config: o.lambdaConfig },
      memorySizeInMb: intOption(o.memory, '--memory'),
      diskSizeInMb: intOption(o.disk, '--disk'),
      timeoutInSeconds: intOption(o.timeout, '--timeout'),
      siteName: o.siteName,
      bundleDir: o.bundleDir,
      cacheDir: o.cache,
      onLog: (m) => process.stderr.write(`${m}\n`),
    });
    const c = r.config;
    process.stdout.write(
      [
        `serve URL: ${c.serveUrl}`,
        `function:  ${c.functionName} (${r.functionAlreadyExisted ? 'already deployed' : 'deployed'}; ${c.memorySizeInMb} MB memory, ${c.diskSizeInMb} MB disk, ${c.timeoutInSeconds} s timeout)`,
        `bucket:    ${c.bucketName} (${r.bucketAlreadyExisted ? 'exists' : 'created'})`,
        `region:    ${c.region}`,
        `site:      ${r.site.uploadedFiles} files uploaded, ${r.site.deletedFiles} deleted, ${r.site.untouchedFiles} unchanged`,
        `written:   ${path.relative(process.cwd(), r.configFile) || r.configFile}`,
        '',
      ].join('\n'),
    );
  });

  lambdaRenderOptions(
    addCaptionOptions(addProjectConfigOption(addInputPolicyOptions(lambda.command('render'))))
      .description('Render a motion plan on Lambda, all formats in parallel; prints output URLs and the Lambda cost')
      .argument('<plan>', 'plan JSON file')
      .option('--formats <list>', "comma-separated formats: 16:9,9:16,1:1 (default: the plan's formats)")
      .option('--out <dir>', 'output directory for --download', 'out')
      .option('--name <stem>', 'output file name stem (default: the plan title as a slug)')
      .option('--scale <factor>', 'output size factor, e.g. 0.5 for half size')
      .option('--frames <a-b>', 'render only frames a to b (inclusive)')
      .option('--preset <x264>', 'x264 preset (default veryfast)')
      .option('--crf <n>', 'x264 quality, 0-51, lower is better (default 20)')
      .option('--cache <dir>', 'cache directory', '.stillmotion/cache')
      .option('--budget <usd>', "most USD to spend on AI clips (overrides the plan's budget)")
      .option('--no-clips', 'do not generate AI clips: tier 3 sections render as tier 2')
      .option('--loudness <preset>', `${LOUDNESS_OPTION_HELP}; applied to each output after Lambda renders it`)
      .option('--no-cover', 'do not write the cover images (<name>-<format>.jpg; rendered on this machine)')
      .option('--browser-executable <path>', 'Chrome/Chromium for the covers, which render on this machine (also REMOTION_BROWSER_EXECUTABLE)'),
  ).action(async (plan: string, o: LambdaRenderCommandOptions) => {
    await runLambdaRenderCommand(plan, o);
  });
}
