/** `stillmotion render <plan.json>`: renders a plan to one MP4 per format. */
import path from 'node:path';
import type { Command } from 'commander';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { useProjectConfig } from '../../config/load-config';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { interruptSignal } from '../../process/interrupt';
import { loadPlanFile } from '../../plan/load-plan';
import { writeFileAtomic } from '../../fs/atomic-write';
import { explainTimeline, explanationText } from '../../render/explain';
import { checkOutputDir } from '../../render/output-dir';
import { checkNameOption, outputStem } from '../../render/output-name';
import { outputLoudnessText } from '../../render/loudness';
import { renderPlan, type RenderResult } from '../../render/render-plan';
import { formatBytes, formatSeconds, warn } from '../output';
import { createProgressView } from '../progress';
import { addCaptionOptions, LOUDNESS_OPTION_HELP, parseFrames, parseRenderSettings, reportClipResults, withCaptionOverride } from '../render-options';
import { lambdaRenderOptions, runLambdaRenderCommand, type LambdaRenderCommandOptions } from './lambda';

export interface RenderCommandOptions extends InputPolicyFlags, ProjectConfigFlags {
  /** Folders besides the plan's own that its files may be in (`make`: the story's folder). */
  inputRoots?: string[];
  /** Where the project config is looked for (default: the plan's folder; `make`: the story's). */
  configFrom?: string;
  formats?: string;
  out: string;
  scale?: string;
  frames?: string;
  browserExecutable?: string;
  name?: string;
  preset?: string;
  crf?: string;
  cache: string;
  budget?: string;
  loudness?: string;
  clips: boolean;
  /** false: no cover images (--no-cover). */
  cover?: boolean;
  explain?: boolean;
  draft?: boolean;
  fresh?: boolean;
  lambda?: boolean;
}

export async function runRenderCommand(planPath: string, o: RenderCommandOptions): Promise<RenderResult> {
  // Every option, and the output folder, is checked before the plan is loaded and anything is spent.
  const { formats, scale, x264Preset, crf, budgetUsd, loudness, captions } = parseRenderSettings(o);
  const policy = resolveInputPolicy(o);
  const frames = o.frames ? parseFrames(o.frames) : undefined;
  if (o.name !== undefined) checkNameOption(o.name);
  await checkOutputDir(o.out);
  await useProjectConfig({ file: o.config, searchFrom: o.configFrom ?? path.dirname(path.resolve(planPath)) });
  const loaded = await loadPlanFile(planPath, { cacheDir: o.cache, policy, roots: o.inputRoots, fresh: o.fresh });
  const name = outputStem(o.name, loaded.plan.title);
  const chosen = formats ?? loaded.plan.formats;
  const view = createProgressView(chosen);
  let result: RenderResult;
  try {
    result = await renderPlan({ ...loaded, plan: withCaptionOverride(loaded.plan, captions) }, {
      formats: chosen,
      outDir: o.out,
      name,
      scale,
      frames,
      browserExecutable: o.browserExecutable,
      x264Preset,
      crf,
      draft: o.draft,
      reuseSegments: !o.fresh,
      loudness,
      cacheDir: o.cache,
      budgetUsd,
      skipClips: !o.clips,
      cover: o.cover,
      // Ctrl-C, SIGTERM and SIGHUP stop the render (src/process/interrupt.ts: exit 130/143/129, temp files removed).
      signal: interruptSignal(),
      onLog: (m) => (m.startsWith('warning: ') ? warn(m.slice(9)) : view.log(m)),
      onProgress: (p) => view.update(p),
      onTimelines: o.explain
        ? async (timelines) => {
            const first = timelines.values().next().value!;
            const explanation = explainTimeline(first);
            const file = path.resolve(o.out, `${name}.timeline.json`);
            await writeFileAtomic(file, `${JSON.stringify(explanation, null, 2)}\n`);
            view.log(`${explanationText(explanation)}written: ${path.relative(process.cwd(), file)}`);
          }
        : undefined,
    });
  } finally {
    view.stop();
  }
  reportClipResults(result.assets.clipResults);
  for (const f of result.files) {
    process.stdout.write(
      `${path.relative(process.cwd(), f.file) || f.file}  ${f.width}x${f.height}  ${formatSeconds(f.durationSeconds)}  ${formatBytes(f.sizeBytes)}  rendered in ${formatSeconds(f.renderSeconds)}${
        f.segments ? `  (${f.segments.segments} segments: ${f.segments.reused} reused, ${f.segments.direct} drawn directly, ${f.segments.browser} in Chromium)` : ''
      }  ${outputLoudnessText(f.loudness)}\n`,
    );
    if (f.cover) process.stdout.write(`  cover ${path.relative(process.cwd(), f.cover.file) || f.cover.file}  frame ${f.cover.frame} (${f.cover.why})  in ${formatSeconds(f.cover.seconds)}\n`);
  }
  return result;
}

export function register(program: Command): void {
  const render = addProjectConfigOption(addInputPolicyOptions(program.command('render')))
    .description('Render a motion plan to one MP4 per format (H.264 + AAC)')
    .argument('<plan>', 'plan JSON file')
    .option('--formats <list>', 'comma-separated formats: 16:9,9:16,1:1 (default: the plan\'s formats)')
    .option('--out <dir>', 'output directory', 'out')
    .option('--name <stem>', 'output file name stem (default: the plan title as a slug)')
    .option('--scale <factor>', 'output size factor, e.g. 0.5 for half size')
    .option('--frames <a-b>', 'render only frames a to b (inclusive), or one frame')
    .option('--browser-executable <path>', 'Chrome/Chromium to render with (also REMOTION_BROWSER_EXECUTABLE)')
    .option('--preset <x264>', 'x264 preset: ultrafast ... veryslow (default veryfast; ultrafast with --draft)')
    .option('--crf <n>', 'x264 quality, 0-51, lower is better (default 20; 23 with --draft)')
    .option('--cache <dir>', 'cache directory', '.stillmotion/cache')
    .option('--budget <usd>', 'most USD to spend on AI clips (overrides the plan\'s budget)')
    .option('--loudness <preset>', LOUDNESS_OPTION_HELP)
    .option('--no-clips', 'do not generate AI clips: tier 3 sections render as tier 2')
    .option('--no-cover', 'do not write the cover images (<name>-<format>.jpg)')
    .option('--draft', 'preview quality: half size and x264 ultrafast (unless --scale / --preset say otherwise)')
    .option('--fresh', 'render every segment again instead of reusing unchanged ones from the cache')
    .option('--explain', 'print the resolved timeline (where each cut landed and why) and write it to <out>/<name>.timeline.json')
    .option('--lambda', 'render on Remotion Lambda (see `stillmotion lambda deploy`) instead of this machine');
  addCaptionOptions(render);
  lambdaRenderOptions(render, '--lambda: ')
    .addHelpText(
      'after',
      '\nOutputs <out>/<name>-16x9.mp4 (1920x1080), -9x16.mp4 (1080x1920), -1x1.mp4 (1080x1080).\nExits non-zero when the plan is invalid or a render fails.',
    )
    .action(async (plan: string, o: RenderCommandOptions & LambdaRenderCommandOptions) => {
      if (o.lambda) {
        if (o.draft) {
          // Draft settings apply on Lambda too, unless given explicitly.
          o.scale ??= '0.5';
          o.preset ??= 'ultrafast';
        }
        await runLambdaRenderCommand(plan, o);
        return;
      }
      await runRenderCommand(plan, o);
    });
}
