/**
 * Fingerprints of what the director wrote, so `plan --keep` can tell a user's edit from the
 * director's own output: a section (or the plan-level settings) whose fingerprint no longer matches
 * its content was edited. Canonical JSON (sorted keys) hashed with SHA-256, first 16 hex digits.
 * Bookkeeping fields (the fingerprint itself, `pinned`, `estimatedCost`) are not part of it.
 */
import { createHash } from 'node:crypto';

const IGNORED_SECTION_FIELDS = new Set(['directorFingerprint', 'pinned', 'estimatedCost']);
/** Plan-level settings the director writes; a user's edit of any of them is kept. */
export const PLAN_SETTING_FIELDS = ['title', 'fps', 'formats', 'defaults', 'music', 'loudness', 'sync', 'depth', 'budget', 'spend', 'titleCard', 'endCard', 'cover'] as const;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

export function sectionFingerprint(section: Record<string, unknown>): string {
  const content = Object.fromEntries(Object.entries(section).filter(([k]) => !IGNORED_SECTION_FIELDS.has(k)));
  return hash(canonicalJson(content));
}

export function settingsFingerprint(plan: Record<string, unknown>): string {
  const content = Object.fromEntries(PLAN_SETTING_FIELDS.map((k) => [k, plan[k]]));
  return hash(canonicalJson(content));
}
