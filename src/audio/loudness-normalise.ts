/**
 * Loudness measurement and normalisation with Remotion's bundled ffmpeg `loudnorm` filter
 * (EBU R128, two passes):
 *
 * 1. Measure: `loudnorm=print_format=json` over the whole file prints its integrated loudness,
 *    true peak, loudness range and gating threshold (as JSON on stderr).
 * 2. Apply: `loudnorm` again, given those measurements and `linear=true`. When the gain to the
 *    target keeps the true peak under its limit (and the loudness range under the LRA target,
 *    which is set to its maximum so it never decides), loudnorm applies one static gain: the
 *    mix's dynamics are untouched. Otherwise it silently falls back to its dynamic mode (a 3 s
 *    gain rider and a true-peak limiter at 192 kHz); the JSON it prints says which it used.
 *
 * Neither mode guarantees the result: the AAC encoder lets inter-sample peaks through a few
 * tenths of a dB above what loudnorm delivered, and dynamic mode can land short of the target
 * (a mix with loud transients). So the encoded result is measured, and while its true peak is
 * over the limit or its integrated loudness off by more than TOLERANCE_LU, pass 2 runs again
 * from the same input with the request corrected by the miss (at most MAX_PASSES times).
 */
import { promises as fs } from 'node:fs';
import { StillmotionError } from '../errors';
import { runFf } from '../media/ffmpeg';
import { ffprobe, firstLine } from '../media/ffprobe';
import { INTEGRATED_RANGE, TRUE_PEAK_RANGE, type LoudnessTarget } from './loudness-target';

export interface LoudnessMeasurement {
  /** Integrated loudness, LUFS (-Infinity for silence). */
  integrated: number;
  /** True peak, dBTP (-Infinity for digital silence). */
  truePeak: number;
  /** Loudness range, LU. */
  range: number;
  /** Relative gating threshold, LUFS. */
  threshold: number;
}

/** How far the integrated loudness may end from the target (the issue allows 1 LU; aim inside it). */
export const TOLERANCE_LU = 0.5;
const MAX_PASSES = 4;
/** Below this a file is silence: there is nothing to normalise (BS.1770's absolute gate). */
const SILENCE_LUFS = INTEGRATED_RANGE.min;
/** As Remotion encodes its soundtracks (libfdk_aac, 320 kb/s), so normalising costs no quality. */
const AAC_ARGS = ['-c:a', 'libfdk_aac', '-b:a', '320k'];
/** loudnorm's largest LRA target: the loudness range never forces dynamic mode. */
const MAX_LRA = 50;

/**
 * loudnorm reads its input in 3 s frames and leaves a last, partial one out of its measurement
 * (a 9.3 s mix measured 0.6 LU low). Three seconds of silence after the audio flush it; silence
 * is below the absolute gate, so it changes no measurement, and the output is cut back to length.
 */
const FLUSH = 'apad=pad_dur=3';

type LoudnormJson = Record<string, string>;

const num = (v: string | undefined): number => {
  if (v === undefined) return NaN;
  const t = v.trim();
  if (t === '-inf') return -Infinity;
  if (t === 'inf') return Infinity;
  return Number(t);
};

/** The JSON block loudnorm prints on stderr when the stream ends (the last `{...}`). */
export function parseLoudnormJson(stderr: string): LoudnormJson {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no measurements');
  return JSON.parse(stderr.slice(start, end + 1)) as LoudnormJson;
}

function measurementOf(json: LoudnormJson, side: 'input' | 'output'): LoudnessMeasurement {
  return {
    integrated: num(json[`${side}_i`]),
    truePeak: num(json[`${side}_tp`]),
    range: num(json[`${side}_lra`]),
    threshold: num(json[`${side}_thresh`]),
  };
}

const clamp = (v: number, r: { min: number; max: number }): number => Math.min(r.max, Math.max(r.min, v));
const fixed = (v: number): string => v.toFixed(2);

