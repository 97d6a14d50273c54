/**
 * The storyboard: a PNG contact sheet of a plan, what a user approves before spending money.
 * Across the top, the emotional arc (intensity per section over time, coloured by tier, with the
 * turning points and their transitions); below, one tile per section: the whole image with the
 * camera's start (dashed) and end (solid) 16:9 framing and the move between them, the tier badge,
 * duration, cost, role and intensity, and the director's reason. Built with sharp (image tiles +
 * one SVG overlay); no browser needed.
 */
import sharp from 'sharp';
import type { LoadedPlan } from '../plan/load-plan';
import type { Plan, Section } from '../plan/schema';
import { TIER_SHORT_NAMES } from '../plan/tiers';
import { estimatePlanCost } from '../director/plan-cost';
import { cropAt, type Crop } from '../timeline/camera';
import { DEFAULT_MOTION_CYCLE, resolveMotion } from '../timeline/motion';
import { sectionTimings } from '../timeline/build-timeline';

const TILE_W = 360;
const THUMB_H = 203; // 16:9
const TEXT_H = 112;
const GAP = 16;
const HEADER_H = 70;
const ARC_H = 170;
const BG = '#17181c';
const FONT = "DejaVu Sans, Verdana, sans-serif";

export const TIER_COLOURS = ['#9e9e9e', '#43b581', '#3d8bfd', '#e040fb'] as const;
const TIER_LABELS = TIER_SHORT_NAMES.map((name, tier) => `T${tier} ${name}`);

export interface StoryboardSection {
  id: string;
  tier: number;
  seconds: number;
  costUsd: number;
  intensity?: number;
  role?: string;
  reason?: string;
  motionLabel: string;
  /** Start and end framing of the camera in 16:9, 0..1 of the image (null: no camera move drawn). */
  frames: { from: Crop; to: Crop } | null;
  parallax?: { preset: string; direction: string };
  transition?: string;
  image: { file: string; width: number; height: number };
  focus?: { x: number; y: number };
}

export interface StoryboardData {
  title: string;
  budgetUsd?: number;
  totalUsd: number;
  director?: string;
  sections: StoryboardSection[];
  turningPoints: { after: string; before: string; reason: string }[];
}

const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const usd = (x: number): string => `$${x.toFixed(2)}`;

/** Greedy word wrap by an estimated glyph width (DejaVu Sans averages ~0.56 em). */
function wrapText(text: string, fontSize: number, width: number, maxLines: number): string[] {
  const maxChars = Math.max(8, Math.floor(width / (fontSize * 0.56)));
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (next.length <= maxChars) line = next;
    else {
      if (line) lines.push(line);
      line = w.length > maxChars ? `${w.slice(0, maxChars - 1)}…` : w;
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    const last = kept[maxLines - 1]!;
    kept[maxLines - 1] = `${last.slice(0, Math.max(0, maxChars - 1)).replace(/\s+\S*$/, '')}…`;
    return kept;
  }
  return lines;
}

function transitionLabel(s: Section, plan: Plan): string {
  const t = s.transition ?? plan.defaults.transition;
  return t.type === 'cut' ? 'cut' : `${t.type} ${t.duration.toFixed(1)} s`;
}

