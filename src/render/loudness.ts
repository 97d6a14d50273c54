/**
 * The finished mix at its delivery loudness: the soundtrack a render joins with its video
 * (rendered once per video, with the ducking and fades already in it) is normalised as a whole
 * (src/audio/loudness-normalise.ts) and the result cached beside it, keyed by the target, so
 * every format sharing the soundtrack, later renders and previews reuse it.
 *
 * Beside the normalised file lie its segment record (`<file>.json`, checked before reuse like
 * any cached segment) and what the normalisation did (`<file>.loudness.json`): the measurements
 * and the filter, which a preview applies to its part of the soundtrack to get exactly the
 * samples the whole video has there.
 */
import { promises as fs } from 'node:fs';
import { contentHash } from '../cache/content-hash';
import { writeFileAtomic, produceAtomic } from '../fs/atomic-write';
import { normaliseLoudness, TOLERANCE_LU, type LoudnessMeasurement, type NormalisationMode } from '../audio/loudness-normalise';
import type { LoudnessTarget } from '../audio/loudness-target';
import { recordSegment } from './segments/segment-record';

export interface SoundtrackLoudness {
  target: LoudnessTarget;
  mode: NormalisationMode;
  /** The rendered mix, as measured before normalisation. */
  before: LoudnessMeasurement;
  /** The normalised file, measured. */
  after: LoudnessMeasurement;
  /** The filter that made it from the rendered soundtrack (null: silent, copied). */
  filter: string | null;
  /** Whether it meets the target (see loudness-normalise.ts). */
  met: boolean;
}

/** Bumped when the normalisation changes what it writes. */
const NORMALISER_VERSION = 'loudnorm-v1';

export function normalisedFileFor(soundtrack: string, target: LoudnessTarget): string {
  const key = contentHash(NORMALISER_VERSION, target.integrated, target.truePeak).slice(0, 16);
  return soundtrack.replace(/(\.[^./]+)?$/, `-loud-${key}.m4a`);
}

const infoFileFor = (file: string): string => `${file}.loudness.json`;

async function readInfo(file: string): Promise<SoundtrackLoudness | null> {
  try {
    const info = JSON.parse(await fs.readFile(infoFileFor(file), 'utf8')) as SoundtrackLoudness;
    // JSON has no -Infinity (silence): it was written as null.
    const m = (x: LoudnessMeasurement): LoudnessMeasurement => ({
      integrated: x.integrated ?? -Infinity,
      truePeak: x.truePeak ?? -Infinity,
      range: x.range ?? 0,
      threshold: x.threshold ?? -Infinity,
    });
    if (!info?.before || !info.after || typeof info.mode !== 'string') return null;
    return { ...info, before: m(info.before), after: m(info.after) };
  } catch {
    return null;
  }
}

/**
 * The soundtrack normalised to `target`: reused when `reusable` says the cached file is sound and
 * what was done to it is on record, otherwise normalised again (atomically: the file, its record
 * and its loudness record appear together or not at all).
 */
export async function normalisedSoundtrack(
  soundtrack: string,
  target: LoudnessTarget,
  o: { fps: number; seconds: number; reusable: (file: string, what: string) => Promise<boolean>; signal?: AbortSignal; onLog?: (m: string) => void },
): Promise<{ file: string; loudness: SoundtrackLoudness }> {
  const file = normalisedFileFor(soundtrack, target);
  if (await o.reusable(file, 'normalised soundtrack')) {
    const info = await readInfo(file);
    if (info) return { file, loudness: info };
  }
  const loudness = await produceAtomic(file, async (tmp) => {
    const r = await normaliseLoudness(soundtrack, tmp, target, { signal: o.signal, seconds: o.seconds });
    const info: SoundtrackLoudness = { target, mode: r.mode, before: r.input, after: r.output, filter: r.filter, met: r.met };
    await writeFileAtomic(infoFileFor(file), `${JSON.stringify(info)}\n`);
    await recordSegment(file, tmp, { frames: null, fps: o.fps, audioSeconds: o.seconds });
    return info;
  });
  if (!loudness.met) o.onLog?.(`warning: ${loudnessMissWarning(loudness.after, target)}`);
  return { file, loudness };
}

/** Said when the normaliser could not reach the target (see `met` in loudness-normalise.ts). */
export function loudnessMissWarning(after: LoudnessMeasurement, target: LoudnessTarget, what = 'the soundtrack'): string {
  return `${what} reached ${after.integrated.toFixed(1)} LUFS, ${after.truePeak.toFixed(1)} dBTP, not the target ${target.integrated} LUFS (+-${TOLERANCE_LU} LU) at <= ${target.truePeak} dBTP`;
}

/** A rendered file's audio as measured, and the target it was normalised to. */
export interface OutputLoudness {
  /** LUFS (-Infinity: silent). */
  integrated: number;
  /** dBTP. */
  truePeak: number;
  /** null: not normalised (`off`). */
  target: LoudnessTarget | null;
  /** How the target was reached (null: not normalised). */
  mode: NormalisationMode | null;
}

/** `loudness -14.1 LUFS, -1.3 dBTP (target -14 LUFS, <= -1 dBTP; static gain)`, for the render report. */
export function outputLoudnessText(l: OutputLoudness): string {
  const level = Number.isFinite(l.integrated) ? `${l.integrated.toFixed(1)} LUFS, ${l.truePeak.toFixed(1)} dBTP` : 'silent';
  if (!l.target) return `loudness ${level} (not normalised)`;
  const how = l.mode === 'linear' ? 'static gain' : l.mode === 'dynamic' ? 'loudnorm dynamic' : 'silent, left as is';
  return `loudness ${level} (target ${l.target.integrated} LUFS, <= ${l.target.truePeak} dBTP; ${how})`;
}
