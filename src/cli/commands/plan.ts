/** `stillmotion plan <story>`: the Story Director: a story (Markdown, JSON, YAML) in, a motion plan (and a storyboard) out. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createOpenAiDirector } from '../../director/openai-director';
import { heuristicDirector } from '../../director/heuristic-director';
import { planEdits, readKeepPlan } from '../../director/keep-merge';
import { planStory, type StoryPlan } from '../../director/plan-story';
import { TIER_SHORT_NAMES } from '../../plan/tiers';
import { StillmotionError } from '../../errors';
import { writeFileAtomic } from '../../fs/atomic-write';
import { addInputPolicyOptions, resolveInputPolicy, type InputPolicyFlags } from '../../net/input-policy';
import { loadPlanFile } from '../../plan/load-plan';
import { checkOutputDir } from '../../render/output-dir';
import { useProjectConfig } from '../../config/load-config';
import { addProjectConfigOption, type ProjectConfigFlags } from '../../config/project-config-option';
import { DEPTH_ESTIMATORS, DIRECTOR_NAMES, SPEND_POLICIES, type Plan } from '../../plan/schema';
import { PROVIDER_IDS } from '../../providers/types';
import { storyboardPng } from '../../storyboard/storyboard';
import { loadStory } from '../../story/load-story';
import { probeStoryMedia } from '../../story/story-media';
import { formatUsd } from '../../cost/prices';
import { warn } from '../output';

export interface PlanCommandOptions extends InputPolicyFlags {
  budget?: string;
  spend?: string;
  director?: string;
  openaiModel?: string;
  out?: string;
  storyboard?: string;
  /** The plan whose edits to keep; `true` (the flag alone): the plan being written. */
  keep?: string | boolean;
  /** Overwrite the plan even when it has edits of its own. */
  force?: boolean;
  provider?: string;
  clipModel?: string;
  depth?: string;
  cache: string;
}

export interface PlanCommandResult {
  planPath: string;
  storyboardPath?: string;
  result: StoryPlan;
}

function parseBudget(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.replace(/^\$/, ''));
  if (!(v.trim() !== '' && Number.isFinite(n) && n >= 0)) throw new StillmotionError(`--budget: a non-negative number of USD (got "${v}")`);
  return n;
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new StillmotionError(`${flag}: one of ${allowed.join(', ')} (got "${v}")`);
  return v as T;
}

function defaultPlanPath(storyPath: string): string {
  const abs = path.resolve(storyPath);
  return path.join(path.dirname(abs), `${path.basename(abs, path.extname(abs))}.plan.json`);
}

/**
 * Refuses to replace a plan that holds the user's work: sections pinned, edited or added, edited
 * settings, or a file that is not a director's plan at all (checked with the fingerprints the director
 * wrote). `--keep` (this plan) merges the edits instead; `--force` replaces them.
 */