/** The data a storyboard shows, from a loaded plan (image files and narration lengths resolved). */
function storyboardData(loaded: LoadedPlan): StoryboardData {
  const plan = loaded.plan;
  const audio = Object.fromEntries(Object.entries(loaded.audio).map(([ref, a]) => [ref, { src: ref, duration: a.duration }]));
  const timings = sectionTimings(plan, { audio });
  const cost = estimatePlanCost(
    plan,
    Object.fromEntries(Object.entries(loaded.audio).map(([ref, a]) => [ref, a.duration])),
  );
  const sections = plan.sections.map((s, i): StoryboardSection => {
    const img = loaded.images[s.image]!;
    const focus = s.focus ?? { x: 0.5, y: 0.5 };
    const ctx = { focus, imageAspect: img.width / img.height, frameAspect: 16 / 9, defaultEasing: plan.defaults.easing };
    let frames: StoryboardSection['frames'] = null;
    let motionLabel = '';
    if (s.tier === 1 || s.motion) {
      const fallback = s.tier === 1 ? (plan.defaults.motion ? undefined : DEFAULT_MOTION_CYCLE[i % DEFAULT_MOTION_CYCLE.length]!) : 'none';
      const m = resolveMotion(s.tier === 1 ? (s.motion ?? plan.defaults.motion) : s.motion, fallback ?? 'zoom-in', ctx);
      frames = { from: cropAt(m.from, ctx.imageAspect, ctx.frameAspect), to: cropAt(m.to, ctx.imageAspect, ctx.frameAspect) };
      motionLabel = m.preset === 'custom' ? 'custom move' : m.preset;
    }
    if (s.tier === 0) {
      motionLabel = 'hold';
      const still = cropAt({ zoom: 1, center: focus }, ctx.imageAspect, ctx.frameAspect);
      frames = { from: still, to: still };
    }
    const parallax = s.tier >= 2 ? { preset: s.parallax?.preset ?? 'orbit', direction: s.parallax?.direction ?? 'right' } : undefined;
    if (s.tier === 2) motionLabel = `parallax ${parallax!.preset}${parallax!.preset === 'orbit' || parallax!.preset === 'pan' ? ` ${parallax!.direction}` : ''}`;
    if (s.tier === 3) motionLabel = `AI clip${s.clip ? ` (${s.clip.provider})` : ''}`;
    if (s.scene) motionLabel = `${s.scene.type} scene`;
    return {
      id: s.id,
      tier: s.tier,
      seconds: timings[i]!.seconds,
      costUsd: s.estimatedCost ?? cost.sections[i]!,
      ...(s.intensity !== undefined ? { intensity: s.intensity } : {}),
      ...(s.reason ? { reason: s.reason, role: /^([a-z]+),/.exec(s.reason)?.[1] } : {}),
      motionLabel,
      frames,
      ...(parallax ? { parallax } : {}),
      ...(i < plan.sections.length - 1 ? { transition: transitionLabel(s, plan) } : {}),
      image: { file: img.file, width: img.width, height: img.height },
      ...(s.focus ? { focus: s.focus } : {}),
    };
  });
  return {
    title: plan.title,
    ...(plan.budget !== undefined ? { budgetUsd: plan.budget } : {}),
    totalUsd: plan.estimatedCost ?? cost.total,
    ...(plan.director ? { director: `${plan.director.by}${plan.director.model ? ` (${plan.director.model})` : ''}` } : {}),
    sections,
    turningPoints: plan.director?.turningPoints ?? [],
  };
}

function arrow(x1: number, y1: number, x2: number, y2: number, colour: string, width: number): string {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  if (len < 2) return '';
  const ux = dx / len;
  const uy = dy / len;
  const head = Math.min(12, len * 0.45);
  const bx = x2 - ux * head;
  const by = y2 - uy * head;
  const px = -uy * head * 0.55;
  const py = ux * head * 0.55;
  return (
    `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${bx.toFixed(1)}" y2="${by.toFixed(1)}" stroke="${colour}" stroke-width="${width}" stroke-linecap="round"/>` +
    `<polygon points="${x2.toFixed(1)},${y2.toFixed(1)} ${(bx + px).toFixed(1)},${(by + py).toFixed(1)} ${(bx - px).toFixed(1)},${(by - py).toFixed(1)}" fill="${colour}"/>`
  );
}

/** Where the image sits inside a tile's thumbnail box (contain-fitted). */
function fitted(img: { width: number; height: number }): { x: number; y: number; w: number; h: number } {
  const s = Math.min(TILE_W / img.width, THUMB_H / img.height);
  const w = Math.max(1, Math.round(img.width * s));
  const h = Math.max(1, Math.round(img.height * s));
  return { x: Math.floor((TILE_W - w) / 2), y: Math.floor((THUMB_H - h) / 2), w, h };
}

