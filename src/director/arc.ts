/**
 * The heuristic reading of a story's emotional arc. Each section's text gives an intensity on its own
 * (text-mood.ts); the climax is the section that stands out most; a Freytag-shaped prior around it
 * (rising to the climax, falling after) is blended in, so the section after a climax still carries
 * some of its energy. Roles follow from the position relative to the climax and from cue words;
 * turning points are the boundaries where the intensity jumps or the climax begins or ends.
 */
import type { Arc, ArcRole, SectionArc, TurningKind, TurningPoint } from './arc-types';
import { readMood, type TextMood } from './text-mood';
import { round2 } from './round2';

/** Weight of the position prior in the intensity. */
const PRIOR_WEIGHT = 0.25;
/** A climax needs at least this text intensity and must stand this far above the median. */
const CLIMAX_MIN = 0.5;
const CLIMAX_MARGIN = 0.15;
/** Below this, a section before the climax is calm rather than rising. */
const CALM_BELOW = 0.3;
/** Smallest intensity change that counts as a turning point on its own. */
const TURN_MIN = 0.25;

export interface ArcSectionInput {
  id: string;
  title?: string;
  text: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The climax: the most intense section if it stands out (ties go to the later one). */
function findClimax(textIntensity: number[]): number | null {
  if (!textIntensity.length) return null;
  let best = 0;
  textIntensity.forEach((e, i) => {
    if (e >= textIntensity[best]! - 1e-9) best = i;
  });
  const peak = textIntensity[best]!;
  if (peak < CLIMAX_MIN) return null;
  if (textIntensity.length > 1) {
    const others = textIntensity.filter((_, i) => i !== best);
    if (peak - median(others) < CLIMAX_MARGIN) return null;
  }
  return best;
}

/** Freytag prior: 0.25 at the start rising to 1 at the climax, falling to 0.15 at the end. */
function positionPrior(i: number, n: number, climax: number): number {
  if (i === climax) return 1;
  if (i < climax) return 0.25 + 0.75 * (i / climax);
  const tail = n - 1 - climax;
  return 1 - 0.85 * ((i - climax) / tail);
}

function rolesFor(intensities: number[], moods: Pick<TextMood, 'reveal' | 'resolution'>[], climax: number | null): ArcRole[] {
  const n = intensities.length;
  return intensities.map((_, i): ArcRole => {
    if (i === climax) return 'climax';
    if (i === 0 && n > 1) return 'opening';
    if (i === n - 1 && n > 1) return 'conclusion';
    if (moods[i]!.reveal) return 'reveal';
    if (climax === null) return 'calm';
    if (i < climax) return intensities[i]! < CALM_BELOW ? 'calm' : 'rising';
    if (i === climax + 1) return 'falling';
    return 'resolution';
  });
}

/** What kind of turn the boundary after section i is, or null when the arc runs on there. */
export function turningAt(i: number, intensities: number[], roles: ArcRole[]): { kind: TurningKind; change: number; reason: string } | null {
  const change = round2(intensities[i + 1]! - intensities[i]!);
  if (roles[i + 1] === 'climax') return { kind: 'into-climax', change, reason: 'the story rises into its climax' };
  if (roles[i] === 'climax') return { kind: 'out-of-climax', change, reason: 'the climax is over; the story falls away' };
  if (roles[i + 1] === 'conclusion' && change <= -0.1) return { kind: 'into-conclusion', change, reason: 'the story settles into its conclusion' };
  if (change >= TURN_MIN) return { kind: 'rise', change, reason: `intensity jumps by ${change.toFixed(2)}` };
  if (change <= -TURN_MIN) return { kind: 'drop', change, reason: `intensity falls by ${(-change).toFixed(2)}` };
  return null;
}

export function turningPointsFor(ids: string[], intensities: number[], roles: ArcRole[]): TurningPoint[] {
  const out: TurningPoint[] = [];
  for (let i = 0; i + 1 < ids.length; i++) {
    const t = turningAt(i, intensities, roles);
    if (t) out.push({ after: ids[i]!, before: ids[i + 1]!, ...t });
  }
  return out;
}

function describe(role: ArcRole, intensity: number, mood: TextMood): string {
  const cues = mood.cues.length ? `: ${mood.cues.map((c) => (c === '!' || c === 'CAPITALS' ? c : `"${c}"`)).join(', ')}` : '';
  return `${role}, intensity ${intensity.toFixed(2)}${cues}`;
}

export function analyseArc(sections: ArcSectionInput[]): Arc {
  const moods = sections.map((s) => (s.text ? readMood(s.text, s.title) : readMood(s.title ?? '')));
  const textIntensity = moods.map((m) => m.textIntensity);
  const climax = findClimax(textIntensity);
  const n = sections.length;
  const intensities = textIntensity.map((e, i) =>
    round2(climax === null ? e : Math.min(1, Math.max(0, (1 - PRIOR_WEIGHT) * e + PRIOR_WEIGHT * positionPrior(i, n, climax)))),
  );
  const roles = rolesFor(intensities, moods, climax);
  const arcSections: SectionArc[] = sections.map((s, i) => ({
    id: s.id,
    intensity: intensities[i]!,
    role: roles[i]!,
    why: describe(roles[i]!, intensities[i]!, moods[i]!),
    information: round2(moods[i]!.information),
    stillness: round2(moods[i]!.stillness),
  }));
  return { sections: arcSections, turningPoints: turningPointsFor(sections.map((s) => s.id), intensities, roles), climax };
}
