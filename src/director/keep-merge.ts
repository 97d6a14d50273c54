/**
 * `plan --keep plan.json`: what of an earlier plan survives a re-plan. A section survives, exactly as
 * the user has it, when it is pinned (`"pinned": true`) or edited (its content no longer matches the
 * fingerprint the director wrote, or it has none: the user wrote it). Other sections are the
 * director's own and are planned afresh. Sections only in the old plan survive when edited or pinned
 * (the user added them), placed after the section they followed; unedited ones whose story section is
 * gone are dropped. Plan-level settings (title, music, sync, budget ...) the user edited survive too.
 * Relative paths are rebased when the new plan is written to another folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StillmotionError } from '../errors';
import { isUrl } from '../media/fetch-remote';
import { parseJsonWithPosition, parsePlan } from '../plan/load-plan';
import type { Plan } from '../plan/schema';
import { PLAN_SETTING_FIELDS, sectionFingerprint, settingsFingerprint } from './fingerprint';

export interface KeepPlan {
  /** The plan as written in the file (not filled with defaults): kept sections are copied from it. */
  raw: Record<string, unknown>;
  plan: Plan;
  path: string;
}

export type KeptReason = 'pinned' | 'edited';

export interface KeepDecision {
  /** Story sections kept as the user has them, by id (paths rebased to the new plan's folder). */
  kept: Map<string, { raw: Record<string, unknown>; why: KeptReason }>;
  /** Sections the user added (not in the story): insert after `after` (null: first). */
  added: { after: string | null; raw: Record<string, unknown>; why: KeptReason }[];
  /** Plan-level settings as the user edited them (paths rebased), or null when not edited. */
  settings: Record<string, unknown> | null;
  notes: string[];
}

/** Reads the plan to keep; null when the file does not exist yet (first run). */
export async function readKeepPlan(file: string): Promise<KeepPlan | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StillmotionError(`--keep ${file}: cannot read: ${(err as Error).message}`);
  }
  const raw = parseJsonWithPosition(text, file);
  const plan = parsePlan(raw, file);
  return { raw: raw as Record<string, unknown>, plan, path: path.resolve(file) };
}

export function sectionStatus(raw: Record<string, unknown>): KeptReason | 'director' {
  if (raw.pinned === true) return 'pinned';
  const fp = raw.directorFingerprint;
  if (typeof fp !== 'string' || fp !== sectionFingerprint(raw)) return 'edited';
  return 'director';
}

/** True when the plan-level settings no longer match the fingerprint the director wrote (or it wrote none). */
function settingsEdited(raw: Record<string, unknown>): boolean {
  const director = raw.director as { settingsFingerprint?: unknown } | undefined;
  return director?.settingsFingerprint !== settingsFingerprint(raw);
}

export interface PlanEdits {
  /** Sections the user pinned, edited or wrote, in plan order. */
  sections: { id: string; why: KeptReason }[];
  settings: boolean;
}

/**
 * What of a plan file is the user's own work rather than the director's output: what a re-plan
 * would lose. A file that is not a plan at all (no sections list) counts as all the user's.
 */
export function planEdits(raw: unknown): PlanEdits {
  const plan = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
  if (!plan || !Array.isArray(plan.sections)) return { sections: [], settings: true };
  const sections: PlanEdits['sections'] = [];
  for (const [i, s] of (plan.sections as unknown[]).entries()) {
    const section = s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
    const why = sectionStatus(section);
    if (why !== 'director') sections.push({ id: typeof section.id === 'string' ? section.id : `#${i + 1}`, why });
  }
  return { sections, settings: settingsEdited(plan) };
}

/** A file reference written relative to `fromDir`, rewritten relative to `toDir` (URLs and absolute paths unchanged). */
function rebaseRef(ref: string, fromDir: string, toDir: string): string {
  if (isUrl(ref) || path.isAbsolute(ref) || fromDir === toDir) return ref;
  return path.relative(toDir, path.resolve(fromDir, ref)).split(path.sep).join('/');
}

function rebaseSection(raw: Record<string, unknown>, fromDir: string, toDir: string): Record<string, unknown> {
  const out = structuredClone(raw);
  if (typeof out.image === 'string') out.image = rebaseRef(out.image, fromDir, toDir);
  if (typeof out.narration === 'string') out.narration = rebaseRef(out.narration, fromDir, toDir);
  return out;
}

export function decideKeep(keep: KeepPlan, storyIds: string[], outDir: string): KeepDecision {
  const fromDir = path.dirname(keep.path);
  const sections = (keep.raw.sections as Record<string, unknown>[]) ?? [];
  const inStory = new Set(storyIds);
  const kept: KeepDecision['kept'] = new Map();
  const added: KeepDecision['added'] = [];
  const notes: string[] = [];
  let previous: string | null = null;
  for (const raw of sections) {
    const id = String(raw.id);
    const status = sectionStatus(raw);
    if (status !== 'director') {
      const section = rebaseSection(raw, fromDir, outDir);
      if (inStory.has(id)) kept.set(id, { raw: section, why: status });
      else {
        added.push({ after: previous, raw: section, why: status });
        notes.push(`section "${id}" is not in the story; kept because you ${status === 'pinned' ? 'pinned' : 'wrote or edited'} it`);
      }
    } else if (!inStory.has(id)) {
      notes.push(`section "${id}" is no longer in the story; dropped`);
    }
    previous = id;
  }
  let settings: Record<string, unknown> | null = null;
  if (settingsEdited(keep.raw)) {
    settings = {};
    for (const k of PLAN_SETTING_FIELDS) if (keep.raw[k] !== undefined) settings[k] = structuredClone(keep.raw[k]);
    const music = settings.music as { file?: unknown } | undefined;
    if (music && typeof music.file === 'string') music.file = rebaseRef(music.file, fromDir, outDir);
  }
  const keptIds = [...kept.entries()];
  if (keptIds.length) notes.unshift(`kept ${keptIds.length} section${keptIds.length > 1 ? 's' : ''} as you have them: ${keptIds.map(([id, k]) => `${id} (${k.why})`).join(', ')}`);
  if (settings) notes.push('kept your edits to the plan settings (title, music, sync, budget ...)');
  return { kept, added, settings, notes };
}