function motionOverlay(s: StoryboardSection, left: number, top: number): string {
  const box = fitted(s.image);
  const X = (u: number): number => left + box.x + u * box.w;
  const Y = (v: number): number => top + box.y + v * box.h;
  const parts: string[] = [];
  const colour = '#ffd400';
  if (s.frames && s.tier <= 1) {
    const { from, to } = s.frames;
    const rect = (c: Crop, dash: boolean): string =>
      `<rect x="${X(c.x).toFixed(1)}" y="${Y(c.y).toFixed(1)}" width="${(c.w * box.w).toFixed(1)}" height="${(c.h * box.h).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2" ${dash ? 'stroke-dasharray="6,4" stroke-opacity="0.85"' : ''}/>`;
    parts.push(rect(from, true), rect(to, false));
    const moved = Math.hypot(X(to.x + to.w / 2) - X(from.x + from.w / 2), Y(to.y + to.h / 2) - Y(from.y + from.h / 2));
    if (Math.abs(from.w - to.w) > 0.01) {
      // A zoom: arrows from the start framing's corners to the end framing's.
      for (const [fx, fy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        parts.push(arrow(X(from.x + fx * from.w), Y(from.y + fy * from.h), X(to.x + fx * to.w), Y(to.y + fy * to.h), colour, 2.5));
      }
    } else if (moved > 8) {
      parts.push(arrow(X(from.x + from.w / 2), Y(from.y + from.h / 2), X(to.x + to.w / 2), Y(to.y + to.h / 2), colour, 3));
    } else {
      // A hold: the pause sign.
      const cx = X(to.x + to.w / 2);
      const cy = Y(to.y + to.h / 2);
      parts.push(`<rect x="${cx - 11}" y="${cy - 14}" width="8" height="28" fill="${colour}"/><rect x="${cx + 3}" y="${cy - 14}" width="8" height="28" fill="${colour}"/>`);
    }
  }
  if (s.tier >= 2 && s.parallax) {
    const fx = s.focus?.x ?? 0.5;
    const fy = s.focus?.y ?? 0.5;
    // Centred on the subject, kept inside the thumbnail.
    const cx = Math.min(left + TILE_W - 75, Math.max(left + 75, X(fx)));
    const cy = Math.min(top + THUMB_H - 48, Math.max(top + 48, Y(fy)));
    const { preset, direction } = s.parallax;
    const c2 = s.tier === 3 ? '#f7a8ff' : '#9fd0ff';
    if (preset === 'dolly' || preset === 'push') {
      for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) parts.push(arrow(cx + dx * 70, cy + dy * 42, cx + dx * 26, cy + dy * 15, c2, 2.5));
    } else {
      const unit: Record<string, readonly [number, number]> = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] };
      const [ux, uy] = unit[direction] ?? ([1, 0] as const);
      // Near layers travel further than far ones.
      parts.push(arrow(cx - ux * 55, cy - uy * 55 - 12 * Math.abs(ux), cx + ux * 55, cy + uy * 55 - 12 * Math.abs(ux), c2, 3));
      parts.push(arrow(cx - ux * 28 + 12 * Math.abs(uy), cy - uy * 28 + 12 * Math.abs(ux), cx + ux * 28 + 12 * Math.abs(uy), cy + uy * 28 + 12 * Math.abs(ux), c2, 2));
    }
  }
  if (s.tier === 3) {
    const cx = left + TILE_W / 2;
    const cy = top + THUMB_H / 2;
    parts.push(`<circle cx="${cx}" cy="${cy}" r="24" fill="#000" fill-opacity="0.55" stroke="#e040fb" stroke-width="2.5"/>`);
    parts.push(`<polygon points="${cx - 8},${cy - 12} ${cx - 8},${cy + 12} ${cx + 13},${cy}" fill="#e040fb"/>`);
  }
  if (s.focus) parts.push(`<circle cx="${X(s.focus.x).toFixed(1)}" cy="${Y(s.focus.y).toFixed(1)}" r="4" fill="#ff3b3b" stroke="#fff" stroke-width="1.2"/>`);
  return parts.join('');
}

