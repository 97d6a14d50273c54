/** `stillmotion validate <plan.json>`: checks a plan and its files without rendering. */
import path from 'node:path';
import type { Command } from 'commander';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { FORMAT_IDS } from '../../plan/formats';
import { loadPlanFile } from '../../plan/load-plan';
import { planTimelines } from '../../render/render-plan';
import { warn } from '../output';

export function register(program: Command): void {
  addProjectConfigOption(addInputPolicyOptions(
    program
      .command('validate')
      .description('Check a plan and every file it uses (exists, decodes) and lay out its timeline, without rendering')
      .argument('<plan>', 'plan JSON file')
      .option('--cache <dir>', 'cache directory (for downloaded URL images)', '.stillmotion/cache')
      .option('--fresh', 'download URL images again instead of revalidating the cached copies'),
  )).action(async (planPath: string, o: { cache: string; fresh?: boolean } & InputPolicyFlags & ProjectConfigFlags) => {
    await useProjectConfig({ file: o.config, searchFrom: path.dirname(path.resolve(planPath)) });
    const loaded = await loadPlanFile(planPath, { cacheDir: o.cache, policy: resolveInputPolicy(o), fresh: o.fresh });
    const timelines = planTimelines(loaded, [...FORMAT_IDS]);
    for (const w of new Set([...timelines.values()].flatMap((t) => t.warnings))) warn(w);
    const t = timelines.get('16:9')!;
    process.stdout.write(
      `${planPath}: valid - ${loaded.plan.sections.length} sections, ${(t.durationInFrames / t.fps).toFixed(2)} s at ${t.fps} fps (${t.durationInFrames} frames)\n`,
    );
  });
}
