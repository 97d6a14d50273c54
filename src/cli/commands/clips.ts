/** `stillmotion clips <plan.json>`: generates (or collects from the cache) every tier-3 clip of a plan. */
import path from 'node:path';
import type { Command } from 'commander';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { formatUsd } from '../../cost/prices';
import { StillmotionError } from '../../errors';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { loadPlanFile } from '../../plan/load-plan';
import { interruptSignal } from '../../process/interrupt';
import { prepareAssets } from '../../render/prepare-assets';

export interface ClipsRow {
  section: string;
  provider: string;
  status: string;
  waited: string;
  cost: string;
  note: string;
}

function clipsTable(rows: ClipsRow[]): string {
  const head: ClipsRow = { section: 'section', provider: 'provider', status: 'cache', waited: 'waited', cost: 'cost', note: 'note' };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof ClipsRow)[];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  return all.map((r) => keys.map((k, i) => r[k].padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function register(program: Command): void {
  addProjectConfigOption(addInputPolicyOptions(program.command('clips')))
    .description('Generate or collect the AI clips (tier 3) of a plan: cache first, within the budget, else fall back')
    .argument('<plan>', 'plan JSON file')
    .option('--dry-run', 'only plan: show cache hits, estimated costs and fallbacks, generate nothing')
    .option('--budget <usd>', 'most USD to spend (overrides the plan\'s budget)')
    .option('--cache <dir>', 'cache directory', '.stillmotion/cache')
    .addHelpText('after', '\nKeys: LUMA_API_KEY, RUNWAYML_API_SECRET, KLING_ACCESS_KEY + KLING_SECRET_KEY, HAIPER_API_KEY.')
    .action(async (planPath: string, o: { dryRun?: boolean; budget?: string; cache: string } & InputPolicyFlags & ProjectConfigFlags) => {
      const budgetUsd = o.budget === undefined ? undefined : Number(o.budget);
      if (budgetUsd !== undefined && !(Number.isFinite(budgetUsd) && budgetUsd >= 0)) throw new StillmotionError(`--budget: a non-negative number of USD (got ${o.budget})`);
      await useProjectConfig({ file: o.config, searchFrom: path.dirname(path.resolve(planPath)) });
      const loaded = await loadPlanFile(planPath, { cacheDir: o.cache, policy: resolveInputPolicy(o) });
      const assets = await prepareAssets(loaded, {
        cacheDir: o.cache,
        budgetUsd,
        dryRun: o.dryRun,
        // Ctrl-C, SIGTERM and SIGHUP cancel the provider tasks in flight (src/process/interrupt.ts).
        signal: interruptSignal(),
        onLog: (m) => process.stderr.write(`${m}\n`),
        onClipEvent: (e) => {
          if (e.phase === 'create' || e.phase === 'download') process.stderr.write(`${e.id ?? e.index}: ${e.phase}\n`);
        },
      });
      const rows: ClipsRow[] = assets.clipResults.map((r) => ({
        section: r.sectionId,
        provider: `${r.provider}/${r.model}`,
        status: r.status === 'hit' ? 'hit' : r.status === 'generated' ? 'miss' : o.dryRun && !r.reason ? 'miss' : 'fallback',
        waited: `${r.secondsWaited.toFixed(1)} s`,
        cost: formatUsd(o.dryRun ? r.estimateUsd : r.costUsd),
        note: r.reason ?? (o.dryRun && r.status !== 'hit' ? 'would generate' : ''),
      }));
      if (!rows.length) {
        process.stdout.write('No tier-3 sections in this plan.\n');
        return;
      }
      process.stdout.write(`${clipsTable(rows)}\n`);
      const total = assets.clipResults.reduce((s, r) => s + (o.dryRun ? r.estimateUsd : r.costUsd), 0);
      process.stdout.write(`${o.dryRun ? 'estimated' : 'spent'}: ${formatUsd(total)}\n`);
    });
}
