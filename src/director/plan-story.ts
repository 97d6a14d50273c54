/**
 * Story -> plan: the director reads the arc, the optimiser picks the tiers within the budget
 * (exactly, under the spend policy: spend-policy.ts), and each section gets its camera move (from the focal point), parallax or clip,
 * holds, the transition at the arc's turning points, its estimated cost and a one-line reason.
 * With `keep`, sections (and settings) the user edited or pinned survive as they are and count
 * against the budget. The result is always a valid plan (it is checked with the plan schema).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatUsd, roundUsd } from '../cost/prices';
import { detectFocus } from '../focus/detect';
import { isUrl } from '../media/fetch-remote';
import { probeAudio } from '../media/probe-audio';
import { parsePlan } from '../plan/load-plan';
import type { DirectorRecord, Plan } from '../plan/schema';
import { TIER_SHORT_NAMES } from '../plan/tiers';
import type { Story } from '../story/load-story';
import type { StoryMedia } from '../story/story-media';
import { sectionTimings } from '../timeline/build-timeline';
import type { ArcDirector, ArcInput } from './arc-director';
import type { Arc, SectionArc, TurningPoint } from './arc-types';
import { kenBurnsMotion, parallaxMotion, type FocalPoint, type KenBurnsPreset, type ParallaxChoice } from './camera-motion';
import { clipSpecFor } from './clip-spec';
import { sectionFingerprint, settingsFingerprint } from './fingerprint';
import { heuristicDirector } from './heuristic-director';
import { holdFor } from './holds';
import { tierImpacts } from './impact';
import { decideKeep, type KeepDecision, type KeepPlan } from './keep-merge';
import { optimiseTiers, type TierChoiceModel, type TierChoiceSection } from './optimise-tiers';
import { estimatePlanCost, type PlanCost } from './plan-cost';
import { clipCostUsd, COST_UNITS_PER_USD, defaultModelOf, depthCostUsd, DEFAULT_CLIP_CHOICE, fromCostUnits, toCostUnits, type ClipChoice } from './section-costs';
import { DEFAULT_SPEND, spendRules, type SpendPolicy } from './spend-policy';
import { transitionFor } from './transitions';
import { round2 } from './round2';

type DepthEstimator = Plan['depth']['estimator'];

export interface PlanStoryOptions {
  /** Where the plan will be written: its relative paths start from this file's folder. */
  outPath: string;
  /** USD the plan may cost (AI clips and hosted depth); default: the story's budget, else 0. */
  budgetUsd?: number;
  /** How the budget is spent (spend-policy.ts); default: the kept plan's, the story's, else key-moments. */
  spend?: SpendPolicy;
  director?: ArcDirector;
  keep?: KeepPlan | null;
  /** Tier-3 provider and model (default: the story's `clips`, else Runway gen4_turbo). */
  clip?: Partial<ClipChoice>;
  /** Depth estimator for tier 2 (default: the story's `depth`, else heuristic: local and free). */
  depthEstimator?: DepthEstimator;
  /** Focal points by image file, when already known (see `focalPoints`); detected otherwise. */
  focus?: Map<string, FocalPoint>;
  signal?: AbortSignal;
}

export interface StoryPlan {
  /** The plan, validated. */
  plan: Plan;
  /** The plan as it is written (no defaults filled in). */
  json: Record<string, unknown>;
  arc: Arc;
  director: DirectorRecord;
  cost: PlanCost;
  budgetUsd: number;
  spend: SpendPolicy;
  /** Seconds of each plan section. */
  seconds: number[];
  /** The tiers an unlimited budget would buy. */
  idealTiers: number[];
  warnings: string[];
  notes: string[];
}

/** How many sections next to `j` (stepping by `step`) have `tier`, in a row. */
const runOf = (tiers: number[], j: number, step: 1 | -1, tier: number): number => {
  let n = 0;
  for (let k = j + step; tiers[k] === tier; k += step) n++;
  return n;
};
/** Impact a higher tier would add before a reason mentions that the budget held the section back. */
const HELD_BACK = 0.3;
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Entry = { kind: 'story'; index: number; kept?: { raw: Record<string, unknown>; why: string } } | { kind: 'added'; raw: Record<string, unknown>; why: string };