async function checkPlanOverwrite(planPath: string, o: { keepPath: string | null; force?: boolean }): Promise<void> {
  if (o.force || o.keepPath === planPath) return;
  let text: string;
  try {
    text = await fs.readFile(planPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'EISDIR') throw new StillmotionError(`--out ${planPath}: is a folder; give a .json file`);
    throw new StillmotionError(`--out ${planPath}: cannot read the plan there: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = null;
  }
  const edits = planEdits(raw);
  const what = [
    ...(raw === null ? ['it is not JSON the director wrote'] : []),
    ...(edits.sections.length ? [`sections ${edits.sections.map((e) => `"${e.id}" (${e.why === 'pinned' ? 'pinned' : 'edited'})`).join(', ')}`] : []),
    ...(raw !== null && edits.settings ? ['the plan settings (title, formats, music, sync, budget ...)'] : []),
  ];
  if (!what.length) return;
  const shown = path.relative(process.cwd(), planPath) || planPath;
  throw new StillmotionError(
    `${shown} has changes the director did not write: ${what.join('; ')}. Not overwritten: re-run with --keep to re-plan keeping them, or --force to replace them.`,
  );
}

/** Plans a story and writes the plan (and the storyboard, when asked); shared by `plan` and `make`. */
export async function runPlanCommand(
  storyPath: string,
  o: PlanCommandOptions & { outFor?: (title: string) => { plan: string; storyboard?: string } },
): Promise<PlanCommandResult> {
  const budgetUsd = parseBudget(o.budget);
  const directorName = oneOf('--director', o.director ?? 'heuristic', DIRECTOR_NAMES)!;
  const provider = oneOf('--provider', o.provider, PROVIDER_IDS);
  const depthEstimator = oneOf('--depth', o.depth, DEPTH_ESTIMATORS);
  const spend = oneOf('--spend', o.spend, SPEND_POLICIES);
  if (o.out && path.extname(o.out).toLowerCase() !== '.json') throw new StillmotionError(`--out: the plan is JSON: give a .json file (got "${o.out}")`);

  if (o.keep !== undefined && o.force) throw new StillmotionError('--keep and --force: give one (--keep keeps your edits, --force replaces them)');

  const policy = resolveInputPolicy(o);
  const story = await loadStory(storyPath, { policy });
  const derived = o.outFor?.(story.title);
  const planPath = path.resolve(o.out ?? derived?.plan ?? defaultPlanPath(storyPath));
  const keepPath = o.keep === true ? planPath : typeof o.keep === 'string' ? path.resolve(o.keep) : null;
  const storyboardOut = o.storyboard ?? derived?.storyboard;
  // Before any work: both files' folders are writable, and a plan with the user's edits in it is
  // never silently replaced.
  await checkOutputDir(path.dirname(planPath), o.out ? '--out' : 'plan folder');
  if (storyboardOut) await checkOutputDir(path.dirname(path.resolve(storyboardOut)), o.storyboard ? '--storyboard' : '--out');
  await checkPlanOverwrite(planPath, { keepPath, force: o.force });
  const media = await probeStoryMedia(story, { cacheDir: o.cache, policy });
  const keep = keepPath ? await readKeepPlan(keepPath) : null;
  if (keepPath && !keep) warn(`--keep ${path.relative(process.cwd(), keepPath) || keepPath}: no such plan yet; planning every section`);
  const director = directorName === 'openai' ? createOpenAiDirector({ model: o.openaiModel }) : heuristicDirector;
  const result = await planStory(story, media, {
    outPath: planPath,
    budgetUsd,
    director,
    keep,
    clip: { ...(provider ? { provider } : {}), ...(o.clipModel ? { model: o.clipModel } : {}) },
    depthEstimator,
    ...(spend ? { spend } : {}),
  });
  for (const w of result.warnings) warn(w);
  for (const n of result.notes) process.stderr.write(`${n}\n`);
  await writeFileAtomic(planPath, `${JSON.stringify(result.json, null, 2)}\n`);
  let storyboardPath: string | undefined;
  if (storyboardOut) {
    storyboardPath = path.resolve(storyboardOut);
    // Read back what was written: the storyboard shows the plan file itself (and proves it loads).
    const loaded = await loadPlanFile(planPath, { cacheDir: o.cache, policy, roots: [story.dir] });
    await writeFileAtomic(storyboardPath, await storyboardPng(loaded));
  }
  process.stdout.write(planSummary(result.plan, result));
  const shown = (f: string): string => path.relative(process.cwd(), f) || f;
  process.stdout.write(`written: ${shown(planPath)}${storyboardPath ? `, ${shown(storyboardPath)}` : ''}\n`);
  return { planPath, storyboardPath, result };
}

/** The plan as a table: one line per section, totals, turning points. */
function planSummary(plan: Plan, r: Pick<StoryPlan, 'seconds' | 'budgetUsd' | 'director' | 'cost'> & Partial<Pick<StoryPlan, 'spend'>>): string {
  const rows = plan.sections.map((s, i) => {
    const role = /^([a-z]+),/.exec(s.reason ?? '')?.[1] ?? (s.pinned ? 'pinned' : 'kept');
    const motion =
      s.tier === 3 ? `${s.clip?.provider ?? 'luma'} clip` : s.tier === 2 ? `parallax ${s.parallax?.preset ?? 'orbit'}` : s.tier === 1 ? (typeof s.motion === 'string' ? s.motion : s.motion && 'preset' in s.motion ? s.motion.preset : s.motion ? 'custom' : 'auto') : 'hold';
    return [String(i + 1), s.id, role, s.intensity?.toFixed(2) ?? '-', `${s.tier} ${TIER_SHORT_NAMES[s.tier]}`, motion, r.seconds[i]!.toFixed(1), formatUsd(r.cost.sections[i]!)];
  });
  const head = ['#', 'section', 'role', 'intensity', 'tier', 'motion', 'seconds', 'cost'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]): string => cells.map((c, k) => c.padEnd(widths[k]!)).join('  ').trimEnd();
  const total = r.seconds.reduce((a, b) => a + b, 0);
  const out = [line(head), ...rows.map(line)];
  out.push(
    `total: ${plan.sections.length} sections, ${total.toFixed(1)} s, estimated ${formatUsd(r.cost.total)} of a ${formatUsd(r.budgetUsd)} budget (${r.director.by} director${r.director.model ? `, ${r.director.model}` : ''})`,
  );
  if (r.spend === 'key-moments' && r.budgetUsd - r.cost.total >= 0.01) {
    out.push(`budget kept: ${formatUsd(r.budgetUsd - r.cost.total, 'floor')} unspent (spend key-moments: an AI clip only where its impact is worth its price; --spend max uses the budget)`);
  }
  const tps = r.director.turningPoints ?? [];
  if (tps.length) out.push(`turning points: ${tps.map((t) => `${t.after} -> ${t.before} (${t.reason})`).join('; ')}`);
  return `${out.join('\n')}\n`;
}

export function addPlanOptions(cmd: Command): Command {
  return addInputPolicyOptions(cmd)
    .option('--budget <usd>', 'most USD the plan may cost: AI clips and hosted depth (default: the story\'s budget, else 0)')
    .option('--spend <policy>', `how to spend the budget: ${SPEND_POLICIES.join(', ')} (default: the story's, else key-moments: AI clips only where worth their price)`)
    .option('--director <name>', 'heuristic (local, no key) or openai (OPENAI_API_KEY, OPENAI_BASE_URL)', 'heuristic')
    .option('--openai-model <model>', 'model for the openai director (default: STILLMOTION_OPENAI_MODEL, else gpt-4o-mini)')
    .option('--keep [plan]', 're-plan, keeping the sections (and settings) you edited or pinned in this plan (default: the plan being written)')
    .option('--force', 'overwrite the plan even where you edited or pinned it (without --keep or --force, an edited plan is never overwritten)')
    .option('--provider <id>', `AI clip provider for tier 3: ${PROVIDER_IDS.join(', ')} (default: the story's, else runway)`)
    .option('--clip-model <model>', 'AI clip model (default: the provider\'s default)')
    .option('--depth <estimator>', `depth maps for tier 2: ${DEPTH_ESTIMATORS.join(', ')} (hosted costs ~$0.02/image)`)
    .option('--cache <dir>', 'cache directory (for downloaded URL images)', '.stillmotion/cache');
}

export function register(program: Command): void {
  addProjectConfigOption(addPlanOptions(
    program
      .command('plan')
      .description('Story Director: turn a story (Markdown, JSON or YAML) into a motion plan within a budget')
      .argument('<story>', 'story file: .md (each "## " heading a section), .json or .yaml')
      .option('--out <file>', 'plan file to write (default: <story>.plan.json beside the story)')
      .option('--storyboard <png>', 'also write a storyboard: a contact sheet of the plan to approve before spending'),
  ), "the story's folder")
    .addHelpText(
      'after',
      '\nThe plan gives every section a tier (0 still, 1 Ken Burns, 2 parallax, 3 AI clip), chosen to maximise impact within\nthe budget, with the emotional arc, motion, transitions, holds, estimatedCost and a one-line reason.',
    )
    .action(async (story: string, o: PlanCommandOptions & ProjectConfigFlags) => {
      // The project's scenes, from the story's folder up: a plan kept with --keep may use them.
      await useProjectConfig({ file: o.config, searchFrom: path.dirname(path.resolve(story)) });
      await runPlanCommand(story, o);
    });
}
