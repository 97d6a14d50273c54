/**
 * Delivery loudness: the targets a finished mix is normalised to (EBU R128 / ITU-R BS.1770
 * integrated loudness and true peak). Pure module: the plan schema uses it in the browser too.
 *
 * YouTube plays loud video down to about -14 LUFS and TikTok/Reels expect about the same;
 * podcasts commonly aim at -16 LUFS, broadcast (EBU R128) at -23 LUFS. All keep the true peak at
 * or below -1 dBTP, which leaves room for the platforms' own re-encoding.
 */

export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** Highest true peak allowed, dBTP. */
  truePeak: number;
}

export const LOUDNESS_PRESETS = {
  youtube: { integrated: -14, truePeak: -1 },
  tiktok: { integrated: -14, truePeak: -1 },
  podcast: { integrated: -16, truePeak: -1 },
  broadcast: { integrated: -23, truePeak: -1 },
} as const satisfies Record<string, LoudnessTarget>;

export type LoudnessPreset = keyof typeof LOUDNESS_PRESETS;
/** `off` leaves the mix as it comes out of the renderer. */
export const LOUDNESS_OFF = 'off';
export const LOUDNESS_NAMES = [...(Object.keys(LOUDNESS_PRESETS) as LoudnessPreset[]), LOUDNESS_OFF] as const;
export type LoudnessName = LoudnessPreset | typeof LOUDNESS_OFF;
export const DEFAULT_LOUDNESS: LoudnessPreset = 'youtube';

/** The ranges ffmpeg's `loudnorm` accepts (its I and TP options). */
export const INTEGRATED_RANGE = { min: -70, max: -5 } as const;
export const TRUE_PEAK_RANGE = { min: -9, max: 0 } as const;

/** A preset name, `off`, or explicit numbers, as a plan or the CLI gives it. */
export type LoudnessSetting = LoudnessName | LoudnessTarget;

export function isLoudnessName(v: string): v is LoudnessName {
  return (LOUDNESS_NAMES as readonly string[]).includes(v);
}

/** The target a setting stands for; null for `off`. Undefined means the default preset. */
export function loudnessTarget(setting: LoudnessSetting | undefined): LoudnessTarget | null {
  const s = setting ?? DEFAULT_LOUDNESS;
  if (s === LOUDNESS_OFF) return null;
  if (typeof s === 'string') return { ...LOUDNESS_PRESETS[s] };
  return { integrated: s.integrated, truePeak: s.truePeak };
}

export function describeLoudnessTarget(t: LoudnessTarget): string {
  return `${t.integrated} LUFS, true peak <= ${t.truePeak} dBTP`;
}
