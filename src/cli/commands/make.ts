/**
 * `stillmotion make <story>`: story -> plan -> clips -> render in one command. The plan and its
 * storyboard are written next to the videos (`<out>/<name>.plan.json`, `<out>/<name>.storyboard.png`),
 * so what was rendered can be inspected, edited and re-made (`--keep` keeps the edits).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption } from '../../config/project-config-option';
import { checkOutputDir } from '../../render/output-dir';
import { checkNameOption, outputStem } from '../../render/output-name';
import type { RenderResult } from '../../render/render-plan';
import { addCaptionOptions, LOUDNESS_OPTION_HELP, parseFrames, parseRenderSettings } from '../render-options';
import { addPlanOptions, runPlanCommand, type PlanCommandOptions, type PlanCommandResult } from './plan';
import { runRenderCommand, type RenderCommandOptions } from './render';

export type MakeCommandOptions = Omit<PlanCommandOptions, 'out' | 'storyboard'> &
  Omit<RenderCommandOptions, 'budget'> & {
    storyboard: boolean;
  };

/**
 * Plans a story as `make` does: the plan (and its storyboard) written beside the videos, as
 * <out>/<name>.plan.json; shared by `make` and `studio`.
 */
export async function planAsMake(
  storyPath: string,
  o: Omit<PlanCommandOptions, 'out' | 'storyboard'> & { out: string; name?: string; storyboard: boolean },
): Promise<PlanCommandResult> {
  return runPlanCommand(storyPath, {
    budget: o.budget,
    spend: o.spend,
    director: o.director,
    openaiModel: o.openaiModel,
    keep: o.keep,
    force: o.force,
    provider: o.provider,
    clipModel: o.clipModel,
    depth: o.depth,
    cache: o.cache,
    allowLocalUrls: o.allowLocalUrls,
    allowOutsidePaths: o.allowOutsidePaths,
    maxDownloadMb: o.maxDownloadMb,
    outFor: (title) => {
      const stem = outputStem(o.name, title);
      return {
        plan: path.join(o.out, `${stem}.plan.json`),
        ...(o.storyboard ? { storyboard: path.join(o.out, `${stem}.storyboard.png`) } : {}),
      };
    },
  });
}

async function runMakeCommand(storyPath: string, o: MakeCommandOptions): Promise<{ plan: PlanCommandResult; render: RenderResult }> {
  // Every render option, and the output folder, is checked before the plan is written: a bad flag
  // must not leave a rewritten plan behind.
  parseRenderSettings(o);
  if (o.frames) parseFrames(o.frames);
  if (o.name !== undefined) checkNameOption(o.name);
  await checkOutputDir(o.out);
  // The project's scenes, from the story's folder up (a kept plan may use them; the render does).
  const storyDir = path.dirname(path.resolve(storyPath));
  await useProjectConfig({ file: o.config, searchFrom: storyDir });
  const planned = await planAsMake(storyPath, o);
  // The render spends within the same budget the plan was made for; every render option is passed on.
  const { budget: _planBudget, spend: _sp, director: _d, openaiModel: _m, keep: _k, force: _f, provider: _p, clipModel: _c, depth: _dp, storyboard: _s, ...renderOptions } = o;
  const render = await runRenderCommand(planned.planPath, { ...renderOptions, budget: String(planned.result.budgetUsd), inputRoots: [storyDir], configFrom: storyDir });
  return { plan: planned, render };
}

export function register(program: Command): void {
  addCaptionOptions(addProjectConfigOption(addPlanOptions(
    program
      .command('make')
      .description('Story -> plan -> clips -> video in one command (the plan and storyboard are written beside the videos)')
      .argument('<story>', 'story file: .md (each "## " heading a section), .json or .yaml'),
  ), "the story's folder"))
    .option('--formats <list>', 'comma-separated formats: 16:9,9:16,1:1 (default: the story\'s formats, else all three)')
    .option('--out <dir>', 'output directory for the videos, the plan and the storyboard', 'out')
    .option('--name <stem>', 'output file name stem (default: the title as a slug)')
    .option('--no-storyboard', 'do not write the storyboard PNG')
    .option('--scale <factor>', 'output size factor, e.g. 0.5 for half size')
    .option('--frames <a-b>', 'render only frames a to b (inclusive), or one frame')
    .option('--browser-executable <path>', 'Chrome/Chromium to render with (also REMOTION_BROWSER_EXECUTABLE)')
    .option('--preset <x264>', 'x264 preset: ultrafast ... veryslow (default veryfast)')
    .option('--crf <n>', 'x264 quality, 0-51, lower is better (default 20)')
    .option('--loudness <preset>', LOUDNESS_OPTION_HELP)
    .option('--no-clips', 'do not generate AI clips: tier 3 sections render as tier 2')
    .option('--no-cover', 'do not write the cover images (<name>-<format>.jpg)')
    .option('--draft', 'preview quality: half size and x264 ultrafast (unless --scale / --preset say otherwise)')
    .option('--fresh', 'render every segment again instead of reusing unchanged ones from the cache')
    .option('--explain', 'print the resolved timeline and write it to <out>/<name>.timeline.json')
    .action(async (story: string, o: MakeCommandOptions) => {
      await runMakeCommand(story, o);
    });
}