/** The subject of every image of the story (smartcrop-style saliency, src/focus), by image file. */
export async function focalPoints(story: Story, media: StoryMedia): Promise<Map<string, FocalPoint>> {
  const out = new Map<string, FocalPoint>();
  for (const s of story.sections) {
    if (out.has(s.image.file)) continue;
    const local = media.images.get(s.image.file)?.local ?? s.image.file;
    try {
      const f = await detectFocus(local, { label: s.image.ref });
      out.set(s.image.file, { x: round2(f.x), y: round2(f.y), found: !f.fallback && f.confidence >= 0.15 });
    } catch {
      out.set(s.image.file, { x: 0.5, y: 0.5, found: false });
    }
  }
  return out;
}

function orderEntries(story: Story, keep: KeepDecision | null): Entry[] {
  const entries: Entry[] = [];
  const addedAfter = (id: string | null): void => {
    for (const a of keep?.added ?? []) if (a.after === id) entries.push({ kind: 'added', raw: a.raw, why: a.why });
  };
  const placed = new Set<string>();
  addedAfter(null);
  story.sections.forEach((s, index) => {
    const kept = keep?.kept.get(s.id);
    entries.push({ kind: 'story', index, ...(kept ? { kept } : {}) });
    placed.add(s.id);
    addedAfter(s.id);
  });
  // Added sections that followed another added (or dropped) section: after their anchor, else at the end.
  for (const a of keep?.added ?? []) {
    if (entries.some((e) => e.kind === 'added' && e.raw === a.raw)) continue;
    const at = entries.findIndex((e) => e.kind === 'added' && e.raw.id === a.after);
    const entry: Entry = { kind: 'added', raw: a.raw, why: a.why };
    if (at >= 0) entries.splice(at + 1, 0, entry);
    else entries.push(entry);
  }
  return entries;
}

function clipChoiceOf(raw: { provider?: string; model?: string } | undefined): ClipChoice {
  const provider = (raw?.provider ?? 'luma') as ClipChoice['provider'];
  return { provider, model: raw?.model ?? defaultModelOf(provider) };
}