function arcBand(data: StoryboardData, width: number): string {
  const top = HEADER_H;
  const left = GAP + 34;
  const right = width - GAP - 12;
  const plotTop = top + 26;
  const plotBottom = top + ARC_H - 34;
  const total = data.sections.reduce((a, s) => a + s.seconds, 0) || 1;
  const xAt = (t: number): number => left + (t / total) * (right - left);
  const yAt = (e: number): number => plotBottom - e * (plotBottom - plotTop);
  const parts: string[] = [];
  parts.push(`<text x="${GAP}" y="${top + 14}" font-family="${FONT}" font-size="13" fill="#aaa">emotional arc (intensity over time)</text>`);
  for (const e of [0, 0.5, 1]) {
    parts.push(`<line x1="${left}" y1="${yAt(e)}" x2="${right}" y2="${yAt(e)}" stroke="#333" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${yAt(e) + 4}" text-anchor="end" font-family="${FONT}" font-size="11" fill="#777">${e.toFixed(1)}</text>`);
  }
  // Section spans along the time axis, coloured by tier.
  let t0 = 0;
  const points: { x: number; y: number; s: StoryboardSection; i: number }[] = [];
  const boundaries: number[] = [];
  data.sections.forEach((s, i) => {
    const x0 = xAt(t0);
    const x1 = xAt(t0 + s.seconds);
    parts.push(`<rect x="${x0.toFixed(1)}" y="${plotBottom + 4}" width="${Math.max(1, x1 - x0 - 2).toFixed(1)}" height="7" fill="${TIER_COLOURS[s.tier]}"/>`);
    parts.push(`<text x="${((x0 + x1) / 2).toFixed(1)}" y="${plotBottom + 24}" text-anchor="middle" font-family="${FONT}" font-size="11" fill="#bbb">${i + 1} ${esc(s.id.length > 12 ? `${s.id.slice(0, 11)}…` : s.id)}</text>`);
    if (s.intensity !== undefined) points.push({ x: (x0 + x1) / 2, y: yAt(s.intensity), s, i });
    t0 += s.seconds;
    boundaries.push(x1);
  });
  // Turning points: dashed lines at the boundary, with the transition used there.
  for (const tp of data.turningPoints) {
    const i = data.sections.findIndex((s) => s.id === tp.after);
    if (i < 0 || i >= data.sections.length - 1) continue;
    const x = boundaries[i]!;
    parts.push(`<line x1="${x.toFixed(1)}" y1="${plotTop - 6}" x2="${x.toFixed(1)}" y2="${plotBottom}" stroke="#ff8a65" stroke-width="1.5" stroke-dasharray="4,3"/>`);
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${plotTop + 2}" font-family="${FONT}" font-size="11" fill="#ff8a65">${esc(data.sections[i]!.transition ?? 'turn')}</text>`);
  }
  if (points.length >= 2) {
    const path = points.map((p, k) => {
      if (k === 0) return `M${p.x.toFixed(1)},${p.y.toFixed(1)}`;
      const q = points[k - 1]!;
      const mx = (q.x + p.x) / 2;
      return `C${mx.toFixed(1)},${q.y.toFixed(1)} ${mx.toFixed(1)},${p.y.toFixed(1)} ${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    });
    const first = points[0]!;
    const last = points[points.length - 1]!;
    parts.push(`<path d="${path.join(' ')} L${last.x.toFixed(1)},${plotBottom} L${first.x.toFixed(1)},${plotBottom} Z" fill="#ff8a65" fill-opacity="0.12"/>`);
    parts.push(`<path d="${path.join(' ')}" fill="none" stroke="#ffb199" stroke-width="2.5"/>`);
  }
  for (const p of points) {
    parts.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="6" fill="${TIER_COLOURS[p.s.tier]}" stroke="#fff" stroke-width="1.5"/>`);
    if (p.s.role === 'climax') parts.push(`<text x="${p.x.toFixed(1)}" y="${(p.y - 11).toFixed(1)}" text-anchor="middle" font-family="${FONT}" font-size="11" font-weight="bold" fill="#fff">climax</text>`);
  }
  return parts.join('');
}

async function renderStoryboard(data: StoryboardData): Promise<Buffer> {
  const n = data.sections.length;
  const cols = Math.min(n, 4);
  const rows = Math.ceil(n / cols);
  const width = cols * TILE_W + (cols + 1) * GAP;
  const gridTop = HEADER_H + ARC_H;
  const height = gridTop + rows * (THUMB_H + TEXT_H + GAP) + GAP;
  const svg: string[] = [];
  const totalSeconds = data.sections.reduce((a, s) => a + s.seconds, 0);
  svg.push(`<text x="${GAP}" y="34" font-family="${FONT}" font-size="26" font-weight="bold" fill="#f2f2f2">${esc(data.title)}</text>`);
  const sub = [
    `${n} section${n === 1 ? '' : 's'}`,
    `${totalSeconds.toFixed(1)} s`,
    `estimated ${usd(data.totalUsd)}${data.budgetUsd !== undefined ? ` of a ${usd(data.budgetUsd)} budget` : ''}`,
    ...(data.director ? [`director: ${data.director}`] : []),
  ].join('  ·  ');
  svg.push(`<text x="${GAP}" y="58" font-family="${FONT}" font-size="15" fill="#bbb">${esc(sub)}</text>`);
  // Tier legend.
  TIER_LABELS.forEach((label, t) => {
    const x = width - GAP - (4 - t) * 128;
    svg.push(`<rect x="${x}" y="46" width="12" height="12" rx="2" fill="${TIER_COLOURS[t]}"/><text x="${x + 17}" y="57" font-family="${FONT}" font-size="12" fill="#ccc">${label}</text>`);
  });
  svg.push(arcBand(data, width));

  const composites: sharp.OverlayOptions[] = [];
  await Promise.all(
    data.sections.map(async (s, i) => {
      const left = GAP + (i % cols) * (TILE_W + GAP);
      const top = gridTop + Math.floor(i / cols) * (THUMB_H + TEXT_H + GAP);
      const box = fitted(s.image);
      const thumb = await sharp(s.image.file, { failOn: 'error' }).rotate().resize(box.w, box.h, { fit: 'fill' }).removeAlpha().png().toBuffer();
      composites.push({ input: thumb, left: left + box.x, top: top + box.y });
      svg.push(`<rect x="${left - 0.5}" y="${top - 0.5}" width="${TILE_W + 1}" height="${THUMB_H + TEXT_H + 1}" fill="none" stroke="${TIER_COLOURS[s.tier]}" stroke-opacity="0.7" stroke-width="1.5"/>`);
      svg.push(motionOverlay(s, left, top));
      // Number and id, tier badge.
      const idLabel = `${i + 1}  ${s.id}`;
      svg.push(`<rect x="${left + 6}" y="${top + 6}" width="${Math.min(200, idLabel.length * 8 + 14)}" height="22" rx="4" fill="#000" fill-opacity="0.6"/>`);
      svg.push(`<text x="${left + 13}" y="${top + 22}" font-family="${FONT}" font-size="13" font-weight="bold" fill="#fff">${esc(idLabel.length > 24 ? `${idLabel.slice(0, 23)}…` : idLabel)}</text>`);
      const badge = TIER_LABELS[s.tier]!;
      const bw = badge.length * 7.6 + 16;
      svg.push(`<rect x="${left + TILE_W - bw - 6}" y="${top + 6}" width="${bw}" height="22" rx="11" fill="${TIER_COLOURS[s.tier]}"/>`);
      svg.push(`<text x="${left + TILE_W - bw / 2 - 6}" y="${top + 21.5}" text-anchor="middle" font-family="${FONT}" font-size="12.5" font-weight="bold" fill="#111">${badge}</text>`);
      // Text: duration, cost, move; role and intensity; reason.
      const ty = top + THUMB_H;
      svg.push(`<rect x="${left}" y="${ty}" width="${TILE_W}" height="${TEXT_H}" fill="#212329"/>`);
      svg.push(
        `<text x="${left + 10}" y="${ty + 21}" font-family="${FONT}" font-size="14.5" font-weight="bold" fill="#f2f2f2">${esc(`${s.seconds.toFixed(1)} s  ·  ${usd(s.costUsd)}  ·  ${s.motionLabel}`)}</text>`,
      );
      if (s.intensity !== undefined) {
        const barX = left + 10;
        svg.push(`<rect x="${barX}" y="${ty + 31}" width="70" height="7" rx="3" fill="#3a3d45"/><rect x="${barX}" y="${ty + 31}" width="${(70 * s.intensity).toFixed(1)}" height="7" rx="3" fill="#ff8a65"/>`);
        svg.push(`<text x="${barX + 77}" y="${ty + 39}" font-family="${FONT}" font-size="12" fill="#ccc">${esc(`${s.intensity.toFixed(2)}${s.role ? ` ${s.role}` : ''}`)}</text>`);
      }
      if (s.transition) {
        svg.push(`<text x="${left + TILE_W - 10}" y="${ty + 39}" text-anchor="end" font-family="${FONT}" font-size="12" fill="#ff8a65">${esc(`→ ${s.transition}`)}</text>`);
      }
      const reason = (s.reason ?? '').split(' -> ').slice(1).join(' -> ') || s.reason || '';
      wrapText(reason, 11.5, TILE_W - 20, 4).forEach((line, k) => {
        svg.push(`<text x="${left + 10}" y="${ty + 58 + k * 15}" font-family="${FONT}" font-size="11.5" fill="#9aa0aa">${esc(line)}</text>`);
      });
    }),
  );
  composites.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg.join('')}</svg>`), left: 0, top: 0 });
  return sharp({ create: { width, height, channels: 3, background: BG } })
    .composite(composites)
    .png({ compressionLevel: 7 })
    .toBuffer();
}

/** The storyboard of a loaded plan, as PNG bytes. */
export async function storyboardPng(loaded: LoadedPlan): Promise<Buffer> {
  return renderStoryboard(storyboardData(loaded));
}
