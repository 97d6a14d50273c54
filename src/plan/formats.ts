/** The output formats Stillmotion renders, one Remotion composition each. Pure module (browser + Node). */
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
