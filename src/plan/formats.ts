/** The output formats Stillmotion renders, one Remotion composition each. Pure module (browser + Node). */
import { StillmotionError } from '../errors';

export const FORMAT_IDS = ['16:9', '9:16', '1:1'] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

export interface OutputFormat {
  id: FormatId;
  /** Remotion composition id, as shown in Studio. */
  compositionId: 'Landscape' | 'Portrait' | 'Square';
  width: number;
  height: number;
  /** File-name suffix: `<name>-16x9.mp4`. */
  suffix: string;
}

export const OUTPUT_FORMATS: Record<FormatId, OutputFormat> = {
  '16:9': { id: '16:9', compositionId: 'Landscape', width: 1920, height: 1080, suffix: '16x9' },
  '9:16': { id: '9:16', compositionId: 'Portrait', width: 1080, height: 1920, suffix: '9x16' },
  '1:1': { id: '1:1', compositionId: 'Square', width: 1080, height: 1080, suffix: '1x1' },
};

/** Suffix of the audio-only composition of each format (`LandscapeSoundtrack` ...), used by segmented renders. */
export const SOUNDTRACK_SUFFIX = 'Soundtrack';

export function formatByCompositionId(compositionId: string): OutputFormat {
  const base = compositionId.endsWith(SOUNDTRACK_SUFFIX) ? compositionId.slice(0, -SOUNDTRACK_SUFFIX.length) : compositionId;
  const f = Object.values(OUTPUT_FORMATS).find((x) => x.compositionId === base);
  if (!f) throw new Error(`Unknown composition "${compositionId}" (expected Landscape, Portrait or Square)`);
  return f;
}

/** Parses `16:9,9:16` (also `16x9`, `landscape`) into format ids; throws with the offending token. */
export function parseFormatList(list: string): FormatId[] {
  const aliases: Record<string, FormatId> = {
    '16:9': '16:9', '16x9': '16:9', landscape: '16:9',
    '9:16': '9:16', '9x16': '9:16', portrait: '9:16',
    '1:1': '1:1', '1x1': '1:1', square: '1:1',
  };
  const out: FormatId[] = [];
  for (const raw of list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    const id = aliases[raw];
    if (!id) throw new Error(`unknown format "${raw}" (use 16:9, 9:16 or 1:1)`);
    if (!out.includes(id)) out.push(id);
  }
  if (!out.length) throw new Error('no format given (use 16:9, 9:16 or 1:1)');
  return out;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
/**
 * Output scales are whole multiples of 1 / SCALE_DIVISOR: the finest steps for which every format's
 * width and height times the scale is an even integer (H.264 in 4:2:0 needs even sizes, and
 * Remotion's encoder whole ones). gcd(1920, 1080) / 2 = 60: 32x18 px per step for 16:9.
 */
const SCALE_DIVISOR = Object.values(OUTPUT_FORMATS).reduce((g, f) => gcd(gcd(g, f.width), f.height), 0) / 2;
const MAX_SCALE = 4;

/** True when every format's size times `scale` is an even integer in floating point, as the encoder computes it. */
function evenForEveryFormat(scale: number): boolean {
  return Object.values(OUTPUT_FORMATS).every((f) => [f.width, f.height].every((side) => Number.isInteger(side * scale) && (side * scale) % 2 === 0));
}

/** Every scale in (0, MAX_SCALE] whose output sizes are even integers for every format, ascending. */
const EVEN_SCALES = Array.from({ length: MAX_SCALE * SCALE_DIVISOR }, (_, i) => (i + 1) / SCALE_DIVISOR).filter(evenForEveryFormat);

/**
 * The scale actually rendered for a requested one: the nearest multiple of 1 / SCALE_DIVISOR (at
 * least one step) whose sizes are even integers for every format, so 0.333 renders 640x360 instead
 * of failing on a 359.64 px height. The same for every renderer (Chromium, direct, Lambda) and
 * format. Throws (naming --scale) when the request is not a number in (0, MAX_SCALE].
 */
export function outputScale(requested: number): number {
  if (!(Number.isFinite(requested) && requested > 0 && requested <= MAX_SCALE)) {
    throw new StillmotionError(`--scale: must be > 0 and <= ${MAX_SCALE} (got ${requested})`);
  }
  // A few step counts (31, 62, 123-125) give a product like 992.0000000000001 in floating point:
  // of those that do not, take the nearest to the request.
  return EVEN_SCALES.reduce((best, scale) => (Math.abs(scale - requested) < Math.abs(best - requested) ? scale : best));
}

