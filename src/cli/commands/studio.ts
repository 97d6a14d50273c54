/**
 * `stillmotion studio <plan.json | story>`: previews a plan in Remotion Studio with the media
 * `render` would prepare for it (depth layers, focal points, audio analysis, cached clips), and
 * reloads the preview when the plan file is edited. A story is planned first, as `make` plans it.
 * `--print-props FILE` writes the props Studio would be opened with and exits.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { StillmotionError } from '../../errors';
import { writeFileAtomic } from '../../fs/atomic-write';
import { resolveInputPolicy } from '../../net/input-policy';
import { interruptSignal } from '../../process/interrupt';
import { prepareStudio } from '../../studio/prepare-studio';
import { propsJson, runStudioSession } from '../../studio/studio-session';
import { studioProps } from '../../studio/studio-props';
import { warn } from '../output';
import { intOption, parseRenderSettings } from '../render-options';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { addPlanOptions, type PlanCommandOptions } from './plan';
import { planAsMake } from './make';

export interface StudioCommandOptions extends Omit<PlanCommandOptions, 'out' | 'storyboard'>, ProjectConfigFlags {
  port?: string;
  printProps?: string;
  generateClips?: boolean;
  open: boolean;
  /** Where a story's plan is written (as `make` writes it). */
  out: string;
  name?: string;
  storyboard: boolean;
}

/** A path as the user would type it: relative to the working folder when inside it, else absolute. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel && !rel.startsWith('..') ? rel : path.resolve(file);
}

/** A plan is JSON; anything else (Markdown, YAML) is a story to plan first. */
function isPlanFile(file: string): boolean {
  return path.extname(file).toLowerCase() === '.json';
}

export async function runStudioCommand(input: string, o: StudioCommandOptions): Promise<void> {
  // Every flag is checked before anything is planned, prepared or started.
  const port = intOption(o.port, '--port');
  if (port !== undefined && port > 65535) throw new StillmotionError(`--port: a port number 1-65535 (got ${o.port})`);
  const policy = resolveInputPolicy(o);
  let { budgetUsd } = parseRenderSettings({ budget: o.budget });
  let planPath = input;
  let roots: string[] | undefined;
  // The project's scenes (its stillmotion.config), from the input's folder up: the plan may use them
  // and Studio's bundle includes them, as render's does.
  await useProjectConfig({ file: o.config, searchFrom: path.dirname(path.resolve(input)) });
  if (!isPlanFile(input)) {
    const planned = await planAsMake(input, o);
    planPath = planned.planPath;
    budgetUsd = planned.result.budgetUsd;
    // The story's files stay where the story is.
    roots = [path.dirname(path.resolve(input))];
  }
  const log = (m: string): void => {
    if (m.startsWith('warning: ')) warn(m.slice(9));
    else process.stderr.write(`${m}\n`);
  };
  const prepareOptions = { cacheDir: o.cache, policy, roots, generateClips: o.generateClips, budgetUsd, onLog: log };
  if (o.printProps !== undefined) {
    const { loaded, assets } = await prepareStudio(planPath, { ...prepareOptions, signal: interruptSignal() });
    // Local paths: Studio serves the same files over loopback, at a port chosen when it starts.
    const props = await studioProps(loaded, assets, { cacheDir: o.cache });
    await writeFileAtomic(path.resolve(o.printProps), propsJson(props));
    process.stdout.write(`written: ${shownPath(o.printProps)}\n`);
    return;
  }
  const shown = shownPath(planPath);
  const code = await runStudioSession(path.resolve(planPath), {
    ...prepareOptions,
    port,
    open: o.open,
    signal: interruptSignal(),
    onReady: (url) => process.stdout.write(`Studio: ${url} (${shown}; edits to it reload the preview; Ctrl-C stops)\n`),
    onReload: (r) => {
      if (r.ok) process.stdout.write(`${shown} reloaded in ${r.seconds.toFixed(1)} s\n`);
      else warn(`${shown} not reloaded; the preview keeps the last valid plan:\n${r.error.message}`);
    },
    onStudioOutput: process.env.STILLMOTION_DEBUG ? (line) => process.stderr.write(`[studio] ${line}\n`) : undefined,
  });
  // Studio stopping on its own (not by a signal) with a failure is this command's failure.
  if (code !== null && code !== 0) throw new StillmotionError(`Remotion Studio exited with status ${code}`);
}

export function register(program: Command): void {
  addProjectConfigOption(
    addPlanOptions(
      program
        .command('studio')
        .description('Preview a plan (or a story, planned as make plans it) in Remotion Studio with the media render prepares; edits to the plan reload it')
        .argument('<input>', 'plan JSON file, or a story (.md, .yaml) to plan first'),
    ),
    "the plan's (or story's) folder",
  )
    .option('--port <n>', 'port of the Studio (default: the first free one from 3000)')
    .option('--print-props <file>', 'write the props Studio would open with ({plan, media}: local paths) and exit')
    .option('--generate-clips', 'generate missing tier-3 AI clips (paid); default: cached clips only, the rest fall back a tier')
    .option('--no-open', 'do not open a browser tab')
    .option('--out <dir>', 'a story: where its plan (and storyboard) are written, as make writes them', 'out')
    .option('--name <stem>', 'a story: the plan\'s file name stem (default: the title as a slug)')
    .option('--no-storyboard', 'a story: do not write the storyboard PNG')
    .action(async (input: string, o: StudioCommandOptions) => {
      await runStudioCommand(input, o);
    });
}