export async function planStory(story: Story, media: StoryMedia, opts: PlanStoryOptions): Promise<StoryPlan> {
  const outPath = path.resolve(opts.outPath);
  const outDir = path.dirname(outPath);
  const rel = (file: string): string => (isUrl(file) ? file : path.relative(outDir, file).split(path.sep).join('/'));
  const warnings: string[] = [];

  // Settings: the story's, or the user's edits from the kept plan; options win.
  const keep = opts.keep ? decideKeep(opts.keep, story.sections.map((s) => s.id), outDir) : null;
  const fresh: Record<string, unknown> = { title: story.title };
  for (const k of ['fps', 'formats', 'defaults', 'music', 'sync', 'depth'] as const) {
    const v = story.settings[k];
    if (v !== undefined) fresh[k] = structuredClone(v);
  }
  if (story.settings.music) fresh.music = { ...story.settings.music, file: rel(story.settings.music.file) };
  // The video opens on its title; a user's edit of it (or `titleCard: false`) is kept like any setting.
  fresh.titleCard = { text: story.title };
  const settings: Record<string, unknown> = keep?.settings ? { ...keep.settings } : fresh;
  const budgetUsd = opts.budgetUsd ?? (keep?.settings?.budget as number | undefined) ?? story.settings.budget ?? 0;
  const spend: SpendPolicy = opts.spend ?? (keep?.settings?.spend as SpendPolicy | undefined) ?? story.settings.spend ?? DEFAULT_SPEND;
  const rules = spendRules(spend);
  delete settings.budget;
  delete settings.spend;
  if (opts.depthEstimator) settings.depth = { estimator: opts.depthEstimator };
  const estimator: DepthEstimator = (settings.depth as { estimator?: DepthEstimator } | undefined)?.estimator ?? 'heuristic';

  const storyClip = opts.clip?.provider ? opts.clip : story.settings.clips;
  const clip: ClipChoice = storyClip?.provider
    ? {
        provider: storyClip.provider,
        model: opts.clip?.model ?? storyClip.model ?? defaultModelOf(storyClip.provider),
        // The story's mode (Kling std/pro), priced and written into each tier-3 section's clip.
        ...('mode' in storyClip && storyClip.mode ? { mode: storyClip.mode } : {}),
      }
    : { ...DEFAULT_CLIP_CHOICE, ...(opts.clip?.model ? { model: opts.clip.model } : {}) };
  if (clipCostUsd(5, clip) === null) warnings.push(`no price for ${clip.provider}/${clip.model} in the price table: no AI clips planned`);

  // The sections in order (kept and added ones included), laid out once to know their lengths.
  const entries = orderEntries(story, keep);
  const base = (i: number): Record<string, unknown> => {
    const s = story.sections[i]!;
    return {
      id: s.id,
      image: rel(s.image.file),
      ...(s.narration ? { narration: rel(s.narration.file) } : {}),
      ...(s.text ? { text: s.text } : {}),
      ...(s.duration !== undefined ? { duration: s.duration } : {}),
    };
  };
  const rawOf = (e: Entry): Record<string, unknown> => (e.kind === 'added' ? e.raw : (e.kept?.raw ?? { ...base(e.index), tier: 1 }));
  const provisional = parsePlan({ ...settings, sections: entries.map(rawOf) }, opts.keep ? opts.keep.path : 'plan');
  const narration: Record<string, number> = {};
  for (const s of story.sections) if (s.narration) narration[rel(s.narration.file)] = media.audio.get(s.narration.file)!.duration;
  for (const s of provisional.sections) {
    if (s.narration && narration[s.narration] === undefined && !isUrl(s.narration)) {
      narration[s.narration] = (await probeAudio(path.resolve(outDir, s.narration), s.narration)).duration;
    }
  }
  const seconds = sectionTimings(provisional, { audio: Object.fromEntries(Object.entries(narration).map(([r, d]) => [r, { src: r, duration: d }])) }).map((t) => t.seconds);

  // The arc.
  const focus = opts.focus ?? (await focalPoints(story, media));
  const storySeconds = new Map(entries.flatMap((e, j) => (e.kind === 'story' ? [[e.index, seconds[j]!] as const] : [])));
  const depthUsd = depthCostUsd(estimator);
  const input: ArcInput = {
    title: String(settings.title ?? story.title),
    budgetUsd,
    sections: story.sections.map((s, i) => {
      const img = media.images.get(s.image.file)!;
      return {
        id: s.id,
        ...(s.title ? { title: s.title } : {}),
        text: s.text,
        seconds: storySeconds.get(i)!,
        hasNarration: !!s.narration,
        image: { ref: s.image.ref, width: img.width, height: img.height },
        focus: focus.get(s.image.file)!,
        costs: { parallax: depthUsd, ai: clipCostUsd(storySeconds.get(i)!, clip) },
      };
    }),
  };
  const result = await (opts.director ?? heuristicDirector).analyse(input, opts.signal);
  warnings.push(...result.warnings);
  const arc = result.arc;

  // The tiers: exact optimisation within the budget, under the spend policy.
  const model: TierChoiceModel = {
    sections: [],
    sharedCosts: {},
    budget: toCostUnits(budgetUsd),
    maxRun: rules.maxRun,
    runPenalties: rules.runPenalties,
    costWeight: rules.worthPerUsd / COST_UNITS_PER_USD,
  };
  const impacts: number[][] = [];
  const depthKey = (image: string): string | null => (depthUsd > 0 ? `depth:${image}` : null);
  entries.forEach((e, j) => {
    const raw = rawOf(e);
    const planned = provisional.sections[j]!;
    const arcSection = e.kind === 'story' ? arc.sections[e.index]! : null;
    const values = arcSection ? tierImpacts(arcSection) : [0, 0, 0, 0];
    impacts.push([...values]);
    const section: TierChoiceSection = { values, costs: [0, 0, 0, 0], shared: [null, null, planned.scene ? null : depthKey(planned.image), null] };
    if (depthUsd > 0) model.sharedCosts![`depth:${planned.image}`] = toCostUnits(depthUsd);
    const pinned = e.kind === 'added' || !!e.kept;
    const ai = pinned ? clipCostUsd(seconds[j]!, clipChoiceOf(planned.clip)) : clipCostUsd(seconds[j]!, clip);
    if (planned.scene) section.costs[3] = 0;
    else if (ai === null) {
      section.costs[3] = 0;
      if (!pinned) section.values[3] = -Infinity;
    } else section.costs[3] = toCostUnits(ai);
    if (pinned) section.pinnedTier = (raw.tier as number | undefined) ?? 1;
    else if (arcSection && !rules.clipAllowed(arcSection.role)) section.values[3] = -Infinity;
    model.sections.push(section);
  });
  let choice = optimiseTiers(model);
  if (!choice) {
    // Only the kept sections can break the budget: plan the rest for free and say so.
    const free = optimiseTiers({ ...model, budget: Number.MAX_SAFE_INTEGER, sections: model.sections.map((s) => (s.pinnedTier === undefined ? { ...s, values: s.values.map((v, t) => (t < 2 ? v : -Infinity)) } : s)) });
    if (!free) throw new Error('planStory: no tier assignment is feasible');
    choice = free;
    warnings.push(`the sections you kept cost ${fromCostUnits(free.cost).toFixed(2)} USD, over the budget of ${budgetUsd.toFixed(2)} USD: the rest is planned free, and the render will fall back where the budget runs out`);
  }
  const ideal = optimiseTiers({ ...model, budget: Number.MAX_SAFE_INTEGER })!;
  // What the plan leaves of the budget (under key-moments the budget is a cap, not a target).
  const leftUsd = Math.max(0, budgetUsd - fromCostUnits(choice.cost));
  const kept = `budget kept (${formatUsd(leftUsd, 'floor')} unspent under ${spend})`;

  // Sections.
  const turning = new Map<string, TurningPoint>(arc.turningPoints.map((tp) => [tp.after, tp]));
  let previousKenBurns: KenBurnsPreset | null = null;
  let previousParallax: ParallaxChoice | null = null;
  const sections = entries.map((e, j): Record<string, unknown> => {
    const tier = choice.tiers[j]!;
    if (e.kind === 'added' || e.kept) {
      previousKenBurns = null;
      previousParallax = null;
      return structuredClone(rawOf(e));
    }
    const s = story.sections[e.index]!;
    const a: SectionArc = arc.sections[e.index]!;
    const f = focus.get(s.image.file)!;
    const ctx = { role: a.role, intensity: a.intensity, focus: f };
    const out: Record<string, unknown> = { ...base(e.index), tier, intensity: a.intensity };
    const whys: string[] = [];
    if (f.found) out.focus = { x: f.x, y: f.y };
    const clipUsd = fromCostUnits(model.sections[j]!.costs[3]!);
    const clipLift = round2(impacts[j]![3]! - Math.max(impacts[j]![0]!, impacts[j]![1]!, impacts[j]![2]!));
    const what = a.role === 'reveal' || a.role === 'climax' ? a.role : `${a.role} section`;
    if (tier === 0) {
      whys.push(a.stillness > 0 || a.intensity < 0.3 ? 'still: the moment is calm' : 'still: a hold between moves');
      previousKenBurns = null;
    } else if (tier === 1) {
      const km = kenBurnsMotion(ctx, previousKenBurns);
      if (a.motion && a.motion !== previousKenBurns) {
        out.motion = { ...(km.motion as object), preset: a.motion };
        previousKenBurns = a.motion;
        whys.push(`Ken Burns: ${what}, ${a.motion.replace('-', ' ')} (the director's choice)`);
      } else {
        out.motion = km.motion;
        previousKenBurns = km.preset;
        whys.push(`Ken Burns: ${what}, ${km.why}`);
      }
    } else {
      const pm = parallaxMotion(ctx, previousParallax);
      out.parallax = pm.parallax;
      previousParallax = pm.parallax;
      if (tier === 2) whys.push(`parallax: ${what}, ${pm.why}`);
      else {
        out.clip = clipSpecFor(s.id, s.text, a.role, clip);
        const worth = spend === 'key-moments' ? `worth ${formatUsd(clipUsd)}` : `for ${formatUsd(clipUsd)} (spend: max)`;
        whys.push(`AI clip: ${what}, impact +${clipLift.toFixed(2)} ${worth} (${clip.provider} ${clip.model}; falls back to parallax ${pm.why})`);
      }
      previousKenBurns = null;
    }
    // Why not a clip, where one was priced and the money was there (the policy kept it), or where the budget held it back.
    const idealTier = ideal.tiers[j]!;
    const values = model.sections[j]!.values;
    if (tier < 3 && Number.isFinite(impacts[j]![3]) && clipUsd > 0 && leftUsd >= clipUsd && (clipLift > 0 || !Number.isFinite(values[3]))) {
      const tiers = choice.tiers;
      const runIfClip = 1 + runOf(tiers, j, -1, 3) + runOf(tiers, j, 1, 3);
      const whyNot = !Number.isFinite(values[3])
        ? `no AI clip for a ${a.role} section`
        : clipLift < rules.worthPerUsd * clipUsd
          ? `no AI clip: impact +${clipLift.toFixed(2)} not worth ${formatUsd(clipUsd)}`
          : runIfClip > rules.maxRun[3]!
            ? `no AI clip: not more than ${rules.maxRun[3]} in a row`
            : 'no AI clip: a change of motion does more here';
      whys.push(`${whyNot}; ${kept}`);
    } else if (idealTier > tier && values[idealTier]! - values[tier]! >= HELD_BACK) {
      whys.push(`${TIER_SHORT_NAMES[idealTier]} would add more here, but the budget goes further elsewhere`);
    }
    const hold = holdFor(a.role, tier, a.information, seconds[j]!);
    if (hold.hold) {
      out.hold = hold.hold;
      whys.push(hold.why!);
    }
    const tp = turning.get(s.id);
    const next = entries[j + 1];
    if (tp && next && next.kind === 'story' && story.sections[next.index]!.id === tp.before) {
      const t = transitionFor(tp, seconds[j]!, seconds[j + 1]!);
      out.transition = t.transition;
      whys.push(`then ${t.why}`);
    }
    out.reason = `${a.why} -> ${whys.join('; ')}`;
    return out;
  });

  // The plan, its costs and fingerprints.
  const schemaFile = path.join(PACKAGE_ROOT, 'plan.schema.json');
  const director: DirectorRecord = {
    by: result.by,
    ...(result.model ? { model: result.model } : {}),
    story: rel(story.path),
    turningPoints: arc.turningPoints.map((tp) => ({ after: tp.after, before: tp.before, change: tp.change, reason: tp.reason })),
  };
  const json: Record<string, unknown> = {
    ...(existsSync(schemaFile) ? { $schema: rel(schemaFile) } : {}),
    title: settings.title ?? story.title,
    ...Object.fromEntries(['fps', 'formats', 'defaults', 'music', 'sync', 'depth', 'titleCard', 'endCard', 'cover'].filter((k) => settings[k] !== undefined).map((k) => [k, settings[k]])),
    budget: budgetUsd,
    spend,
    estimatedCost: 0,
    director,
    sections,
  };
  const cost = estimatePlanCost(parsePlan(json, rel(outPath)), narration);
  warnings.push(...cost.unpriced);
  json.estimatedCost = cost.total;
  sections.forEach((s, j) => {
    s.estimatedCost = roundUsd(cost.sections[j]!);
    const e = entries[j]!;
    if (e.kind === 'story' && !e.kept) s.directorFingerprint = sectionFingerprint(s);
  });
  if (keep?.settings) {
    // The user's edited settings stay "edited" for the next re-plan: keep the old (now mismatching) fingerprint.
    const old = (opts.keep!.raw.director as { settingsFingerprint?: unknown } | undefined)?.settingsFingerprint;
    if (typeof old === 'string') director.settingsFingerprint = old;
  } else director.settingsFingerprint = settingsFingerprint(json);
  const plan = parsePlan(json, rel(outPath));
  if (toCostUnits(cost.total) > Math.max(model.budget, choice.cost)) {
    throw new Error(`planStory: estimated ${cost.total} USD exceeds the budget ${budgetUsd} USD (optimiser said ${fromCostUnits(choice.cost)})`);
  }
  return {
    plan,
    json,
    arc,
    director,
    cost,
    budgetUsd,
    spend,
    seconds,
    idealTiers: ideal.tiers,
    warnings,
    notes: keep?.notes ?? [],
  };
}