async function runLoudnorm(args: string[], what: string, signal?: AbortSignal): Promise<LoudnormJson> {
  const r = await runFf('ffmpeg', ['-hide_banner', '-nostats', '-nostdin', ...args], { signal });
  if (r.code !== 0) {
    const lines = r.stderr.trim().split('\n');
    throw new StillmotionError(`${what} (ffmpeg exit ${r.code}): ${lines.slice(-2).join(' ')}`);
  }
  try {
    return parseLoudnormJson(r.stderr);
  } catch (err) {
    throw new StillmotionError(`${what}: ${(err as Error).message}`);
  }
}

/** Integrated loudness and true peak of a file's first audio stream (loudnorm's first pass). */
export async function measureLoudness(file: string, signal?: AbortSignal): Promise<LoudnessMeasurement> {
  const json = await runLoudnorm(['-i', file, '-map', '0:a:0', '-vn', '-af', `${FLUSH},loudnorm=print_format=json`, '-f', 'null', '-'], `could not measure the loudness of ${file}`, signal);
  return measurementOf(json, 'input');
}

export type NormalisationMode = 'linear' | 'dynamic' | 'silent';

export interface NormaliseResult {
  /** The input as measured by pass 1. */
  input: LoudnessMeasurement;
  /** The written file, measured. */
  output: LoudnessMeasurement;
  /** linear: one static gain; dynamic: loudnorm's gain rider and limiter; silent: copied as it was. */
  mode: NormalisationMode;
  /**
   * The audio filter that turned the input into the output (null when copied): applying it to the
   * same input again gives the same samples, e.g. for a part of it (see `encodeNormalised`).
   */
  filter: string | null;
  /** Pass-2 runs it took. */
  passes: number;
  /** Whether the output meets the target (true peak at most the limit, integrated within TOLERANCE_LU). */
  met: boolean;
}

function passTwoFilter(input: LoudnessMeasurement, offset: number, ask: LoudnessTarget, facts: AudioStreamFacts): string {
  return [
    `${FLUSH},loudnorm=I=${fixed(ask.integrated)}:TP=${fixed(ask.truePeak)}:LRA=${MAX_LRA}`,
    `measured_I=${fixed(input.integrated)}:measured_TP=${fixed(input.truePeak)}:measured_LRA=${fixed(input.range)}:measured_thresh=${fixed(input.threshold)}`,
    `offset=${fixed(offset)}:linear=true:print_format=json`,
    // Dynamic mode works (and outputs) at 192 kHz: back to the input's rate. It also pads its
    // last 100 ms frame: cut back to the input's length.
  ].join(':') + `,aresample=${facts.sampleRate},atrim=end_sample=${Math.round(facts.seconds * facts.sampleRate)}`;
}

interface AudioStreamFacts {
  sampleRate: number;
  seconds: number;
}

async function audioFactsOf(file: string): Promise<AudioStreamFacts> {
  const probe = await ffprobe(file);
  const stream = probe.ok ? probe.info.streams?.find((s) => s.codec_type === 'audio') : undefined;
  const sampleRate = Number(stream?.sample_rate);
  const seconds = Number(stream?.duration ?? (probe.ok ? probe.info.format?.duration : undefined));
  if (!(sampleRate > 0 && seconds > 0)) throw new StillmotionError(`${file}: no audio stream to normalise${probe.ok ? '' : ` (${probe.reason})`}`);
  return { sampleRate, seconds };
}

/** Encodes `input` through `filter` to an AAC file (MP4 container) at `output`; returns loudnorm's JSON. */
async function encodeThrough(input: string, output: string, filter: string, signal?: AbortSignal): Promise<LoudnormJson> {
  return runLoudnorm(['-i', input, '-map', '0:a:0', '-vn', '-af', filter, ...AAC_ARGS, '-f', 'mp4', '-y', output], `could not normalise the loudness of ${input}`, signal);
}

/**
 * Normalises the loudness of `input` (any audio ffmpeg reads) to `target`, writing AAC in an MP4
 * container to `output` (which the caller makes atomic). The output's true peak never ends above
 * the limit unless MAX_PASSES corrections could not get it there (then `met` is false).
 */
export async function normaliseLoudness(
  input: string,
  output: string,
  target: LoudnessTarget,
  opts: { signal?: AbortSignal; /** Length of the output (default: the input's). */ seconds?: number } = {},
): Promise<NormaliseResult> {
  const facts = await audioFactsOf(input);
  if (opts.seconds !== undefined) facts.seconds = opts.seconds;
  const first = await runLoudnorm(
    ['-i', input, '-map', '0:a:0', '-vn', '-af', `${FLUSH},loudnorm=I=${fixed(target.integrated)}:TP=${fixed(target.truePeak)}:LRA=${MAX_LRA}:print_format=json`, '-f', 'null', '-'],
    `could not measure the loudness of ${input}`,
    opts.signal,
  );
  const measured = measurementOf(first, 'input');
  if (!(measured.integrated > SILENCE_LUFS)) {
    // Silence (or nothing above the absolute gate): any gain would be noise or infinite.
    await fs.copyFile(input, output);
    return { input: measured, output: measured, mode: 'silent', filter: null, passes: 0, met: true };
  }
  const offset = num(first.target_offset);
  const ask: LoudnessTarget = { ...target };
  let best: NormaliseResult | null = null;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const filter = passTwoFilter(measured, Number.isFinite(offset) ? offset : 0, ask, facts);
    const json = await encodeThrough(input, output, filter, opts.signal);
    const out = await measureLoudness(output, opts.signal);
    const peakOver = out.truePeak - target.truePeak;
    const miss = out.integrated - target.integrated;
    const met = peakOver <= 0 && Math.abs(miss) <= TOLERANCE_LU;
    const result: NormaliseResult = { input: measured, output: out, mode: json.normalization_type === 'linear' ? 'linear' : 'dynamic', filter, passes: pass, met };
    if (met) return result;
    // The best so far: within the peak limit first, then closest to the target loudness.
    const score = (r: NormaliseResult): number => Math.max(0, r.output.truePeak - target.truePeak) * 100 + Math.abs(r.output.integrated - target.integrated);
    if (!best || score(result) < score(best)) best = result;
    if (peakOver > 0) ask.truePeak = clamp(ask.truePeak - peakOver - 0.1, TRUE_PEAK_RANGE);
    if (Math.abs(miss) > TOLERANCE_LU) ask.integrated = clamp(ask.integrated - miss, INTEGRATED_RANGE);
  }
  // Write the best attempt again (the file holds the last one).
  const chosen = best!;
  if (chosen.passes !== MAX_PASSES) await encodeThrough(input, output, chosen.filter!, opts.signal);
  return chosen;
}

/**
 * Applies a filter `normaliseLoudness` chose to the same input, keeping only the samples from
 * `fromSeconds` for `seconds` (a preview's part of the soundtrack): the same samples the whole
 * normalised file has there, encoded as AAC into an MP4 at `output`. With `video`, its video
 * stream is copied in beside the audio.
 */
export async function encodeNormalisedPart(
  input: string,
  output: string,
  filter: string | null,
  part: { fromSeconds: number; seconds: number; video?: string },
  signal?: AbortSignal,
): Promise<void> {
  const { sampleRate } = await audioFactsOf(input);
  const from = Math.round(part.fromSeconds * sampleRate);
  const to = from + Math.round(part.seconds * sampleRate);
  const chain = [filter, `atrim=start_sample=${from}:end_sample=${to}`, 'asetpts=PTS-STARTPTS'].filter(Boolean).join(',');
  const args = ['-hide_banner', '-nostats', '-nostdin', '-loglevel', 'error'];
  if (part.video) args.push('-i', part.video);
  args.push('-i', input);
  if (part.video) args.push('-map', '0:v:0', '-c:v', 'copy', '-map', '1:a:0');
  else args.push('-map', '0:a:0', '-vn');
  args.push('-af', chain, ...AAC_ARGS, '-movflags', '+faststart', '-f', 'mp4', '-y', output);
  const r = await runFf('ffmpeg', args, { signal });
  if (r.code !== 0) throw new StillmotionError(`could not write the normalised audio of ${output} (ffmpeg exit ${r.code}): ${firstLine(r.stderr)}`);
}
